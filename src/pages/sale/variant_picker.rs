use leptos::prelude::*;

use crate::api::{Method, Preference};
use crate::format;

use super::SaleData;

/// Which variant the shopper wants, and whether another will do if theirs sells out. Once in
/// line, a change is sent to the store; before that it is kept until they join.
#[component]
pub fn VariantPicker(data: SaleData, #[prop(default = false)] in_line: bool) -> impl IntoView {
    let choose = move |preference: Preference| {
        data.preference.set(preference);
        if in_line {
            data.act(Method::Put, "preference", Some(preference));
        }
    };
    view! {
        <fieldset class="variants">
            <legend>"Your choice"</legend>
            {move || data.detail.get().map(|d| d.variants.into_iter().map(|v| {
                let index = v.index;
                view! {
                    <label class="variant">
                        <input type="radio" name="variant" checked=move || data.preference.get().variant == index
                            on:change=move |_| choose(Preference { variant: index, ..data.preference.get_untracked() })/>
                        <span class="swatch" style=format!("background:{}", v.colour)></span>
                        <span class="variant-name">{v.name}</span>
                        <span class="variant-price">{format::money(v.price_cents)}</span>
                        <span class="variant-stock">{format!("{} of {} left", v.available, v.stock)}</span>
                    </label>
                }
            }).collect_view())}
            <label class="check">
                <input type="checkbox" checked=move || data.preference.get().accept_other_variant
                    on:change=move |ev| choose(Preference { accept_other_variant: event_target_checked(&ev), ..data.preference.get_untracked() })/>
                " If mine sells out, another variant will do"
            </label>
        </fieldset>
    }
}
