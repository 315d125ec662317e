use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let shop = crate::shop::use_shop();
    let t = move || shop.words();
    crate::attention::use_page_title(move || t().page_not_found.into());
    view! {
        <div class="page not-found" data-state="not-found">
            <h1>{t().nothing_here}</h1>
            <p>{t().page_does_not_exist} <a href="/">{t().sales_page}</a>{t().full_stop}</p>
        </div>
    }
}
