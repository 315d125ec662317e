//! How it ended for the shopper, and for the sale: with the numbers and the proof of the draw.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{DrawRecord, ShopperStatus};
use crate::components::{Stat, StateSection};
use crate::format;
use crate::i18n::fill;
use crate::sale_state::SaleState;

use super::{before::NextDrop, SaleData};

pub fn order_confirmed(data: SaleData) -> AnyView {
    let order = move || data.me.get().and_then(|m| m.order);
    view! {
        <StateSection state=SaleState::OrderConfirmed title=|t| t.order_confirmed>
            {move || order().map(|o| view! {
                <p class="big-figure">{data.t().order_word} <strong data-testid="order-number">{o.number.clone()}</strong></p>
                <p>{fill(data.t().ships_to, &[&format!("{} · {} · {}", o.product, o.variant, format::money(o.price_cents, &o.currency, data.locale())), &format::destination(&o.address)])}</p>
                <p><A href=format!("/orders/{}", o.number)>{data.t().see_the_order}</A> " · " <A href="/account">{data.t().all_my_orders}</A></p>
            })}
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn sold_out(data: SaleData) -> AnyView {
    view! {
        <StateSection state=SaleState::SoldOut title=|t| t.sold_out>
            {move || match data.status() {
                Some(ShopperStatus::SoldOut { position, stock, sold_out_at, .. }) => {
                    let after = data.detail.get().map(|d| sold_out_at.saturating_sub(d.summary.starts_at)).unwrap_or_default();
                    let (t, locale) = (data.t(), data.locale());
                    view! {
                        <p>{fill(t.sold_out_explained, &[&format::count(stock as u64, locale), &format::duration(after, t)])}</p>
                        <dl class="facts">
                            <Stat label=|t| t.where_you_stood value=format::count(position as u64, locale) testid="queue-position"/>
                            <Stat label=|t| t.units_in_the_batch value=format::count(stock as u64, locale)/>
                            <Stat label=|t| t.sold_out_after value=format::duration(after, t)/>
                        </dl>
                        <p>{t.sold_out_sorry}</p>
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
        <StateSection state=SaleState::HoldExpired title=|t| t.hold_ran_out_title>
            <p>{data.t().hold_ran_out}</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }
    .into_any()
}

pub fn sale_ended(data: SaleData) -> AnyView {
    view! {
        <StateSection state=SaleState::SaleEnded title=|t| t.sale_ended_title>
            <p>{move || match data.status() {
                Some(ShopperStatus::Missed) => data.t().missed_the_queue,
                Some(ShopperStatus::NotRegistered) | None => data.t().did_not_take_part,
                _ => data.t().sale_is_over,
            }}</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }
    .into_any()
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
        {move || data.report.get().map(|r| { let (t, locale) = (data.t(), data.locale()); view! {
            <section class="report" aria-label=t.sale_report>
                <h3>{if r.seed_hex.is_some() { t.sale_in_numbers } else { t.sale_so_far }}</h3>
                <dl class="facts">
                    <Stat label=|t| t.registered value=format::count(r.registrants as u64, locale)/>
                    <Stat label=|t| t.came_to_buy value=format::count(r.arrivals as u64, locale)/>
                    <Stat label=|t| t.units value=format::count(r.units as u64, locale)/>
                    <Stat label=|t| t.sold value=format::count(r.sold as u64, locale)/>
                    <Stat label=|t| t.sold_out_after value=r.sold_out_ms.map_or_else(
                        || if r.seed_hex.is_some() { t.did_not_sell_out.into() } else { t.still_on_sale.into() },
                        |ms| format::duration(ms, t))/>
                    <Stat label=|t| t.holds_ran_out value=format::count(r.holds_expired as u64, locale)/>
                    <Stat label=|t| t.units_offered_again value=format::count(r.reoffered as u64, locale)/>
                    <Stat label=|t| t.in_waiting_room value=format::count(r.pre_queue_len as u64, locale)/>
                </dl>
                <p class="commitment">{t.fingerprint_published} <code>{r.commitment_hex.clone()}</code></p>
                {match r.seed_hex.clone() {
                    Some(seed) => view! {
                        <p class="commitment">{t.seed_revealed} <code data-testid="seed">{seed}</code></p>
                        {move || download().map(|(href, name)| view! {
                            <p>
                                <button class="button" data-testid="verify" on:click=move |_| verify()>{t.verify_draw}</button>
                                " "
                                <a class="button" data-testid="draw-download" href=href download=name>{t.download_draw}</a>
                            </p>
                            <p class="hint">{t.record_lists}<code>"scripts/verify-draw"</code>{t.checks_it_outside}<code>"docs/fair-draw.md"</code>{t.method_in}</p>
                        })}
                        <p class="verdict" role="status" data-testid="verdict">{move || verdict.get()}</p>
                    }.into_any(),
                    None => view! { <p class="hint">{t.seed_revealed_at_end}</p> }.into_any(),
                }}
            </section>
        }})}
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
