use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::on_demand::on_demand;
use crate::api::demo::{ClockChange, DemoSettings, DevState};
use crate::api::Method;
use crate::api::Phase;
use crate::format;
use crate::hooks::{use_polling, use_store_clock};
use crate::i18n::{fill, Said, Words};
use crate::scenario::DEMO_SALE;
use crate::shop::use_shop;
use crate::split::{fetched, ModuleMissing};

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
    // Built again in the other language when the shopper switches, like the page.
    move || {
        shop.locale.track();
        open.get()
            .then(|| on_demand(|| Box::pin(async { fetched!(dev_panel()) })))
    }
}

/// The panel, which shoppers never open: in the release build a module of its own, fetched
/// when it is first opened (see [`crate::split`]).
#[cfg_attr(
    split,
    leptos::wasm_split::wasm_split(dev_panel, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn dev_panel() -> Result<AnyView, ModuleMissing> {
    Ok(view! { <Panel/> }.into_any())
}

/// The sale's phase as the shop's badges name it.
fn phase(phase: Phase, t: &Words) -> &'static str {
    match phase {
        Phase::Announced => t.badge_announced,
        Phase::RegistrationOpen => t.badge_registration_open,
        Phase::RegistrationClosed => t.badge_starting_soon,
        Phase::Live => t.badge_live,
        Phase::Ended => t.badge_ended,
    }
}

#[component]
fn Panel() -> impl IntoView {
    let shop = use_shop();
    let beat = use_polling(1_000);
    let state = RwSignal::new(None::<DevState>);
    let draft = RwSignal::new(None::<DemoSettings>);
    let problem = RwSignal::new(None::<String>);
    let now = use_store_clock();
    let (locale, t) = (shop.locale.get_untracked(), shop.words());
    let count = move |n: u64| format::count(n, locale);
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
                Err(e) => problem.set(Some(t.store_error(&e))),
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
                       setting: &'static str| {
        view! {
            <label>{label}
                <input inputmode="decimal" prop:value=move || draft.get().as_ref().map(value).unwrap_or_default()
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d.as_mut() {
                            if let Err(e) = d.apply_reading_decimals(setting, &text, format::parse_decimal) { problem.set(Some(Said::setting_problem(&e).say(t))); }
                        });
                    }/>
            </label>
        }
    };
    view! {
        <aside class="dev-panel" aria-label=t.demo_controls data-testid="dev-panel">
            <h2>{t.demo_controls} " " <button class="link" on:click=move |_| shop.dev_panel.set(false)>{t.hide}</button></h2>
            <dl>
                <dt>{t.store_clock}</dt><dd data-testid="dev-store-clock">{move || now.get().map(|at| format::clock_time(at as u64, locale)).unwrap_or_default()}</dd>
                <dt>{t.sync}</dt><dd>{move || shop.client().clock.get().map(|c| fill(t.sync_detail, &[&(c.error_ms.round() as i64).to_string(), &signed(format::seconds_tenths(c.device_ahead_ms())), &format::decimal(c.rate)]))}</dd>
                {move || sale().map(|s| view! {
                    <dt>{t.phase}</dt><dd>{phase(s.phase, t)}</dd>
                    <dt>{t.registered_came}</dt><dd>{format!("{} / {}", count(s.counters.registrations as u64), count(s.counters.arrivals as u64))}</dd>
                    <dt>{t.in_line}</dt><dd>{count(s.counters.in_line as u64)}</dd>
                    <dt>{t.available_held_paying}</dt><dd>{format!("{} / {} / {}", s.counters.available, s.counters.held, s.counters.paying)}</dd>
                    <dt>{t.sold_expired}</dt><dd>{format!("{} / {}", s.counters.sold, s.counters.holds_expired)}</dd>
                    <dt>{t.engine_memory}</dt><dd>{fill(t.kilobytes, &[&count(s.engine_bytes as u64 / 1_000)])}</dd>
                })}
            </dl>
            // Said here and not on the shopper's screens: a seeded run is for replaying a demo,
            // and its draws are knowable in advance.
            {move || state.get().filter(|s| s.replayable).map(|s| view! {
                <p class="hint" data-testid="dev-replayable">{fill(t.replayable_run, &[&s.settings.seed.unwrap_or_default().to_string()])}</p>
            })}
            <div class="row">
                <button class="button" data-testid="dev-jump-close" on:click=move |_| jump(sale().map(|s| s.registration_closes))>{t.jump_registration_closes}</button>
                <button class="button" data-testid="dev-jump-t10" on:click=move |_| jump(sale().map(|s| s.starts_at - 10_000))>{t.jump_ten_seconds}</button>
                <button class="button" data-testid="dev-jump-start" on:click=move |_| jump(sale().map(|s| s.starts_at))>{t.jump_start}</button>
                <button class="button" data-testid="dev-jump-minute" on:click=move |_| jump(shop.client().store_now().map(|at| at as u64 + 60_000))>{t.jump_minute}</button>
            </div>
            {number(t.clock_speed, |d| format::decimal(d.speed), "speed")}
            {number(t.crowd, |d| d.crowd.map(|c| c.to_string()).unwrap_or_default(), "crowd")}
            {number(t.stock, |d| d.stock.map(|c| c.to_string()).unwrap_or_default(), "stock")}
            {number(t.latency, |d| d.latency_ms.to_string(), "latency")}
            {number(t.faults, |d| format::decimal(d.faults), "faults")}
            {number(t.clock_skew, |d| d.skew_ms.to_string(), "skew")}
            <p class="field-problem" role="alert">{move || problem.get()}</p>
            <div class="row">
                <button class="button primary" on:click=move |_| if let Some(d) = draft.get_untracked() {
                    send(Method::Put, "/api/dev/settings", crate::json::to_string(&d));
                }>{t.apply}</button>
                <button class="button" data-testid="dev-reset" on:click=move |_| {
                    shop.client().session.set(None);
                    send(Method::Post, "/api/dev/reset", crate::json::to_string(&draft.get_untracked()));
                }>{t.reset_demo}</button>
            </div>
            <p><a href="/operator#key=demo-operator" data-testid="dev-operator-console">{t.operator_console}</a></p>
        </aside>
    }
}

/// "+1.5" for "1.5": the panel shows which way the device clock is off.
fn signed(figure: String) -> String {
    if figure.starts_with('-') {
        figure
    } else {
        format!("+{figure}")
    }
}
