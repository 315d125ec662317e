//! The screens with a unit in hand: the hold, the checkout form, the payment in flight.
use leptos::prelude::*;

use crate::api::validation::{self, AddressProblem, AddressProblems};
use crate::api::{
    Address, CheckoutRequest, Hold, Market, Method, PaymentMethod, PaymentState, ShopperStatus,
};
use crate::components::Countdown;
use crate::format;
use crate::hooks::use_draft;
use crate::i18n::{fill, Text};
use crate::sale_state::SaleState;

use super::data::{SaleData, CHECKOUT_BACK, CHECKOUT_OPEN};
use super::screen::StateSection;

/// The hold's last stretch, when the page warns and a hidden tab tells the shopper again.
const HOLD_WARNING_MS: f64 = 30_000.0;

fn hold(data: SaleData) -> Option<Hold> {
    match data.status() {
        Some(ShopperStatus::Holding { hold }) => Some(hold),
        _ => None,
    }
}

fn variant_name(data: SaleData) -> String {
    let variant = hold(data).map_or(0, |h| h.variant) as usize;
    data.detail
        .get()
        .and_then(|d| {
            d.variants.get(variant).map(|v| {
                let name = v.name_in(data.locale().tag());
                format!("{name} · {}", data.money(v.price_cents))
            })
        })
        .unwrap_or_default()
}

/// The hold's time left, with a warning in its last 30 seconds and the one extension.
#[component]
fn HoldTimer(data: SaleData) -> impl IntoView {
    let deadline = Signal::derive(move || hold(data).map_or(0, |h| h.deadline));
    let left = move || {
        data.now
            .get()
            .map_or(f64::MAX, |n| deadline.get() as f64 - n)
    };
    // The button exists while an extension can be asked for; it is not rebuilt by each poll.
    let extension = Memo::new(move |_| {
        data.detail
            .with(|d| d.as_ref().and_then(|d| d.hold_extension_ms))
            .filter(|_| hold(data).is_some_and(|h| !h.extended && !h.paying))
    });
    let warning = Memo::new(move |_| left() <= HOLD_WARNING_MS);
    view! {
        <div class="hold-timer" class:warning=move || warning.get()>
            <p>{data.t().held_for} <Countdown target=deadline now=data.now done=|t| t.hold_ended testid="hold-timer"/></p>
            {move || warning.get().then(|| view! {
                <p class="warning-text" role="alert">{data.t().hold_warning}</p>
            })}
            {move || extension.get().map(|ms| view! {
                <button class="button" data-testid="extend" disabled=move || data.busy.get()
                    on:click=move |_| data.act(Method::Post, "hold/extend", None::<()>)>{move || fill(data.t().extend_by, &[&format::duration(ms, data.t())])}</button>
            })}
        </div>
    }
}

pub fn your_turn(data: SaleData) -> AnyView {
    view! {
        <StateSection data state=SaleState::YourTurn title=|t| t.your_turn_title>
            <p class="big-figure">{move || variant_name(data)}</p>
            <HoldTimer data/>
            <p>{data.t().hold_explained}</p>
            <button class="button primary big" data-testid="go-checkout" on:click=move |_| data.checkout_open.set(CHECKOUT_OPEN.into())>{data.t().check_out}</button>
        </StateSection>
    }.into_any()
}

pub fn checkout(data: SaleData) -> AnyView {
    let name = use_draft("checkout.name");
    let line1 = use_draft("checkout.line1");
    let city = use_draft("checkout.city");
    let postcode = use_draft("checkout.postcode");
    let province = use_draft("checkout.province");
    let district = use_draft("checkout.district");
    let method = use_draft("checkout.payment");
    let tried = RwSignal::new(false);
    // The form follows the shopper's market; the drafts are shared, so a switch of language
    // keeps what was typed.
    let market = move || data.locale().market();
    let address = move || Address {
        name: name.get(),
        line1: line1.get(),
        city: city.get(),
        postcode: postcode.get(),
        market: market(),
        province: province.get(),
        district: district.get(),
    };
    let problems = Memo::new(move |_| {
        if tried.get() {
            validation::address(&address())
        } else {
            Default::default()
        }
    });
    let payment = move || match method.get().as_str() {
        "declines" => PaymentMethod::CardDeclines,
        "slow" => PaymentMethod::CardSlow,
        _ => PaymentMethod::CardApproves,
    };
    let submit = move || {
        tried.set(true);
        if !validation::address(&address()).is_empty() {
            return;
        }
        let variant = data
            .me
            .with_untracked(|m| match m.as_ref().map(|m| &m.status) {
                Some(ShopperStatus::Holding { hold }) => hold.variant,
                _ => 0,
            });
        data.act(
            Method::Post,
            "checkout",
            Some(CheckoutRequest {
                variant,
                address: address(),
                payment: payment(),
            }),
        );
    };
    let declined = move || {
        data.me
            .get()
            .and_then(|m| m.payment)
            .filter(|p| p.state == PaymentState::Declined)
            .is_some()
    };
    let field = move |id: &'static str,
                      label: Text,
                      value: RwSignal<String>,
                      problem: fn(&AddressProblems) -> Option<AddressProblem>,
                      autocomplete: &'static str| {
        view! {
            <label for=id>{label(data.t())}</label>
            <input id=id name=id bind:value=value autocomplete=autocomplete
                aria-invalid=move || problem(&problems.get()).is_some().to_string() aria-describedby=format!("{id}-problem")/>
            <p id=format!("{id}-problem") class="field-problem" data-testid=format!("{id}-problem")>{move || problem(&problems.get()).map(|p| data.t().address_problem(p))}</p>
        }
    };
    // Chinese couriers read an address from the province down; elsewhere from the street up.
    let fields = match market() {
        Market::China => view! {
            {field("name", |t| t.full_name, name, |p| p.name, "name")}
            {field("province", |t| t.province, province, |p| p.province, "address-level1")}
            {field("city", |t| t.town_or_city, city, |p| p.city, "address-level2")}
            {field("district", |t| t.district, district, |p| p.district, "address-level3")}
            {field("line1", |t| t.street_and_number, line1, |p| p.line1, "address-line1")}
            {field("postcode", |t| t.postcode, postcode, |p| p.postcode, "postal-code")}
        }
        .into_any(),
        Market::International => view! {
            {field("name", |t| t.full_name, name, |p| p.name, "name")}
            {field("line1", |t| t.street_and_number, line1, |p| p.line1, "address-line1")}
            {field("city", |t| t.town_or_city, city, |p| p.city, "address-level2")}
            {field("postcode", |t| t.postcode, postcode, |p| p.postcode, "postal-code")}
        }
        .into_any(),
    };
    let cards: [(&str, Text); 3] = [
        ("approves", |t| t.card_approves),
        ("declines", |t| t.card_declines),
        ("slow", |t| t.card_slow),
    ];
    view! {
        <StateSection data state=SaleState::Checkout title=|t| t.check_out>
            <p class="big-figure">{move || variant_name(data)}</p>
            <HoldTimer data/>
            {move || declined().then(|| view! { <p class="form-error" role="alert">{data.t().payment_declined}</p> })}
            <form class="form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <fieldset>
                    <legend>{data.t().delivery_address}</legend>
                    {fields}
                </fieldset>
                <fieldset>
                    <legend>{data.t().payment_demo_cards}</legend>
                    {cards.into_iter().map(|(value, label)| view! {
                            <label class="check"><input type="radio" name="payment" value=value
                                checked=move || method.get() == value || (value == "approves" && method.get().is_empty())
                                on:change=move |_| method.set(value.into())/>{label(data.t())}</label>
                        }).collect_view()}
                </fieldset>
                <div class="row">
                    <button class="button primary big" type="submit" data-testid="pay" disabled=move || data.busy.get()>{data.t().pay}</button>
                    <button class="button subtle" type="button" on:click=move |_| data.checkout_open.set(CHECKOUT_BACK.into())>{data.t().back}</button>
                </div>
            </form>
        </StateSection>
    }.into_any()
}

pub fn payment_pending(data: SaleData) -> AnyView {
    view! {
        <StateSection data state=SaleState::PaymentPending title=|t| t.waiting_for_bank_title>
            <div class="spinner" aria-hidden="true"></div>
            <p class="big-figure">{move || variant_name(data)}</p>
            <p>{move || data.me.get().and_then(|m| m.payment).map(|p| match p.state {
                PaymentState::Pending => data.t().payment_pending,
                PaymentState::Declined => data.t().payment_declined,
                PaymentState::Approved => data.t().payment_approved,
            })}</p>
            <p class="hint">{data.t().payment_in_flight_hint}</p>
        </StateSection>
    }
    .into_any()
}

/// What this page has already told the shopper about their current hold, so each message
/// comes once: the turn itself, then the last 30 seconds.
#[derive(Clone, Copy, Default)]
struct Told {
    turn: bool,
    ending: bool,
}

/// While the page is hidden and a unit is held for the shopper, the tab's title counts the hold
/// down and the shopper is told (notification if allowed, vibration where there is one) when
/// the turn comes and when the hold nears its end. What they saw on screen is not told again.
pub(super) fn alert_when_hidden(data: SaleData) {
    let shop = data.shop;
    let deadline = Memo::new(move |_| hold(data).filter(|h| !h.paying).map(|h| h.deadline));
    let told = StoredValue::new(Told::default());
    Effect::new(move |_| {
        let hidden = shop.page_hidden.get();
        let (Some(deadline), Some(now)) = (deadline.get(), data.now.get()) else {
            if deadline.get_untracked().is_none() {
                told.set_value(Told::default());
            }
            shop.turn_alert.set(None);
            return;
        };
        let left = deadline as f64 - now;
        let ending = left <= HOLD_WARNING_MS;
        let mut seen = told.get_value();
        if hidden {
            let product = data
                .detail
                .with_untracked(|d| d.as_ref().map(|d| d.summary.product.clone()))
                .unwrap_or_default();
            let t = shop.locale.get_untracked().words();
            if !seen.turn {
                crate::attention::tell(
                    t.turn_notice_title,
                    &fill(
                        t.turn_notice,
                        &[&product, &format::countdown(left as i64, t)],
                    ),
                );
            } else if ending && !seen.ending {
                crate::attention::tell(t.hold_ending_title, &fill(t.hold_ending, &[&product]));
            }
        }
        seen.turn = true;
        seen.ending |= ending;
        told.set_value(seen);
        shop.turn_alert
            .set(hidden.then(|| crate::attention::turn_title(left, shop.words())));
    });
    on_cleanup(move || shop.turn_alert.set(None));
}
