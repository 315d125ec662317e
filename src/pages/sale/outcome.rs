//! How it ended for the shopper, and for the sale: with the numbers and the proof of the draw.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ShopperStatus;
use crate::components::{Stat, StateSection};
use crate::format;
use crate::sale_state::SaleState;

use super::{before::NextDrop, SaleData};

pub fn order_confirmed(data: SaleData) -> AnyView {
    let order = move || data.me.get().and_then(|m| m.order);
    view! {
        <StateSection state=SaleState::OrderConfirmed title="Order confirmed".into()>
            {move || order().map(|o| view! {
                <p class="big-figure">"Order " <strong data-testid="order-number">{o.number.clone()}</strong></p>
                <p>{format!("{} · {} · {}. It ships to {}, {}.", o.product, o.variant, format::money(o.price_cents), o.address.line1, o.address.city)}</p>
                <p><A href=format!("/orders/{}", o.number)>"See the order"</A> " · " <A href="/account">"All my orders"</A></p>
            })}
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn sold_out(data: SaleData) -> AnyView {
    view! {
        <StateSection state=SaleState::SoldOut title="Sold out".into()>
            {move || match data.status() {
                Some(ShopperStatus::SoldOut { position, stock, sold_out_at, .. }) => {
                    let after = data.detail.get().map(|d| sold_out_at.saturating_sub(d.summary.starts_at)).unwrap_or_default();
                    view! {
                        <p>{format!("All {} units found a buyer {} after the start, before your turn came.", format::count(stock as u64), format::duration(after))}</p>
                        <dl class="facts">
                            <Stat label="Where you stood" value=format::count(position as u64) testid="queue-position"/>
                            <Stat label="Units in the batch" value=format::count(stock as u64)/>
                            <Stat label="Sold out after" value=format::duration(after)/>
                        </dl>
                        <p>"We're sorry. Everyone in line was served by the same rule; the report below shows every number and lets you check the draw."</p>
                        <NextDrop data/>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn hold_expired(data: SaleData) -> AnyView {
    view! {
        <StateSection state=SaleState::HoldExpired title="Your hold ran out".into()>
            <p>"The unit you held was not paid for in time, so it went back to the line and was offered to the next shopper. Holds are short so that units reach people who are ready to buy."</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn sale_ended(data: SaleData) -> AnyView {
    view! {
        <StateSection state=SaleState::SaleEnded title="This sale has ended".into()>
            <p>{move || match data.status() {
                Some(ShopperStatus::Missed) => "You registered but did not join the queue before the sale ended.",
                Some(ShopperStatus::NotRegistered) | None => "You did not take part in this sale.",
                _ => "The sale is over.",
            }}</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }.into_any()
}

/// The post-sale report and the check anyone can run: recompute the waiting room's draw from
/// the revealed seed, confirm it matches the fingerprint published before the start.
#[component]
fn Report(data: SaleData) -> impl IntoView {
    let verdict = RwSignal::new(None::<String>);
    let verify = move || {
        let Some(detail) = data.detail.get_untracked() else { return };
        verdict.set(Some(verify_draw(&detail, data.me.get_untracked().and_then(|m| m.ticket))));
    };
    view! {
        {move || data.report.get().map(|r| view! {
            <section class="report" aria-label="Sale report">
                <h3>{if r.seed_hex.is_some() { "The sale in numbers" } else { "The sale so far" }}</h3>
                <dl class="facts">
                    <Stat label="Registered" value=format::count(r.registrants as u64)/>
                    <Stat label="Came to buy" value=format::count(r.arrivals as u64)/>
                    <Stat label="Units" value=format::count(r.units as u64)/>
                    <Stat label="Sold" value=format::count(r.sold as u64)/>
                    <Stat label="Sold out after" value=r.sold_out_ms.map_or_else(
                        || if r.seed_hex.is_some() { "did not sell out".into() } else { "still on sale".into() },
                        format::duration)/>
                    <Stat label="Holds that ran out" value=format::count(r.holds_expired as u64)/>
                    <Stat label="Units offered again" value=format::count(r.reoffered as u64)/>
                    <Stat label="In the waiting room" value=format::count(r.pre_queue_len as u64)/>
                </dl>
                <p class="commitment">"Fingerprint published before the start: " <code>{r.commitment_hex.clone()}</code></p>
                {match r.seed_hex.clone() {
                    Some(seed) => view! {
                        <p class="commitment">"Seed revealed: " <code data-testid="seed">{seed}</code></p>
                        <button class="button" data-testid="verify" on:click=move |_| verify()>"Verify the draw in this browser"</button>
                        <p class="verdict" role="status" data-testid="verdict">{move || verdict.get()}</p>
                    }.into_any(),
                    None => view! { <p class="hint">"The seed is revealed when the sale ends."</p> }.into_any(),
                }}
            </section>
        })}
    }
}

/// Recomputes the draw from public data only: the revealed seed, the published fingerprint and
/// the published list of waiting-room tickets.
pub fn verify_draw(detail: &crate::api::SaleDetail, my_ticket: Option<u32>) -> String {
    let (Some(seed_hex), Some(commitment)) = (&detail.seed, &detail.commitment) else {
        return "The seed has not been revealed yet.".into();
    };
    let Some(seed) = fair_draw::seed_from_hex(seed_hex) else {
        return "The revealed seed is not 32 bytes of hex: the draw cannot be checked.".into();
    };
    if fair_draw::sha256_hex(&seed) != *commitment {
        return "The revealed seed does not match the fingerprint published before the start.".into();
    }
    let order = fair_draw::shuffle_tickets(&seed, &detail.pre_queue_tickets);
    let mine = my_ticket.and_then(|t| order.iter().position(|x| *x == t));
    let place = match mine {
        Some(i) => format!(" Your ticket no. {} was drawn {} of {}.", order[i], format::count(i as u64 + 1), format::count(order.len() as u64)),
        None => String::new(),
    };
    format!("✓ The seed matches the fingerprint, and the draw of {} waiting-room tickets recomputes.{place}", format::count(order.len() as u64))
}
