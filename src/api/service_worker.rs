//! Brings up the demo store: registers its Service Worker (`/sw.js`) and waits until it
//! controls this page, so no `/api` call ever goes out before the store can answer it (a
//! call made earlier would reach the network and fail). A page served by a real store says so
//! in `<meta name="kestrel-store" content="server">`: then no worker is registered, and one left
//! over from the demo is removed so it cannot answer for the real store. A server running the
//! demo store (`store-server --demo`) says `content="demo-server"`: no worker either.
use js_sys::Promise;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Said;

/// How long a first visit may take to install the worker before the page gives up and says so.
const CONTROL_TIMEOUT_MS: i32 = 15_000;

/// Which store answers `/api`: the page's `<meta name="kestrel-store">`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// The mock store in a Service Worker (the default).
    Demo,
    /// A real store server at the page's origin.
    Server,
    /// The demo store run by a server (`store-server --demo`, for end-to-end tests against a
    /// real server): no worker, but scenario URLs and the store's notices work as in the demo.
    DemoServer,
}

pub fn store_kind() -> StoreKind {
    let meta = leptos::prelude::document()
        .query_selector("meta[name=kestrel-store]")
        .ok()
        .flatten();
    match meta.and_then(|m| m.get_attribute("content")).as_deref() {
        Some("server") => StoreKind::Server,
        Some("demo-server") => StoreKind::DemoServer,
        _ => StoreKind::Demo,
    }
}

fn container() -> Result<web_sys::ServiceWorkerContainer, Said> {
    let navigator = leptos::prelude::window().navigator();
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return Err(Said::new(|t| t.no_service_workers, []));
    }
    Ok(navigator.service_worker())
}

/// The demo store could not start, and what the browser said about it.
fn failed(error: JsValue) -> Said {
    let said = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .or_else(|| js_sys::JSON::stringify(&error).ok().map(String::from))
        .unwrap_or_default();
    Said::new(|t| t.store_did_not_start, [said])
}

/// Resolves on the container's next `controllerchange`, or after the time limit with `false`.
fn control_changes(container: &web_sys::ServiceWorkerContainer) -> Promise {
    Promise::new(&mut |resolve, _| {
        let resolve_on_change = resolve.clone();
        let on_change =
            Closure::once_into_js(move || resolve_on_change.call1(&JsValue::NULL, &JsValue::TRUE));
        let _ = container
            .add_event_listener_with_callback("controllerchange", on_change.unchecked_ref());
        let give_up = Closure::once_into_js(move || resolve.call1(&JsValue::NULL, &JsValue::FALSE));
        let _ = leptos::prelude::window().set_timeout_with_callback_and_timeout_and_arguments_0(
            give_up.unchecked_ref(),
            CONTROL_TIMEOUT_MS,
        );
    })
}

/// Makes sure the right store answers this page's `/api` calls before the first one is made.
pub async fn connect() -> Result<StoreKind, Said> {
    let kind = store_kind();
    match kind {
        StoreKind::Server | StoreKind::DemoServer => forget_demo_store().await,
        StoreKind::Demo => start_demo_store().await?,
    }
    Ok(kind)
}

async fn start_demo_store() -> Result<(), Said> {
    let container = container()?;
    // Listening before registering: on a first visit the worker claims the page while we wait.
    let controlled = control_changes(&container);
    JsFuture::from(container.register("/sw.js"))
        .await
        .map_err(failed)?;
    let registration: web_sys::ServiceWorkerRegistration =
        JsFuture::from(container.ready().map_err(failed)?)
            .await
            .map_err(failed)?
            .unchecked_into();
    if container.controller().is_some() {
        return Ok(());
    }
    // A hard reload loads the page uncontrolled though the worker is active: ask it to claim us.
    if let Some(active) = registration.active() {
        let _ = active.post_message(&"claim".into());
    }
    let changed = JsFuture::from(controlled).await.map_err(failed)?;
    if changed.is_truthy() || container.controller().is_some() {
        Ok(())
    } else {
        Err(Said::new(|t| t.store_start_timeout, []))
    }
}

async fn forget_demo_store() {
    let Ok(container) = container() else { return };
    let Ok(registrations) = JsFuture::from(container.get_registrations()).await else {
        return;
    };
    for registration in js_sys::Array::from(&registrations).iter() {
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        if let Ok(unregistering) = registration.unregister() {
            let _ = JsFuture::from(unregistering).await;
        }
    }
    // A page a demo worker still controls would keep sending it /api calls until reloaded.
    if container.controller().is_some() {
        let _ = leptos::prelude::window().location().reload();
    }
}
