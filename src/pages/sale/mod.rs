//! `/sale/:id`: the whole journey of one sale on one page, one screen per [`SaleState`].
mod before;
mod data;
mod hold;
mod outcome;
mod queue;
mod screen;
mod variant_picker;

use leptos::prelude::*;

use crate::api::{Method, ShopperStatus};
use crate::components::SaleNewsNotice;
use crate::device;
use crate::hooks::use_polling;
use crate::router::{use_address, Page};
use crate::sale_state::{sale_state, SaleState};
use crate::shop::use_shop;

pub use data::SaleData;
use data::POLL_MS;

fn variant_key(sale: &str) -> String {
    format!("sale.{sale}.variant")
}

/// Tries of the automatic check-in to the waiting room that the store refused.
#[derive(Clone, Copy, Default)]
struct CheckIn {
    refusals: u32,
    /// Real time (ms) before which the page does not try again.
    next_try_ms: f64,
}

impl CheckIn {
    /// Waits 2 s after the first refusal, doubling up to a minute: a refusal that lasts costs
    /// the store a call a minute, not a call a frame.
    fn refused(self, now: f64) -> CheckIn {
        let refusals = self.refusals + 1;
        CheckIn {
            refusals,
            next_try_ms: now + (2_000.0 * 2f64.powi(refusals as i32 - 1)).min(60_000.0),
        }
    }
}

#[component]
pub fn SalePage() -> impl IntoView {
    let data = SaleData::live();
    let beat = use_polling(POLL_MS);
    let shop = use_shop();
    let session = shop.client().session;
    let sale_id = use_address().named(Page::Sale);
    // The store clock as last synced, to the second: it moves only when the demo's controls
    // jump or speed it, and then the schedule may have moved past a moment the store's last
    // answer did not expect.
    let clock = shop.client().clock;
    let clock_moved = Memo::new(move |_| {
        clock.with(|c| c.map(|c| ((c.store_at_sync - c.device_at_sync * c.rate) / 1_000.0) as i64))
    });
    // Another sale, another shopper or a moved clock is fetched at once; otherwise the beat
    // fetches when the store's last answer asked (every beat while signed out).
    Effect::new(
        move |shown: Option<(String, Option<String>, Option<i64>)>| {
            beat.track();
            let now_shown = (
                sale_id.get(),
                session.with(|s| s.as_ref().map(|s| s.token.clone())),
                clock_moved.get(),
            );
            if shown.as_ref() != Some(&now_shown) || now_shown.1.is_none() || data.poll_due() {
                data.refresh(now_shown.0.clone());
            }
            now_shown
        },
    );
    // The variant choice belongs to one sale: another sale's variant 2 may not exist here.
    Effect::new(move |_| {
        let saved = shop
            .storage()
            .get(&variant_key(&sale_id.get()))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        data.preference.update(|p| p.variant = saved);
    });
    Effect::new(move |_| {
        let variant = data.preference.get().variant;
        shop.storage()
            .set(&variant_key(&sale_id.get_untracked()), &variant.to_string());
    });
    // A choice saved when the catalog had more variants falls back to the first.
    Effect::new(move |_| {
        let variants = data.detail.with(|d| d.as_ref().map(|d| d.variants.len()));
        if variants.is_some_and(|n| data.preference.get_untracked().variant as usize >= n) {
            data.preference.update(|p| p.variant = 0);
        }
    });
    // A registered shopper on the page before the start is in the waiting room: their place is
    // drawn at the start. A refused check-in is tried again later, each time waiting longer.
    let check_in = StoredValue::new(CheckIn::default());
    Effect::new(move |_| {
        beat.track();
        let waiting_room = data.detail.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.summary.phase == crate::api::Phase::RegistrationClosed)
        });
        let due = device::real_now() >= check_in.get_value().next_try_ms;
        if waiting_room
            && matches!(data.status(), Some(ShopperStatus::Registered { .. }))
            && !data.busy.get()
            && due
        {
            data.act_then(
                Method::Post,
                "queue",
                Some(data.preference.get_untracked()),
                move |accepted| {
                    check_in.update_value(|c| {
                        *c = if accepted {
                            CheckIn::default()
                        } else {
                            c.refused(device::real_now())
                        }
                    })
                },
            );
        }
    });
    hold::alert_when_hidden(data);
    crate::attention::use_page_title(move || {
        data.detail
            .with(|d| d.as_ref().map(|d| d.summary.product.clone()))
            .unwrap_or_else(|| data.t().sale.into())
    });
    // Built once the sale is loaded, not again on every poll: screens keep their fields and focus.
    let loaded = Memo::new(move |_| data.detail.with(Option::is_some));
    view! {
        <div class="page sale">
            {move || match loaded.get() {
                true => view! { <SaleJourney data/> }.into_any(),
                // Errors are read here only before the sale has loaded: afterwards they show inside
                // the journey, and reading them here would rebuild it on every failed action.
                false => match data.error.get() {
                    Some(problem) => view! { <h1>{data.t().sale_could_not_load}</h1><p class="form-error">{problem}</p> }.into_any(),
                    None => view! { <p class="loading">{data.t().loading_sale}</p> }.into_any(),
                },
            }}
        </div>
    }
}

/// The product and the screen for the shopper's state: used by the live page and the preview.
#[component]
pub fn SaleJourney(data: SaleData) -> impl IntoView {
    let state = Memo::new(move |_| {
        data.detail.with(|d| {
            d.as_ref().map(|d| {
                data.me
                    .with(|me| sale_state(d, me.as_ref(), data.checkout_choice()))
            })
        })
    });
    // The step to the checkout form belongs to one hold: once that hold has ended, forget it.
    Effect::new(move |_| {
        if matches!(
            state.get(),
            Some(
                SaleState::OrderConfirmed
                    | SaleState::HoldExpired
                    | SaleState::SoldOut
                    | SaleState::SaleEnded
            )
        ) && !data.checkout_open.get_untracked().is_empty()
        {
            data.checkout_open.set(String::new());
        }
    });
    let detail = move || {
        data.detail
            .get()
            .expect("the journey renders once the sale is loaded")
    };
    view! {
        <div class="journey">
            <div class="product">
                <img class="product-image" src=move || detail().summary.image alt="" width="220" height="220"/>
                <div>
                    <h1>{move || detail().summary.product}</h1>
                    <p class="tagline">{move || detail().summary.tagline_in(data.locale().tag()).to_string()}</p>
                </div>
            </div>
            <div class="journey-main">
                <SaleNewsNotice news=data.news() starts_at=Signal::derive(move || detail().summary.starts_at) now=data.now/>
                {move || state.get().map(|state| screen(state, data))}
                <p class="form-error" role="alert" data-testid="action-error">{move || data.error.get()}</p>
            </div>
        </div>
    }
}

fn screen(state: SaleState, data: SaleData) -> AnyView {
    use SaleState::*;
    match state {
        Announced => before::announced(data),
        RegistrationOpen => before::registration_open(data),
        Registered => before::registered(data),
        RegistrationClosed => before::registration_closed(data),
        PreQueue => before::pre_queue(data),
        LiveQueue => queue::live_queue(data),
        Waitlist => queue::waitlist(data),
        YourTurn => hold::your_turn(data),
        Checkout => hold::checkout(data),
        PaymentPending => hold::payment_pending(data),
        OrderConfirmed => outcome::order_confirmed(data),
        SoldOut => outcome::sold_out(data),
        HoldExpired => outcome::hold_expired(data),
        SaleEnded => outcome::sale_ended(data),
    }
}
