use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::OrderView;
use crate::components::SignIn;
use crate::format;
use crate::hooks::use_api;
use crate::shop::use_shop;

#[component]
pub fn Order() -> impl IntoView {
    let params = use_params_map();
    crate::attention::use_page_title(move || {
        format!("Order {}", params.read().get("id").unwrap_or_default())
    });
    let session = use_shop().client().session;
    let order = use_api::<OrderView>(move || {
        // Asked again once the shopper signs in here.
        session.track();
        format!(
            "/api/orders/{}",
            params.read().get("id").unwrap_or_default()
        )
    });
    let signed_in = Memo::new(move |_| session.with(Option::is_some));
    view! {
        <div class="page order">
            {move || if !signed_in.get() {
                view! {
                    <h1>"Sign in to see this order"</h1>
                    <p class="lede">"Orders are shown only to the account that placed them."</p>
                    <SignIn/>
                }.into_any()
            } else { match order.get() {
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
            }}}
        </div>
    }
}
