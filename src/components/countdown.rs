use leptos::prelude::*;

use crate::format;
use crate::i18n::Text;
use crate::shop::use_shop;

/// Time left until a store instant, as a `role="timer"` that screen readers hear only at the
/// milestones (one minute, ten seconds, open) rather than every second.
#[component]
pub fn Countdown(
    #[prop(into)] target: Signal<u64>,
    #[prop(into)] now: Signal<Option<f64>>,
    /// Said when the moment comes, e.g. "The sale is open".
    done: Text,
    #[prop(default = "countdown")] testid: &'static str,
) -> impl IntoView {
    // Shown against the whole store second at or before the moment: the clock ticks on whole
    // seconds, so a moment between two (a hold's deadline) would otherwise still show 0:01
    // for up to a second after the store has acted on it. Better a moment early than late.
    let shop = use_shop();
    let left = Memo::new(move |_| {
        now.get()
            .map(|n| (target.get() - target.get() % 1_000) as f64 - n)
    });
    let milestone = Memo::new(move |_| match left.get() {
        Some(ms) if ms <= 0.0 => done(shop.words()),
        Some(ms) if ms <= 10_000.0 => shop.words().ten_seconds_left,
        Some(ms) if ms <= 60_000.0 => shop.words().one_minute_left,
        _ => "",
    });
    view! {
        <span class="countdown" role="timer" aria-live="off" data-testid=testid>
            {move || left.get().map_or_else(|| "–:––".to_string(), |ms| format::countdown(ms as i64, shop.words()))}
        </span>
        <span class="sr-only" role="status">{move || milestone.get()}</span>
    }
}
