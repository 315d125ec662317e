//! The screens before the sale starts: announced, registration, the waiting room.
use leptos::prelude::*;

use crate::api::{Method, Phase, SaleSummary, ShopperStatus};
use crate::components::{ClockQuality, Countdown, SignIn, SignInStage, Stat};
use crate::format;
use crate::hooks::use_api;
use crate::i18n::fill;
use crate::sale_state::SaleState;

use super::data::SaleData;
use super::screen::StateSection;
use super::variant_picker::VariantPicker;

fn summary(data: SaleData) -> crate::api::SaleSummary {
    data.detail.get().expect("loaded").summary
}

/// The sign-in form: the shopper's own on the live page, its first step on a screen of fixtures.
fn sign_in(data: SaleData) -> impl IntoView {
    let stage = (!data.live).then_some(SignInStage::Phone);
    view! { <SignIn stage/> }
}

/// The join control: active at the store's start instant, not a moment before.
fn join_button(data: SaleData) -> impl IntoView {
    let starts = move || summary(data).starts_at;
    let open = move || data.now.get().is_some_and(|n| n >= starts() as f64);
    view! {
        <button class="button primary big" data-testid="join" disabled=move || !open() || data.busy.get()
            on:click=move |_| data.act(Method::Post, "queue", Some(data.preference.get_untracked()))>
            {move || if open() { data.t().join_the_queue.to_string() } else { fill(data.t().opens_at, &[&format::clock_time(starts(), data.locale())]) }}
        </button>
    }
}

pub fn announced(data: SaleData) -> AnyView {
    let s = summary(data);
    view! {
        <StateSection data state=SaleState::Announced title=|t| t.announced_title>
            <p>{data.t().registration_opens_in} <Countdown target=Signal::derive(move || summary(data).registration_opens) now=data.now done=|t| t.registration_is_open/></p>
            <p>{move || fill(data.t().registration_window, &[&data.when(s.registration_opens), &data.when(s.registration_closes), &data.when(s.starts_at)])}</p>
            <Facts data/>
        </StateSection>
    }.into_any()
}

pub fn registration_open(data: SaleData) -> AnyView {
    let signed_in = Memo::new(move |_| data.me.with(Option::is_some));
    view! {
        <StateSection data state=SaleState::RegistrationOpen title=|t| t.registration_is_open>
            <p>{data.t().only_registered_may_buy}
                <Countdown target=Signal::derive(move || summary(data).registration_closes) now=data.now done=|t| t.registration_has_closed testid="registration-countdown"/>{data.t().full_stop}</p>
            <Facts data/>
            {move || match signed_in.get() {
                false => sign_in(data).into_any(),
                true => view! {
                    <button class="button primary big" data-testid="register" disabled=move || data.busy.get()
                        on:click=move |_| data.act(Method::Post, "registration", None::<()>)>{data.t().register_for_sale}</button>
                }.into_any(),
            }}
        </StateSection>
    }.into_any()
}

pub fn registered(data: SaleData) -> AnyView {
    let number = move || {
        data.me
            .get()
            .and_then(|m| m.registration_number)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    view! {
        <StateSection data state=SaleState::Registered title=|t| t.you_are_registered>
            <p class="big-figure">{data.t().registration_no} <strong data-testid="registration-number">{number}</strong></p>
            <p>{data.t().sale_starts_in} <Countdown target=Signal::derive(move || summary(data).starts_at) now=data.now done=|t| t.sale_is_open/>{data.t().full_stop}</p>
            <p class="check-in" data-testid="check-in-advice"><strong>{data.t().have_page_open}</strong>
               {data.t().check_in_advice}</p>
            <TurnNotificationOffer hold_ms=Signal::derive(move || data.detail.with(|d| d.as_ref().map_or(0, |d| d.hold_ms)))/>
            <ClockQuality/>
            <VariantPicker data/>
            {join_button(data)}
            <button class="button subtle" disabled=move || data.busy.get()
                on:click=move |_| data.act(Method::Delete, "registration", None::<()>)>{data.t().cancel_registration}</button>
        </StateSection>
    }.into_any()
}

pub fn registration_closed(data: SaleData) -> AnyView {
    let signed_in = data.me.get_untracked().is_some();
    view! {
        <StateSection data state=SaleState::RegistrationClosed title=|t| t.registration_has_closed>
            <p>{move || if signed_in {
                data.t().missed_registration
            } else {
                data.t().registration_closed_sign_in
            }}</p>
            {(!signed_in).then(|| sign_in(data))}
            <NextDrop data/>
            <Facts data/>
        </StateSection>
    }
    .into_any()
}

pub fn pre_queue(data: SaleData) -> AnyView {
    // What this screen shows is what the check after the end compares the published record with.
    Effect::new(move |_| {
        if let Some(fingerprint) = data
            .detail
            .with(|d| d.as_ref().and_then(|d| d.commitment.clone()))
        {
            data.keep_fingerprint_shown(&fingerprint);
        }
    });
    let waiting = move || match data.status() {
        Some(ShopperStatus::PreQueue { pre_queue_len, .. }) => fill(
            data.t().in_waiting_room_with,
            &[&format::count(
                pre_queue_len.saturating_sub(1) as u64,
                data.locale(),
            )],
        ),
        _ => data.t().checking_in.into(),
    };
    view! {
        <StateSection data state=SaleState::PreQueue title=|t| t.waiting_room_title>
            <p class="countdown-big">{data.t().starts_in} <Countdown target=Signal::derive(move || summary(data).starts_at) now=data.now done=|t| t.sale_is_open/></p>
            <ClockQuality/>
            <p data-testid="pre-queue-status">{waiting}</p>
            <p>{data.t().draw_explained}</p>
            <p class="commitment">{data.t().fingerprint_label} <code data-testid="commitment">{move || data.detail.get().and_then(|d| d.commitment).unwrap_or_default()}</code></p>
            <VariantPicker data in_line=true/>
            {join_button(data)}
        </StateSection>
    }.into_any()
}

/// The batch in figures: honest numbers before anyone asks.
#[component]
pub fn Facts(data: SaleData) -> impl IntoView {
    let detail = move || data.detail.get().expect("loaded");
    view! {
        <dl class="facts">
            <Stat label=|t| t.units_in_batch value=Signal::derive(move || format::count(detail().summary.units as u64, data.locale()))/>
            <Stat label=|t| t.registered value=Signal::derive(move || format::count(detail().summary.registrants as u64, data.locale()))/>
            <Stat label=|t| t.per_account value=Signal::derive(move || format::count(detail().per_account_limit as u64, data.locale()))/>
            <Stat label=|t| t.hold_to_check_out value=Signal::derive(move || format::duration(detail().hold_ms, data.t()))/>
        </dl>
    }
}

/// Points a shopper for whom this sale is over to the next one they can still register for.
#[component]
pub fn NextDrop(data: SaleData) -> impl IntoView {
    let sales = use_api::<Vec<SaleSummary>>(|| "/api/sales".into());
    let this = data.id();
    let next = move || {
        sales.get().and_then(Result::ok).and_then(|list| {
            list.into_iter().find(|s| {
                s.id != this && matches!(s.phase, Phase::Announced | Phase::RegistrationOpen)
            })
        })
    };
    view! {
        <p class="next-drop" data-testid="next-drop">
            {move || match next() {
                Some(s) => {
                    let when = if s.phase == Phase::RegistrationOpen {
                        fill(data.t().next_registration_open_until, &[&data.when(s.registration_closes)])
                    } else {
                        fill(data.t().next_registration_opens, &[&data.when(s.registration_opens)])
                    };
                    view! { {data.t().next_drop} <a href=format!("/sale/{}", s.id)>{s.product}</a> {when} }.into_any()
                }
                None => view! { {data.t().drops_announced_on} <a href="/">{data.t().sales_page}</a> {data.t().full_stop} }.into_any(),
            }}
        </p>
    }
}

/// The offer to be notified when the turn comes, with what it is for; a refusal changes
/// nothing else (the tab's title still changes).
#[component]
pub fn TurnNotificationOffer(#[prop(into)] hold_ms: Signal<u64>) -> impl IntoView {
    use crate::attention::{
        ask_notification_permission, notification_permission, NotificationPermission as Allowed,
    };
    let shop = crate::shop::use_shop();
    let t = move || shop.words();
    let allowed = RwSignal::new(notification_permission());
    let ask = move |_| {
        leptos::task::spawn_local(async move { allowed.set(ask_notification_permission().await) });
    };
    view! {
        <div class="notify-offer" data-testid="notify-offer">
            {move || match allowed.get() {
                Allowed::Default => view! {
                    <p>{move || fill(t().notify_offer, &[&format::duration(hold_ms.get(), t())])}</p>
                    <button class="button" data-testid="allow-notifications" on:click=ask>{t().notify_me}</button>
                }.into_any(),
                Allowed::Granted => view! { <p>{t().notify_granted}</p> }.into_any(),
                Allowed::Denied => view! { <p>{t().notify_denied}</p> }.into_any(),
                Allowed::Unsupported => view! { <p>{t().notify_unsupported}</p> }.into_any(),
            }}
        </div>
    }
}
