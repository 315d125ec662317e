use leptos::prelude::*;

use crate::shop::{use_shop, Shop};

/// A form field that survives errors, failed requests and reloads: its text is saved as it is
/// typed and restored when the form comes back. Clear it with [`clear_draft`] once it was used.
///
/// ```ignore
/// let phone = use_draft("sign-in.phone");
/// view! { <input bind:value=phone/> }
/// ```
pub fn use_draft(key: &'static str) -> RwSignal<String> {
    let shop = use_shop();
    let storage_key = format!("draft.{key}");
    let value = RwSignal::new(shop.storage().get(&storage_key).unwrap_or_default());
    Effect::new(move |_| {
        let text = value.get();
        shop.storage().set(&storage_key, &text);
    });
    value
}

pub fn clear_draft(shop: Shop, key: &str) {
    shop.storage().remove(&format!("draft.{key}"));
}
