//! The network between the app and the demo store, as a real one behaves in a rush: it takes
//! time, the store is sometimes busy (429 with Retry-After around the sale moment) or down
//! (503), and sometimes an answer is lost after the store acted. The store only decides; the
//! Service Worker waits and drops. Every decision comes from the store's seed and the call's
//! route and count, so a replayed run fails the same calls.
use std::collections::HashMap;

use store_contract::{demo::DemoSettings, ApiError, ErrorCode, StoreRequest, StoreResponse};

use crate::random::Randomness;

/// Around a sale's start the store sheds load with 429s instead of 503s.
pub const RUSH_WINDOW_MS: u64 = 30_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 503 before the store sees the call.
    Unavailable,
    /// 429 before the store sees the call.
    Busy { retry_after_ms: u64 },
    /// The store acts, then the connection drops before the answer arrives.
    AnswerLost,
}

/// What happens to one call on its way: the two legs' delays and the fault, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    pub to_store_ms: u64,
    pub from_store_ms: u64,
    pub fault: Option<Fault>,
}

impl Fault {
    /// The answer a fault that stops the call before the store gives.
    pub fn response(&self) -> Option<StoreResponse> {
        let error = match self {
            Fault::Unavailable => ApiError::new(
                503,
                ErrorCode::Unavailable,
                "The store is briefly unavailable.",
            ),
            Fault::Busy { retry_after_ms } => {
                ApiError::new(429, ErrorCode::Busy, "The store is busy with the rush.")
                    .retry_after(*retry_after_ms)
            }
            Fault::AnswerLost => return None,
        };
        Some(StoreResponse {
            status: error.status,
            retry_after_ms: error.retry_after_ms,
            body: serde_json::to_string(&error).expect("errors serialise"),
        })
    }
}

/// Counts calls per route, so the n-th call on a route meets the same fate in every replay.
#[derive(Default)]
pub struct Network {
    calls: HashMap<String, u64>,
}

impl Network {
    /// Forgets the counts: a demo reset starts a new run.
    pub fn reset(&mut self) {
        self.calls.clear();
    }

    pub fn passage(
        &mut self,
        request: &StoreRequest,
        settings: &DemoSettings,
        random: &Randomness,
        rush: bool,
    ) -> Passage {
        let path = request.path.split('?').next().unwrap_or_default();
        let route = format!("{} {path}", request.method.as_str());
        let n = self.calls.entry(route.clone()).or_default();
        *n += 1;
        let roll = |what: &str| random.unit(&format!("{what} {route}"), *n);
        let leg = |what: &str| (settings.latency_ms as f64 / 2.0 * (0.5 + roll(what))) as u64;
        let faults = if path.starts_with("/api/dev/") {
            0.0
        } else {
            settings.faults
        };
        let chance = roll("fault");
        let fault = match () {
            _ if chance >= faults => None,
            _ if chance < faults / 3.0 => Some(Fault::Unavailable),
            _ if chance < faults * 2.0 / 3.0 => {
                let retry_after_ms = if rush {
                    1_000 + (roll("retry") * 2_000.0) as u64
                } else {
                    500
                };
                Some(Fault::Busy { retry_after_ms })
            }
            _ => Some(Fault::AnswerLost),
        };
        Passage {
            to_store_ms: leg("to"),
            from_store_ms: leg("from"),
            fault,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store_contract::Method;

    fn get(path: &str) -> StoreRequest {
        StoreRequest {
            method: Method::Get,
            path: path.into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        }
    }

    fn fates(seed: u64) -> Vec<Option<Fault>> {
        let settings = DemoSettings {
            faults: 0.5,
            ..DemoSettings::default()
        };
        let mut network = Network::default();
        let random = Randomness::from_seed(seed);
        (0..40)
            .map(|i| {
                network
                    .passage(
                        &get(if i % 2 == 0 {
                            "/api/time"
                        } else {
                            "/api/sales"
                        }),
                        &settings,
                        &random,
                        false,
                    )
                    .fault
            })
            .collect()
    }

    #[test]
    fn a_replayed_seed_fails_the_same_calls() {
        let first = fates(9);
        assert_eq!(first, fates(9));
        assert_ne!(first, fates(10));
        let failed = first.iter().filter(|f| f.is_some()).count();
        assert!(
            (8..=32).contains(&failed),
            "about half of 40 calls fail at faults=0.5, got {failed}"
        );
    }

    #[test]
    fn dev_calls_never_fail() {
        let settings = DemoSettings {
            faults: 1.0,
            ..DemoSettings::default()
        };
        let mut network = Network::default();
        let random = Randomness::from_seed(1);
        assert!((0..20).all(|_| network
            .passage(&get("/api/dev/state"), &settings, &random, false)
            .fault
            .is_none()));
        assert!(network
            .passage(&get("/api/time"), &settings, &random, false)
            .fault
            .is_some());
    }
}
