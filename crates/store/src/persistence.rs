//! What the store saves, and where. Only the settings, the clock, the secret, accounts and the
//! real shoppers' actions are saved: small whatever the crowd's size. Everything else (the
//! engine, the crowd) is rebuilt from them by replay, so a stopped Service Worker, a reload or
//! a restarted server lands exactly where it was.
use std::{cell::RefCell, collections::HashMap, future::Future};

use serde::{Deserialize, Serialize};
use store_contract::demo::DemoSettings;

use crate::clock::StoreClock;
use crate::operator::OperatorBook;
use crate::payments::Payments;
use crate::random::Randomness;
use crate::sign_in::SignIn;
use crate::world::LoggedAction;
use sale_engine::Millis;

/// Bumped whenever the saved shape changes: older documents reset the demo with a notice,
/// except those from [`OLDEST_READABLE`] on, which read as today's.
pub const VERSION: u32 = 4;
/// Version 3 lacks only the operator's side (version 4 added it): such a document reads as a
/// store with no operator key, no operator drops and no steering, so a server's older
/// snapshots still restore and a demo keeps its shoppers.
pub const OLDEST_READABLE: u32 = 3;

/// Where the store's saved document lives: IndexedDB in the Service Worker, memory in tests,
/// a file on a server. The caller waits for a save to finish before the answer that caused it
/// leaves, so an acknowledged action is never lost.
pub trait Persistence {
    /// Writes `document`. Writes finish in the order they were started: an implementation
    /// must queue its write before its first await.
    fn save(&self, document: String) -> impl Future<Output = Result<(), String>>;
}

/// Persistence in memory: for tests, and the fallback when a browser's storage throws.
#[derive(Default)]
pub struct InMemory {
    pub document: RefCell<Option<String>>,
}

impl Persistence for InMemory {
    async fn save(&self, document: String) -> Result<(), String> {
        *self.document.borrow_mut() = Some(document);
        Ok(())
    }
}

/// How long an answer stays kept for its idempotency key: from the call, or for a call in a
/// sale from the sale's end, this long. Counted in store time, which a log carries, so every
/// replica forgets an answer at the same entry.
pub const REPLY_WINDOW_MS: Millis = 24 * 60 * 60 * 1_000;
/// The longest idempotency key the store takes, in characters.
pub const MAX_KEY_CHARS: usize = 255;
/// Expired answers are swept out at most this often (store time): a sweep visits every answer.
const SWEEP_EVERY_MS: Millis = 60 * 60 * 1_000;

/// Where an answer is kept: the first 128 bits of sha256 over the caller's account (none
/// before sign-in) and the key, so one shopper's key never answers another's call, and a
/// key of any length costs 16 bytes.
pub type ReplyKey = [u8; 16];

/// One answer kept under its idempotency key, so a retried call gets the first answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredReply {
    /// The first 64 bits of sha256 over the request's method, path and body: the same key
    /// with another request is refused instead of answered with this.
    pub request: u64,
    pub status: u16,
    pub body: ReplyBody,
    /// Store time after which the answer is forgotten, in whole seconds: a window of a day
    /// needs no finer grain, and 4 bytes less a kept answer is 8 less a registered shopper.
    pub kept_until_s: u32,
}

impl StoredReply {
    /// Store time (ms) after which the answer is forgotten.
    pub fn kept_until(&self) -> Millis {
        Millis::from(self.kept_until_s) * 1_000
    }

    /// Whole seconds of store time for `until_ms`, rounded up: an answer is never forgotten early.
    pub fn seconds(until_ms: Millis) -> u32 {
        u32::try_from(until_ms.div_ceil(1_000)).unwrap_or(u32::MAX)
    }
}

/// A kept answer's body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReplyBody {
    Text(Box<str>),
    /// A shopper's view, in postcard's binary form: written again as the same JSON. Saved as
    /// hex, which reads back several times faster than JSON's list of numbers.
    View(#[serde(with = "hex_bytes")] Box<[u8]>),
    /// A sign-in's answer, kept as the draw that made its token and the account: the token
    /// is made again for a retry, so no token is ever written down.
    Session {
        drawn: u64,
        account: u32,
    },
    /// An operator's sign-in, kept as the draw that made its token.
    OperatorSession {
        drawn: u64,
    },
}

mod hex_bytes {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], to: S) -> Result<S::Ok, S::Error> {
        to.serialize_str(&fair_draw::to_hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Box<[u8]>, D::Error> {
        let hex = <&str>::deserialize(from)?;
        fair_draw::from_hex(hex)
            .map(Vec::into_boxed_slice)
            .ok_or_else(|| D::Error::custom("a kept view is not hex"))
    }
}

/// The answers to calls that carried an idempotency key, found by [`ReplyKey`]: every call
/// that changes the store looks here first. Saved as a list of `[key in hex, reply]`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(
    try_from = "Vec<(String, StoredReply)>",
    into = "Vec<(String, StoredReply)>"
)]
pub struct Replies {
    by_key: HashMap<ReplyKey, StoredReply>,
    /// Store time of the next sweep of expired answers.
    next_sweep: Millis,
}

impl Replies {
    /// The answer kept under `key`, unless its window has passed.
    pub fn get(&self, key: &ReplyKey, now: Millis) -> Option<&StoredReply> {
        self.by_key.get(key).filter(|r| r.kept_until() >= now)
    }

    /// Keeps `reply` under `key`, and forgets the answers whose window has passed.
    pub fn remember(&mut self, key: ReplyKey, reply: StoredReply, now: Millis) {
        if now >= self.next_sweep {
            self.by_key.retain(|_, r| r.kept_until() >= now);
            self.next_sweep = now + SWEEP_EVERY_MS;
        }
        self.by_key.insert(key, reply);
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

impl TryFrom<Vec<(String, StoredReply)>> for Replies {
    type Error = String;

    fn try_from(replies: Vec<(String, StoredReply)>) -> Result<Self, String> {
        let by_key = replies
            .into_iter()
            .map(|(hex, reply)| {
                let key = fair_draw::bytes_from_hex(&hex)
                    .ok_or_else(|| format!("“{hex}” is not a kept answer's key"))?;
                Ok((key, reply))
            })
            .collect::<Result<_, String>>()?;
        Ok(Replies {
            by_key,
            next_sweep: 0,
        })
    }
}

impl From<Replies> for Vec<(String, StoredReply)> {
    fn from(kept: Replies) -> Self {
        let mut replies: Vec<(String, StoredReply)> = kept
            .by_key
            .into_iter()
            .map(|(key, reply)| (fair_draw::to_hex(&key), reply))
            .collect();
        replies.sort_by(|a, b| a.0.cmp(&b.0));
        replies
    }
}

/// The saved document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Saved {
    pub version: u32,
    pub settings: DemoSettings,
    pub random: Randomness,
    /// Demo resets so far: each unseeded reset draws a new secret.
    pub resets: u64,
    pub clock: StoreClock,
    /// Store time when the demo was first opened: the catalog's schedule counts from here.
    pub base_ms: Millis,
    pub sign_in: SignIn,
    pub log: Vec<LoggedAction>,
    pub replies: Replies,
    pub payments: Payments,
    /// The operator's key, sessions, drops and news (version 4).
    #[serde(default)]
    pub operator: OperatorBook,
}

impl Saved {
    pub fn fresh(settings: DemoSettings, real_now: f64, random: Randomness) -> Self {
        let clock = StoreClock::new(real_now, settings.skew_ms as f64, settings.speed);
        let random = settings.seed.map_or(random, Randomness::from_seed);
        Self {
            version: VERSION,
            // Whole seconds, so every sale moment falls on a store-second boundary and a countdown
            // flips exactly when the store clock does.
            base_ms: clock.now_ms(real_now).div_ceil(1_000) * 1_000,
            clock,
            settings,
            random,
            resets: 0,
            sign_in: SignIn::default(),
            log: vec![],
            replies: Replies::default(),
            payments: Payments::default(),
            operator: OperatorBook::default(),
        }
    }

    /// Reads a saved document. The error says, as the end of a sentence, why it cannot be used.
    pub fn parse(raw: &str) -> Result<Saved, &'static str> {
        // The version is read on its own first: an older document may not parse as today's.
        let version = serde_json::from_str::<serde_json::Value>(raw)
            .ok()
            .and_then(|v| v.get("version")?.as_u64());
        match version {
            Some(v) if (u64::from(OLDEST_READABLE)..=u64::from(VERSION)).contains(&v) => {
                let mut saved: Saved =
                    serde_json::from_str(raw).map_err(|_| "could not be read")?;
                saved.version = VERSION;
                Ok(saved)
            }
            Some(_) => Err("came from another version of the store"),
            None => Err("could not be read"),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the document serialises")
    }
}

impl<P: Persistence> Persistence for std::rc::Rc<P> {
    fn save(&self, document: String) -> impl Future<Output = Result<(), String>> {
        (**self).save(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str, kept_until: Millis) -> StoredReply {
        let kept_until_s = StoredReply::seconds(kept_until);
        StoredReply {
            request: 1,
            status: 200,
            body: ReplyBody::Text(body.into()),
            kept_until_s,
        }
    }

    #[test]
    fn an_answer_is_kept_through_its_window_and_forgotten_after() {
        let mut kept = Replies::default();
        kept.remember([1; 16], reply("first", 5_000), 0);
        kept.remember([2; 16], reply("second", 10_000 + SWEEP_EVERY_MS), 0);
        assert!(kept.get(&[1; 16], 5_000).is_some(), "kept up to its end");
        assert!(kept.get(&[1; 16], 5_001).is_none(), "not answered after it");
        // The next sweep drops it from memory; the other stays.
        kept.remember([3; 16], reply("third", 2 * SWEEP_EVERY_MS), SWEEP_EVERY_MS);
        assert_eq!(kept.len(), 2);
        assert!(kept.get(&[2; 16], SWEEP_EVERY_MS).is_some());
    }

    #[test]
    fn replies_are_saved_as_a_list_and_read_back() {
        let mut kept = Replies::default();
        kept.remember([0xab; 16], reply("answer", 9), 0);
        let text = serde_json::to_string(&kept).unwrap();
        assert!(
            text.starts_with(r#"[["abababababababababababababababab",{"request":1"#),
            "{text}"
        );
        let read: Replies = serde_json::from_str(&text).unwrap();
        assert_eq!(read.get(&[0xab; 16], 0), kept.get(&[0xab; 16], 0));
        assert!(serde_json::from_str::<Replies>(
            r#"[["xyz",{"request":1,"status":200,"body":{"Text":"a"},"kept_until_s":9}]]"#
        )
        .is_err());
    }
}
