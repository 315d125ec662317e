use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::OrderView;
use crate::format;
use crate::hooks::use_api;

#[component]
pub fn Order() -> impl IntoView {
    let params = use_params_map();
    let order = use_api::<OrderView>(move || format!("/api/orders/{}", params.read().get("id").unwrap_or_default()));
    view! {
        <div class="page order">
            {move || match order.get() {
                None => view! { <p class="loading">"Loading the order…"</p> }.into_any(),
                Some(Err(e)) => view! { <h1>"Order not found"</h1><p class="form-error">{e.message}</p> }.into_any(),
                Some(Ok(o)) => view! {
                    <h1>"Order " <span data-testid="order-number">{o.number.clone()}</span></h1>
                    <dl class="card details">
                        <dt>"Product"</dt><dd>{format!("{} · {}", o.product, o.variant)}</dd>
                        <dt>"Paid"</dt><dd>{format::money(o.price_cents)}</dd>
                        <dt>"Delivering to"</dt><dd>{format!("{}, {}, {} {}", o.address.name, o.address.line1, o.address.city, o.address.postcode)}</dd>
                    </dl>
                }.into_any(),
            }}
        </div>
    }
}
