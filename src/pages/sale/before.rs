//! The screens before the sale starts: announced, registration, the waiting room.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{Method, Phase, SaleSummary, ShopperStatus};
use crate::components::{ClockQuality, Countdown, SignIn, Stat, StateSection};
use crate::format;
use crate::hooks::use_api;
use crate::sale_state::SaleState;

use super::{SaleData, VariantPicker};

fn summary(data: SaleData) -> crate::api::SaleSummary {
    data.detail.get().expect("loaded").summary
}

/// The join control: active at the store's start instant, not a moment before.
fn join_button(data: SaleData) -> impl IntoView {
    let starts = move || summary(data).starts_at;
    let open = move || data.now.get().is_some_and(|n| n >= starts() as f64);
    view! {
        <button class="button primary big" data-testid="join" disabled=move || !open() || data.busy.get()
            on:click=move |_| data.act(Method::Post, "queue", Some(data.preference.get_untracked()))>
            {move || if open() { "Join the queue".to_string() } else { format!("Opens at {}", format::clock_time(starts())) }}
        </button>
    }
}

pub fn announced(data: SaleData) -> AnyView {
    let s = summary(data);
    view! {
        <StateSection state=SaleState::Announced title="Announced: registration opens soon".into()>
            <p>"Registration opens in " <Countdown target=Signal::derive(move || summary(data).registration_opens) now=data.now done="Registration is open"/></p>
            <p>{format!("Registration {} to {}; the sale starts {}.", format::when(s.registration_opens, data.store_now()), format::when(s.registration_closes, data.store_now()), format::when(s.starts_at, data.store_now()))}</p>
            <Facts data/>
        </StateSection>
    }.into_any()
}

pub fn registration_open(data: SaleData) -> AnyView {
    let signed_in = Memo::new(move |_| data.me.with(Option::is_some));
    view! {
        <StateSection state=SaleState::RegistrationOpen title="Registration is open".into()>
            <p>"Only registered shoppers may buy. Registration closes in "
                <Countdown target=Signal::derive(move || summary(data).registration_closes) now=data.now done="Registration has closed" testid="registration-countdown"/> "."</p>
            <Facts data/>
            {move || match signed_in.get() {
                false => view! { <SignIn/> }.into_any(),
                true => view! {
                    <button class="button primary big" data-testid="register" disabled=move || data.busy.get()
                        on:click=move |_| data.act(Method::Post, "registration", None::<()>)>"Register for this sale"</button>
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
        <StateSection state=SaleState::Registered title="You are registered".into()>
            <p class="big-figure">"Registration no. " <strong data-testid="registration-number">{number}</strong></p>
            <p>"The sale starts in " <Countdown target=Signal::derive(move || summary(data).starts_at) now=data.now done="The sale is open"/> "."</p>
            <p class="check-in" data-testid="check-in-advice"><strong>"Have this page open by the start."</strong>
               " When registration closes, this page checks you in to the waiting room by itself, and everyone checked in by the start gets a random place in line. Open it later and you join the line after that draw, behind them."</p>
            <TurnNotificationOffer hold_ms=Signal::derive(move || data.detail.with(|d| d.as_ref().map_or(0, |d| d.hold_ms)))/>
            <ClockQuality/>
            <VariantPicker data/>
            {join_button(data)}
            <button class="button subtle" disabled=move || data.busy.get()
                on:click=move |_| data.act(Method::Delete, "registration", None::<()>)>"Cancel my registration"</button>
        </StateSection>
    }.into_any()
}

pub fn registration_closed(data: SaleData) -> AnyView {
    let signed_in = data.me.get_untracked().is_some();
    view! {
        <StateSection state=SaleState::RegistrationClosed title="Registration has closed".into()>
            <p>{if signed_in {
                "You did not register for this sale before registration closed, so you cannot buy in it. Only registered accounts may join the queue: that is what keeps the line fair."
            } else {
                "Registration for this sale has closed. If you registered, sign in to see your place."
            }}</p>
            {(!signed_in).then(|| view! { <SignIn/> })}
            <NextDrop data/>
            <Facts data/>
        </StateSection>
    }.into_any()
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
        Some(ShopperStatus::PreQueue { pre_queue_len, .. }) => format!(
            "You are in the waiting room with {} others.",
            format::count(pre_queue_len.saturating_sub(1) as u64)
        ),
        _ => "Checking you in to the waiting room…".into(),
    };
    view! {
        <StateSection state=SaleState::PreQueue title="In the waiting room".into()>
            <p class="countdown-big">"Starts in " <Countdown target=Signal::derive(move || summary(data).starts_at) now=data.now done="The sale is open"/></p>
            <ClockQuality/>
            <p data-testid="pre-queue-status">{waiting}</p>
            <p>"At the start, everyone in the waiting room is put in a random order drawn from a secret seed. Its fingerprint is published now, and the seed is revealed when the sale ends, so anyone can check the draw."</p>
            <p class="commitment">"Fingerprint (sha256 of the seed): " <code data-testid="commitment">{move || data.detail.get().and_then(|d| d.commitment).unwrap_or_default()}</code></p>
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
            <Stat label="Units in this batch" value=Signal::derive(move || format::count(detail().summary.units as u64))/>
            <Stat label="Registered" value=Signal::derive(move || format::count(detail().summary.registrants as u64))/>
            <Stat label="Per account" value=Signal::derive(move || detail().per_account_limit.to_string())/>
            <Stat label="Hold to check out" value=Signal::derive(move || format::duration(detail().hold_ms))/>
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
                        format!(": registration is open until {}.", format::when(s.registration_closes, data.store_now()))
                    } else {
                        format!(": registration opens {}.", format::when(s.registration_opens, data.store_now()))
                    };
                    view! { "Next drop: " <A href=format!("/sale/{}", s.id)>{s.product}</A> {when} }.into_any()
                }
                None => view! { "Drops are announced on the " <A href="/">"sales page"</A> "." }.into_any(),
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
    let allowed = RwSignal::new(notification_permission());
    let ask = move |_| {
        leptos::task::spawn_local(async move { allowed.set(ask_notification_permission().await) });
    };
    view! {
        <div class="notify-offer" data-testid="notify-offer">
            {move || match allowed.get() {
                Allowed::Default => view! {
                    <p>{move || format!("Your turn may come while you are in another tab, and the unit is then held for you for only {}. We can notify you the moment it comes.", format::duration(hold_ms.get()))}</p>
                    <button class="button" data-testid="allow-notifications" on:click=ask>"Notify me when it's my turn"</button>
                }.into_any(),
                Allowed::Granted => view! { <p>"We will notify you when it's your turn, and again if your hold is about to run out."</p> }.into_any(),
                Allowed::Denied => view! { <p>"Notifications are off for this site. The tab's title will still say when it's your turn."</p> }.into_any(),
                Allowed::Unsupported => view! { <p>"This browser cannot show notifications. The tab's title will say when it's your turn."</p> }.into_any(),
            }}
        </div>
    }
}
