//! What the store saves, and where. Only the settings, the clock, the secret, accounts and the
//! real shoppers' actions are saved: small whatever the crowd's size. Everything else (the
//! engine, the crowd) is rebuilt from them by replay, so a stopped Service Worker, a reload or
//! a restarted server lands exactly where it was.
use std::{
    cell::RefCell,
    collections::{HashMap, VecDeque},
    future::Future,
};

use serde::{Deserialize, Serialize};
use store_contract::demo::DemoSettings;

use crate::clock::StoreClock;
use crate::payments::Payments;
use crate::random::Randomness;
use crate::sign_in::SignIn;
use crate::world::LoggedAction;
use sale_engine::Millis;

/// Bumped whenever the saved shape changes: older documents reset the demo with a notice.
pub const VERSION: u32 = 2;

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

/// One answer kept under its idempotency key, so a retried call gets the first answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredReply {
    pub key: String,
    pub status: u16,
    pub body: String,
}

/// The answers to the last calls that carried an idempotency key, found by key: every call
/// that changes the store looks here first, so a scan of them all would cost every call.
/// Saved as the plain list of replies, oldest first; the index is rebuilt on reading.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "Vec<StoredReply>", into = "Vec<StoredReply>")]
pub struct Replies {
    replies: VecDeque<StoredReply>,
    /// Each key's place counted from the first reply ever kept, so dropping the oldest reply
    /// moves no other.
    by_key: HashMap<String, u64>,
    dropped: u64,
}

impl Replies {
    pub fn get(&self, key: &str) -> Option<&StoredReply> {
        let at = self.by_key.get(key)?.checked_sub(self.dropped)?;
        self.replies.get(usize::try_from(at).ok()?)
    }

    /// Keeps `reply`, forgetting the oldest beyond the `at_most` newest.
    pub fn remember(&mut self, reply: StoredReply, at_most: usize) {
        let at = self.dropped + self.replies.len() as u64;
        self.by_key.insert(reply.key.clone(), at);
        self.replies.push_back(reply);
        while self.replies.len() > at_most {
            let Some(oldest) = self.replies.pop_front() else {
                break;
            };
            // A key forgotten and used again later points at its newer reply: keep that.
            if self.by_key.get(&oldest.key) == Some(&self.dropped) {
                self.by_key.remove(&oldest.key);
            }
            self.dropped += 1;
        }
    }
}

impl From<Vec<StoredReply>> for Replies {
    fn from(replies: Vec<StoredReply>) -> Self {
        let mut kept = Replies::default();
        for reply in replies {
            kept.remember(reply, usize::MAX);
        }
        kept
    }
}

impl From<Replies> for Vec<StoredReply> {
    fn from(kept: Replies) -> Self {
        kept.replies.into()
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
        }
    }

    /// Reads a saved document. The error says, as the end of a sentence, why it cannot be used.
    pub fn parse(raw: &str) -> Result<Saved, &'static str> {
        // The version is read on its own first: an older document may not parse as today's.
        let version = serde_json::from_str::<serde_json::Value>(raw)
            .ok()
            .and_then(|v| v.get("version")?.as_u64());
        match version {
            Some(v) if v == u64::from(VERSION) => {
                serde_json::from_str(raw).map_err(|_| "could not be read")
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

    fn reply(key: &str, body: &str) -> StoredReply {
        StoredReply {
            key: key.into(),
            status: 200,
            body: body.into(),
        }
    }

    #[test]
    fn replies_keep_the_newest_and_find_them_by_key() {
        let mut kept = Replies::default();
        for i in 0..5 {
            kept.remember(reply(&format!("k{i}"), &format!("answer {i}")), 3);
        }
        assert!(kept.get("k0").is_none() && kept.get("k1").is_none());
        assert_eq!(kept.get("k2").unwrap().body, "answer 2");
        assert_eq!(kept.get("k4").unwrap().body, "answer 4");
        // A forgotten key used again points at its new answer, and keeps it when older go.
        kept.remember(reply("k0", "again"), 3);
        kept.remember(reply("k5", "answer 5"), 3);
        assert_eq!(kept.get("k0").unwrap().body, "again");
        assert!(kept.get("k2").is_none() && kept.get("k3").is_none());
    }

    #[test]
    fn replies_are_saved_as_a_list_and_read_back_with_their_index() {
        let mut kept = Replies::default();
        for i in 0..4 {
            kept.remember(reply(&format!("k{i}"), &format!("answer {i}")), 2);
        }
        let text = serde_json::to_string(&kept).unwrap();
        assert_eq!(
            text,
            r#"[{"key":"k2","status":200,"body":"answer 2"},{"key":"k3","status":200,"body":"answer 3"}]"#
        );
        let read: Replies = serde_json::from_str(&text).unwrap();
        assert_eq!(read.get("k3").unwrap().body, "answer 3");
        assert!(read.get("k1").is_none());
    }
}
