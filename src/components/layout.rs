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

/// A screen of the sale page: `data-state` names it, and its heading takes focus when it
/// appears so keyboard and screen-reader users land on what changed.
#[component]
pub fn StateSection(
    state: crate::sale_state::SaleState,
    title: Text,
    children: Children,
) -> impl IntoView {
    let shop = use_shop();
    let heading = NodeRef::<leptos::html::H2>::new();
    let previewing = use_context::<crate::preview::PreviewMode>().is_some();
    Effect::new(move |_| {
        if let Some(h) = heading.get().filter(|_| !previewing) {
            let _ = h.focus();
        }
    });
    view! {
        <section class=format!("state state-{}", state.name()) data-state=state.name()>
            <h2 tabindex="-1" node_ref=heading>{title(shop.words())}</h2>
            {children()}
        </section>
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
