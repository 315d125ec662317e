//! The pages a shopper's first screen does not need, fetched the first time they are shown.
//!
//! The release build (`make build`, `scripts/split-page`) compiles the page with `--cfg split`:
//! there each `*_page` function below is one of Leptos's `#[lazy]` functions, and
//! wasm_split_cli_support cuts the code only it reaches into a wasm module of its own, fetched
//! when the router first needs it. Every other build (`trunk serve`, the browser tests) keeps
//! one module and calls them as plain async functions, so both behave the same.
use std::future::Future;

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{account::Account, order::Order, sale::SalePage};
use crate::preview::{PreviewGallery, PreviewScreen};

/// A route whose page is the component `$page`, loaded by `$load`.
macro_rules! page_on_demand {
    ($route:ident, $load:ident, $page:ident) => {
        #[doc = concat!("The route to [`", stringify!($page), "`], fetched on first use.")]
        pub struct $route;

        #[cfg_attr(split, leptos::lazy)]
        async fn $load() -> AnyView {
            view! { <$page/> }.into_any()
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_: Self) -> impl Future<Output = AnyView> {
                $load()
            }
        }
    };
}

page_on_demand!(SaleRoute, sale_page, SalePage);
page_on_demand!(AccountRoute, account_page, Account);
page_on_demand!(OrderRoute, order_page, Order);
page_on_demand!(PreviewGalleryRoute, preview_gallery_page, PreviewGallery);
page_on_demand!(PreviewScreenRoute, preview_screen_page, PreviewScreen);
