//! The few things the app asks of the device: its clock, randomness for keys, and timers.
use std::cell::Cell;

thread_local! {
    static CLOCK_ERROR_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// Wall-clock time as the real world has it (ms since the Unix epoch).
pub fn real_now() -> f64 {
    js_sys::Date::now()
}

/// The device's own clock, which may be wrong: the app never trusts it for the sale moment.
pub fn device_now() -> f64 {
    real_now() + CLOCK_ERROR_MS.with(Cell::get)
}

/// Makes the device clock wrong by `ms`, as a phone with a badly set clock would be.
pub fn set_device_clock_error(ms: f64) {
    CLOCK_ERROR_MS.with(|c| c.set(ms));
}

/// A monotonic high-resolution timer for measuring work (ms).
pub fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(real_now)
}

/// 128 random bits from the browser's cryptographic generator, as hex: the page's idempotency
/// keys. They are the client's own choice, as with any HTTP client; everything the store decides
/// comes from its seed. `getRandomValues` rather than `randomUUID`: it also works on a page
/// that is not a secure context (the store server reached over plain HTTP on a LAN address).
pub fn random_key() -> String {
    let mut bytes = [0u8; 16];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .expect("the browser has crypto.getRandomValues");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn sleep_ms(ms: u64) {
    gloo_timers::future::TimeoutFuture::new(ms.min(u32::MAX as u64) as u32).await
}
