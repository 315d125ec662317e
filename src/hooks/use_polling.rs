use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use leptos::prelude::*;

use crate::device::sleep_ms;

/// A counter that goes up every `every_ms` while the component lives: read it inside a
/// resource to refetch on that beat.
///
/// ```ignore
/// let beat = use_polling(1_000);
/// let sales = use_api::<Vec<SaleSummary>>(move || { beat.track(); "/api/sales".into() });
/// ```
pub fn use_polling(every_ms: u64) -> ReadSignal<u64> {
    let (beat, set_beat) = signal(0u64);
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    leptos::task::spawn_local(async move {
        loop {
            sleep_ms(every_ms).await;
            if !alive.load(Ordering::Relaxed) {
                break;
            }
            set_beat.update(|b| *b += 1);
        }
    });
    beat
}
