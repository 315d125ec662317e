//! Reading and using a mounted page as a shopper does: find, wait, type, click.
use std::rc::Rc;

use flash_sale::device::{monotonic_ms, sleep_ms};
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::mount::UnmountHandle;
use leptos::prelude::Mountable;
use wasm_bindgen::JsCast;

use super::{mount, shop_on, InPageStore};

/// The app's shell at `path` on `store`, with the page's own `storage` (a reload keeps both).
pub async fn mount_at(
    path: &str,
    store: &InPageStore,
    storage: Rc<PageStorage>,
) -> (Shop, UnmountHandle<impl Mountable>, web_sys::HtmlElement) {
    mount_shop(path, shop_on(store, storage)).await
}

/// `shop`'s shell at `path`, once its store clock has synced.
pub async fn mount_shop(
    path: &str,
    shop: Shop,
) -> (Shop, UnmountHandle<impl Mountable>, web_sys::HtmlElement) {
    shop.client().sync_clock().await.unwrap();
    let (handle, root) = mount(path, shop);
    leptos::task::tick().await;
    (shop, handle, root)
}

pub fn find(root: &web_sys::HtmlElement, css: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(css)
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn text(root: &web_sys::HtmlElement, css: &str) -> String {
    find(root, css)
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

/// The sale screen's `data-state`.
pub fn state(root: &web_sys::HtmlElement) -> String {
    find(root, "section[data-state]")
        .and_then(|e| e.get_attribute("data-state"))
        .unwrap_or_default()
}

pub async fn wait_for(
    root: &web_sys::HtmlElement,
    css: &str,
    timeout_ms: u32,
) -> web_sys::HtmlElement {
    let started = monotonic_ms();
    loop {
        if let Some(e) = find(root, css) {
            return e;
        }
        assert!(
            monotonic_ms() - started < timeout_ms as f64,
            "timed out waiting for {css}; the page shows: {}",
            root.inner_text()
        );
        sleep_ms(20).await;
    }
}

pub async fn wait_for_state(root: &web_sys::HtmlElement, name: &str, timeout_ms: u32) {
    wait_for(root, &format!("section[data-state=\"{name}\"]"), timeout_ms).await;
}

/// The sign-in code from the demo SMS the page shows under the form.
pub async fn texted_code(root: &web_sys::HtmlElement) -> String {
    let sms = wait_for(root, "[data-testid=sms]", 5_000)
        .await
        .text_content()
        .unwrap();
    sms.chars().filter(char::is_ascii_digit).take(6).collect()
}

/// Types as a person does: the value, then the input event the bound signal listens to.
pub fn type_into(root: &web_sys::HtmlElement, css: &str, value: &str) {
    let input: web_sys::HtmlInputElement = find(root, css)
        .unwrap_or_else(|| panic!("no {css}"))
        .unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Fills the checkout form's address with a valid one.
pub fn fill_address(root: &web_sys::HtmlElement) {
    type_into(root, "#name", "Grace Hopper");
    type_into(root, "#line1", "1 Navy Yard");
    type_into(root, "#city", "Arlington");
    type_into(root, "#postcode", "22202");
}

pub fn click(root: &web_sys::HtmlElement, css: &str) {
    find(root, css)
        .unwrap_or_else(|| panic!("no {css}: {}", root.inner_text()))
        .click();
}

/// Lets the page react: a reactive tick, then a little real time.
pub async fn settle() {
    leptos::task::tick().await;
    sleep_ms(30).await;
}
