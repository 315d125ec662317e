use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{Phase, SaleSummary};
use crate::format;
use crate::hooks::{use_api, use_polling, use_store_clock};

/// All sales, each with its state and its moments in the shopper's time zone.
#[component]
pub fn Home() -> impl IntoView {
    crate::attention::use_page_title(|| "Flash drops".into());
    let beat = use_polling(2_000);
    let sales = use_api::<Vec<SaleSummary>>(move || {
        beat.track();
        "/api/sales".into()
    });
    view! {
        <div class="page home">
            <h1>"Flash drops"</h1>
            <p class="lede">"Small batches at an announced moment. Register before it closes, be here at the start, and everyone gets the same fair chance."</p>
            {move || match sales.get() {
                None => view! { <p class="loading">"Loading sales…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(list)) => view! { <SaleList sales=list/> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn SaleList(sales: Vec<SaleSummary>) -> impl IntoView {
    if sales.is_empty() {
        return view! {
            <div class="empty" data-state="no-sales">
                <h2>"No drops scheduled"</h2>
                <p>"When the next batch is announced it appears here, with its registration window and start time."</p>
            </div>
        }
        .into_any();
    }
    view! { <ul class="sale-list">{sales.into_iter().map(|sale| view! { <li><SaleCard sale/></li> }).collect_view()}</ul> }.into_any()
}

/// The badge and line that say where a sale stands.
pub fn phase_line(sale: &SaleSummary, now: u64) -> (&'static str, &'static str, String) {
    match sale.phase {
        Phase::Announced => (
            "announced",
            "Announced",
            format!(
                "Registration opens {}",
                format::when(sale.registration_opens, now)
            ),
        ),
        Phase::RegistrationOpen => (
            "open",
            "Registration open",
            format!(
                "Closes {}; sale starts {}",
                format::when(sale.registration_closes, now),
                format::when(sale.starts_at, now)
            ),
        ),
        Phase::RegistrationClosed => (
            "soon",
            "Starting soon",
            format!("Starts {}", format::when(sale.starts_at, now)),
        ),
        Phase::Live => (
            "live",
            "Live now",
            "Registered shoppers are being let in".into(),
        ),
        Phase::Ended => ("ended", "Ended", "See the report and check the draw".into()),
    }
}

#[component]
fn SaleCard(sale: SaleSummary) -> impl IntoView {
    let now = use_store_clock();
    let href = format!("/sale/{}", sale.id);
    let line_sale = sale.clone();
    let line = Memo::new(move |_| phase_line(&line_sale, now.get().unwrap_or_default() as u64));
    view! {
        <A href=href attr:class="sale-card" attr:data-sale=sale.id.clone()>
            <img src=sale.image.clone() alt="" width="112" height="112"/>
            <div class="sale-card-body">
                <span class=move || format!("badge badge-{}", line.get().0)>{move || line.get().1}</span>
                <h2>{sale.product.clone()}</h2>
                <p class="tagline">{sale.tagline.clone()}</p>
                <p class="meta">{move || line.get().2}</p>
                <p class="meta">{format!("{} units · from {} · {} registered", format::count(sale.units as u64), format::money(sale.from_price_cents), format::count(sale.registrants as u64))}</p>
            </div>
        </A>
    }
}
