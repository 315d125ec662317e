use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::ApiError;
use crate::shop::use_shop;

/// The store's answer to `GET path`, fetched again whenever `path` (a reactive closure) changes
/// or a signal it reads changes; `None` until the first answer. A slower answer never overwrites
/// a newer one.
///
/// ```ignore
/// let beat = use_polling(2_000);
/// let sales = use_api::<Vec<SaleSummary>>(move || { beat.track(); "/api/sales".into() });
/// ```
pub fn use_api<T>(
    path: impl Fn() -> String + Send + Sync + 'static,
) -> ReadSignal<Option<Result<T, ApiError>>>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let shop = use_shop();
    let (answer, set_answer) = signal(None);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let path = path();
        asked.update_value(|n| *n += 1);
        let this_ask = asked.get_value();
        leptos::task::spawn_local(async move {
            let result = shop.client().get::<T>(&path).await;
            if asked.try_get_value() == Some(this_ask) {
                set_answer.set(Some(result));
            }
        });
    });
    answer
}
