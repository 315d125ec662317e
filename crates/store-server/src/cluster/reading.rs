//! How a node reads the stream: through a pull consumer of its own, and message by message from
//! any server of the stream while it has none; each message applied to its replica, and this
//! node's calls handed their answers.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy, DeliverPolicy};
use async_nats::jetstream::stream;
use futures_util::StreamExt;
use store_contract::StoreResponse;
use tokio::sync::{oneshot, watch};

use super::replication::{Applied, Applier};
use super::snapshots::{Shared, Taking};
use crate::replica::Replica;

/// A node reads the stream through a pull consumer of its own whose server sends a heartbeat
/// this often while it has nothing new: two missed heartbeats (a second) and the node reads
/// again from a new consumer, on whichever server is alive.
const HEARTBEAT: Duration = Duration::from_millis(500);
/// How long one pull request waits for messages (at least two heartbeats, as the server
/// requires).
const PULL_EXPIRES: Duration = Duration::from_secs(2);
/// How often a node without a consumer asks the stream's servers for the messages after the
/// last it applied.
const DIRECT_EVERY: Duration = Duration::from_millis(20);
/// A consumer that no node pulls from any more (its node moved to a new one, or died) is
/// removed by the servers after this long.
const CONSUMER_UNUSED: Duration = Duration::from_secs(5);

/// The calls of this node waiting for their answer (or for why it will not come).
pub(super) type Waiting = HashMap<u64, oneshot::Sender<Result<StoreResponse, String>>>;

/// A pull consumer of this node's own from stream sequence `next`, and its messages: an
/// ephemeral consumer in memory on one server, which the servers remove once unused.
pub(super) async fn reader(
    log: &stream::Stream,
    next: u64,
) -> Result<pull::Stream, async_nats::Error> {
    let consumer = log
        .create_consumer(pull::Config {
            deliver_policy: DeliverPolicy::ByStartSequence {
                start_sequence: next,
            },
            ack_policy: AckPolicy::None,
            memory_storage: true,
            num_replicas: 1,
            inactive_threshold: CONSUMER_UNUSED,
            ..Default::default()
        })
        .await?;
    Ok(consumer
        .stream()
        .heartbeat(HEARTBEAT)
        .expires(PULL_EXPIRES)
        .messages()
        .await?)
}

/// This node's applying: its replica, its calls waiting for answers, and the watch that tells
/// how far it has applied the stream (closed once the node is gone).
pub(super) struct Reading {
    pub(super) applier: Arc<Mutex<Applier>>,
    pub(super) waiting: Arc<Mutex<Waiting>>,
    pub(super) tell: watch::Sender<u64>,
    pub(super) taking: Taking,
    pub(super) shared: Shared,
}

impl Reading {
    /// The stream sequence to read next.
    fn next(&self) -> u64 {
        self.applier.lock().expect("the store's lock").applied() + 1
    }

    /// Applies the message at `sequence` (or skips it, applied before) and hands this node's
    /// calls their answers; `Err` with the sequence to read again from when it came early.
    fn take(&self, sequence: u64, payload: &[u8]) -> Result<(), u64> {
        let mut applier = self.applier.lock().expect("the store's lock");
        let applied = applier.apply(sequence, payload);
        // A snapshot falls due at a message: cloned here, at exactly that message, under the
        // lock (the apply loop's one pause for it), and stored off it.
        if let Applied::Applied { mine, .. } = &applied {
            if let Some(point) = self.taking.due(sequence, payload.len(), *mine) {
                if let Some(replica) = applier.replica() {
                    self.taking.store(point, replica.snapshot());
                }
            }
        }
        drop(applier);
        match applied {
            Applied::Applied {
                answers, problems, ..
            } => {
                for problem in problems {
                    eprintln!("store-server: {problem}");
                }
                answer(&self.waiting, answers);
                self.tell.send_replace(sequence);
                Ok(())
            }
            Applied::Again => Ok(()),
            Applied::Gap { next } => Err(next),
        }
    }

    /// When the stream was trimmed past the message this node needs next (it was stopped or
    /// cut off while snapshots were taken), restores the newest snapshot: the calls it still
    /// waits for are told to try again (their answers are kept by the store).
    async fn restore_if_trimmed(&self, log: &stream::Stream) {
        let next = self.next();
        let Ok(info) = log.clone().info().await.map(|i| i.state.first_sequence) else {
            return;
        };
        if info <= next {
            return;
        }
        match self.shared.newest().await {
            Ok(Some((point, snapshot))) if point.sequence >= next => {
                let restored = Replica::restore(snapshot).map(|mut replica| {
                    let at_ms = replica.at_ms();
                    replica.advance(at_ms);
                    replica
                });
                match restored {
                    Ok(replica) => {
                        self.applier
                            .lock()
                            .expect("the store's lock")
                            .restore(replica, point.sequence);
                        self.taking.restart_from(point);
                        self.tell.send_replace(point.sequence);
                        eprintln!(
                            "store-server: the stream starts at {info}, past {next}: restored \
                             the snapshot at {}",
                            point.sequence
                        );
                    }
                    Err(problem) => eprintln!("store-server: the newest snapshot: {problem}"),
                }
            }
            Ok(_) => eprintln!(
                "store-server: the stream starts at {info}, past {next}, and no snapshot covers it"
            ),
            Err(problem) => eprintln!("store-server: the snapshots: {problem}"),
        }
    }

    /// Applies the messages after the last one applied, one request each, from whichever of
    /// the stream's servers answers first, until there is none (or a request fails).
    async fn read_directly(&self, log: &stream::Stream) {
        loop {
            let Ok(message) = log.direct_get(self.next()).await else {
                return;
            };
            if self.take(message.sequence, &message.payload).is_err() {
                return;
            }
        }
    }
}

/// Applies the stream to this node's replica, message after message, and hands this node's
/// calls their answers. When the consumer fails (a missed heartbeat: its server or the
/// connection died; an error; a gap in the sequence), the node makes a new one from the message
/// after the last it applied, waiting a little longer after each failure without a message in
/// between (100 ms doubling to 1 s). Making a consumer takes JetStream's metadata leader, which
/// may be the server that died (a new one is elected within seconds), so meanwhile the node
/// reads on message by message from any server of the stream every [`DIRECT_EVERY`]. Ends
/// once the node is gone.
pub(super) async fn read(log: stream::Stream, mut messages: pull::Stream, reading: Reading) {
    let mut failures = 0u32;
    loop {
        let problem = loop {
            let message = tokio::select! {
                message = messages.next() => message,
                () = reading.tell.closed() => return,
            };
            let message = match message {
                Some(Ok(message)) => message,
                Some(Err(problem)) => break problem.to_string(),
                None => break "the consumer ended".to_string(),
            };
            let Ok(sequence) = message.info().map(|i| i.stream_sequence) else {
                break "a message came without its stream sequence".to_string();
            };
            failures = 0;
            if let Err(next) = reading.take(sequence, &message.payload) {
                break format!("the stream skipped from {next} to {sequence}");
            }
        };
        eprintln!(
            "store-server: reading the stream: {problem}; reading again from {}",
            reading.next()
        );
        reading.restore_if_trimmed(&log).await;
        messages = loop {
            let next = reading.next();
            let wait = match failures {
                0 => Duration::ZERO,
                n => Duration::from_millis(50).saturating_mul(1 << n.min(5)),
            };
            failures += 1;
            let making = async {
                tokio::time::sleep(wait.min(Duration::from_secs(1))).await;
                reader(&log, next).await
            };
            tokio::pin!(making);
            let mut every = tokio::time::interval(DIRECT_EVERY);
            let made = loop {
                tokio::select! {
                    made = &mut making => break made,
                    _ = every.tick() => reading.read_directly(&log).await,
                    () = reading.tell.closed() => return,
                }
            };
            match made {
                Ok(messages) => break messages,
                Err(problem) => {
                    eprintln!("store-server: no consumer of the stream from {next}: {problem}")
                }
            }
        };
    }
}

/// Hands this node's answers to the calls still waiting for them.
fn answer(waiting: &Mutex<Waiting>, answers: Vec<(u64, StoreResponse)>) {
    if answers.is_empty() {
        return;
    }
    let mut waiting = waiting.lock().expect("the waiting lock");
    for (call, answer) in answers {
        if let Some(waiter) = waiting.remove(&call) {
            let _ = waiter.send(Ok(answer));
        }
    }
}
