//! A cluster node's logic without NATS: two deterministic state machines that
//! [`super::Cluster`] drives with bytes from and to the stream, and that the seeded simulation
//! (`tests/simulation.rs`) drives with a simulated stream.
//!
//! [`Applier`] takes the stream's messages in stream order and applies their entries to this
//! node's replica: it hands back the answers to this node's own calls, skips a message it has
//! applied already (a consumer that delivers one twice) and names the next sequence when one
//! comes early (a gap: read again from there).
//!
//! [`Publisher`] batches this node's outgoing entries into messages, one message at a time,
//! each with an id of its own (`Nats-Msg-Id`). A message whose acknowledgement fails is sent
//! again, byte for byte and with the same id, until it is acknowledged or [`ANSWER_WITHIN`]
//! has passed since it first left: the stream's duplicate window, far longer, drops a second
//! copy, so a message is stored at most once however often it is sent.
use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use store_contract::StoreResponse;

use crate::replica::{Entry, Replica};

/// How long a call waits for its answer, and so how long its message is sent again, before the
/// shopper is told to try again (a retry with the same idempotency key gets the first answer).
pub const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// Commands in one stream message at most (with [`BATCH_BYTES`]).
const BATCH_COMMANDS: usize = 512;
/// A message's size at most, well under NATS's 1 MB default `max_payload`.
const BATCH_BYTES: usize = 256 * 1024;
/// A node publishes a message at most this often: a command that comes when the node's last
/// message left longer ago than this goes at once (with whatever else is waiting), and one that
/// comes sooner waits until this long after it, with every command that arrives meanwhile.
/// An acknowledgement on loopback comes back in well under a millisecond, so without a wait
/// a message holds little more than one command, and the nats-servers do a message's work for
/// each. Under `make load`'s crowd, 15 ms fills a message with tens of joins, where 10 ms fills
/// it less and 20 ms no more; and since a lone command never waits, commands that come few and
/// spread out (a sale's checkouts) go at once rather than after a linger.
pub const MESSAGE_EVERY: Duration = Duration::from_millis(15);
/// The wait before sending a message again after its first failure; it doubles with each
/// failure up to [`RETRY_AT_MOST`]. A server that refuses at once (no stream leader, no
/// connection) is not asked in a tight loop, and a new leader is tried within half a second.
const RETRY_AFTER: Duration = Duration::from_millis(25);
const RETRY_AT_MOST: Duration = Duration::from_millis(500);

/// One message of the stream: entries in the order they apply, each with the call of the node
/// that published them, to hand back its answer.
#[derive(Serialize, Deserialize)]
pub struct Published {
    /// The publishing node's name (none on the opening).
    pub from: Option<String>,
    pub entries: Vec<(Option<u64>, Entry)>,
}

impl Published {
    /// A message's payload as every replica reads it.
    pub fn read(payload: &[u8]) -> Result<Published, String> {
        serde_json::from_slice(payload).map_err(|e| e.to_string())
    }
}

/// The payload of the stream's first message: the store's opening, from no node.
pub fn opening(entry: Entry) -> Bytes {
    let opening = Published {
        from: None,
        entries: vec![(None, entry)],
    };
    serde_json::to_vec(&opening)
        .expect("entries serialise")
        .into()
}

/// What applying one message did.
#[derive(Debug)]
pub enum Applied {
    /// Applied: the answers to this node's calls it held, and what went wrong with entries
    /// that every replica skips alike (an unreadable message, an opening that does not open).
    Applied {
        answers: Vec<(u64, StoreResponse)>,
        problems: Vec<String>,
        /// Whether this node published the message.
        mine: bool,
    },
    /// A message applied before: skipped.
    Again,
    /// Messages are missing before this one: nothing applied; read again from `next`.
    Gap { next: u64 },
}

/// The apply side of a node: its replica and the stream sequence it has applied.
pub struct Applier {
    /// This node's name, as its messages carry it: only their calls wait here.
    name: String,
    replica: Option<Replica>,
    applied: u64,
}

impl Applier {
    /// A node that has applied nothing: it reads the stream from its first message.
    pub fn new(name: &str) -> Applier {
        Applier {
            name: name.into(),
            replica: None,
            applied: 0,
        }
    }

    /// A node that starts from `replica` as of stream sequence `applied`.
    pub fn resume(name: &str, replica: Replica, applied: u64) -> Applier {
        Applier {
            name: name.into(),
            replica: Some(replica),
            applied,
        }
    }

    /// The last stream sequence applied.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The replica, once the stream's opening has been applied.
    pub fn replica(&mut self) -> Option<&mut Replica> {
        self.replica.as_mut()
    }

    /// Applies the message at stream `sequence`, if it is the next one.
    pub fn apply(&mut self, sequence: u64, payload: &[u8]) -> Applied {
        if sequence <= self.applied {
            return Applied::Again;
        }
        if sequence > self.applied + 1 {
            return Applied::Gap {
                next: self.applied + 1,
            };
        }
        self.applied = sequence;
        let mut answers = Vec::new();
        let mut problems = Vec::new();
        let Published { from, entries } = match Published::read(payload) {
            Ok(published) => published,
            Err(problem) => {
                problems.push(format!("entry {sequence} is unreadable: {problem}"));
                return Applied::Applied {
                    answers,
                    problems,
                    mine: false,
                };
            }
        };
        // Only the node that published a message has calls waiting for its answers.
        let mine = from.as_deref() == Some(self.name.as_str());
        for (call, entry) in entries {
            let answer = match self.replica.as_mut() {
                None => {
                    match Replica::open(&entry) {
                        Ok(opened) => self.replica = Some(opened),
                        Err(problem) => problems.push(format!("entry {sequence}: {problem}")),
                    }
                    None
                }
                Some(replica) => replica.apply(entry),
            };
            if let (true, Some(answer), Some(call)) = (mine, answer, call) {
                answers.push((call, answer));
            }
        }
        Applied::Applied {
            answers,
            problems,
            mine,
        }
    }

    /// Starts again from `replica` as of stream sequence `applied`: the messages before it
    /// were trimmed from the stream while this node was behind.
    pub fn restore(&mut self, replica: Replica, applied: u64) {
        self.replica = Some(replica);
        self.applied = applied;
    }
}

/// Who waits for an outgoing entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiter {
    /// A call of this node: its number travels in the message and the [`Applier`] hands back
    /// its answer.
    Call(u64),
    /// Told when the stream has acknowledged the message that holds the entry (a tick).
    Stored(u64),
}

/// A message to send as it is, with its id for the stream's duplicate window.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub id: String,
    pub payload: Bytes,
}

/// What the publisher wants done now.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Publish this message and report its outcome ([`Publisher::stored`] or
    /// [`Publisher::not_stored`]).
    Send(Message),
    /// Ask again at this time (a batch filling, a retry waiting), or sooner if an entry comes.
    At(Duration),
    /// Nothing to do until an entry comes or an outcome is reported.
    Idle,
}

/// The message sent and not yet acknowledged.
struct InFlight {
    message: Message,
    waiters: Vec<Waiter>,
    first_sent: Duration,
    failures: u32,
    /// When to send it again after a failure; none while an attempt waits for its outcome.
    again_at: Option<Duration>,
}

/// The publish side of a node: its outgoing entries in the order they came, sent in batches,
/// one message at a time, so the stream holds a node's messages in the order it sent them.
/// Times are any monotonic clock's, as durations from one origin.
pub struct Publisher {
    name: String,
    queue: VecDeque<(Waiter, Entry)>,
    queued_bytes: usize,
    in_flight: Option<InFlight>,
    /// Messages built so far: the number in the next one's id.
    built: u64,
    last_sent: Option<Duration>,
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

impl Publisher {
    /// The publisher of the node called `name`: its messages' ids are `name-1`, `name-2`, ...,
    /// so a name must be new for every run of a node.
    pub fn new(name: &str) -> Publisher {
        Publisher {
            name: name.into(),
            queue: VecDeque::new(),
            queued_bytes: 0,
            in_flight: None,
            built: 0,
            last_sent: None,
        }
    }

    /// Queues an entry behind the others.
    pub fn push(&mut self, waiter: Waiter, entry: Entry) {
        self.queued_bytes += size_of(&entry);
        self.queue.push_back((waiter, entry));
    }

    /// True when nothing is queued or waiting for its acknowledgement.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.in_flight.is_none()
    }

    /// What to do at `now`.
    pub fn next(&mut self, now: Duration) -> Next {
        if let Some(in_flight) = &mut self.in_flight {
            return match in_flight.again_at {
                Some(at) if at <= now => {
                    in_flight.again_at = None;
                    Next::Send(in_flight.message.clone())
                }
                Some(at) => Next::At(at),
                None => Next::Idle,
            };
        }
        if self.queue.is_empty() {
            return Next::Idle;
        }
        let due = self.last_sent.map_or(now, |last| last + MESSAGE_EVERY);
        let full = self.queue.len() >= BATCH_COMMANDS || self.queued_bytes >= BATCH_BYTES;
        if now < due && !full {
            return Next::At(due);
        }
        let mut waiters = Vec::new();
        let mut entries = Vec::new();
        let mut bytes = 0;
        while entries.len() < BATCH_COMMANDS && bytes < BATCH_BYTES {
            let Some((waiter, entry)) = self.queue.pop_front() else {
                break;
            };
            let size = size_of(&entry);
            bytes += size;
            self.queued_bytes -= size;
            let call = match waiter {
                Waiter::Call(call) => Some(call),
                Waiter::Stored(_) => None,
            };
            waiters.push(waiter);
            entries.push((call, entry));
        }
        self.built += 1;
        let published = Published {
            from: Some(self.name.clone()),
            entries,
        };
        let message = Message {
            id: format!("{}-{}", self.name, self.built),
            payload: serde_json::to_vec(&published)
                .expect("entries serialise")
                .into(),
        };
        self.last_sent = Some(now);
        self.in_flight = Some(InFlight {
            message: message.clone(),
            waiters,
            first_sent: now,
            failures: 0,
            again_at: None,
        });
        Next::Send(message)
    }

    /// The message sent last is acknowledged: the [`Waiter::Stored`] tickets to tell so (its
    /// calls wait for their answers from the [`Applier`]).
    pub fn stored(&mut self) -> Vec<u64> {
        let Some(in_flight) = self.in_flight.take() else {
            return Vec::new();
        };
        in_flight
            .waiters
            .into_iter()
            .filter_map(|waiter| match waiter {
                Waiter::Stored(ticket) => Some(ticket),
                Waiter::Call(_) => None,
            })
            .collect()
    }

    /// The message sent last was refused or its acknowledgement did not come: it goes again
    /// after a short wait, unless [`ANSWER_WITHIN`] has passed since it first left. Then it is
    /// given up and its waiters come back, to be told it may not have been stored (the stream
    /// may hold it after all, and then every replica applies it).
    pub fn not_stored(&mut self, now: Duration) -> Vec<Waiter> {
        let Some(in_flight) = &mut self.in_flight else {
            return Vec::new();
        };
        if now.saturating_sub(in_flight.first_sent) >= ANSWER_WITHIN {
            return self.in_flight.take().map_or(Vec::new(), |i| i.waiters);
        }
        let wait = RETRY_AFTER.saturating_mul(1 << in_flight.failures.min(8));
        in_flight.failures += 1;
        in_flight.again_at = Some(now + wait.min(RETRY_AT_MOST));
        Vec::new()
    }
}

/// Where a snapshot stands in the stream: after message `sequence`, with `bytes` of messages'
/// payloads applied from the first message through it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Point {
    pub sequence: u64,
    pub bytes: u64,
}

/// The messages at which snapshots fall due. Every node counts the same bytes of the same
/// messages from the same points, so every node finds the same messages: the stream has grown
/// by a third of what it held at the last point (a snapshot's size follows the log that made
/// it), and by `min_bytes` at least.
pub struct SnapshotPoints {
    /// Payload bytes of every message applied, from the stream's first.
    bytes: u64,
    /// `bytes` at the last point a snapshot fell due (taken or not).
    last_point: u64,
    min_bytes: u64,
}

impl SnapshotPoints {
    /// Counting from `from`, where a replica stands (a snapshot it restored, or the stream's
    /// start).
    pub fn new(from: Point, min_bytes: u64) -> SnapshotPoints {
        SnapshotPoints {
            bytes: from.bytes,
            last_point: from.bytes,
            min_bytes,
        }
    }

    /// Counts the message at `sequence`, `bytes` long, just applied: the point, when a
    /// snapshot falls due at it.
    pub fn count(&mut self, sequence: u64, bytes: usize) -> Option<Point> {
        self.bytes += bytes as u64;
        let grown = self.bytes - self.last_point;
        if grown
            < self
                .min_bytes
                .max(self.last_point / crate::snapshot::TAIL_SHARE)
        {
            return None;
        }
        self.last_point = self.bytes;
        Some(Point {
            sequence,
            bytes: self.bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replica::Call;
    use store_contract::Method;

    const CATALOG: &str = include_str!("../../../../public/catalog.json");
    const T0: f64 = 1_800_000_000_000.0;
    const MS: Duration = Duration::from_millis(1);

    fn code_request(key: &str) -> Entry {
        Entry::Call {
            at_ms: T0 + 5.0,
            call: Call {
                method: Method::Post,
                path: "/api/auth/code".into(),
                session: None,
                idempotency_key: Some(key.into()),
                body: Some(r#"{"phone":"+447700900201"}"#.into()),
            },
        }
    }

    fn sent(next: Next) -> Message {
        match next {
            Next::Send(message) => message,
            other => panic!("nothing sent: {other:?}"),
        }
    }

    fn open_stream() -> Bytes {
        opening(Entry::Open {
            at_ms: T0,
            secret: [7; 32],
            catalog: CATALOG.into(),
            demo: true,
        })
    }

    #[test]
    fn entries_that_come_while_a_message_is_out_go_together_in_the_next() {
        let mut publisher = Publisher::new("a");
        publisher.push(Waiter::Call(1), code_request("k1"));
        let first = sent(publisher.next(Duration::ZERO));
        assert_eq!(first.id, "a-1");
        publisher.push(Waiter::Call(2), code_request("k2"));
        publisher.push(Waiter::Stored(9), Entry::Tick { at_ms: T0 });
        assert_eq!(publisher.next(MS), Next::Idle, "one message at a time");
        assert_eq!(publisher.stored(), Vec::<u64>::new(), "calls wait to apply");
        assert_eq!(publisher.next(2 * MS), Next::At(MESSAGE_EVERY));
        let second = sent(publisher.next(MESSAGE_EVERY));
        assert_eq!(second.id, "a-2");
        let published = Published::read(&second.payload).unwrap();
        assert_eq!(published.from.as_deref(), Some("a"));
        assert_eq!(
            published
                .entries
                .iter()
                .map(|(call, _)| *call)
                .collect::<Vec<_>>(),
            [Some(2), None]
        );
        assert_eq!(publisher.stored(), [9]);
        assert!(publisher.is_idle());
    }

    #[test]
    fn a_message_not_acknowledged_goes_again_with_its_id_until_it_is_given_up() {
        let mut publisher = Publisher::new("a");
        publisher.push(Waiter::Call(1), code_request("k1"));
        publisher.push(Waiter::Stored(2), Entry::Tick { at_ms: T0 });
        let first = sent(publisher.next(Duration::ZERO));
        publisher.push(Waiter::Call(3), code_request("k3"));
        let mut now = Duration::ZERO;
        loop {
            now += 400 * MS;
            if now >= ANSWER_WITHIN {
                break;
            }
            assert_eq!(publisher.not_stored(now), []);
            let Next::At(at) = publisher.next(now) else {
                panic!("no wait before sending again");
            };
            assert!(at > now && at <= now + RETRY_AT_MOST);
            now = at;
            assert_eq!(sent(publisher.next(now)), first, "the same bytes and id");
        }
        assert_eq!(
            publisher.not_stored(now),
            [Waiter::Call(1), Waiter::Stored(2)]
        );
        let next = sent(publisher.next(now));
        assert_eq!(next.id, "a-2", "the next call goes in a message of its own");
    }

    #[test]
    fn a_node_applies_each_message_once_in_order_and_answers_only_its_own_calls() {
        let mut publisher = Publisher::new("a");
        publisher.push(Waiter::Call(1), code_request("k1"));
        let mine = sent(publisher.next(Duration::ZERO));
        let mut theirs = Publisher::new("b");
        theirs.push(Waiter::Call(1), code_request("k2"));
        let theirs = sent(theirs.next(Duration::ZERO));

        let mut node = Applier::new("a");
        assert!(matches!(
            node.apply(2, &mine.payload),
            Applied::Gap { next: 1 }
        ));
        let Applied::Applied {
            answers, problems, ..
        } = node.apply(1, &open_stream())
        else {
            panic!("the opening is not applied");
        };
        assert!(answers.is_empty() && problems.is_empty(), "{problems:?}");
        assert!(matches!(node.apply(1, &open_stream()), Applied::Again));
        let Applied::Applied { answers, .. } = node.apply(2, &mine.payload) else {
            panic!("not applied");
        };
        assert_eq!(answers.len(), 1);
        assert_eq!((answers[0].0, answers[0].1.status), (1, 200));
        let Applied::Applied { answers, .. } = node.apply(3, &theirs.payload) else {
            panic!("not applied");
        };
        assert!(answers.is_empty(), "b's call is b's to answer");
        let Applied::Applied { problems, .. } = node.apply(4, b"{") else {
            panic!("an unreadable message is not skipped");
        };
        assert!(
            problems[0].contains("entry 4 is unreadable"),
            "{problems:?}"
        );
        assert_eq!(node.applied(), 4);
    }
}
