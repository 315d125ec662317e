//! `/preview`: every screen of the shop at a phone width and a desktop width on one page, and
//! `/preview/<state>` for one of them at full size. Rendered from fixtures through the very
//! components the live app uses.
mod fixtures;

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::api::{CodeSent, NetworkNotice};
use crate::components::{NetworkBanner, SignIn, SignInStage};
use crate::pages::{
    account::OrderList,
    home::SaleList,
    not_found::NotFound,
    sale::{SaleData, SaleJourney},
};
use crate::sale_state::SaleState;

pub use fixtures::{sale_fixture, NOW};

/// Present in context while rendering previews: screens then leave the focus alone.
#[derive(Clone, Copy)]
pub struct PreviewMode;

/// Screens beyond the sale page's own states, with their titles.
pub const OTHER_SCREENS: &[(&str, &str)] = &[
    ("sign-in-code-sent", "Sign in: code sent"),
    ("sign-in-wrong-code", "Sign in: wrong code"),
    ("sign-in-locked", "Sign in: locked out"),
    ("network-retrying", "Network trouble: retrying"),
    ("network-busy", "Network trouble: store busy"),
    ("no-sales", "Empty: no sales"),
    ("no-orders", "Empty: no orders"),
];

/// Every screen's name, sale states first.
pub fn screen_names() -> Vec<&'static str> {
    SaleState::ALL
        .iter()
        .map(|s| s.name())
        .chain(OTHER_SCREENS.iter().map(|(n, _)| *n))
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
    let retrying = |reason: &str, in_ms, attempt| NetworkNotice::Retrying {
        reason: reason.into(),
        in_ms,
        attempt,
    };
    Some(match name {
        "sign-in-code-sent" => view! { <SignIn stage=code_sent()/> }.into_any(),
        "sign-in-wrong-code" => view! {
            <SignIn stage=code_sent() error="That code is not right. 3 tries left before this number is locked for 10 minutes.".to_string()/>
        }.into_any(),
        "sign-in-locked" => view! {
            <SignIn stage=code_sent() error="Too many wrong codes: this number is locked for 10 more minutes.".to_string()/>
        }.into_any(),
        "network-retrying" => view! { <NetworkBanner notice=retrying("No answer from the store", 1_200, 1)/> }.into_any(),
        "network-busy" => view! { <NetworkBanner notice=retrying("The store is busy", 3_000, 2)/> }.into_any(),
        "no-sales" => view! { <SaleList sales=vec![]/> }.into_any(),
        "no-orders" => view! { <section class="card"><h2>"Orders"</h2><OrderList orders=vec![]/></section> }.into_any(),
        _ => return None,
    })
}

fn title(name: &str) -> String {
    OTHER_SCREENS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| format!("Sale: {name}"), |(_, t)| t.to_string())
}

#[component]
pub fn PreviewGallery() -> impl IntoView {
    provide_context(PreviewMode);
    crate::attention::use_page_title(|| "Every screen (preview)".into());
    view! {
        <div class="page preview">
            <h1>"Every screen"</h1>
            <p class="lede">"Each state of the shop from fixtures, through the components the live app uses: at 360 px and at 1280 px (shown at half size). Open one for full size; "
                <code>"?demo=<preset>"</code>" URLs put the live app in a state."</p>
            <div class="preview-grid">
                {screen_names().into_iter().map(|name| view! {
                    <section class="preview-item" data-preview=name>
                        <h2>{title(name)} <A href=format!("/preview/{name}")>"Full size"</A></h2>
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
    provide_context(PreviewMode);
    let params = use_params_map();
    crate::attention::use_page_title(move || {
        format!(
            "{} (preview)",
            title(&params.read().get("state").unwrap_or_default())
        )
    });
    move || {
        let name = params.read().get("state").unwrap_or_default();
        match render_screen(&name) {
            Some(screen) => view! {
                <div class="page preview-one" data-preview=name.clone()>
                    <p class="hint"><A href="/preview">"All screens"</A>{format!(" · {}", title(&name))}</p>
                    {screen}
                </div>
            }.into_any(),
            None => view! { <NotFound/> }.into_any(),
        }
    }
}
