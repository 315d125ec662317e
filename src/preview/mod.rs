//! `/preview`: every screen of the shop at a phone width and a desktop width on one page, and
//! `/preview/<state>` for one of them at full size. Rendered from fixtures through the very
//! components the live app uses.
mod fixtures;
mod operator_fixtures;

use leptos::prelude::*;

use crate::api::{ApiError, CodeSent, ErrorCode, NetworkNotice};
use crate::components::{NetworkBanner, SignIn, SignInStage};
use crate::i18n::{fill, Text, Words};
use crate::pages::{
    account::OrderList,
    home::SaleList,
    not_found::NotFound,
    sale::{SaleData, SaleJourney},
};
use crate::router::{use_address, Page};
use crate::sale_state::SaleState;
use crate::shop::use_shop;

pub use fixtures::{sale_fixture, NOW};

/// Screens beyond the sale page's own states, with their titles.
pub const OTHER_SCREENS: &[(&str, Text)] = &[
    ("sign-in-code-sent", |t| t.screen_code_sent),
    ("sign-in-wrong-code", |t| t.screen_wrong_code),
    ("sign-in-locked", |t| t.screen_locked),
    ("network-retrying", |t| t.screen_retrying),
    ("network-busy", |t| t.screen_busy),
    ("no-sales", |t| t.screen_no_sales),
    ("no-orders", |t| t.screen_no_orders),
];

/// Every screen's name, sale states first.
pub fn screen_names() -> Vec<&'static str> {
    SaleState::ALL
        .iter()
        .map(|s| s.name())
        .chain(OTHER_SCREENS.iter().map(|(n, _)| *n))
        .chain(operator_fixtures::SCREENS)
        .collect()
}

fn code_sent() -> SignInStage {
    SignInStage::CodeSent(CodeSent {
        phone: "+447700900123".into(),
        resend_at_ms: NOW + 30_000,
        code_length: 6,
    })
}

/// One screen from its fixture; `None` for a name that is not a screen.
pub fn render_screen(name: &str) -> Option<AnyView> {
    if let Some(state) = SaleState::from_name(name) {
        let (detail, me, report, draw, checkout_open) = sale_fixture(state);
        let data = SaleData::fixture(detail, me, report, draw, NOW as f64, checkout_open);
        return Some(view! { <SaleJourney data/> }.into_any());
    }
    if let Some(screen) = operator_fixtures::render(name) {
        return Some(screen);
    }
    let retrying = |status, in_ms, attempt| NetworkNotice::Retrying {
        status,
        in_ms,
        attempt,
    };
    Some(match name {
        "sign-in-code-sent" => view! { <SignIn stage=Some(code_sent())/> }.into_any(),
        "sign-in-wrong-code" => view! {
            <SignIn stage=Some(code_sent()) error=ApiError::new(401, ErrorCode::WrongCode, "That code is not right. Tries left: 3; then this number is locked for 10 minutes.").tries_left_then_lock(3, 600_000)/>
        }.into_any(),
        "sign-in-locked" => view! {
            <SignIn stage=Some(code_sent()) error=ApiError::new(429, ErrorCode::Locked, "Too many wrong codes: this number is locked for 10 minutes more.").retry_after(600_000)/>
        }.into_any(),
        "network-retrying" => view! { <NetworkBanner notice=retrying(0, 1_200, 1)/> }.into_any(),
        "network-busy" => view! { <NetworkBanner notice=retrying(429, 3_000, 2)/> }.into_any(),
        "no-sales" => view! { <SaleList sales=vec![]/> }.into_any(),
        "no-orders" => view! { <section class="card"><h2>{use_shop().words().orders}</h2><OrderList orders=vec![]/></section> }.into_any(),
        _ => return None,
    })
}

fn title(name: &str, t: &Words) -> String {
    if let Some(title) = operator_fixtures::title(name) {
        return title;
    }
    OTHER_SCREENS.iter().find(|(n, _)| *n == name).map_or_else(
        || fill(t.sale_screen, &[name]),
        |(_, title)| title(t).to_string(),
    )
}

#[component]
pub fn PreviewGallery() -> impl IntoView {
    let shop = use_shop();
    let t = move || shop.words();
    crate::attention::use_page_title(move || fill(t().preview_of, &[t().every_screen]));
    view! {
        <div class="page preview">
            <h1>{t().every_screen}</h1>
            <p class="lede">{t().preview_lede}</p>
            <div class="preview-grid">
                {screen_names().into_iter().map(|name| view! {
                    <section class="preview-item" data-preview=name>
                        <h2>{title(name, t())} <a href=format!("/preview/{name}")>{t().full_size}</a></h2>
                        <div class="preview-pair">
                            <div class="preview-frame preview-phone"><p class="preview-label">"360 px"</p>{render_screen(name)}</div>
                            <div class="preview-desktop-box">
                                <div class="preview-frame preview-desktop"><p class="preview-label">"1280 px"</p>{render_screen(name)}</div>
                            </div>
                        </div>
                    </section>
                }).collect_view()}
            </div>
        </div>
    }
}

#[component]
pub fn PreviewScreen() -> impl IntoView {
    let state = use_address().named(Page::PreviewScreen);
    let shop = use_shop();
    let t = move || shop.words();
    crate::attention::use_page_title(move || fill(t().preview_of, &[&title(&state.get(), t())]));
    move || {
        let name = state.get();
        match render_screen(&name) {
            Some(screen) => view! {
                <div class="page preview-one" data-preview=name.clone()>
                    <p class="hint"><a href="/preview">{t().all_screens}</a>{format!(" · {}", title(&name, t()))}</p>
                    {screen}
                </div>
            }.into_any(),
            None => view! { <NotFound/> }.into_any(),
        }
    }
}
