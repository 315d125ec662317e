//! The screens while in line: the live queue and the waitlist.
use leptos::prelude::*;

use crate::api::{Method, ShopperStatus};
use crate::components::Stat;
use crate::format;
use crate::i18n::{fill, Locale};
use crate::sale_state::SaleState;

use super::data::SaleData;
use super::screen::StateSection;
use super::variant_picker::VariantPicker;

/// Units not yet in anyone's cart, over all variants.
fn stock_left(data: SaleData) -> String {
    data.detail
        .get()
        .map(|d| format::count(d.counters.available as u64, data.locale()))
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
                spoken.set(fill(
                    data.t().number_in_line,
                    &[&format::count(position as u64, data.locale())],
                ));
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

/// A figure read from the shopper's status, written in their language.
fn figure(data: SaleData, read: fn(&ShopperStatus, Locale) -> Option<String>) -> Signal<String> {
    Signal::derive(move || {
        let locale = data.locale();
        data.me
            .with(|m| m.as_ref().and_then(|m| read(&m.status, locale)))
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
        <StateSection data state=SaleState::LiveQueue title=|t| t.sale_is_live>
            {move || match in_line.get() {
                InLine::Waiting => view! {
                    <dl class="facts queue">
                        <Stat label=|t| t.your_place testid="queue-position" value=figure(data, |s, l| match s {
                            ShopperStatus::Waiting { position, .. } => Some(format::count(*position as u64, l)), _ => None })/>
                        <Stat label=|t| t.place_in_draw testid="drawn-place" value=figure(data, |s, l| match s {
                            ShopperStatus::Waiting { place, .. } => Some(format::count(*place as u64, l)), _ => None })/>
                        <Stat label=|t| t.your_ticket testid="ticket" value=figure(data, |s, _| match s {
                            ShopperStatus::Waiting { ticket, .. } => Some(ticket.to_string()), _ => None })/>
                        <Stat label=|t| t.ahead_of_you value=figure(data, |s, l| match s {
                            ShopperStatus::Waiting { ahead, .. } => Some(format::count(*ahead as u64, l)), _ => None })/>
                        <Stat label=|t| t.estimated_wait testid="estimated-wait" value=figure(data, |s, l| match s {
                            ShopperStatus::Waiting { estimated_wait_ms, .. } => Some(estimated_wait_ms.map_or_else(|| l.words().unknown.into(), |ms| format::duration(ms, l.words()))), _ => None })/>
                        <Stat label=|t| t.chance_of_unit value=figure(data, |s, l| match s {
                            ShopperStatus::Waiting { odds, .. } => Some(format::percent(*odds, l.words())), _ => None })/>
                        <Stat label=|t| t.units_left value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/>
                    </dl>
                    <p class="hint">{data.t().queue_hint}</p>
                    <VariantPicker data in_line=true/>
                }.into_any(),
                InLine::BeingDrawn => view! {
                    <p data-testid="queue-position">{data.t().drawing_order}</p>
                }.into_any(),
                InLine::NotYet => view! {
                    <p data-testid="after-the-draw">{data.t().after_the_draw}</p>
                    <dl class="facts"><Stat label=|t| t.units_left value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/></dl>
                    <button class="button primary big" data-testid="join" disabled=move || data.busy.get()
                        on:click=move |_| data.act(Method::Post, "queue", Some(data.preference.get_untracked()))>{data.t().join_the_queue}</button>
                }.into_any(),
            }}
            <PositionAnnouncer data/>
        </StateSection>
    }.into_any()
}

pub fn waitlist(data: SaleData) -> AnyView {
    let held = figure(data, |s, locale| match s {
        ShopperStatus::Waitlisted { held_elsewhere, .. } => {
            Some(format::count(*held_elsewhere as u64, locale))
        }
        _ => None,
    });
    view! {
        <StateSection data state=SaleState::Waitlist title=|t| t.all_in_carts>
            <p>{move || fill(data.t().waitlist_explained, &[&held.get()])}</p>
            <dl class="facts queue">
                <Stat label=|t| t.your_place testid="queue-position" value=figure(data, |s, l| match s {
                    ShopperStatus::Waitlisted { position, .. } => Some(format::count(*position as u64, l)), _ => None })/>
                <Stat label=|t| t.may_come_back value=held/>
                <Stat label=|t| t.chance_of_unit value=figure(data, |s, l| match s {
                    ShopperStatus::Waitlisted { odds, .. } => Some(format::percent(*odds, l.words())), _ => None })/>
                <Stat label=|t| t.units_left value=Signal::derive(move || stock_left(data)) testid="stock-remaining"/>
            </dl>
            <PositionAnnouncer data/>
        </StateSection>
    }.into_any()
}
