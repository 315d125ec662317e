//! Many store nodes over NATS JetStream: state machine replication over one replicated log.
//!
//! Every command is published to the stream `SALE` (3 replicas, on disk). Every node reads the
//! whole stream in order through a pull consumer of its own and applies it to its own replica
//! of the deterministic store; a node answers a command once its replica has applied it, so
//! the answer is what every replica computes. Reads are answered from the local replica at the
//! time of the last entry applied (store time travels in the log, never in a node's clock),
//! and only while that entry is recent: a node that was stopped or cut off says it is behind
//! rather than answer from what may no longer be so.
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
//!
//! What a node decides lives in [`replication`], without NATS: what goes in each message and
//! when, what to do when a message is not acknowledged, and what each message read back means
//! for the replica and for this node's waiting calls. The tasks in `reading` (the stream into
//! the replica) and `publishing` (this node's entries into the stream) move bytes between it
//! and NATS, and the seeded simulation drives the same code under faults. This file joins the
//! cluster and answers calls.
//!
//! Through the loss of any one server a node keeps answering. A nats-server that dies takes
//! with it the consumers on it and the connections to it: a node notices within a second (two
//! missed heartbeats; its client reconnects to another server at once), reads on from any
//! other server of the stream message by message while a new consumer is made from the last
//! sequence it applied, and sends again, with the same id, any message whose acknowledgement
//! did not come. The stream's leader's death stops every commit until Raft elects another
//! (seconds): commands wait that long, or are told to try again after [`ANSWER_WITHIN`]. A
//! store node's death costs the others nothing.
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};
use store_contract::{ApiError, ErrorCode, StoreRequest, StoreResponse};
use tokio::sync::{mpsc, oneshot, watch};

use crate::node::real_now;
use crate::replica::{Call, Entry, Replica};
use publishing::{publish, Awaiting, Outgoing, SUBJECT};
use reading::{read, reader, Reading, Waiting};
use replication::{Applier, Point, Publisher, ANSWER_WITHIN};
use snapshots::{Shared, Taking};

mod publishing;
mod reading;
pub mod replication;
pub mod snapshots;

pub const STREAM: &str = "SALE";
/// How long the stream remembers a message's id: a copy sent again within this long of the
/// first is dropped. A node sends a message again for at most [`ANSWER_WITHIN`], well inside.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);
const _: () = assert!(ANSWER_WITHIN.as_secs() * 4 <= DUPLICATE_WINDOW.as_secs());
/// How long a JetStream request (a publish's acknowledgement, a new consumer) may take before
/// it counts as failed and is made again: on loopback they take well under a millisecond, and
/// one that went to a server as it died, or to a group electing its leader, is never answered.
const JETSTREAM_WITHIN: Duration = Duration::from_secs(1);
/// A starting node serves once it is within this many messages of the stream's end.
const CLOSE_ENOUGH: u64 = 16;
/// A node that has seen no entry for this long publishes a tick, so reads see time pass.
pub const TICK_AFTER_MS: f64 = 100.0;
/// A node whose last applied entry is older than this (by its own clock) does not answer
/// reads: with a tick every [`TICK_AFTER_MS`] of quiet, a current replica is never this far
/// behind, so the node was stopped, cut off or is replaying, and what it holds may no longer
/// be so. It answers again once it has caught up; a command is always answered after its own
/// entry is applied, so it needs no such check. The stream's leader's loss stops every entry,
/// ticks too, and reads wait for the new leader with the commands.
pub const STALE_AFTER_MS: f64 = 2_000.0;

pub struct Cluster {
    applier: Arc<Mutex<Applier>>,
    calls: AtomicU64,
    waiting: Arc<Mutex<Waiting>>,
    /// This node's commands on their way to the stream (see [`publishing::publish`]).
    outgoing: mpsc::UnboundedSender<Outgoing>,
    /// The stream sequence applied so far.
    applied: watch::Receiver<u64>,
}

fn unavailable(why: &str) -> StoreResponse {
    let error = ApiError::new(503, ErrorCode::Unavailable, why).retry_after(1_000);
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
        let jetstream = jetstream::ContextBuilder::new()
            .timeout(JETSTREAM_WITHIN)
            .build(client);
        let config = stream::Config {
            name: STREAM.into(),
            subjects: vec![SUBJECT.into()],
            num_replicas: 3,
            storage: stream::StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            // Any server of the stream answers a read of one message (a node between consumers
            // reads so), not only its leader.
            allow_direct: true,
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
            let opening = replication::opening(Entry::Open {
                at_ms: real_now(),
                secret,
                catalog: catalog.into(),
                demo,
            });
            // Only the first node to get here opens the store: the stream must still be empty.
            let publish = jetstream::message::PublishMessage::build()
                .payload(opening)
                .expected_last_sequence(0);
            if let Ok(ack) = jetstream.send_publish(SUBJECT, publish).await {
                let _ = ack.await;
            }
            1
        } else {
            last
        };
        let shared = Shared::open(&jetstream, log.clone(), DUPLICATE_WINDOW).await?;
        let name = {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        // From the newest snapshot any node stored, and the stream after it; from the stream's
        // first message while there is none.
        let restoring = Instant::now();
        let (applier, from) = match shared.newest().await? {
            Some((point, snapshot)) => {
                let fetched_ms = restoring.elapsed().as_millis();
                let mut replica = Replica::restore(snapshot)?;
                let at_ms = replica.at_ms();
                replica.advance(at_ms);
                eprintln!(
                    "store-server: the snapshot at {} fetched and read in {fetched_ms} ms, \
                     restored in {} ms",
                    point.sequence,
                    restoring.elapsed().as_millis() - fetched_ms
                );
                (Applier::resume(&name, replica, point.sequence), point)
            }
            None => (Applier::new(&name), Point::default()),
        };
        let first = log
            .info()
            .await
            .map_err(|e| format!("cannot read the stream {STREAM}: {e}"))?
            .state
            .first_sequence;
        if first > from.sequence + 1 {
            return Err(format!(
                "the stream {STREAM} starts at message {first}, and no snapshot in {} covers the \
                 messages before it: restore the bucket, or start the cluster afresh",
                snapshots::BUCKET
            ));
        }
        let messages = loop {
            match reader(&log, from.sequence + 1).await {
                Ok(messages) => break messages,
                Err(problem) if asking.elapsed() < Duration::from_secs(30) => {
                    eprintln!("store-server: waiting for JetStream ({problem})");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(problem) => return Err(format!("cannot read the stream {STREAM}: {problem}")),
            }
        };

        let applier = Arc::new(Mutex::new(applier));
        let waiting: Arc<Mutex<Waiting>> = Arc::default();
        let (tell, applied) = watch::channel(from.sequence);
        let started = Instant::now();
        let reading = Reading {
            applier: applier.clone(),
            waiting: waiting.clone(),
            tell,
            taking: Taking::new(shared.clone(), from),
            shared,
        };
        tokio::spawn(read(log.clone(), messages, reading));
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
        let demo_was = applier
            .lock()
            .expect("the store's lock")
            .replica()
            .map(|r| r.demo);
        if demo_was != Some(demo) {
            return Err(format!(
                "the stream {STREAM} holds a store started {} --demo; start every node the same way",
                if demo { "without" } else { "with" }
            ));
        }
        eprintln!(
            "store-server: {}replayed stream messages {}..={} in {} ms",
            if from.sequence > 0 {
                format!("restored the snapshot at {} and ", from.sequence)
            } else {
                String::new()
            },
            from.sequence + 1,
            *caught_up.borrow(),
            started.elapsed().as_millis()
        );
        let (outgoing, commands) = mpsc::unbounded_channel();
        tokio::spawn(publish(
            jetstream,
            Publisher::new(&name),
            commands,
            waiting.clone(),
        ));
        Ok(Cluster {
            applier,
            calls: AtomicU64::new(0),
            waiting,
            outgoing,
            applied,
        })
    }

    pub fn demo(&self) -> bool {
        self.applier
            .lock()
            .expect("the store's lock")
            .replica()
            .is_some_and(|r| r.demo)
    }

    /// Every sale's live figures in this node's replica (none while it opens).
    pub fn figures(&self) -> Vec<sale_store::SaleFigures> {
        let mut applier = self.applier.lock().expect("the store's lock");
        applier.replica().map(|r| r.figures()).unwrap_or_default()
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
                waiter: Awaiting::Stored(stored),
            })
            .map_err(|_| "the publisher stopped".to_string())?;
        told.await
            .unwrap_or_else(|_| Err("the publisher stopped".to_string()))
    }

    /// A command once the stream holds it and this node has applied it; a read from this node.
    pub async fn answer(&self, request: &StoreRequest) -> StoreResponse {
        if !request.method.changes_state() {
            let read = {
                let mut applier = self.applier.lock().expect("the store's lock");
                applier.replica().map(|r| {
                    let at = r.at_ms();
                    (real_now() - at <= STALE_AFTER_MS).then(|| r.read(request, at))
                })
            };
            return match read {
                // At the last entry's time everything due has settled, so a read changes
                // nothing; if one ever did, a tick makes every replica change the same way.
                Some(Some((response, changed))) => {
                    if changed {
                        let at_ms = self.replica_time();
                        let _ = self.publish(Entry::Tick { at_ms }).await;
                    }
                    response
                }
                Some(None) => unavailable(
                    "This store node is behind the others and catching up. Try again: another \
                     node may answer now.",
                ),
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
            waiter: Awaiting::Call(call),
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
        self.applier
            .lock()
            .expect("the store's lock")
            .replica()
            .map_or(0.0, |r| r.at_ms())
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
