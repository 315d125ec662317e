use leptos::prelude::*;

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
                let ahead = c.device_ahead_ms() / 1_000.0;
                let device = match ahead {
                    a if a.abs() < 0.05 => t.clock_agrees.to_string(),
                    a if a > 0.0 => fill(t.clock_fast, &[&format!("{a:.1}")]),
                    a => fill(t.clock_slow, &[&format!("{:.1}", -a)]),
                };
                fill(t.clock_synced, &[&format!("{:.0}", c.error_ms.max(1.0)), &device])
            })}}
        </p>
    }
}
