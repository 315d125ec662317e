use leptos::prelude::*;

use crate::api::{Method, Preference};
use crate::format;
use crate::i18n::fill;

use super::data::SaleData;

/// Which variant the shopper wants, and whether another will do if theirs sells out. Once in
/// line, a change is sent to the store; before that it is kept until they join.
#[component]
pub fn VariantPicker(data: SaleData, #[prop(default = false)] in_line: bool) -> impl IntoView {
    let choose = move |preference: Preference| data.preference.set(preference);
    // In line, the store must hear the latest choice: a change made while another call is in
    // flight is sent once that call is done.
    let told_store = StoredValue::new(data.preference.get_untracked());
    Effect::new(move |_| {
        let wanted = data.preference.get();
        if in_line && !data.busy.get() && wanted != told_store.get_value() {
            told_store.set_value(wanted);
            data.act(Method::Put, "preference", Some(wanted));
        }
    });
    // The choices themselves change only with the catalog; live stock updates as text.
    let choices = Memo::new(move |_| {
        data.detail.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.variants
                        .iter()
                        .map(|v| {
                            (
                                v.index,
                                v.name_in(data.locale().tag()).to_string(),
                                v.colour.clone(),
                                v.price_cents,
                                v.stock,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let available = move |index: u8| {
        data.detail.with(|d| {
            d.as_ref()
                .and_then(|d| d.variants.get(index as usize))
                .map_or(0, |v| v.available)
        })
    };
    view! {
        <fieldset class="variants">
            <legend>{data.t().your_choice}</legend>
            {move || choices.get().into_iter().map(|(index, name, colour, price_cents, stock)| view! {
                <label class="variant">
                    <input type="radio" name="variant" checked=move || data.preference.get().variant == index
                        on:change=move |_| choose(Preference { variant: index, ..data.preference.get_untracked() })/>
                    <span class="swatch" style=format!("background:{colour}")></span>
                    <span class="variant-name">{name}</span>
                    <span class="variant-price">{move || data.money(price_cents)}</span>
                    <span class="variant-stock">{move || fill(data.t().left_of, &[&format::count(available(index) as u64, data.locale()), &format::count(stock as u64, data.locale())])}</span>
                </label>
            }).collect_view()}
            <label class="check">
                <input type="checkbox" checked=move || data.preference.get().accept_other_variant
                    on:change=move |ev| choose(Preference { accept_other_variant: event_target_checked(&ev), ..data.preference.get_untracked() })/>
                {data.t().another_variant_will_do}
            </label>
        </fieldset>
    }
}
