//! The network between the app and the demo store, as a real one behaves in a rush: it takes
//! time, the store is sometimes busy (429 with Retry-After around the sale moment) or down
//! (503), and sometimes an answer is lost after the store acted. Only JSON text crosses.
use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::{closure::Closure, JsCast};

use super::store::{MockStore, STORE_KEY};
use super::storage::DemoStorage;
use crate::api::http::{HttpRequest, HttpResponse, Reply, Transport, TransportError};
use crate::device::{real_now, sleep_ms};

/// How long the client waits before it gives an answer up for lost.
pub const TIMEOUT_MS: u64 = 2_500;
/// The crowd's work between two frames. Some steps cannot be split (the draw at the start), so
/// the budget leaves room for one of them inside 8 ms: the page never stalls.
pub const SLICE_BUDGET_MS: f64 = 3.0;
/// Around a sale's start the store sheds load with 429s instead of 503s.
const RUSH_WINDOW_MS: u64 = 30_000;

#[derive(Clone)]
pub struct MockTransport {
    pub store: Rc<RefCell<MockStore>>,
}

impl MockTransport {
    pub fn new(store: MockStore) -> Self {
        Self { store: Rc::new(RefCell::new(store)) }
    }

    /// Keeps the store's sales moving in small slices while the page is open, and follows the
    /// writes of other tabs. Lives as long as the page.
    pub fn run_in_background(&self) {
        let store = self.store.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                sleep_ms(16).await;
                store.borrow_mut().run_slice(real_now(), SLICE_BUDGET_MS);
            }
        });
        let store = self.store.clone();
        let on_storage = Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            if event.key().is_some_and(|k| DemoStorage::owns(&k, STORE_KEY)) {
                store.borrow_mut().reload_if_changed();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
        }
        on_storage.forget();
    }
}

enum Fault {
    Unavailable,
    Busy,
    AnswerLost,
}

impl Transport for MockTransport {
    fn send(&self, request: HttpRequest) -> Reply {
        let store = self.store.clone();
        Box::pin(async move {
            let (latency, faults) = {
                let s = store.borrow();
                (s.settings().latency_ms as f64, s.settings().faults)
            };
            let leg = || (latency / 2.0 * (0.5 + js_sys::Math::random())) as u64;
            let dev_call = request.path.starts_with("/api/dev/");
            let roll = js_sys::Math::random();
            let fault = match () {
                _ if dev_call || roll >= faults => None,
                _ if roll < faults / 3.0 => Some(Fault::Unavailable),
                _ if roll < faults * 2.0 / 3.0 => Some(Fault::Busy),
                _ => Some(Fault::AnswerLost),
            };
            sleep_ms(leg()).await;
            let response = match fault {
                Some(Fault::Unavailable) => error_response(503, "unavailable", "The store is briefly unavailable.", None),
                Some(Fault::Busy) => {
                    let rush = store.borrow().in_rush(real_now(), RUSH_WINDOW_MS);
                    let wait = if rush { 1_000 + (js_sys::Math::random() * 2_000.0) as u64 } else { 500 };
                    error_response(429, "busy", "The store is busy with the rush.", Some(wait))
                }
                None | Some(Fault::AnswerLost) => {
                    // The JSON round trip: the store sees only text, as over a network.
                    store.borrow_mut().handle(&request, real_now())
                }
            };
            if matches!(fault, Some(Fault::AnswerLost)) {
                sleep_ms(TIMEOUT_MS).await;
                return Err(TransportError::Timeout);
            }
            sleep_ms(leg()).await;
            Ok(response)
        })
    }
}

fn error_response(status: u16, code: &str, message: &str, retry_after_ms: Option<u64>) -> HttpResponse {
    let mut error = crate::api::ApiError::new(status, code, message);
    error.retry_after_ms = retry_after_ms;
    HttpResponse { status, retry_after_ms, body: serde_json::to_string(&error).expect("errors serialise") }
}
