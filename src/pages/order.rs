use leptos::prelude::*;

use crate::api::OrderView;
use crate::components::{SignIn, VariantName};
use crate::format;
use crate::hooks::use_api;
use crate::i18n::fill;
use crate::router::{use_address, Page};
use crate::shop::use_shop;

#[component]
pub fn Order() -> impl IntoView {
    let number = use_address().named(Page::Order);
    let shop = use_shop();
    let t = move || shop.words();
    crate::attention::use_page_title(move || fill(t().order_title, &[&number.get()]));
    let session = shop.client().session;
    let order = use_api::<OrderView>(move || {
        // Asked again once the shopper signs in here.
        session.track();
        format!("/api/orders/{}", number.get())
    });
    let signed_in = Memo::new(move |_| session.with(Option::is_some));
    view! {
        <div class="page order">
            {move || if !signed_in.get() {
                view! {
                    <h1>{t().sign_in_to_see_order}</h1>
                    <p class="lede">{t().orders_are_private}</p>
                    <SignIn/>
                }.into_any()
            } else { match order.get() {
                None => view! { <p class="loading">{t().loading_order}</p> }.into_any(),
                Some(Err(e)) => view! { <h1>{t().order_not_found}</h1><p class="form-error">{t().store_error(&e)}</p> }.into_any(),
                Some(Ok(o)) => view! {
                    <h1>{t().order_word} <span data-testid="order-number">{o.number.clone()}</span></h1>
                    <dl class="card details">
                        <dt>{t().product}</dt><dd>{format!("{} · ", o.product)}<VariantName sale_id=o.sale_id.clone() english=o.variant.clone()/></dd>
                        <dt>{t().paid}</dt><dd>{format::money(o.price_cents, &o.currency, shop.locale.get())}</dd>
                        <dt>{t().delivering_to}</dt><dd>{format::address(&o.address)}</dd>
                    </dl>
                }.into_any(),
            }}}
        </div>
    }
}
