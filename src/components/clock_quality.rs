use leptos::prelude::*;

use crate::shop::use_shop;

/// How far the countdown can be trusted: the sync's error bound and the device clock's error,
/// so a shopper whose phone clock is wrong sees that the page is right anyway.
#[component]
pub fn ClockQuality() -> impl IntoView {
    let clock = use_shop().client().clock;
    view! {
        <p class="clock-quality" data-testid="clock-quality">
            {move || clock.get().map_or_else(|| "Syncing with the store clock…".to_string(), |c| {
                let ahead = c.device_ahead_ms() / 1_000.0;
                let device = match ahead {
                    a if a.abs() < 0.05 => "your device clock agrees with it".to_string(),
                    a if a > 0.0 => format!("your device clock is {:.1} s fast", a),
                    a => format!("your device clock is {:.1} s slow", -a),
                };
                format!("Synced with the store ±{:.0} ms; {device}.", c.error_ms.max(1.0))
            })}
        </p>
    }
}
