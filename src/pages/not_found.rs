use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::attention::use_page_title(|| "Page not found".into());
    view! {
        <div class="page not-found" data-state="not-found">
            <h1>"Nothing here"</h1>
            <p>"This page does not exist. The drops are on the " <A href="/">"sales page"</A> "."</p>
        </div>
    }
}
