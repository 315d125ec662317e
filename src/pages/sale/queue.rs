//! The screens while in line: the live queue and the waitlist.
use leptos::prelude::*;

use crate::api::{Method, ShopperStatus};
use crate::components::{Stat, StateSection};
use crate::format;
use crate::sale_state::SaleState;

use super::{SaleData, VariantPicker};

/// Units not yet in anyone's cart, over all variants.
fn stock_left(data: SaleData) -> String {
    data.detail
        .get()
        .map(|d| format::count(d.counters.available as u64))
        .unwrap_or_default()
}

/// The shortest real time between two announcements of the place in line.
const ANNOUNCE_EVERY_MS: f64 = 5_000.0;

/// The line as a screen reader hears it: a new place only, and at most every 5 s of real time
/// (store time may run 20 times faster in the demo), so it informs without chattering.
#[component]
fn PositionAnnouncer(data: SaleData) -> impl IntoView {
    let spoken = RwSignal::new(String::new());
    // The place last announced, and when (real ms).
    let last = StoredValue::new((None::<u32>, f64::MIN));
    Effect::new(move |_| {
        // Each store second is a chance to announce a place that changed since the last.
        data.now.track();
        if let Some(
            ShopperStatus::Waiting { position, .. } | ShopperStatus::Waitlisted { position, .. },
        ) = data.status()
        {
            let (said, at) = last.get_value();
            let now = crate::device::monotonic_ms();
            if said != Some(position) && now - at >= ANNOUNCE_EVERY_MS {
                last.set_value((Some(position), now));
                spoken.set(format!("You are number {position} in line."));
            }
        }
    });
    view! { <p class="sr-only" role="status">{move || spoken.get()}</p> }
}

/// Where the shopper is, as numbers that update in place.
#[derive(Clone, Copy, PartialEq)]
enum InLine {
    NotYet,
    BeingDrawn,
    Waiting,
}

fn figure(data: SaleData, read: fn(&ShopperStatus) -> Option<String>) -> Signal<String> {
    Signal::derive(move || {
        data.me
            .with(|m| m.as_ref().and_then(|m| read(&m.status)))
            .unwrap_or_default()
    })
}

pub fn live_queue(data: SaleData) -> AnyView {
    let in_line = Memo::new(move |_| match data.status() {
        Some(ShopperStatus::Waiting { .. }) => InLine::Waiting,
        Some(ShopperStatus::PreQueue { .. }) => InLine::BeingDrawn,
        _ => InLine::NotYet,
    });
    // The place in the draw is kept as shown, for the check after the end.
    Effect::new(move |_| {
        if let Some(ShopperStatus::Waiting { ticket, place, .. }) = data.status() {
            data.keep_place_shown(ticket, place);
        }
    });
    view! {
        <StateSection state=SaleState::LiveQueue title="The sale is live".into()>
            {move || match in_line.get() {
                InLine::Waiting => view! {
                    <dl class="facts queue">
                        <Stat label="Your place" testid="queue-position" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { position, .. } => Some(format::count(*position as u64)), _ => None })/>
                        <Stat label="Place in the draw" testid="drawn-place" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { place, .. } => Some(format::count(*place as u64)), _ => None })/>
                        <Stat label="Your ticket" testid="ticket" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { ticket, .. } => Some(ticket.to_string()), _ => None })/>
                        <Stat label="Ahead of you" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { ahead, .. } => Some(format::count(*ahead as u64)), _ => None })/>
                        <Stat label="Estimated wait" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { estimated_wait_ms, .. } => Some(estimated_wait_ms.map_or_else(|| "unknown".into(), format::duration)), _ => None })/>
                        <Stat label="Chance of a unit" value=figure(data, |s| match s {
                            ShopperStatus::Waiting { odds, .. } => Some(format::percent(*odds)), _ => None })/>
                        <Stat label="Units left" value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/>
                    </dl>
                    <p class="hint">"Keep this page open or come back: your place is kept if you reload or close the tab. The chance is an estimate from the units left, the carts still open and how many of those usually come back."</p>
                    <VariantPicker data in_line=true/>
                }.into_any(),
                InLine::BeingDrawn => view! {
                    <p data-testid="queue-position">"Drawing the waiting room's order…"</p>
                }.into_any(),
                InLine::NotYet => view! {
                    <p data-testid="after-the-draw">"You are registered, and you arrived after the draw. The waiting room's places were drawn at the start, among the shoppers whose page was open then; you join the line behind them, in the order you join."</p>
                    <dl class="facts"><Stat label="Units left" value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/></dl>
                    <button class="button primary big" data-testid="join" disabled=move || data.busy.get()
                        on:click=move |_| data.act(Method::Post, "queue", Some(data.preference.get_untracked()))>"Join the queue"</button>
                }.into_any(),
            }}
            <PositionAnnouncer data/>
        </StateSection>
    }.into_any()
}

pub fn waitlist(data: SaleData) -> AnyView {
    let held = figure(data, |s| match s {
        ShopperStatus::Waitlisted { held_elsewhere, .. } => {
            Some(format::count(*held_elsewhere as u64))
        }
        _ => None,
    });
    view! {
        <StateSection state=SaleState::Waitlist title="All units are in carts".into()>
            <p>"Every unit is in another shopper's cart right now. " {move || held.get()}
               " carts are still open; a cart that is not paid in time goes back to the line, to the next in order."</p>
            <dl class="facts queue">
                <Stat label="Your place" testid="queue-position" value=figure(data, |s| match s {
                    ShopperStatus::Waitlisted { position, .. } => Some(format::count(*position as u64)), _ => None })/>
                <Stat label="Units that may come back" value=held/>
                <Stat label="Chance of a unit" value=figure(data, |s| match s {
                    ShopperStatus::Waitlisted { odds, .. } => Some(format::percent(*odds)), _ => None })/>
                <Stat label="Units left" value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/>
            </dl>
            <PositionAnnouncer data/>
        </StateSection>
    }.into_any()
}
