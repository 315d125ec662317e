//! The pages a shopper's first screen does not need, fetched the first time they are shown
//! (see [`crate::split`]: in the release build each `*_page` function is a split point, its
//! page a wasm module of its own).
use leptos::prelude::*;

use super::{account::Account, order::Order, sale::SalePage};
use crate::components::on_demand::on_demand;
use crate::operator::OperatorConsole;
use crate::split::{fetched, ModuleMissing};

/// A route component `$route` showing the component `$page`, whose code `$load` brings. Where
/// it is used, `on_demand`, `fetched!` and `ModuleMissing` are in scope.
macro_rules! page_on_demand {
    ($route:ident, $load:ident, $page:ident) => {
        #[cfg_attr(
            split,
            leptos::wasm_split::wasm_split($load, fallible, wasm_split_path = ::leptos::wasm_split)
        )]
        fn $load() -> Result<AnyView, ModuleMissing> {
            Ok(view! { <$page/> }.into_any())
        }

        /// The route to its page, fetched the first time it is shown.
        #[component]
        pub fn $route() -> impl IntoView {
            on_demand(|| Box::pin(async { fetched!($load()) }))
        }
    };
}
pub(crate) use page_on_demand;

page_on_demand!(SaleRoute, sale_page, SalePage);
page_on_demand!(AccountRoute, account_page, Account);
page_on_demand!(OrderRoute, order_page, Order);
page_on_demand!(OperatorRoute, operator_page, OperatorConsole);

/// Fetches the sale page's modules in the background, once (the home page asks when its sales
/// are on screen), so a tap on a sale (every shopper's next step, many of them at the sale
/// moment) does not wait for them. A failure costs nothing: the route fetches them again when
/// it is shown.
pub fn prefetch_the_sale_page() {
    #[cfg(split)]
    {
        thread_local! {
            static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if !ASKED.replace(true) {
            leptos::task::spawn_local(async {
                let _ = __wasm_split_preload_sale_page().await;
            });
        }
    }
}
