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

/// 128 random bits as hex: the page's idempotency keys. They are the client's own choice, as with
/// any HTTP client; everything the store decides comes from its seed.
pub fn random_key() -> String {
    let word = || (js_sys::Math::random() * (1u64 << 52) as f64) as u64 & 0xffff_ffff;
    format!("{:08x}{:08x}{:08x}{:08x}", word(), word(), word(), word())
}

pub async fn sleep_ms(ms: u64) {
    gloo_timers::future::TimeoutFuture::new(ms.min(u32::MAX as u64) as u32).await
}
