use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let shop = crate::shop::use_shop();
    let t = move || shop.words();
    crate::attention::use_page_title(move || t().page_not_found.into());
    view! {
        <div class="page not-found" data-state="not-found">
            <h1>{move || t().nothing_here}</h1>
            <p>{move || t().page_does_not_exist} <A href="/">{move || t().sales_page}</A>{move || t().full_stop}</p>
        </div>
    }
}
