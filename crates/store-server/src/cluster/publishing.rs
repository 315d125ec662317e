//! How a node's entries reach the stream: its [`Publisher`] decides what goes in each message
//! and when, and the task here sends each message and reports how it went.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_nats::jetstream;
use tokio::sync::{mpsc, oneshot};

use super::reading::Waiting;
use super::replication::{Message, Next, Publisher, Waiter};
use crate::replica::Entry;

/// The subject of the stream's messages.
pub(super) const SUBJECT: &str = "sale.log";

/// An entry on its way to the stream: a command with the call waiting for its answer, or an
/// entry no call waits for (a tick) with whom to tell once the stream has stored it.
pub(super) struct Outgoing {
    pub(super) entry: Entry,
    pub(super) waiter: Awaiting,
}

pub(super) enum Awaiting {
    /// A call, answered once applied (or told by the publisher why it will not be).
    Call(u64),
    /// Told when the stream acknowledged the message that holds the entry, or why it did not.
    Stored(oneshot::Sender<Result<(), String>>),
}

/// One attempt at storing a message: published with its id, so the stream keeps one copy
/// however many attempts reach it.
async fn send(jetstream: jetstream::Context, message: Message) -> Result<(), String> {
    let publish = jetstream::message::PublishMessage::build()
        .payload(message.payload)
        .message_id(&message.id);
    let ack = jetstream
        .send_publish(SUBJECT, publish)
        .await
        .map_err(|e| e.to_string())?;
    ack.await.map(|_| ()).map_err(|e| e.to_string())
}

/// Moves this node's entries through its [`Publisher`] to the stream: the publisher decides
/// what goes in each message and when, and when a message goes again; this task sends it and
/// reports the outcome. A command is answered by the apply loop, once this node's replica has
/// read it back from the stream: a replicated stream gives its consumers only what a quorum of
/// its replicas has stored. When a message is given up, its calls are told at once (a retry
/// with the same idempotency key gets the first answer, should the stream hold it after all).
pub(super) async fn publish(
    jetstream: jetstream::Context,
    mut publisher: Publisher,
    mut commands: mpsc::UnboundedReceiver<Outgoing>,
    waiting: Arc<Mutex<Waiting>>,
) {
    let origin = tokio::time::Instant::now();
    let mut stored: HashMap<u64, oneshot::Sender<Result<(), String>>> = HashMap::new();
    let mut tickets = 0u64;
    let mut attempt = None;
    let mut open = true;
    loop {
        let wake = match publisher.next(origin.elapsed()) {
            Next::Send(message) => {
                attempt = Some(Box::pin(send(jetstream.clone(), message)));
                None
            }
            Next::At(at) => Some(origin + at),
            Next::Idle => None,
        };
        if !open && attempt.is_none() && publisher.is_idle() {
            break;
        }
        let mut take = |next: Outgoing| {
            let waiter = match next.waiter {
                Awaiting::Call(call) => Waiter::Call(call),
                Awaiting::Stored(told) => {
                    tickets += 1;
                    stored.insert(tickets, told);
                    Waiter::Stored(tickets)
                }
            };
            publisher.push(waiter, next.entry);
        };
        tokio::select! {
            outcome = async { attempt.as_mut().expect("an attempt").await }, if attempt.is_some() => {
                attempt = None;
                match outcome {
                    Ok(()) => {
                        for ticket in publisher.stored() {
                            if let Some(told) = stored.remove(&ticket) {
                                let _ = told.send(Ok(()));
                            }
                        }
                    }
                    Err(problem) => {
                        let given_up = publisher.not_stored(origin.elapsed());
                        eprintln!(
                            "store-server: a message was not stored ({problem}): {}",
                            if given_up.is_empty() { "sending it again" } else { "given up" }
                        );
                        let mut waiting = waiting.lock().expect("the waiting lock");
                        for waiter in given_up {
                            match waiter {
                                Waiter::Call(call) => {
                                    if let Some(waiter) = waiting.remove(&call) {
                                        let _ = waiter.send(Err(problem.clone()));
                                    }
                                }
                                Waiter::Stored(ticket) => {
                                    if let Some(told) = stored.remove(&ticket) {
                                        let _ = told.send(Err(problem.clone()));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            next = commands.recv(), if open => match next {
                Some(next) => {
                    take(next);
                    while let Ok(next) = commands.try_recv() {
                        take(next);
                    }
                }
                None => open = false,
            },
            () = tokio::time::sleep_until(wake.unwrap_or(origin)), if wake.is_some() => {}
        }
    }
}
