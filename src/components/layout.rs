use leptos::prelude::*;
use leptos_router::components::A;

use crate::shop::use_shop;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_shop().client().session;
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <img src="/public/img/logo.svg" alt="" width="28" height="28"/>
                <span>"Kestrel"<small>" drops"</small></span>
            </A>
            <nav aria-label="Main">
                <A href="/">"Sales"</A>
                <A href="/account">{move || if session.get().is_some() { "My account" } else { "Sign in" }}</A>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Kestrel is a fictional brand. This store runs entirely in your browser: the crowd is simulated, and no real payment is taken."</p>
        </footer>
    }
}

/// A screen of the sale page: `data-state` names it, and its heading takes focus when it
/// appears so keyboard and screen-reader users land on what changed.
#[component]
pub fn StateSection(
    state: crate::sale_state::SaleState,
    title: String,
    children: Children,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    let previewing = use_context::<crate::preview::PreviewMode>().is_some();
    Effect::new(move |_| {
        if let Some(h) = heading.get().filter(|_| !previewing) {
            let _ = h.focus();
        }
    });
    view! {
        <section class=format!("state state-{}", state.name()) data-state=state.name()>
            <h2 tabindex="-1" node_ref=heading>{title}</h2>
            {children()}
        </section>
    }
}

/// A labelled figure such as "Units left: 41".
#[component]
pub fn Stat(
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="stat">
            <dt>{label}</dt>
            <dd data-testid=(!testid.is_empty()).then_some(testid)>{move || value.get()}</dd>
        </div>
    }
}
