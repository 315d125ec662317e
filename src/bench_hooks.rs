//! Read-outs for `make bench`, called from the page through `window.wasmBindings`: they let a
//! benchmark compare what the page shows with store time and run the engine inside a tab.
use wasm_bindgen::prelude::*;

use crate::device::{device_now, monotonic_ms};

thread_local! {
    static CLOCK: std::cell::RefCell<Option<crate::api::ClockSync>> = const { std::cell::RefCell::new(None) };
}

/// Remembers the client's latest clock sync so the page's idea of store time can be read.
pub fn record_sync(sync: crate::api::ClockSync) {
    CLOCK.with(|c| *c.borrow_mut() = Some(sync));
}

/// Store time as this page computes it (ms), or NaN before the first sync.
#[wasm_bindgen]
pub fn store_now_ms() -> f64 {
    CLOCK.with(|c| {
        c.borrow()
            .map_or(f64::NAN, |sync| sync.store_time(device_now()))
    })
}

/// Runs a whole sale of `shoppers` against `stock` units in this tab; answers JSON with the
/// engine's outcome and the wall time it took (ms, performance.now()).
#[wasm_bindgen]
pub fn run_sale(shoppers: u32, stock: u32, seed: u64) -> String {
    let started = monotonic_ms();
    let outcome = sale_engine::simulate_sale(shoppers, stock, seed);
    let elapsed_ms = monotonic_ms() - started;
    let mut json = serde_json::to_value(&outcome).expect("the outcome serialises");
    json["elapsed_ms"] = elapsed_ms.into();
    json["wasm_memory_bytes"] = wasm_memory_bytes().into();
    json.to_string()
}

/// The size of the wasm linear memory now (bytes).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as f64
}
