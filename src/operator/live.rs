//! A sale watched live: the store's figures every second, the last ten minutes of them kept in
//! memory for the charts, and the operator's steering beside them.
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::charts::{AdmissionBars, QueueLine, Sample, StockBar};
use super::console::{use_console, BackToDrops};
use super::js::{call, construct, get};
use super::steer::Steering;
use crate::api::operator::LiveSale;
use crate::api::Method;
use crate::hooks::use_polling;
use crate::i18n::fill;

/// How long samples are kept: the charts' ten minutes.
const KEEP_MS: u64 = 10 * 60_000;

/// Keeps `sample` after the others, and only the last ten minutes of them.
fn keep(samples: &mut Vec<Sample>, sample: Sample) {
    if samples.last().is_some_and(|last| last.at >= sample.at) {
        return;
    }
    samples.push(sample);
    let from = sample.at.saturating_sub(KEEP_MS);
    samples.retain(|s| s.at >= from);
}

/// Shoppers admitted a minute, over the last minute of samples (or as much as there is).
fn admitted_per_minute(samples: &[Sample]) -> Option<u64> {
    let last = samples.last()?;
    let first = samples.iter().find(|s| s.at + 60_000 >= last.at)?;
    let span = last.at.checked_sub(first.at).filter(|ms| *ms > 0)?;
    Some(u64::from(last.admitted.saturating_sub(first.admitted)) * 60_000 / span)
}

/// The live sale `id`, asked for every second while the page shows it.
#[component]
pub fn LiveSalePage(id: String) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let beat = use_polling(1_000);
    let live = RwSignal::new(None::<LiveSale>);
    let samples = RwSignal::new(Vec::<Sample>::new());
    let problem = RwSignal::new(None::<String>);
    let path = format!("/api/operator/sales/{id}/live");
    Effect::new(move |_| {
        beat.track();
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match console.call::<LiveSale>(Method::Get, &path, None).await {
                Ok(answer) => {
                    samples.update(|s| keep(s, Sample::of(&answer)));
                    live.set(Some(answer));
                    problem.set(None);
                }
                Err(e) => problem.set(Some(fill(w.live_unreadable, &[&console.say(&e)]))),
            }
        });
    });
    let loaded = Memo::new(move |_| live.with(Option::is_some));
    view! {
        <BackToDrops/>
        <p class="form-error" role="alert">{move || problem.get()}</p>
        {move || match loaded.get() {
            false => view! { <p class="loading">{w.loading}</p> }.into_any(),
            true => {
                let shown = Signal::derive(move || live.get().expect("shown once loaded"));
                view! {
                    <LiveFigures live=shown samples=samples.into()/>
                    <Steering id=id.clone() live/>
                }.into_any()
            }
        }}
    }
}

/// The sale's figures, charts, nodes, the actions taken on it and its records.
#[component]
pub fn LiveFigures(live: Signal<LiveSale>, samples: Signal<Vec<Sample>>) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let locale = console.locale();
    let count = move |n: u32| crate::format::count(n.into(), locale);
    let id = live.with_untracked(|l| l.id.clone());
    let stat = move |label: &'static str, testid: &'static str, value: Signal<String>| {
        view! {
            <div class="stat"><dt>{label}</dt><dd data-testid=testid>{move || value.get()}</dd></div>
        }
    };
    let figure = move |f: fn(&LiveSale) -> u32| Signal::derive(move || count(live.with(f)));
    let per_minute = Signal::derive(move || {
        samples
            .with(|s| admitted_per_minute(s))
            .map_or_else(|| "–".into(), |n| crate::format::count(n, locale))
    });
    let sell_out = Signal::derive(move || {
        // Relative to the answer's own store time: "today 14:04".
        live.with(|l| {
            l.projected_sell_out
                .map(|at| crate::format::when(at, l.now, locale))
        })
        .unwrap_or_else(|| w.no_sell_out.into())
    });
    let rate = Signal::derive(move || {
        fill(
            w.per_second,
            &[&count(live.with(|l| l.admission_per_second))],
        )
    });
    let paused = move || live.with(|l| l.news.paused_since);
    view! {
        <section class="card live" data-state=move || if paused().is_some() { "operator-paused" } else { "operator-live" }>
            <h2>{fill(w.live_title, &[&id])} " " <span class="badge">{move || w.phase(live.with(|l| l.phase))}</span></h2>
            <p class=move || if paused().is_some() { "badge badge-soon" } else { "badge badge-live" } data-testid="line-state">
                {move || match paused() {
                    Some(at) => fill(w.paused_since, &[&crate::format::clock_time(at, locale)]),
                    None => w.running.into(),
                }}
            </p>
            <dl class="facts live-facts">
                {stat(w.registered, "live-registered", figure(|l| l.counters.registrations))}
                {stat(w.checked_in, "live-checked-in", figure(|l| l.checked_in))}
                {stat(w.in_line, "live-in-line", figure(|l| l.counters.in_line))}
                {stat(w.admitted, "live-admitted", figure(|l| l.admitted))}
                {stat(w.admitted_per_minute, "live-per-minute", per_minute)}
                {stat(w.holding, "live-holding", figure(|l| l.counters.held))}
                {stat(w.paying, "live-paying", figure(|l| l.counters.paying))}
                {stat(w.sold, "live-sold", figure(|l| l.counters.sold))}
                {stat(w.stock_left, "live-stock-left", figure(|l| l.counters.available))}
                {stat(w.sell_out, "live-sell-out", sell_out)}
                {stat(w.refusals, "live-refusals", figure(|l| l.refusals))}
                {stat(w.turned_away, "live-turned-away", figure(|l| l.turned_away))}
                {stat(w.rate, "live-rate", rate)}
            </dl>
            <h3>{w.stock_by_variant}</h3>
            <ul class="stock-bars">
                {move || live.with(|l| l.variants.clone()).into_iter().map(|v| {
                    let label = fill(w.stock_bar, &[&v.name, &count(v.sold), &count(v.held), &count(v.available), &count(v.stock)]);
                    view! { <li><span class="variant-name">{label.clone()}</span><StockBar variant=v label/></li> }
                }).collect_view()}
            </ul>
            <h3>{w.chart_admissions}</h3>
            <p class="hint legend"><span class="key-admitted"></span>{w.legend_admitted}" "<span class="key-sold"></span>{w.legend_sold}</p>
            <AdmissionBars samples label=w.chart_admissions.into()/>
            <h3>{w.chart_queue}</h3>
            <QueueLine samples label=w.chart_queue.into()/>
            {move || samples.with(|s| s.len() < 2).then(|| view! { <p class="hint">{w.chart_empty}</p> })}
            <Nodes live/>
        </section>
        <Actions live/>
    }
}

/// The store server's nodes, where it has several: how far each has applied, lags and answers.
#[component]
fn Nodes(live: Signal<LiveSale>) -> impl IntoView {
    let w = use_console().w();
    move || {
        let nodes = live.with(|l| l.nodes.clone());
        (!nodes.is_empty()).then(|| view! {
            <h3>{w.nodes}</h3>
            <div class="table-scroll"><table class="drops">
                <thead><tr><th scope="col"></th><th scope="col">{w.node_applied}</th><th scope="col">{w.node_lag}</th><th scope="col">{w.node_p99}</th></tr></thead>
                <tbody>
                    {nodes.into_iter().map(|n| view! {
                        <tr><th scope="row"><code>{n.name}</code></th><td>{n.applied.to_string()}</td>
                            <td>{format!("{} ms", n.lag_ms)}</td><td>{format!("{:.1} ms", n.p99_ms)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        })
    }
}

/// Every operator action on the sale with its store time, and the sale's records.
#[component]
fn Actions(live: Signal<LiveSale>) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let locale = console.locale();
    let id = live.with_untracked(|l| l.id.clone());
    let csv_path = format!("/api/operator/sales/{id}/orders.csv");
    let csv_problem = RwSignal::new(None::<String>);
    let csv_name = format!("{id}-orders.csv");
    let download = move |_| {
        if console.preview {
            return;
        }
        let (path, name) = (csv_path.clone(), csv_name.clone());
        leptos::task::spawn_local(async move {
            match console.client().send(Method::Get, &path, None).await {
                Ok(csv) => save_as(&csv, &name),
                Err(e) => csv_problem.set(Some(console.say(&e))),
            }
        });
    };
    view! {
        <section class="card" data-testid="operator-actions">
            <h2>{w.actions}</h2>
            {move || {
                let actions = live.with(|l| l.actions.clone());
                if actions.is_empty() {
                    view! { <p class="hint">{w.no_actions}</p> }.into_any()
                } else {
                    view! {
                        <ol class="actions">
                            {actions.into_iter().rev().map(|a| view! {
                                <li><time>{crate::format::clock_time(a.at, locale)}</time>" "{w.action(&a.action)}
                                    {a.detail.map(|d| view! { " " <code>{d}</code> })}</li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            <p class="row">
                <a href=format!("/api/sales/{id}/report") target="_blank" rel="external">{w.report}</a>
                <a href=format!("/api/sales/{id}/draw") target="_blank" rel="external">{w.draw_record}</a>
                <button type="button" class="link" data-testid="orders-csv" on:click=download>{w.orders_csv}</button>
            </p>
            <p class="form-error" role="alert">{move || csv_problem.get()}</p>
        </section>
    }
}

/// Saves `text` as a file called `name`, through a Blob URL: the orders need the operator's
/// token, which a plain link cannot send.
fn save_as(text: &str, name: &str) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"text/csv".into());
    let parts = js_sys::Array::of1(&text.into());
    let blob = construct("Blob", &[&parts, &options]);
    let urls = get(&js_sys::global(), "URL");
    let Some((blob, urls)) = blob.zip(urls) else {
        return;
    };
    let Some(url) = call(&urls, "createObjectURL", &blob).and_then(|u| u.as_string()) else {
        return;
    };
    if let Ok(link) = document().create_element("a") {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", name);
        call(&link, "click", &JsValue::UNDEFINED);
    }
    call(&urls, "revokeObjectURL", &url.into());
}
