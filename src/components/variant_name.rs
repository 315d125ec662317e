use leptos::prelude::*;

use crate::api::SaleDetail;
use crate::hooks::use_api;
use crate::i18n::Locale;
use crate::shop::use_shop;

/// The name of an order's variant in the shopper's language. Orders keep the variant's English
/// name; in another language the sale's detail has the variant's own name, so it is asked for
/// (and the English one shown if the store cannot say).
#[component]
pub fn VariantName(sale_id: String, english: String) -> impl IntoView {
    let locale = use_shop().locale.get_untracked();
    let name = if locale == Locale::En {
        english.into_any()
    } else {
        let detail = use_api::<SaleDetail>(move || format!("/api/sales/{sale_id}"));
        (move || {
            detail.with(|d| match d {
                None => String::new(),
                Some(Ok(d)) => d.variant_name_in(&english, locale.tag()).to_string(),
                Some(Err(_)) => english.clone(),
            })
        })
        .into_any()
    };
    view! { <span class="variant-name">{name}</span> }
}
