//! The live sale drawn: inline SVG from the samples the page keeps, no chart library. Each
//! drawing carries its figures in words too (`aria-label`), for screen readers.
use leptos::prelude::*;

use crate::api::operator::{LiveSale, LiveVariant};

/// The width of ten minutes of 10 s bars, in the drawing's units.
/// What the charts keep of each answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Store time of the answer.
    pub at: u64,
    pub admitted: u32,
    pub sold: u32,
    pub in_line: u32,
}

impl Sample {
    pub fn of(live: &LiveSale) -> Sample {
        Sample {
            at: live.now,
            admitted: live.admitted,
            sold: live.counters.sold,
            in_line: live.counters.in_line,
        }
    }
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;
const BUCKET_MS: u64 = 10_000;
const SPAN_MS: u64 = 10 * 60_000;

/// Admitted and sold in each 10 s since `from`: what went up between successive samples,
/// counted in the 10 s where the later one fell.
pub fn per_ten_seconds(samples: &[Sample], from: u64) -> Vec<(u32, u32)> {
    let mut buckets = vec![(0, 0); (SPAN_MS / BUCKET_MS) as usize];
    for pair in samples.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let Some(slot) = after
            .at
            .checked_sub(from)
            .map(|ms| (ms / BUCKET_MS) as usize)
            .filter(|slot| *slot < buckets.len())
        else {
            continue;
        };
        buckets[slot].0 += after.admitted.saturating_sub(before.admitted);
        buckets[slot].1 += after.sold.saturating_sub(before.sold);
    }
    buckets
}

/// Bars of admitted (and, beside them, sold) per 10 s over the last ten minutes.
#[component]
pub fn AdmissionBars(samples: Signal<Vec<Sample>>, label: String) -> impl IntoView {
    let bars = move || {
        samples.with(|s| {
            let Some(last) = s.last() else {
                return vec![];
            };
            let from = (last.at / BUCKET_MS + 1) * BUCKET_MS - SPAN_MS;
            let buckets = per_ten_seconds(s, from);
            let most = buckets.iter().map(|(a, s)| (*a).max(*s)).max().unwrap_or(0).max(1);
            let step = WIDTH / buckets.len() as f64;
            let height = |n: u32| f64::from(n) / f64::from(most) * (HEIGHT - 4.0);
            buckets
                .into_iter()
                .enumerate()
                .map(|(i, (admitted, sold))| {
                    let x = i as f64 * step;
                    view! {
                        <rect class="bar-admitted" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - height(admitted))
                            width=format!("{:.1}", step / 2.0) height=format!("{:.1}", height(admitted))/>
                        <rect class="bar-sold" x=format!("{:.1}", x + step / 2.0) y=format!("{:.1}", HEIGHT - height(sold))
                            width=format!("{:.1}", step / 2.0 - 1.0) height=format!("{:.1}", height(sold))/>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <svg class="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label=label
            data-testid="admission-bars">
            <line class="axis" x1="0" y1="120" x2="600" y2="120"/>
            {bars}
        </svg>
    }
}

/// The length of the line over the last ten minutes.
#[component]
pub fn QueueLine(samples: Signal<Vec<Sample>>, label: String) -> impl IntoView {
    let points = move || {
        samples.with(|s| {
            let Some(last) = s.last() else {
                return String::new();
            };
            let from = last.at.saturating_sub(SPAN_MS);
            let most = s.iter().map(|p| p.in_line).max().unwrap_or(0).max(1);
            s.iter()
                .filter(|p| p.at >= from)
                .map(|p| {
                    let x = (p.at - from) as f64 / SPAN_MS as f64 * WIDTH;
                    let y = HEIGHT - f64::from(p.in_line) / f64::from(most) * (HEIGHT - 4.0);
                    format!("{x:.1},{y:.1}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    view! {
        <svg class="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label=label
            data-testid="queue-line">
            <line class="axis" x1="0" y1="120" x2="600" y2="120"/>
            <polyline class="line" fill="none" points=points/>
        </svg>
    }
}

/// One variant's stock as a bar: sold, held, and left on offer.
#[component]
pub fn StockBar(variant: LiveVariant, label: String) -> impl IntoView {
    let whole = f64::from(variant.stock.max(1));
    let share = |n: u32| f64::from(n) / whole * 100.0;
    let (sold, held) = (share(variant.sold), share(variant.held));
    view! {
        <svg class="stock-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=label>
            <rect class="stock-left" x="0" y="0" width="100" height="10"/>
            <rect class="stock-sold" x="0" y="0" width=format!("{sold:.2}") height="10"/>
            <rect class="stock-held" x=format!("{sold:.2}") y="0" width=format!("{held:.2}") height="10"/>
        </svg>
    }
}
