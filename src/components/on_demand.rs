//! A module on its way: what the page shows while code fetched on demand (a page, the dev
//! panel) arrives, and when it cannot (see [`crate::split`]).
use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::shop::use_shop;
use crate::split::ModuleMissing;

/// What a split point's view is on its way as (see [`on_demand`]).
pub type Arriving = Pin<Box<dyn Future<Output = Result<AnyView, ModuleMissing>>>>;

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
