use leptos::prelude::*;

use crate::format::seconds_tenths;
use crate::i18n::fill;
use crate::shop::use_shop;

/// How far the countdown can be trusted: the sync's error bound and the device clock's error,
/// so a shopper whose phone clock is wrong sees that the page is right anyway.
#[component]
pub fn ClockQuality() -> impl IntoView {
    let shop = use_shop();
    let clock = shop.client().clock;
    view! {
        <p class="clock-quality" data-testid="clock-quality">
            {move || { let t = shop.words(); clock.get().map_or_else(|| t.syncing_clock.to_string(), |c| {
                let device = match c.device_ahead_ms() {
                    a if a.abs() < 50.0 => t.clock_agrees.to_string(),
                    a if a > 0.0 => fill(t.clock_fast, &[&seconds_tenths(a)]),
                    a => fill(t.clock_slow, &[&seconds_tenths(-a)]),
                };
                fill(t.clock_synced, &[&(c.error_ms.max(1.0).round() as u64).to_string(), &device])
            })}}
        </p>
    }
}
