//! A minimal Leptos counter, built like the shop (trunk --release, wasm-opt z). It marks
//! `app-interactive` when mounted, exactly as the shop's `Shell` does, so `make bench` can
//! compare the two times to interactive.
use leptos::prelude::*;

#[component]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    Effect::new(|_| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark("app-interactive");
        }
    });
    view! {
        <main>
            <h1>"Counter"</h1>
            <button on:click=move |_| count.update(|n| *n += 1)>"+1"</button>
            <output data-testid="count">{move || count.get()}</output>
        </main>
    }
}

fn main() {
    mount_to_body(Counter);
}
