//! The client side of the contract, the same for any store: store-time sync, retries that
//! honour Retry-After, and an idempotency key on every call that changes state.
use std::{cell::Cell, rc::Rc};

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::clock::ClockSync;
use super::transport::{Transport, TransportError};
use crate::device::{device_now, random_key, sleep_ms};
use store_contract::*;

/// At 30 % faults, eight tries all failing happens about once in 15,000 calls.
const MAX_ATTEMPTS: u32 = 8;
const SYNC_SAMPLES: usize = 5;

/// What the app shows about the connection while a call is being retried.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkNotice {
    Retrying {
        /// The status of the answer that is being retried (0: no answer); the banner says why.
        status: u16,
        in_ms: u64,
        attempt: u32,
    },
}

#[derive(Clone)]
pub struct StoreClient {
    transport: Rc<dyn Transport>,
    pub session: RwSignal<Option<Session>>,
    pub clock: RwSignal<Option<ClockSync>>,
    pub notice: RwSignal<Option<NetworkNotice>>,
    /// Set when the store answered 401 to the session the client holds, and it signed out.
    pub session_refused: RwSignal<bool>,
    in_flight_retries: Rc<Cell<u32>>,
}

impl StoreClient {
    pub fn new(transport: Rc<dyn Transport>, session: Option<Session>) -> Self {
        Self {
            transport,
            session: RwSignal::new(session),
            clock: RwSignal::new(None),
            notice: RwSignal::new(None),
            session_refused: RwSignal::new(false),
            in_flight_retries: Rc::default(),
        }
    }

    /// The same store and clock, calling with another bearer token: the operator console's
    /// calls carry the operator's session, never the shopper's, and a refusal of it leaves the
    /// shopper signed in.
    pub fn with_bearer(&self, token: String) -> Self {
        Self {
            session: RwSignal::new(Some(Session {
                token,
                phone: String::new(),
            })),
            session_refused: RwSignal::new(false),
            ..self.clone()
        }
    }

    /// NTP-style: several samples, keep the one with the lowest round trip. The best so far is
    /// published after each sample, so countdowns appear after the first round trip. A sample
    /// that fails (after its retries) is skipped; the sync fails only when every one did.
    pub async fn sync_clock(&self) -> Result<ClockSync, ApiError> {
        let mut best: Option<(f64, ClockSync)> = None;
        let mut failure = None;
        for _ in 0..SYNC_SAMPLES {
            let sent = device_now();
            let time: StoreTime = match self.call(Method::Get, "/api/time", None::<()>).await {
                Ok(time) => time,
                Err(e) => {
                    failure = Some(e);
                    continue;
                }
            };
            let received = device_now();
            let round_trip = received - sent;
            // The answer left the store somewhere in the round trip: its midpoint is the best
            // guess, and half the trip the most it can be off, in real ms. Store time runs
            // `rate` times faster, so its error is that many times larger.
            let store_at_sync = time.now_ms as f64 + round_trip / 2.0 * time.rate;
            let sample = ClockSync {
                store_at_sync,
                device_at_sync: received,
                rate: time.rate,
                error_ms: round_trip / 2.0 * time.rate,
                real_at_sync: time
                    .real_ms
                    .map_or(store_at_sync, |real| real as f64 + round_trip / 2.0),
            };
            if best.is_none_or(|(rtt, _)| round_trip < rtt) {
                best = Some((round_trip, sample));
                #[cfg(feature = "bench")]
                crate::bench_hooks::record_sync(sample);
                self.clock.set(Some(sample));
            }
        }
        match (best, failure) {
            (Some((_, sync)), _) => Ok(sync),
            (None, Some(e)) => Err(e),
            (None, None) => unreachable!("SYNC_SAMPLES is not zero"),
        }
    }

    /// The store time now, from the last sync; `None` until the first sync.
    pub fn store_now(&self) -> Option<f64> {
        self.clock
            .get_untracked()
            .map(|c| c.store_time(device_now()))
    }

    fn bearer(&self) -> Option<String> {
        self.session.get_untracked().map(|s| s.token)
    }

    /// One logical call with a typed answer (see [`StoreClient::send`]).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<impl Serialize>,
    ) -> Result<T, ApiError> {
        let body = body.map(|b| crate::json::to_string(&b));
        self.call_json(method, path, body).await
    }

    /// [`StoreClient::call`] with a body already in JSON text.
    pub async fn call_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let answer = self.send(method, path, body).await?;
        crate::json::from_str(&answer).map_err(|e| {
            // The detail is for developers; the shopper gets a sentence.
            web_sys::console::warn_1(&format!("{} {path}: unreadable answer: {e}", method.as_str()).into());
            ApiError::new(502, ErrorCode::BadResponse, "The store sent an answer this page cannot read. Reload the page to get the latest version.")
        })
    }

    /// Sends one logical call, retrying transient failures with exponential backoff and full
    /// jitter, never sooner than Retry-After. A call that changes state keeps one idempotency key
    /// across its retries, so an answer lost after the store acted causes no second effect.
    /// Not generic, so the retry logic exists once in the wasm, not once per answer type.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let request = StoreRequest {
            method,
            path: path.to_string(),
            bearer: self.bearer(),
            idempotency_key: method.changes_state().then(random_key),
            body,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.transport.send(request.clone()).await {
                Ok(response) if (200..300).contains(&response.status) => return Ok(response.body),
                Ok(response) => {
                    let mut error = crate::json::from_str::<ApiError>(&response.body)
                        .unwrap_or_else(|_| {
                            ApiError::new(
                                response.status,
                                ErrorCode::HttpError,
                                format!("The store answered {}.", response.status),
                            )
                        });
                    error.retry_after_ms = error.retry_after_ms.or(response.retry_after_ms);
                    error
                }
                Err(TransportError::Timeout) => {
                    ApiError::new(0, ErrorCode::NoAnswer, "The store did not answer in time.")
                }
                Err(TransportError::NoConnection) => ApiError::new(
                    0,
                    ErrorCode::NoAnswer,
                    "The connection to the store dropped.",
                ),
            };
            // Only the session the call was made with was refused: one signed in since (by a
            // scenario after a demo reset, or in another tab) stands.
            if error.status == 401
                && error.code == ErrorCode::SignIn
                && request.bearer.is_some()
                && request.bearer == self.bearer()
            {
                self.session_refused.set(true);
                self.session.set(None);
            }
            if !error.is_transient() || attempt >= MAX_ATTEMPTS {
                return Err(error);
            }
            let backoff = (400.0 * 2f64.powi(attempt as i32 - 1)).min(8_000.0);
            let wait =
                ((js_sys::Math::random() * backoff) as u64).max(error.retry_after_ms.unwrap_or(0));
            self.in_flight_retries.set(self.in_flight_retries.get() + 1);
            self.notice.set(Some(NetworkNotice::Retrying {
                status: error.status,
                in_ms: wait,
                attempt,
            }));
            sleep_ms(wait).await;
            self.in_flight_retries.set(self.in_flight_retries.get() - 1);
            if self.in_flight_retries.get() == 0 {
                self.notice.set(None);
            }
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.call(Method::Get, path, None::<()>).await
    }
}
