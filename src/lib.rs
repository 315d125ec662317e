//! Kestrel drops: a flash-sale storefront. The app is here; `main.rs` only mounts it.
pub mod api;
pub mod attention;
#[cfg(feature = "bench")]
pub mod bench_hooks;
pub mod components;
pub mod device;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod operator;
pub mod pages;
pub mod preview;
pub mod router;
pub mod sale_state;
pub mod scenario;
pub mod shop;
pub mod split;
pub mod storage;

use leptos::prelude::*;

use components::{DevPanel, Footer, Header, Notices};
use pages::{
    home::Home,
    not_found::NotFound,
    on_demand::{AccountRoute, OperatorRoute, OrderRoute, SaleRoute},
    preview::{PreviewGalleryRoute, PreviewScreenRoute},
};
use router::{Address, Page};
use shop::Shop;

#[component]
pub fn App() -> impl IntoView {
    let (shop, set_shop) = signal(None);
    // Before the shop opens, the language it will speak (the same choice it makes when it
    // opens), its texts fetched first if it is Chinese.
    let locale = i18n::Locale::chosen(&storage::PageStorage::open());
    let (texts_in, set_texts_in) = signal(locale.ready());
    leptos::task::spawn_local(async move {
        let texts = i18n::load_pack_for(locale).await;
        set_texts_in.set(true);
        set_shop.set(Some(Shop::boot(texts).await))
    });
    let words = move || {
        texts_in.track();
        locale.words()
    };
    view! {
        {move || match shop.get() {
            None => view! { <p class="boot" data-state="booting">{words().opening_store}</p> }.into_any(),
                Some(Err(problem)) => view! {
                    <div class="boot" data-state="boot-error" role="alert">
                        <h1>{words().store_could_not_open}</h1>
                        <p>{problem.say(words())}</p>
                        <p>{words().reload_to_retry}</p>
                    </div>
                }.into_any(),
                Some(Ok(shop)) => {
                    provide_context(shop);
                    // Created after boot, so it starts at the URL a scenario left.
                    view! { <Shell/> }.into_any()
                }
            }}
    }
}

/// The shop's frame and routes, once the shop is open (tests mount this with their own shop).
#[component]
pub fn Shell() -> impl IntoView {
    // The moment the shop can be used: `make bench` measures time to interactive up to here.
    Effect::new(|_| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark("app-interactive");
        }
    });
    attention::follow_title_and_icon();
    let address = Address::follow();
    let page = Memo::new(move |_| address.page());
    let locale = use_context::<Shop>()
        .expect("the shell runs in an open shop")
        .locale;
    view! {
        <Header/>
        // A switch of language builds the page again in the other language: what the shopper
        // typed lives in drafts, their place and hold in the store, so nothing is lost, and
        // each text is a plain string instead of a reactive closure of its own.
        {move || {
            locale.track();
            view! {
                <Notices/>
                <main id="main">
                    {move || match page.get() {
                        Page::Home => view! { <Home/> }.into_any(),
                        Page::Sale => view! { <SaleRoute/> }.into_any(),
                        Page::Account => view! { <AccountRoute/> }.into_any(),
                        Page::Order => view! { <OrderRoute/> }.into_any(),
                        Page::PreviewGallery => view! { <PreviewGalleryRoute/> }.into_any(),
                        Page::PreviewScreen => view! { <PreviewScreenRoute/> }.into_any(),
                        Page::Operator => view! { <OperatorRoute/> }.into_any(),
                        Page::NotFound => view! { <NotFound/> }.into_any(),
                    }}
                </main>
                <Footer/>
            }
        }}
        <DevPanel/>
    }
}
