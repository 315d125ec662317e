//! Many store nodes over NATS JetStream: state machine replication over one replicated log.
//!
//! Every command is published to the stream `SALE` (3 replicas, on disk). Every node reads the
//! whole stream in order through an ordered consumer and applies it to its own replica of the
//! deterministic store; a node answers a command once its replica has applied it, so the
//! answer is what every replica computes. Reads are answered from the local replica at the
//! time of the last entry applied: store time travels in the log, never in a node's clock.
//! A node that starts late or restarts replays the stream from its first entry.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull::OrderedConfig, stream};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use store_contract::{codes, ApiError, StoreRequest, StoreResponse};
use tokio::sync::{oneshot, watch};

use crate::node::real_now;
use crate::replica::{Call, Entry, Replica};

pub const STREAM: &str = "SALE";
const SUBJECT: &str = "sale.log";
/// How long a command may wait for its entry to come back applied before the shopper is told
/// to try again (a retry with the same idempotency key gets the first answer).
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// A node that has seen no entry for this long publishes a tick, so reads see time pass.
pub const TICK_AFTER_MS: f64 = 100.0;

/// One entry of the stream, with the node and call that published it (to hand back its answer).
#[derive(Serialize, Deserialize)]
struct Published {
    from: Option<(String, u64)>,
    entry: Entry,
}

type Waiting = HashMap<u64, oneshot::Sender<StoreResponse>>;

pub struct Cluster {
    replica: Arc<Mutex<Option<Replica>>>,
    jetstream: jetstream::Context,
    /// This node's name on the entries it publishes: random, so a restart is a new publisher.
    name: String,
    calls: AtomicU64,
    waiting: Arc<Mutex<Waiting>>,
    /// The stream sequence applied so far.
    applied: watch::Receiver<u64>,
}

fn unavailable(why: &str) -> StoreResponse {
    let error = ApiError::new(503, codes::UNAVAILABLE, why).retry_after(1_000);
    StoreResponse {
        status: 503,
        retry_after_ms: error.retry_after_ms,
        body: serde_json::to_string(&error).expect("errors serialise"),
    }
}

impl Cluster {
    /// Connects to NATS (`urls`, comma-separated), creates the stream if need be, opens the
    /// store on it if it is new, and returns once this node has replayed the stream so far.
    pub async fn join(urls: &str, catalog: &str, demo: bool) -> Result<Cluster, String> {
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(urls.split(',').collect::<Vec<_>>())
            .await
            .map_err(|e| format!("cannot reach NATS at {urls}: {e}"))?;
        let jetstream = jetstream::new(client);
        let config = stream::Config {
            name: STREAM.into(),
            subjects: vec![SUBJECT.into()],
            num_replicas: 3,
            storage: stream::StorageType::File,
            ..Default::default()
        };
        // A cluster that has just started elects its JetStream leader first, and a stream
        // another node has just created may not be readable for a moment: keep asking.
        let asking = Instant::now();
        let (log, last) = loop {
            let attempt = async {
                let mut log = jetstream.get_or_create_stream(config.clone()).await?;
                let last = log.info().await?.state.last_sequence;
                Ok::<_, async_nats::Error>((log, last))
            };
            match attempt.await {
                Ok(found) => break found,
                Err(problem) if asking.elapsed() < Duration::from_secs(30) => {
                    eprintln!("store-server: waiting for JetStream ({problem})");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(problem) => return Err(format!("cannot open the stream {STREAM}: {problem}")),
            }
        };
        let last = if last == 0 {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .map_err(|e| format!("no cryptographic randomness: {e}"))?;
            let opening = Published {
                from: None,
                entry: Entry::Open {
                    at_ms: real_now(),
                    secret,
                    catalog: catalog.into(),
                    demo,
                },
            };
            // Only the first node to get here opens the store: the stream must still be empty.
            let publish = jetstream::message::PublishMessage::build()
                .payload(
                    serde_json::to_vec(&opening)
                        .expect("entries serialise")
                        .into(),
                )
                .expected_last_sequence(0);
            if let Ok(ack) = jetstream.send_publish(SUBJECT, publish).await {
                let _ = ack.await;
            }
            1
        } else {
            last
        };
        let mut messages = loop {
            let attempt = async {
                let consumer = log
                    .create_consumer(OrderedConfig {
                        deliver_policy: jetstream::consumer::DeliverPolicy::All,
                        ..Default::default()
                    })
                    .await?;
                Ok::<_, async_nats::Error>(consumer.messages().await?)
            };
            match attempt.await {
                Ok(messages) => break messages,
                Err(problem) if asking.elapsed() < Duration::from_secs(30) => {
                    eprintln!("store-server: waiting for JetStream ({problem})");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(problem) => return Err(format!("cannot read the stream {STREAM}: {problem}")),
            }
        };

        let name = {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        let replica: Arc<Mutex<Option<Replica>>> = Arc::default();
        let waiting: Arc<Mutex<Waiting>> = Arc::default();
        let (tell, applied) = watch::channel(0u64);
        let started = Instant::now();
        {
            let (replica, waiting, name) = (replica.clone(), waiting.clone(), name.clone());
            tokio::spawn(async move {
                while let Some(message) = messages.next().await {
                    let message = match message {
                        Ok(message) => message,
                        Err(problem) => {
                            // The ordered consumer recreates itself after a lost server.
                            eprintln!("store-server: reading the stream: {problem}");
                            continue;
                        }
                    };
                    let sequence = message.info().map_or(0, |i| i.stream_sequence);
                    let published: Published = match serde_json::from_slice(&message.payload) {
                        Ok(published) => published,
                        Err(problem) => {
                            eprintln!("store-server: entry {sequence} is unreadable: {problem}");
                            continue;
                        }
                    };
                    let answer = {
                        let mut replica = replica.lock().expect("the store's lock");
                        match replica.as_mut() {
                            None => match Replica::open(&published.entry) {
                                Ok(opened) => {
                                    *replica = Some(opened);
                                    None
                                }
                                Err(problem) => {
                                    eprintln!("store-server: entry {sequence}: {problem}");
                                    None
                                }
                            },
                            Some(replica) => replica.apply(&published.entry),
                        }
                    };
                    if let (Some(answer), Some((from, call))) = (answer, published.from) {
                        if from == name {
                            if let Some(waiter) =
                                waiting.lock().expect("the waiting lock").remove(&call)
                            {
                                let _ = waiter.send(answer);
                            }
                        }
                    }
                    tell.send_replace(sequence);
                }
            });
        }
        let mut caught_up = applied.clone();
        caught_up
            .wait_for(|&s| s >= last)
            .await
            .map_err(|_| "the stream stopped before this node caught up".to_string())?;
        let demo_was = replica
            .lock()
            .expect("the store's lock")
            .as_ref()
            .map(|r| r.demo);
        if demo_was != Some(demo) {
            return Err(format!(
                "the stream {STREAM} holds a store started {} --demo; start every node the same way",
                if demo { "without" } else { "with" }
            ));
        }
        eprintln!(
            "store-server: replayed {last} stream entries in {} ms",
            started.elapsed().as_millis()
        );
        Ok(Cluster {
            replica,
            jetstream,
            name,
            calls: AtomicU64::new(0),
            waiting,
            applied,
        })
    }

    pub fn demo(&self) -> bool {
        self.replica
            .lock()
            .expect("the store's lock")
            .as_ref()
            .is_some_and(|r| r.demo)
    }

    /// The stream sequence this node has applied.
    pub fn applied(&self) -> u64 {
        *self.applied.borrow()
    }

    async fn publish(&self, entry: Entry, call: Option<u64>) -> Result<(), String> {
        let published = Published {
            from: call.map(|c| (self.name.clone(), c)),
            entry,
        };
        let payload = serde_json::to_vec(&published).expect("entries serialise");
        let ack = self
            .jetstream
            .publish(SUBJECT, payload.into())
            .await
            .map_err(|e| e.to_string())?;
        ack.await.map(drop).map_err(|e| e.to_string())
    }

    /// A command once the stream holds it and this node has applied it; a read from this node.
    pub async fn answer(&self, request: &StoreRequest) -> StoreResponse {
        if !request.method.changes_state() {
            let read = {
                let mut replica = self.replica.lock().expect("the store's lock");
                replica.as_mut().map(|r| {
                    let at = r.at_ms();
                    r.read(request, at)
                })
            };
            return match read {
                // At the last entry's time everything due has settled, so a read changes
                // nothing; if one ever did, a tick makes every replica change the same way.
                Some((response, changed)) => {
                    if changed {
                        let at_ms = self.replica_time();
                        let _ = self.publish(Entry::Tick { at_ms }, None).await;
                    }
                    response
                }
                None => unavailable("The store is still opening."),
            };
        }
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let (answered, answer) = oneshot::channel();
        self.waiting
            .lock()
            .expect("the waiting lock")
            .insert(call, answered);
        let entry = Entry::Call {
            at_ms: real_now(),
            call: Call::from(request),
        };
        let outcome = match self.publish(entry, Some(call)).await {
            Ok(()) => tokio::time::timeout(ANSWER_WITHIN, answer)
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or("its answer did not come back in time".to_string()),
            Err(problem) => Err(problem),
        };
        self.waiting.lock().expect("the waiting lock").remove(&call);
        outcome.unwrap_or_else(|problem| {
            eprintln!("store-server: a command was not confirmed: {problem}");
            unavailable("The store could not confirm this in time. Try again: a retry is safe.")
        })
    }

    fn replica_time(&self) -> f64 {
        self.replica
            .lock()
            .expect("the store's lock")
            .as_ref()
            .map_or(0.0, Replica::at_ms)
    }

    /// Publishes a tick when the stream has been quiet, so payments settle and reads move on.
    pub async fn advance(&self) {
        let now = real_now();
        if now - self.replica_time() > TICK_AFTER_MS {
            if let Err(problem) = self.publish(Entry::Tick { at_ms: now }, None).await {
                eprintln!("store-server: a tick was not published: {problem}");
            }
        }
    }
}
