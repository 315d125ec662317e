//! How it ended for the shopper, and for the sale: with the numbers and the proof of the draw.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{DrawRecord, ShopperStatus};
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

/// The post-sale report and the check anyone can run: the store's published draw record, to
/// download and to verify here against its own fingerprint and seed, the fingerprint this page
/// showed before the start and the place it showed the shopper in line.
#[component]
fn Report(data: SaleData) -> impl IntoView {
    let verdict = RwSignal::new(None::<String>);
    let verify = move || {
        let Some(record) = data.draw.get_untracked() else {
            return;
        };
        verdict.set(Some(check_draw(
            &record,
            data.fingerprint_shown().as_deref(),
            data.place_shown(),
        )));
    };
    let download = move || {
        data.draw.with(|d| {
            d.as_ref().map(|record| {
                let json = crate::json::to_string(record);
                (
                    format!(
                        "data:application/json;charset=utf-8,{}",
                        js_sys::encode_uri_component(&json)
                    ),
                    format!("draw-{}.json", record.sale_id),
                )
            })
        })
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
                        {move || download().map(|(href, name)| view! {
                            <p>
                                <button class="button" data-testid="verify" on:click=move |_| verify()>"Verify the draw in this browser"</button>
                                " "
                                <a class="button" data-testid="draw-download" href=href download=name>"Download the draw record"</a>
                            </p>
                            <p class="hint">"The record lists every admission by ticket. "<code>"scripts/verify-draw"</code>" checks it outside the shop; the method is in "<code>"docs/fair-draw.md"</code>"."</p>
                        })}
                        <p class="verdict" role="status" data-testid="verdict">{move || verdict.get()}</p>
                    }.into_any(),
                    None => view! { <p class="hint">"The seed is revealed when the sale ends."</p> }.into_any(),
                }}
            </section>
        })}
    }
}

/// The verdict on the store's published draw `record`: first, that its fingerprint is the one
/// this page showed before the start (if it showed one), then [`fair_draw::verify`] against
/// the record's seed and the `(ticket, place)` this page showed the shopper in line. A failure
/// names the first ticket (or fingerprint) that differs.
pub fn check_draw(
    record: &DrawRecord,
    fingerprint_shown: Option<&str>,
    place_shown: Option<(u32, u32)>,
) -> String {
    if let Some(shown) = fingerprint_shown {
        if !shown.eq_ignore_ascii_case(&record.fingerprint) {
            return format!("The fingerprint shown before the start, {shown}, is not the one in the published draw record, {}.", record.fingerprint);
        }
    }
    let verdict = fair_draw::verify(record, place_shown);
    match (verdict.is_verified(), fingerprint_shown) {
        (true, Some(_)) => format!("{verdict} The fingerprint is the one shown before the start."),
        _ => verdict.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> DrawRecord {
        let seed = [3; 32];
        let checked_in = vec![1, 2, 3, 4, 5];
        let admitted = fair_draw::shuffle_tickets(&seed, &checked_in);
        DrawRecord {
            sale_id: "s".into(),
            fingerprint: fair_draw::sha256_hex(&seed),
            checked_in,
            admitted,
            waitlisted: vec![],
            turned_away: vec![],
            seed: Some(fair_draw::to_hex(&seed)),
        }
    }

    #[test]
    fn a_genuine_record_verifies_with_the_place_and_fingerprint_shown() {
        let r = record();
        let (ticket, fingerprint) = (r.admitted[2], r.fingerprint.clone());
        assert_eq!(
            check_draw(&r, Some(&fingerprint), Some((ticket, 3))),
            format!("Verified: 5 admissions follow the draw. Ticket {ticket} is at place 3, as shown. The fingerprint is the one shown before the start.")
        );
    }

    #[test]
    fn a_swapped_admission_names_the_ticket_the_draw_puts_there() {
        let mut r = record();
        let (first, second) = (r.admitted[0], r.admitted[1]);
        r.admitted.swap(0, 1);
        assert_eq!(check_draw(&r, None, None), format!("Mismatch at admission 1: the draw puts ticket {first} there, the store admitted ticket {second}."));
    }

    #[test]
    fn another_place_than_the_one_shown_fails() {
        let r = record();
        let ticket = r.admitted[0];
        assert_eq!(check_draw(&r, None, Some((ticket, 2))), format!("Mismatch at place 2: the page showed ticket {ticket}, the draw puts ticket {} there.", r.admitted[1]));
    }

    #[test]
    fn a_fingerprint_changed_since_the_start_fails_first() {
        let r = record();
        let shown = "0".repeat(64);
        assert_eq!(
            check_draw(&r, Some(&shown), None),
            format!("The fingerprint shown before the start, {shown}, is not the one in the published draw record, {}.", r.fingerprint)
        );
    }
}
