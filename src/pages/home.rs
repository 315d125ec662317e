use leptos::prelude::*;

use crate::api::{Phase, SaleSummary};
use crate::format;
use crate::hooks::{use_api, use_polling, use_store_clock};
use crate::i18n::{fill, Locale};
use crate::shop::use_shop;

/// All sales, each with its state and its moments in the shopper's time zone.
#[component]
pub fn Home() -> impl IntoView {
    let shop = use_shop();
    crate::attention::use_page_title(move || shop.words().flash_drops.into());
    let beat = use_polling(2_000);
    let sales = use_api::<Vec<SaleSummary>>(move || {
        beat.track();
        "/api/sales".into()
    });
    // Once the sales are on screen (their pictures asked for first), the sale page's code.
    Effect::new(move |_| {
        if sales.with(|s| matches!(s, Some(Ok(_)))) {
            crate::pages::on_demand::prefetch_the_sale_page();
        }
    });
    view! {
        <div class="page home">
            <h1>{shop.words().flash_drops}</h1>
            <p class="lede">{shop.words().home_lede}</p>
            {move || match sales.get() {
                None => view! { <p class="loading">{shop.words().loading_sales}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{move || shop.words().store_error(&e)}</p> }.into_any(),
                Some(Ok(list)) => view! { <SaleList sales=list/> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn SaleList(sales: Vec<SaleSummary>) -> impl IntoView {
    let shop = use_shop();
    if sales.is_empty() {
        return view! {
            <div class="empty" data-state="no-sales">
                <h2>{shop.words().no_drops}</h2>
                <p>{shop.words().no_drops_hint}</p>
            </div>
        }
        .into_any();
    }
    view! { <ul class="sale-list">{sales.into_iter().map(|sale| view! { <li><SaleCard sale/></li> }).collect_view()}</ul> }.into_any()
}

/// The badge and line that say where a sale stands.
pub fn phase_line(
    sale: &SaleSummary,
    now: u64,
    locale: Locale,
) -> (&'static str, &'static str, String) {
    let t = locale.words();
    let when = |ms| format::when(ms, now, locale);
    match sale.phase {
        Phase::Announced => (
            "announced",
            t.badge_announced,
            fill(t.registration_opens_at, &[&when(sale.registration_opens)]),
        ),
        Phase::RegistrationOpen => (
            "open",
            t.badge_registration_open,
            fill(
                t.closes_and_starts,
                &[&when(sale.registration_closes), &when(sale.starts_at)],
            ),
        ),
        Phase::RegistrationClosed => (
            "soon",
            t.badge_starting_soon,
            fill(t.starts_at, &[&when(sale.starts_at)]),
        ),
        Phase::Live => ("live", t.badge_live, t.live_letting_in.into()),
        Phase::Ended => ("ended", t.badge_ended, t.see_the_report.into()),
    }
}

#[component]
fn SaleCard(sale: SaleSummary) -> impl IntoView {
    let now = use_store_clock();
    let locale = use_shop().locale.get_untracked();
    let href = format!("/sale/{}", sale.id);
    let line_sale = sale.clone();
    let tagline = sale.tagline_in(locale.tag()).to_string();
    let line =
        Memo::new(move |_| phase_line(&line_sale, now.get().unwrap_or_default() as u64, locale));
    view! {
        <a href=href class="sale-card" data-sale=sale.id.clone()>
            <img src=sale.image.clone() alt="" width="112" height="112"/>
            <div class="sale-card-body">
                <span class=move || format!("badge badge-{}", line.get().0)>{move || line.get().1}</span>
                <h2>{sale.product.clone()}</h2>
                <p class="tagline">{tagline}</p>
                <p class="meta">{move || line.get().2}</p>
                <p class="meta">{fill(locale.words().sale_meta, &[&format::count(sale.units as u64, locale), &format::money(sale.from_price_cents, &sale.currency, locale), &format::count(sale.registrants as u64, locale)])}</p>
            </div>
        </a>
    }
}
