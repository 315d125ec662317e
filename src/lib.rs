use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    view! { <h1>"Flash sale"</h1> }
}
