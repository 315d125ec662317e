//! Code a shopper's first screen does not need, fetched the first time it is used.
//!
//! The release build (`make build`, `scripts/split-page`) compiles the page with `--cfg split`:
//! there each function marked `#[cfg_attr(split, leptos::wasm_split::wasm_split(…, fallible,
//! …))]` is a split point (what Leptos's `#[lazy]` builds on; `fallible`, so that a module the
//! network failed to bring is an error the page shows, not a panic), and wasm_split_cli_support
//! cuts the code only it reaches into a wasm module of its own, fetched when it is first called.
//! Every other build (`trunk serve`, the browser tests) keeps one module, where these are plain
//! functions. The split points: the later pages (`pages/on_demand.rs`), the dev panel and a
//! scenario's reset and play (`shop.rs`).
use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::shop::use_shop;

/// A module did not arrive: the network failed while the browser fetched it.
pub struct ModuleMissing;

/// What a split point's view is on its way as (see [`on_demand`]).
pub type Arriving = Pin<Box<dyn Future<Output = Result<AnyView, ModuleMissing>>>>;

#[cfg(split)]
impl From<leptos::wasm_split::SplitLoaderError> for ModuleMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ModuleMissing
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Arrival {
    Waiting,
    Arrived,
    Missing,
}

/// Shows the view `load` gives (a page, the dev panel): "Loading…" until its module has arrived
/// (at once when it already has, or in a build of one module), and if the module could not be
/// fetched, says so with a button that fetches it again. Nothing the shopper typed or held is
/// lost meanwhile: drafts and the store keep it. One function for every split point, not one
/// per `load`: each copy would cost the shell bytes.
pub fn on_demand(load: fn() -> Arriving) -> AnyView {
    let tries = RwSignal::new(0u32);
    let arrival = RwSignal::new(Arrival::Waiting);
    let t = use_shop().words();
    let page = move || {
        tries.track();
        // The split loader's future is not Send; it only ever runs on the page's thread.
        let page = SendWrapper::new(load());
        Suspend::new(async move {
            let page = page.await;
            arrival.set(match page {
                Ok(_) => Arrival::Arrived,
                Err(ModuleMissing) => Arrival::Missing,
            });
            page.ok()
        })
    };
    let try_again = move |_| {
        arrival.set(Arrival::Waiting);
        tries.update(|n| *n += 1);
    };
    view! {
        {page}
        {move || match arrival.get() {
            Arrival::Waiting => Some(view! { <p class="loading">{t.loading}</p> }.into_any()),
            Arrival::Arrived => None,
            Arrival::Missing => Some(view! {
                <div class="page-missing" role="alert" data-state="page-not-downloaded">
                    <p>{t.page_not_downloaded}</p>
                    <button type="button" class="button primary" on:click=try_again>{t.try_again}</button>
                </div>
            }.into_any()),
        }}
    }
    .into_any()
}

/// What a call of a split point gives: awaited where it is one, called where the page is one
/// module. Inside an async block: `fetched!(sale_page())`.
#[cfg(split)]
macro_rules! fetched {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(not(split))]
macro_rules! fetched {
    ($call:expr) => {
        $call
    };
}
pub(crate) use fetched;
