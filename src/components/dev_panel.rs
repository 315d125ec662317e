use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::api::demo::{ClockChange, DemoSettings, DevState};
use crate::api::Method;
use crate::format;
use crate::hooks::{use_polling, use_store_clock};
use crate::i18n::Locale;
use crate::scenario::DEMO_SALE;
use crate::shop::use_shop;

/// Demo controls, hidden from shoppers: shown with `?dev=1` or Alt+Shift+D. Jumps the store
/// clock to the sale's moments, changes the crowd, stock and network, resets the demo, and shows
/// the store clock and the engine's live counters.
#[component]
pub fn DevPanel() -> impl IntoView {
    let shop = use_shop();
    let open = shop.dev_panel;
    let on_key =
        Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.alt_key() && e.shift_key() && e.code() == "KeyD" {
                open.update(|o| *o = !*o);
            }
        });
    let _ = window().add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
    move || open.get().then(|| view! { <Panel/> })
}

/// The demo controls are a developer's tool, not part of the shop: they stay in English.
const DEMO_CONTROLS: Locale = Locale::En;

#[component]
fn Panel() -> impl IntoView {
    let shop = use_shop();
    let beat = use_polling(1_000);
    let state = RwSignal::new(None::<DevState>);
    let draft = RwSignal::new(None::<DemoSettings>);
    let problem = RwSignal::new(None::<String>);
    let now = use_store_clock();
    Effect::new(move |_| {
        beat.get();
        leptos::task::spawn_local(async move {
            if let Ok(s) = shop.client().get::<DevState>("/api/dev/state").await {
                if draft.get_untracked().is_none() {
                    draft.set(Some(s.settings.clone()));
                }
                state.set(Some(s));
            }
        });
    });
    // Every control goes through the store API, then the page re-syncs its clock.
    let send = move |method: Method, path: &'static str, body: String| {
        leptos::task::spawn_local(async move {
            let client = shop.client();
            match client.call_json::<DevState>(method, path, Some(body)).await {
                Ok(s) => {
                    problem.set(None);
                    draft.set(Some(s.settings.clone()));
                    state.set(Some(s));
                    let _ = client.sync_clock().await;
                }
                Err(e) => problem.set(Some(e.message)),
            }
        });
    };
    let sale = move || {
        state
            .get()
            .and_then(|s| s.sales.into_iter().find(|x| x.id == DEMO_SALE))
    };
    let jump = move |to: Option<u64>| {
        if let Some(to) = to {
            send(
                Method::Post,
                "/api/dev/clock",
                crate::json::to_string(&ClockChange {
                    jump_to_ms: Some(to),
                    speed: None,
                }),
            );
        }
    };
    let number = move |label: &'static str,
                       value: fn(&DemoSettings) -> String,
                       set: fn(&mut DemoSettings, &str) -> Result<(), String>| {
        view! {
            <label>{label}
                <input inputmode="decimal" prop:value=move || draft.get().as_ref().map(value).unwrap_or_default()
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d.as_mut() {
                            if let Err(e) = set(d, &text) { problem.set(Some(e)); }
                        });
                    }/>
            </label>
        }
    };
    view! {
        <aside class="dev-panel" aria-label="Demo controls" data-testid="dev-panel">
            <h2>"Demo controls" <button class="link" on:click=move |_| shop.dev_panel.set(false)>"Hide"</button></h2>
            <dl>
                <dt>"Store clock"</dt><dd data-testid="dev-store-clock">{move || now.get().map(|t| format::clock_time(t as u64, DEMO_CONTROLS)).unwrap_or_default()}</dd>
                <dt>"Sync"</dt><dd>{move || shop.client().clock.get().map(|c| format!("±{:.0} ms, device {:+.1} s, ×{}", c.error_ms, c.device_ahead_ms() / 1_000.0, c.rate))}</dd>
                {move || sale().map(|s| view! {
                    <dt>"Phase"</dt><dd>{format!("{:?}", s.phase)}</dd>
                    <dt>"Registered / came"</dt><dd>{format!("{} / {}", format::count(s.counters.registrations as u64, DEMO_CONTROLS), format::count(s.counters.arrivals as u64, DEMO_CONTROLS))}</dd>
                    <dt>"In line"</dt><dd>{format::count(s.counters.in_line as u64, DEMO_CONTROLS)}</dd>
                    <dt>"Available / held / paying"</dt><dd>{format!("{} / {} / {}", s.counters.available, s.counters.held, s.counters.paying)}</dd>
                    <dt>"Sold / expired"</dt><dd>{format!("{} / {}", s.counters.sold, s.counters.holds_expired)}</dd>
                    <dt>"Engine memory"</dt><dd>{format!("{} KB", s.engine_bytes / 1_000)}</dd>
                })}
            </dl>
            // Said here and not on the shopper's screens: a seeded run is for replaying a demo,
            // and its draws are knowable in advance.
            {move || state.get().filter(|s| s.replayable).map(|s| view! {
                <p class="hint" data-testid="dev-replayable">{format!(
                    "Replayable run (?seed={}): every random choice follows from that number, each sale's draw seed included, so anyone who knows it can work out the draw before the start. Without ?seed= the seed comes from the browser's cryptographic source and stays secret until the sale ends.",
                    s.settings.seed.unwrap_or_default()
                )}</p>
            })}
            <div class="row">
                <button class="button" data-testid="dev-jump-close" on:click=move |_| jump(sale().map(|s| s.registration_closes))>"Registration closes"</button>
                <button class="button" data-testid="dev-jump-t10" on:click=move |_| jump(sale().map(|s| s.starts_at - 10_000))>"T−10 s"</button>
                <button class="button" data-testid="dev-jump-start" on:click=move |_| jump(sale().map(|s| s.starts_at))>"Start"</button>
                <button class="button" data-testid="dev-jump-minute" on:click=move |_| jump(shop.client().store_now().map(|t| t as u64 + 60_000))>"+1 min"</button>
            </div>
            {number("Clock speed (1–60)", |d| d.speed.to_string(), |d, v| d.apply("speed", v))}
            {number("Crowd", |d| d.crowd.map(|c| c.to_string()).unwrap_or_default(), |d, v| d.apply("crowd", v))}
            {number("Stock", |d| d.stock.map(|c| c.to_string()).unwrap_or_default(), |d, v| d.apply("stock", v))}
            {number("Latency (ms)", |d| d.latency_ms.to_string(), |d, v| d.apply("latency", v))}
            {number("Faults (0–1)", |d| d.faults.to_string(), |d, v| d.apply("faults", v))}
            {number("Store clock skew (ms)", |d| d.skew_ms.to_string(), |d, v| d.apply("skew", v))}
            <p class="field-problem" role="alert">{move || problem.get()}</p>
            <div class="row">
                <button class="button primary" on:click=move |_| if let Some(d) = draft.get_untracked() {
                    send(Method::Put, "/api/dev/settings", crate::json::to_string(&d));
                }>"Apply"</button>
                <button class="button" data-testid="dev-reset" on:click=move |_| {
                    shop.client().session.set(None);
                    send(Method::Post, "/api/dev/reset", crate::json::to_string(&draft.get_untracked()));
                }>"Reset demo"</button>
            </div>
        </aside>
    }
}
