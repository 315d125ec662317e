use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::device::sleep_ms;
use crate::shop::use_shop;

/// Store time (ms), updated on every whole store second, computed afresh from the synced clock
/// each time, never by counting ticks, so a late or throttled timer cannot make it drift. When
/// a hidden tab becomes visible again it re-syncs and updates at once. `None` until the first sync.
///
/// ```ignore
/// let now = use_store_clock();
/// view! { <span>{move || now.get().map(|ms| format::clock_time(ms as u64))}</span> }
/// ```
pub fn use_store_clock() -> Signal<Option<f64>> {
    let client = use_shop().client();
    let now = RwSignal::new(client.store_now());
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    let tick_client = client.clone();
    leptos::task::spawn_local(async move {
        while alive.load(Ordering::Relaxed) {
            let store_now = tick_client.store_now();
            now.set(store_now);
            let rate = tick_client.clock.get_untracked().map_or(1.0, |c| c.rate);
            // Wake just after the next whole store second; timers may fire a few ms late, never early.
            let wait = store_now.map_or(50.0, |t| (1_000.0 - t.rem_euclid(1_000.0)) / rate + 1.0);
            sleep_ms(wait.ceil() as u64).await;
        }
    });
    let on_visible = Closure::<dyn Fn()>::new(move || {
        let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
        if visible {
            now.set(client.store_now());
            let client = client.clone();
            leptos::task::spawn_local(async move {
                if client.sync_clock().await.is_ok() {
                    now.set(client.store_now());
                }
            });
        }
    });
    let target = document();
    let _ = target.add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    let listener = send_wrapper::SendWrapper::new(on_visible);
    on_cleanup(move || {
        let _ = document().remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
    });
    now.into()
}
