use leptos::prelude::*;

use crate::api::{OrderView, SaleSummary, ShopperStatus, ShopperView};
use crate::components::{SignIn, VariantName};
use crate::format;
use crate::hooks::use_api;
use crate::i18n::fill;
use crate::shop::use_shop;

/// Sign in or up; once signed in, the shopper's registrations and orders.
#[component]
pub fn Account() -> impl IntoView {
    let shop = use_shop();
    let session = shop.client().session;
    crate::attention::use_page_title(move || {
        if session.with(Option::is_some) {
            shop.words().my_account
        } else {
            shop.words().sign_in
        }
        .into()
    });
    view! {
        <div class="page account">
            <h1>{shop.words().my_account}</h1>
            {move || match session.get() {
                None => view! { <SignIn/> }.into_any(),
                Some(s) => view! {
                    <p class="lede">{fill(shop.words().signed_in_as, &[&s.phone])}
                        <button class="link" on:click=move |_| session.set(None)>{shop.words().sign_out}</button>
                    </p>
                    <Registrations/>
                    <Orders/>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Registrations() -> impl IntoView {
    let shop = use_shop();
    let (mine, set_mine) = signal(None::<Vec<(SaleSummary, ShopperView)>>);
    leptos::task::spawn_local(async move {
        let client = shop.client();
        let sales = client
            .get::<Vec<SaleSummary>>("/api/sales")
            .await
            .unwrap_or_default();
        let mut mine = Vec::new();
        for sale in sales {
            if let Ok(view) = client
                .get::<ShopperView>(&format!("/api/sales/{}/me", sale.id))
                .await
            {
                if view.registration_number.is_some()
                    || !matches!(view.status, ShopperStatus::NotRegistered)
                {
                    mine.push((sale, view));
                }
            }
        }
        set_mine.set(Some(mine));
    });
    view! {
        <section class="card">
            <h2>{shop.words().registrations}</h2>
            {move || match mine.get() {
                None => view! { <p class="loading">{shop.words().loading}</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <p class="empty" data-state="no-registrations">{shop.words().no_registrations} <a href="/">{shop.words().see_the_drops}</a></p>
                }.into_any(),
                Some(list) => view! {
                    <ul class="plain-list">
                        {list.into_iter().map(|(sale, me)| view! {
                            <li><a href=format!("/sale/{}", sale.id)>{sale.product}</a>
                                {me.registration_number.map(|n| fill(shop.words().registration_no_short, &[&n.to_string()]))}</li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Orders() -> impl IntoView {
    let shop = use_shop();
    let orders = use_api::<Vec<OrderView>>(|| "/api/orders".into());
    view! {
        <section class="card" data-testid="orders">
            <h2>{shop.words().orders}</h2>
            {move || match orders.get() {
                None => view! { <p class="loading">{shop.words().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error">{shop.words().store_error(&e)}</p> }.into_any(),
                Some(Ok(orders)) => view! { <OrderList orders/> }.into_any(),
            }}
        </section>
    }
}

/// The shopper's orders, or what to expect when there are none yet.
#[component]
pub fn OrderList(orders: Vec<OrderView>) -> impl IntoView {
    let locale = use_shop().locale.get_untracked();
    if orders.is_empty() {
        return view! {
            <p class="empty" data-state="no-orders">{locale.words().no_orders}</p>
        }
        .into_any();
    }
    view! {
        <ul class="plain-list">
            {orders.into_iter().map(|o| view! {
                <li><a href=format!("/orders/{}", o.number)>{o.number.clone()}</a>
                    {format!(" · {} ", o.product)}<VariantName sale_id=o.sale_id.clone() english=o.variant.clone()/>{format!(" · {}", format::money(o.price_cents, &o.currency, locale))}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
