use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::device::{monotonic_ms, sleep_ms};

/// How often the clock is synced again while the page is open (real ms).
const RESYNC_EVERY_MS: f64 = 5.0 * 60_000.0;
use crate::shop::use_shop;

/// Store time (ms), updated on every whole store second, computed afresh from the synced clock
/// each time, never by counting ticks, so a late or throttled timer cannot make it drift. When
/// a hidden tab becomes visible again it re-syncs and updates at once. `None` until the first
/// sync. Every caller shares the shop's one clock: one timer and one re-sync, however many
/// countdowns the page shows.
///
/// ```ignore
/// let now = use_store_clock();
/// view! { <span>{move || now.get().map(|ms| format::clock_time(ms as u64))}</span> }
/// ```
pub fn use_store_clock() -> Signal<Option<f64>> {
    let shop = use_shop();
    let now = shop.store_clock;
    if !shop.store_clock_running.get_value() {
        shop.store_clock_running.set_value(true);
        let client = shop.client();
        now.set(client.store_now());
        let tick_client = client.clone();
        // Runs as long as the shop, which is as long as the page.
        leptos::task::spawn_local(async move {
            let mut synced_at = monotonic_ms();
            loop {
                // Device clocks drift, and a shopper may wait an hour for a sale: sync again now and then.
                if monotonic_ms() - synced_at >= RESYNC_EVERY_MS {
                    synced_at = monotonic_ms();
                    let client = tick_client.clone();
                    leptos::task::spawn_local(async move {
                        let _ = client.sync_clock().await;
                    });
                }
                let store_now = tick_client.store_now();
                now.set(store_now);
                let rate = tick_client.clock.get_untracked().map_or(1.0, |c| c.rate);
                // Wake just after the next whole store second; timers may fire a few ms late, never early.
                let wait =
                    store_now.map_or(50.0, |t| (1_000.0 - t.rem_euclid(1_000.0)) / rate + 1.0);
                sleep_ms(wait.ceil() as u64).await;
            }
        });
        let on_visible = Closure::<dyn Fn()>::new(move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                now.set(client.store_now());
                let client = client.clone();
                leptos::task::spawn_local(async move {
                    if client.sync_clock().await.is_ok() {
                        now.set(client.store_now());
                    }
                });
            }
        });
        let _ = document().add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
        on_visible.forget();
    }
    now.into()
}
