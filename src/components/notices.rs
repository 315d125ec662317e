use leptos::prelude::*;

use crate::api::NetworkNotice;
use crate::format;
use crate::i18n::fill;
use crate::shop::use_shop;

/// The connection's trouble and what the app is doing about it, and notices about the demo.
#[component]
pub fn Notices() -> impl IntoView {
    let shop = use_shop();
    let notice = shop.client().notice;
    view! {
        <div class="notices" aria-live="polite">
            {move || notice.get().map(|notice| view! { <NetworkBanner notice/> })}
            // Keyed, so that a notice coming or going leaves the others as they are: a screen
            // reader in this live region hears only the new one, and focus stays put.
            <For each=move || shop.notices.get() key=|notice| notice.id let:notice>
                <p class="notice notice-demo" data-testid="demo-notice">
                    {notice.text.say(shop.words())}
                    <button class="link" on:click=move |_| shop.dismiss(notice.id)>{shop.words().dismiss}</button>
                </p>
            </For>
        </div>
    }
}

/// What the connection is doing and what the app does about it, e.g. "The store is busy:
/// retrying in 3 s (attempt 2). Your place is safe."
#[component]
pub fn NetworkBanner(notice: NetworkNotice) -> impl IntoView {
    let shop = use_shop();
    let NetworkNotice::Retrying {
        status,
        in_ms,
        attempt,
    } = notice;
    view! {
        <p class="notice notice-network" data-testid="network-notice">
            {move || {
                let t = shop.words();
                let reason = match status {
                    429 => t.store_busy_short,
                    0 => t.no_answer_short,
                    _ => t.store_trouble_short,
                };
                fill(t.retrying, &[reason, &format::duration(in_ms.max(1), t), &(attempt + 1).to_string()])
            }}
        </p>
    }
}
