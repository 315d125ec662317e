//! Many store nodes over NATS JetStream: state machine replication over one replicated log.
//!
//! Every command is published to the stream `SALE` (3 replicas, on disk). Every node reads the
//! whole stream in order through an ordered consumer and applies it to its own replica of the
//! deterministic store; a node answers a command once its replica has applied it, so the
//! answer is what every replica computes. Reads are answered from the local replica at the
//! time of the last entry applied: store time travels in the log, never in a node's clock.
//! A node that starts late or restarts replays the stream from its first entry.
//!
//! A node publishes the commands it takes in batches: one stream message holds every command
//! that arrived while the node's earlier message was being stored or since it left (a node
//! publishes at most one message every 15 ms), in the order they arrived, and every replica
//! applies a message's commands in that order. The stream's order
//! stays total (messages in stream order, commands in message order), each command still
//! carries the time it was accepted at, and each is still answered only once this node's
//! replica has applied it. Batching pays the quorum write and each replica's read of the
//! stream once per message instead of once per command.
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull::OrderedConfig, stream};
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use store_contract::{codes, ApiError, StoreRequest, StoreResponse};
use tokio::sync::{mpsc, oneshot, watch};

use crate::node::real_now;
use crate::replica::{Call, Entry, Replica};

pub const STREAM: &str = "SALE";
const SUBJECT: &str = "sale.log";
/// How long a command may wait for its entry to come back applied before the shopper is told
/// to try again (a retry with the same idempotency key gets the first answer).
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// A starting node serves once it is within this many messages of the stream's end.
const CLOSE_ENOUGH: u64 = 16;
/// A node that has seen no entry for this long publishes a tick, so reads see time pass.
pub const TICK_AFTER_MS: f64 = 100.0;

/// Commands in one stream message at most (with [`BATCH_BYTES`]).
const BATCH_COMMANDS: usize = 512;
/// A message's size at most, well under NATS's 1 MB default `max_payload`.
const BATCH_BYTES: usize = 256 * 1024;
/// Messages a node has published and not yet seen acknowledged: more commands wait for the
/// next message, which is what makes the batches grow with the load (group commit).
const MESSAGES_IN_FLIGHT: usize = 1;
/// A node publishes a message at most this often: a command that comes when the node's last
/// message left longer ago than this goes at once (with whatever else is waiting), and one that
/// comes sooner waits until this long after it, with every command that arrives meanwhile.
/// An acknowledgement on loopback comes back in well under a millisecond, so without a wait a
/// `make load` run's messages held 1.3 commands on average and the nats-servers spent as much
/// as with one command a message. The wait was first a linger of 5 ms after each message's
/// first command (about 27 joins a message in `make load`, and 5 ms more for every lone
/// command); in `make load --runs three` back to back on a busy machine, this spacing gave 56
/// joins a message with 10 ms and 70 with 15 or 20 ms (20 ms no better than 15), and the
/// sale's checkouts (few, spread out) had a p50 of 2.3-3.4 ms against 29 ms with a 12 ms
/// linger, since a lone command no longer waits.
const MESSAGE_EVERY: Duration = Duration::from_millis(15);

/// One message of the stream: entries in the order they apply, each with the call of the node
/// that published them, to hand back its answer.
#[derive(Serialize, Deserialize)]
struct Published {
    /// The publishing node's name (none on the opening).
    from: Option<String>,
    entries: Vec<(Option<u64>, Entry)>,
}

/// The calls of this node waiting for their answer (or for why it will not come).
type Waiting = HashMap<u64, oneshot::Sender<Result<StoreResponse, String>>>;

/// An entry on its way to the stream: a command with the call waiting for its answer, or an
/// entry no call waits for (a tick) with whom to tell once the stream has stored it.
struct Outgoing {
    entry: Entry,
    waiter: Waiter,
}

enum Waiter {
    /// A call, answered by the apply loop (or told by the publisher why it will not be).
    Call(u64),
    /// Told when the stream acknowledged the message that holds the entry, or why it did not.
    Stored(oneshot::Sender<Result<(), String>>),
}

pub struct Cluster {
    replica: Arc<Mutex<Option<Replica>>>,
    calls: AtomicU64,
    waiting: Arc<Mutex<Waiting>>,
    /// This node's commands on their way to the stream (see [`publish_batches`]).
    outgoing: mpsc::UnboundedSender<Outgoing>,
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
    /// Connects to NATS (`urls`, comma-separated) as the user in the `credentials` file (see
    /// [`crate::nats::Credentials`]), creates the stream if need be, opens the store on it if it
    /// is new, and returns once this node has replayed the stream so far.
    pub async fn join(
        urls: &str,
        credentials: &Path,
        catalog: &str,
        demo: bool,
    ) -> Result<Cluster, String> {
        let client = crate::nats::connect(urls, credentials).await?;
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
        let (mut log, last) = loop {
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
                entries: vec![(
                    None,
                    Entry::Open {
                        at_ms: real_now(),
                        secret,
                        catalog: catalog.into(),
                        demo,
                    },
                )],
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
                    // Only the node that published a message has calls waiting for its answers.
                    let mine = published.from.as_deref() == Some(name.as_str());
                    let mut answers = Vec::new();
                    {
                        let mut replica = replica.lock().expect("the store's lock");
                        for (call, entry) in published.entries {
                            let answer = match replica.as_mut() {
                                None => match Replica::open(&entry) {
                                    Ok(opened) => {
                                        *replica = Some(opened);
                                        None
                                    }
                                    Err(problem) => {
                                        eprintln!("store-server: entry {sequence}: {problem}");
                                        None
                                    }
                                },
                                Some(replica) => replica.apply(entry),
                            };
                            if let (true, Some(answer), Some(call)) = (mine, answer, call) {
                                answers.push((call, answer));
                            }
                        }
                    }
                    if mine {
                        let mut waiting = waiting.lock().expect("the waiting lock");
                        for (call, answer) in answers {
                            if let Some(waiter) = waiting.remove(&call) {
                                let _ = waiter.send(Ok(answer));
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
        // The stream grew while this node replayed it: catch up with its end again (a few
        // times at most), so a node that has just started does not answer reads from far
        // behind the others.
        for _ in 0..5 {
            let Ok(info) = log.info().await else { break };
            let end = info.state.last_sequence;
            if end <= *caught_up.borrow() + CLOSE_ENOUGH {
                break;
            }
            caught_up
                .wait_for(|&s| s >= end)
                .await
                .map_err(|_| "the stream stopped before this node caught up".to_string())?;
        }
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
            "store-server: replayed {} stream messages in {} ms",
            *caught_up.borrow(),
            started.elapsed().as_millis()
        );
        let (outgoing, commands) = mpsc::unbounded_channel();
        tokio::spawn(publish_batches(jetstream, name, commands, waiting.clone()));
        Ok(Cluster {
            replica,
            calls: AtomicU64::new(0),
            waiting,
            outgoing,
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

    /// Publishes one entry that no call waits for (a tick) through this node's publisher, the
    /// one path to the stream, and returns once the stream has stored it.
    async fn publish(&self, entry: Entry) -> Result<(), String> {
        let (stored, told) = oneshot::channel();
        self.outgoing
            .send(Outgoing {
                entry,
                waiter: Waiter::Stored(stored),
            })
            .map_err(|_| "the publisher stopped".to_string())?;
        told.await
            .unwrap_or_else(|_| Err("the publisher stopped".to_string()))
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
                        let _ = self.publish(Entry::Tick { at_ms }).await;
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
        let outgoing = Outgoing {
            entry,
            waiter: Waiter::Call(call),
        };
        let outcome = if self.outgoing.send(outgoing).is_ok() {
            match tokio::time::timeout(ANSWER_WITHIN, answer).await {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(_)) => Err("its publisher stopped".to_string()),
                Err(_) => Err("its answer did not come back in time".to_string()),
            }
        } else {
            Err("its publisher stopped".to_string())
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
            if let Err(problem) = self.publish(Entry::Tick { at_ms: now }).await {
                eprintln!("store-server: a tick was not published: {problem}");
            }
        }
    }
}

/// About how many bytes an entry takes in a message (JSON may escape a body's quotes).
fn size_of(entry: &Entry) -> usize {
    let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    match entry {
        Entry::Call { call, .. } => {
            128 + call.path.len()
                + text(&call.session)
                + text(&call.idempotency_key)
                + 2 * text(&call.body)
        }
        Entry::Open { catalog, .. } => 256 + 2 * catalog.len(),
        Entry::Tick { .. } => 64,
    }
}

/// Publishes this node's commands in batches, in the order they arrived: each message takes
/// every command waiting or arriving until [`MESSAGE_EVERY`] after the node's previous message
/// (up to [`BATCH_COMMANDS`] and [`BATCH_BYTES`]), and at most [`MESSAGES_IN_FLIGHT`] messages
/// wait for their acknowledgement, so under load the commands that arrive meanwhile go
/// together in the next.
/// The messages go out one after another on the one connection, so the stream holds them in
/// the order they were published; when one is refused or its acknowledgement fails, its calls
/// are told at once (a retry with the same idempotency key gets the first answer, should the
/// stream hold it after all). A command is answered by the apply loop, once this node's replica
/// has read it back from the stream: a replicated stream gives its consumers only what a quorum
/// of its replicas has stored.
async fn publish_batches(
    jetstream: jetstream::Context,
    name: String,
    mut commands: mpsc::UnboundedReceiver<Outgoing>,
    waiting: Arc<Mutex<Waiting>>,
) {
    let fail = |calls: &[u64], problem: &str| {
        let mut waiting = waiting.lock().expect("the waiting lock");
        for call in calls {
            if let Some(waiter) = waiting.remove(call) {
                let _ = waiter.send(Err(problem.to_string()));
            }
        }
    };
    let mut in_flight = FuturesUnordered::new();
    let mut last_sent = tokio::time::Instant::now();
    loop {
        while in_flight.len() >= MESSAGES_IN_FLIGHT {
            in_flight.next().await;
        }
        let first = tokio::select! {
            next = commands.recv() => match next {
                Some(first) => first,
                None => break,
            },
            Some(()) = in_flight.next(), if !in_flight.is_empty() => continue,
        };
        let mut bytes = 0;
        let mut calls = Vec::new();
        let mut stored = Vec::new();
        let mut entries = Vec::new();
        let mut take = |next: Outgoing| {
            bytes += size_of(&next.entry);
            let call = match next.waiter {
                Waiter::Call(call) => {
                    calls.push(call);
                    Some(call)
                }
                Waiter::Stored(told) => {
                    stored.push(told);
                    None
                }
            };
            entries.push((call, next.entry));
            bytes
        };
        let mut size = take(first);
        // Already due when the previous message left long enough ago: then only the commands
        // waiting now go with this one.
        let linger = tokio::time::sleep_until(last_sent + MESSAGE_EVERY);
        tokio::pin!(linger);
        let mut count = 1;
        while count < BATCH_COMMANDS && size < BATCH_BYTES {
            let next = match commands.try_recv() {
                Ok(next) => next,
                Err(_) => tokio::select! {
                    next = commands.recv() => match next {
                        Some(next) => next,
                        None => break,
                    },
                    () = &mut linger => break,
                },
            };
            size = take(next);
            count += 1;
        }
        let published = Published {
            from: Some(name.clone()),
            entries,
        };
        let payload = serde_json::to_vec(&published).expect("entries serialise");
        let told = |stored: Vec<oneshot::Sender<Result<(), String>>>,
                    outcome: Result<(), String>| {
            for told in stored {
                let _ = told.send(outcome.clone());
            }
        };
        last_sent = tokio::time::Instant::now();
        match jetstream.publish(SUBJECT, payload.into()).await {
            Ok(ack) => {
                let fail = &fail;
                in_flight.push(async move {
                    match ack.await {
                        Ok(_) => told(stored, Ok(())),
                        Err(problem) => {
                            let problem = problem.to_string();
                            fail(&calls, &problem);
                            told(stored, Err(problem));
                        }
                    }
                });
            }
            Err(problem) => {
                let problem = problem.to_string();
                fail(&calls, &problem);
                told(stored, Err(problem));
            }
        }
    }
    while in_flight.next().await.is_some() {}
}
