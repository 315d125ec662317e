//! How a call reaches a store: `fetch` to same-origin `/api/...`, answered by the mock store's
//! Service Worker or by a real store server alike. Unit-level browser tests put the store in
//! the page behind the same [`Transport`].
use std::{future::Future, pin::Pin};

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use store_contract::{StoreRequest, StoreResponse};

/// Why no response came back at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing came back within the call's time limit.
    Timeout,
    /// The connection failed or dropped before an answer arrived.
    NoConnection,
}

pub type Reply = Pin<Box<dyn Future<Output = Result<StoreResponse, TransportError>>>>;

pub trait Transport {
    fn send(&self, request: StoreRequest) -> Reply;
}

/// `fetch()` with the contract's headers and a time limit per call (an AbortController).
pub struct FetchTransport {
    pub timeout_ms: u32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self { timeout_ms: 10_000 }
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: StoreRequest) -> Reply {
        let timeout_ms = self.timeout_ms;
        Box::pin(async move {
            let controller =
                web_sys::AbortController::new().map_err(|_| TransportError::NoConnection)?;
            let abort = controller.clone();
            let _deadline = gloo_timers::callback::Timeout::new(timeout_ms, move || abort.abort());
            let answer = fetch(&request, &controller.signal()).await;
            match answer {
                Ok(response) => Ok(response),
                Err(_) if controller.signal().aborted() => Err(TransportError::Timeout),
                Err(_) => Err(TransportError::NoConnection),
            }
        })
    }
}

async fn fetch(
    request: &StoreRequest,
    signal: &web_sys::AbortSignal,
) -> Result<StoreResponse, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_signal(Some(signal));
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(token) = &request.bearer {
        headers.set("Authorization", &format!("Bearer {token}"))?;
    }
    if let Some(key) = &request.idempotency_key {
        headers.set("Idempotency-Key", key)?;
    }
    if let Some(body) = &request.body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(&request.path, &init))
            .await?
            .unchecked_into();
    let retry_after_ms = response
        .headers()
        .get("Retry-After")?
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|s| s * 1_000);
    let body = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok(StoreResponse {
        status: response.status(),
        retry_after_ms,
        body,
    })
}
