//! The pages a shopper's first screen does not need, fetched the first time they are shown.
//!
//! The release build (`make build`, `scripts/split-page`) compiles the page with `--cfg split`:
//! there each `*_page` function below is one of Leptos's `#[lazy]` functions, and
//! wasm_split_cli_support cuts the code only it reaches into a wasm module of its own, fetched
//! when the route is first shown. Every other build (`trunk serve`, the browser tests) keeps
//! one module and calls them as plain async functions, so both behave the same.
use std::future::Future;

use leptos::prelude::*;

use super::{account::Account, order::Order, sale::SalePage};
use crate::preview::{PreviewGallery, PreviewScreen};
use crate::shop::use_shop;

/// Shows the page `load` gives, and "Loading…" until its module has arrived (at once when it
/// already has, or in a build of one module).
fn on_demand(load: impl Future<Output = AnyView> + Send + 'static) -> impl IntoView {
    let arrived = RwSignal::new(false);
    let loading = use_shop().words().loading;
    view! {
        {Suspend::new(async move {
            let page = load.await;
            arrived.set(true);
            page
        })}
        <Show when=move || !arrived.get()>
            <p class="loading">{loading}</p>
        </Show>
    }
}

/// A route component `$route` showing the component `$page`, whose code `$load` brings.
macro_rules! page_on_demand {
    ($route:ident, $load:ident, $page:ident) => {
        #[cfg_attr(split, leptos::lazy)]
        async fn $load() -> AnyView {
            view! { <$page/> }.into_any()
        }

        /// The route to its page, fetched the first time it is shown.
        #[component]
        pub fn $route() -> impl IntoView {
            on_demand($load())
        }
    };
}

page_on_demand!(SaleRoute, sale_page, SalePage);
page_on_demand!(AccountRoute, account_page, Account);
page_on_demand!(OrderRoute, order_page, Order);
page_on_demand!(PreviewGalleryRoute, preview_gallery_page, PreviewGallery);
page_on_demand!(PreviewScreenRoute, preview_screen_page, PreviewScreen);
