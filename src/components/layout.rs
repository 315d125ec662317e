use leptos::prelude::*;

use crate::api::service_worker::StoreKind;
use crate::i18n::Text;
use crate::router::use_address;
use crate::shop::use_shop;

#[component]
pub fn Header() -> impl IntoView {
    let shop = use_shop();
    let session = shop.client().session;
    // Outside the part a switch rebuilds (see `Shell`): the switch keeps its focus.
    let words = move || shop.locale.get().words();
    // Offers the other language in its own words, so a shopper who cannot read this one finds it.
    let other = move || shop.locale.get().other();
    let address = use_address();
    let current = move |href| address.shows(href).then_some("page");
    view! {
        <header class="site-header">
            <a href="/" class="brand">
                <img src="/public/img/logo.svg" alt="" width="28" height="28"/>
                <span>"Kestrel"<small>{move || words().brand_suffix}</small></span>
            </a>
            <nav aria-label=move || words().main_nav>
                <a href="/" aria-current=move || current("/")>{move || words().sales}</a>
                <a href="/account" aria-current=move || current("/account")>{move || if session.get().is_some() { words().my_account } else { words().sign_in }}</a>
                <button class="link lang-switch" type="button" data-testid="language-switch"
                    lang=move || other().tag() title=move || words().switch_language
                    on:click=move |_| shop.switch_language(other())>{move || other().name()}</button>
            </nav>
        </header>
    }
}

/// Says where the store runs: in the browser's worker, or on a server (whose page says so).
#[component]
pub fn Footer() -> impl IntoView {
    let words = use_shop().words();
    let said = match crate::api::service_worker::store_kind() {
        StoreKind::Demo => words.footer,
        StoreKind::DemoServer => words.footer_demo_server,
        StoreKind::Server => words.footer_server,
    };
    view! {
        <footer class="site-footer">
            <p>{said}</p>
        </footer>
    }
}

/// A labelled figure such as "Units left: 41".
#[component]
pub fn Stat(
    label: Text,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let shop = use_shop();
    view! {
        <div class="stat">
            <dt>{label(shop.words())}</dt>
            <dd data-testid=(!testid.is_empty()).then_some(testid)>{move || value.get()}</dd>
        </div>
    }
}
