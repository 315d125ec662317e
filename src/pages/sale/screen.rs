//! The frame every screen of the sale page is shown in.
use leptos::prelude::*;

use super::data::SaleData;
use crate::i18n::Text;
use crate::sale_state::SaleState;

/// A screen of the sale page: `data-state` names it. On the live page its heading takes focus
/// when it appears, so keyboard and screen-reader users land on what changed; a screen of
/// fixtures leaves the focus where it is, since nothing changed there.
#[component]
pub fn StateSection(
    data: SaleData,
    state: SaleState,
    title: Text,
    children: Children,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    let takes_focus = data.live;
    Effect::new(move |_| {
        if let Some(h) = heading.get().filter(|_| takes_focus) {
            let _ = h.focus();
        }
    });
    view! {
        <section class=format!("state state-{}", state.name()) data-state=state.name()>
            <h2 tabindex="-1" node_ref=heading>{title(data.t())}</h2>
            {children()}
        </section>
    }
}
