use leptos::prelude::*;

use super::console::use_console;
use crate::api::operator::{OperatorKey, OperatorSession};
use crate::api::Method;

/// The key in the address (`/operator#key=…`, the address the store server prints), taken out
/// of the address bar at once: it must not stay in the history or reach a screenshot.
fn key_from_address() -> Option<String> {
    let location = window().location();
    let hash = location.hash().ok()?;
    let key = hash.strip_prefix("#key=")?;
    let key = js_sys::decode_uri_component(key)
        .ok()
        .and_then(|k| k.as_string())
        .unwrap_or_else(|| key.to_owned());
    let without = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
    }
    (!key.is_empty()).then_some(key)
}

/// The operator's sign-in: the key typed, or taken from the address. The store's refusals are
/// said with what to do: a wrong key with the tries left, a locked sign-in with the time it
/// opens again, a shopper's session with where to sign in.
#[component]
pub fn OperatorSignIn() -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let key = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = console.signed_out_because;
    let sign_in = move || {
        let typed = key.get_untracked().trim().to_owned();
        if typed.is_empty() {
            return problem.set(Some(w.key_missing.into()));
        }
        if console.preview || busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = crate::json::to_string(&OperatorKey { key: typed });
            let answer = console
                .client()
                .call_json::<OperatorSession>(Method::Post, "/api/operator/session", Some(body))
                .await;
            busy.set(false);
            match answer {
                Ok(session) => {
                    problem.set(None);
                    console.token.set(Some(session.token));
                }
                Err(e) => problem.set(Some(console.say(&e))),
            }
        });
    };
    if let Some(from_address) = key_from_address() {
        key.set(from_address);
        sign_in();
    }
    view! {
        <form class="card form operator-sign-in" novalidate data-state="operator-sign-in"
            on:submit=move |ev| { ev.prevent_default(); sign_in(); }>
            <h1>{w.console}</h1>
            <h2>{w.sign_in_title}</h2>
            <label for="operator-key">{w.key_label}</label>
            <input id="operator-key" name="key" type="password" autocomplete="current-password"
                bind:value=key aria-describedby="operator-key-hint operator-key-problem"
                aria-invalid=move || problem.with(Option::is_some).to_string()/>
            <p id="operator-key-hint" class="hint">{w.key_hint}</p>
            <p id="operator-key-problem" class="form-error" role="alert" data-testid="operator-sign-in-problem">{move || problem.get()}</p>
            <button class="button primary" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { w.signing_in } else { w.sign_in }}
            </button>
        </form>
    }
}
