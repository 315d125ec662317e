//! The store as a deterministic state machine over log entries. Store time travels in the
//! entries (each carries the real time it was accepted at), never in the replica's own clock:
//! replaying the same entries gives the same store, answer for answer, on any machine.
use serde::{Deserialize, Serialize};
use store_contract::demo::DemoSettings;
use store_contract::{Method, StoreRequest, StoreResponse};

use sale_store::operator::key_sha256;
use sale_store::persistence::Saved;
use sale_store::sign_in::{token_hash, TokenHash};
use sale_store::{Catalog, Store};

/// One call as the log keeps it: what the contract reads from a request, with the caller's
/// session token replaced by its hash. A log or stream that is copied hands out no sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub method: Method,
    pub path: String,
    /// The hash of the bearer token (hex), as the store keeps sessions.
    pub session: Option<String>,
    pub idempotency_key: Option<String>,
    pub body: Option<String>,
}

impl From<&StoreRequest> for Call {
    fn from(r: &StoreRequest) -> Self {
        Call {
            method: r.method,
            path: r.path.clone(),
            session: r
                .bearer
                .as_deref()
                .map(|token| fair_draw::to_hex(&token_hash(token))),
            idempotency_key: r.idempotency_key.clone(),
            body: logged_body(r),
        }
    }
}

/// The body as the log keeps it: an operator's sign-in holds the key, which the log replaces
/// with the key's hash, so the log and the stream never hold the key (the store checks the
/// hash alike). Whatever else the body said is dropped, so a hash cannot be sent in place of
/// the key from outside.
fn logged_body(r: &StoreRequest) -> Option<String> {
    let path = r.path.split('?').next().unwrap_or_default();
    if r.method != Method::Post || path != "/api/operator/session" {
        return r.body.clone();
    }
    #[derive(Deserialize)]
    struct Key {
        key: String,
    }
    let key = r
        .body
        .as_deref()
        .and_then(|body| serde_json::from_str::<Key>(body).ok())
        .map_or_else(String::new, |given| key_sha256(&given.key));
    Some(serde_json::json!({ "key_sha256": key }).to_string())
}

impl Call {
    /// The call as the store takes it, and the session hash it is made as.
    fn into_request(self) -> (StoreRequest, Option<TokenHash>) {
        // A hash that does not parse signs nobody in, like an unknown token.
        let session = self
            .session
            .as_deref()
            .map(|hex| fair_draw::bytes_from_hex(hex).unwrap_or_default());
        let request = StoreRequest {
            method: self.method,
            path: self.path,
            bearer: None,
            idempotency_key: self.idempotency_key,
            body: self.body,
        };
        (request, session)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// The first entry: everything the store was opened with, so a replay needs nothing else
    /// (a catalog edited later does not rewrite this run's past).
    Open {
        at_ms: f64,
        /// From the operating system's cryptographic source; every sale's draw seed derives
        /// from it (sha256 of the secret and the sale's id) and it never leaves the server.
        secret: [u8; 32],
        catalog: String,
        /// Started with `--demo`: the demo's simulated crowd and its `/api/dev/*` calls.
        demo: bool,
    },
    /// A call that may change the store, accepted at `at_ms`.
    Call { at_ms: f64, call: Call },
    /// Time passed: payments that fell due settle, the sales move on.
    Tick { at_ms: f64 },
}

impl Entry {
    pub fn at_ms(&self) -> f64 {
        match self {
            Entry::Open { at_ms, .. } | Entry::Call { at_ms, .. } | Entry::Tick { at_ms } => *at_ms,
        }
    }
}

pub struct Replica {
    store: Store,
    /// Store time never goes back: an entry stamped earlier than the last applies at the last.
    at_ms: f64,
    pub demo: bool,
    /// What the opening held, for snapshots: a store restored from one needs nothing else.
    secret: [u8; 32],
    catalog: String,
}

/// A replica as of one log position: what the opening entry held and the store's saved
/// document. Restoring it and applying the entries after that position gives the replica that
/// applying every entry from the opening gives.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub at_ms: f64,
    pub demo: bool,
    /// The store's secret (see [`Entry::Open`]): a snapshot is as private as the log.
    pub secret: [u8; 32],
    pub catalog: String,
    pub store: Saved,
}

impl Replica {
    /// The store an `Open` entry describes.
    pub fn open(entry: &Entry) -> Result<Replica, String> {
        let Entry::Open {
            at_ms,
            secret,
            catalog,
            demo,
        } = entry
        else {
            return Err("the log does not start with the store's opening".into());
        };
        let mut store = Store::open(Catalog::parse(catalog)?, None, *at_ms, *secret);
        if !demo {
            // A real store sells to real shoppers only: no simulated crowd.
            store.reset(
                DemoSettings {
                    crowd: Some(0),
                    ..DemoSettings::default()
                },
                *at_ms,
            )?;
        }
        store.take_changed();
        Ok(Replica {
            store,
            at_ms: *at_ms,
            demo: *demo,
            secret: *secret,
            catalog: catalog.clone(),
        })
    }

    /// The replica as it stands, cloned: the one part of a snapshot taken under the node's
    /// lock (encoding and writing happen off it).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            at_ms: self.at_ms,
            demo: self.demo,
            secret: self.secret,
            catalog: self.catalog.clone(),
            store: self.store.snapshot(),
        }
    }

    /// The replica a [`Replica::snapshot`] describes. Its sales are rebuilt from the saved
    /// actions when they next move: call [`Replica::advance`] to pay for that before serving.
    pub fn restore(snapshot: Snapshot) -> Result<Replica, String> {
        let catalog = Catalog::parse(&snapshot.catalog)?;
        let store = Store::restore(catalog, snapshot.store, snapshot.secret)?;
        Ok(Replica {
            store,
            at_ms: snapshot.at_ms,
            demo: snapshot.demo,
            secret: snapshot.secret,
            catalog: snapshot.catalog,
        })
    }

    /// Every sale's live figures at the last entry's time.
    pub fn figures(&self) -> Vec<sale_store::SaleFigures> {
        self.store.figures(self.at_ms as u64)
    }

    /// The time of the last entry applied.
    pub fn at_ms(&self) -> f64 {
        self.at_ms
    }

    /// Applies one entry after the opening; a call's answer comes back. The entry is taken:
    /// its call becomes the store's request without a copy (every replica applies every call).
    pub fn apply(&mut self, entry: Entry) -> Option<StoreResponse> {
        self.at_ms = self.at_ms.max(entry.at_ms());
        let answer = match entry {
            Entry::Open { .. } => None,
            Entry::Call { call, .. } => {
                let (request, session) = call.into_request();
                Some(self.store.handle_as(&request, session, self.at_ms))
            }
            Entry::Tick { .. } => {
                self.store.run_slice(self.at_ms, &mut || false);
                None
            }
        };
        self.store.take_changed();
        answer
    }

    /// Answers a read at `at_ms` (no earlier than the last entry). True beside the answer when
    /// the read changed the store (a payment fell due): the caller must log a `Tick` at
    /// `at_ms` so a replay changes it too.
    pub fn read(&mut self, request: &StoreRequest, at_ms: f64) -> (StoreResponse, bool) {
        self.at_ms = self.at_ms.max(at_ms);
        let response = self.store.handle(request, self.at_ms);
        (response, self.store.take_changed())
    }

    /// Moves the sales to `at_ms`; true when that changed the store (log a `Tick`).
    pub fn advance(&mut self, at_ms: f64) -> bool {
        self.at_ms = self.at_ms.max(at_ms);
        self.store.run_slice(self.at_ms, &mut || false);
        self.store.take_changed()
    }

    /// The real time at which the store next changes without a call, seen at `real_now` (no
    /// earlier than the last entry): `real_now` when something is due already, `None` when
    /// nothing will be until a call comes. It holds until the next entry.
    pub fn poll_timeout(&self, real_now: f64) -> Option<f64> {
        self.store.poll_timeout(real_now.max(self.at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = include_str!("../../../public/catalog.json");
    const T0: f64 = 1_800_000_000_000.0;

    fn call(method: Method, path: &str, key: &str, body: &str) -> Call {
        Call {
            method,
            path: path.into(),
            session: None,
            idempotency_key: Some(key.into()),
            body: Some(body.into()),
        }
    }

    fn opening(demo: bool) -> Entry {
        Entry::Open {
            at_ms: T0,
            secret: [7; 32],
            catalog: CATALOG.into(),
            demo,
        }
    }

    #[test]
    fn the_same_entries_give_the_same_answers() {
        let entries = [
            Entry::Call {
                at_ms: T0 + 5.0,
                call: call(
                    Method::Post,
                    "/api/auth/code",
                    "a",
                    r#"{"phone":"+447700900201"}"#,
                ),
            },
            Entry::Tick { at_ms: T0 + 900.0 },
            Entry::Call {
                at_ms: T0 + 40_000.0,
                call: call(
                    Method::Post,
                    "/api/auth/code",
                    "b",
                    r#"{"phone":"+447700900201"}"#,
                ),
            },
        ];
        let run = || {
            let mut replica = Replica::open(&opening(true)).unwrap();
            entries
                .iter()
                .filter_map(|e| replica.apply(e.clone()))
                .map(|r| (r.status, r.body))
                .collect::<Vec<_>>()
        };
        let answers = run();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].0, 200, "{}", answers[0].1);
        assert_eq!(answers, run());
    }

    #[test]
    fn a_logged_call_holds_the_hash_of_its_token_and_still_signs_the_shopper_in() {
        let mut replica = Replica::open(&opening(true)).unwrap();
        let phone = r#"{"phone":"+447700900201"}"#;
        replica.apply(Entry::Call {
            at_ms: T0 + 5.0,
            call: call(Method::Post, "/api/auth/code", "a", phone),
        });
        let inbox = StoreRequest {
            method: Method::Get,
            path: "/api/dev/inbox".into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        };
        let (inbox, _) = replica.read(&inbox, T0 + 6.0);
        let code: String = inbox.body.split("code is ").nth(1).unwrap()[..6].into();
        let verify = format!(r#"{{"phone":"+447700900201","code":"{code}"}}"#);
        let session = replica
            .apply(Entry::Call {
                at_ms: T0 + 7.0,
                call: call(Method::Post, "/api/auth/verify", "b", &verify),
            })
            .unwrap();
        let token = serde_json::from_str::<store_contract::Session>(&session.body)
            .unwrap()
            .token;
        let register = StoreRequest {
            method: Method::Post,
            path: "/api/sales/k7-first-drop/registration".into(),
            bearer: Some(token.clone()),
            idempotency_key: Some("c".into()),
            body: None,
        };
        let logged = Entry::Call {
            at_ms: T0 + 8.0,
            call: Call::from(&register),
        };
        let text = serde_json::to_string(&logged).unwrap();
        assert!(!text.contains(&token), "no token in the log: {text}");
        let answer = replica.apply(logged).unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
        let view: store_contract::ShopperView = serde_json::from_str(&answer.body).unwrap();
        assert!(
            view.registration_number.is_some(),
            "registered as the token's shopper"
        );
    }

    #[test]
    fn an_operator_sign_in_is_logged_with_the_keys_hash_and_still_signs_in() {
        let mut replica = Replica::open(&opening(false)).unwrap();
        let set = format!(r#"{{"key_sha256":"{}"}}"#, key_sha256("the-key"));
        let answer = replica
            .apply(Entry::Call {
                at_ms: T0,
                call: call(Method::Put, "/api/operator/key", "k", &set),
            })
            .unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
        let sign_in = StoreRequest {
            method: Method::Post,
            path: "/api/operator/session".into(),
            bearer: None,
            idempotency_key: Some("s".into()),
            body: Some(r#"{"key":"the-key"}"#.into()),
        };
        let logged = Entry::Call {
            at_ms: T0 + 1.0,
            call: Call::from(&sign_in),
        };
        let text = serde_json::to_string(&logged).unwrap();
        assert!(!text.contains("the-key"), "no key in the log: {text}");
        let answer = replica.apply(logged).unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    #[test]
    fn store_time_never_goes_back() {
        let mut replica = Replica::open(&opening(false)).unwrap();
        replica.apply(Entry::Tick {
            at_ms: T0 + 1_000.0,
        });
        replica.apply(Entry::Tick { at_ms: T0 + 10.0 });
        assert_eq!(replica.at_ms(), T0 + 1_000.0);
    }

    #[test]
    fn a_real_store_has_no_simulated_crowd() {
        let mut replica = Replica::open(&opening(false)).unwrap();
        let state = StoreRequest {
            method: Method::Get,
            path: "/api/dev/state".into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        };
        let (response, _) = replica.read(&state, T0);
        let state: store_contract::demo::DevState = serde_json::from_str(&response.body).unwrap();
        assert_eq!(state.settings.crowd, Some(0));
        assert!(!replica.demo);
    }
}
