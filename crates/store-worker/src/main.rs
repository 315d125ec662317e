//! The demo store in a Service Worker, the Mock Service Worker pattern in Rust: `sw.js` loads
//! this wasm and hands every same-origin `/api/...` fetch to [`answer`]. One worker serves every
//! tab, so a browser has one store. The store itself is sans-I/O (`sale-store`); this binary
//! only does the I/O: the catalog fetch, IndexedDB, timers, entropy and the network's faults.
mod idb;
mod worker;

use wasm_bindgen::prelude::*;

/// Trunk builds this binary as a worker; everything happens in [`answer`].
fn main() {}

/// Answers one `/api/...` request from a page, as a store across a network would.
#[wasm_bindgen]
pub async fn answer(request: web_sys::Request) -> Result<web_sys::Response, JsValue> {
    worker::answer(request).await
}
