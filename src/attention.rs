//! Never miss your turn. A shopper who waits in another tab hears nothing from a page they
//! cannot see, so while this page is hidden and a unit is held for them, the tab's title counts
//! the hold down ("Your turn – 2:59 to check out"), the favicon changes, a notification appears
//! if they allowed it, and phones that can vibrate do. Every route also names itself in the title.
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::format;
use crate::i18n::{fill, Words};
use crate::shop::use_shop;

/// The favicon while nothing needs the shopper.
const ICON: &str = "/public/img/logo.svg";
/// The favicon while a unit is held for a shopper who is looking elsewhere: the logo's colour
/// with a red dot, so it stands out in a row of tabs.
const ICON_ALERT: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%23111827'/%3E%3Ccircle cx='16' cy='16' r='9' fill='%23dc2626'/%3E%3C/svg%3E";
/// A short buzz, a pause, a short buzz: noticeable in a pocket, over before it annoys.
const BUZZ_MS: [u32; 3] = [200, 100, 200];

/// Names the current page in the tab's title, e.g. "My account · Kestrel drops".
pub fn use_page_title(title: impl Fn() -> String + Send + Sync + 'static) {
    let page_title = use_shop().page_title;
    Effect::new(move |_| page_title.set(title()));
}

/// Keeps the tab's title and favicon in step with the page and with any turn alert. Mounted
/// once, in the shell.
pub fn follow_title_and_icon() {
    let shop = use_shop();
    Effect::new(move |_| {
        let alert = shop.turn_alert.get();
        let title = match &alert {
            Some(alert) => alert.clone(),
            // The shop's name, in the shopper's language, after each page's own title.
            None => match (shop.page_title.get(), shop.locale.get().words().shop_name) {
                (page, name) if page.is_empty() => name.to_string(),
                (page, name) => format!("{page} · {name}"),
            },
        };
        document().set_title(&title);
        set_favicon(if alert.is_some() { ICON_ALERT } else { ICON });
    });
}

fn set_favicon(href: &str) {
    let doc = document();
    let link = match doc.query_selector("link[rel~=icon]").ok().flatten() {
        Some(link) => link,
        None => {
            let Ok(link) = doc.create_element("link") else {
                return;
            };
            let _ = link.set_attribute("rel", "icon");
            if let Some(head) = doc.head() {
                let _ = head.append_child(&link);
            }
            link
        }
    };
    if link.get_attribute("href").as_deref() != Some(href) {
        let _ = link.set_attribute("href", href);
    }
}

/// The title a hidden tab shows while a unit is held: the time left to check out.
pub fn turn_title(left_ms: f64, words: &Words) -> String {
    fill(
        words.turn_tab_title,
        &[&format::countdown(left_ms as i64, words)],
    )
}

/// What the browser lets the page do about notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationPermission {
    /// The browser has no notifications (some phones outside an installed app).
    Unsupported,
    /// Not asked yet.
    Default,
    Granted,
    Denied,
}

fn notification_class() -> Option<js_sys::Function> {
    js_sys::Reflect::get(&window(), &JsValue::from_str("Notification"))
        .ok()
        .and_then(|n| n.dyn_into().ok())
}

/// Whether the shopper allowed notifications, read afresh each time (they can change it in
/// the browser's settings at any moment).
pub fn notification_permission() -> NotificationPermission {
    let Some(class) = notification_class() else {
        return NotificationPermission::Unsupported;
    };
    match js_sys::Reflect::get(&class, &JsValue::from_str("permission"))
        .ok()
        .and_then(|p| p.as_string())
        .as_deref()
    {
        Some("granted") => NotificationPermission::Granted,
        Some("denied") => NotificationPermission::Denied,
        _ => NotificationPermission::Default,
    }
}

/// Asks the browser for permission to notify; answers what the shopper chose.
pub async fn ask_notification_permission() -> NotificationPermission {
    let Some(class) = notification_class() else {
        return NotificationPermission::Unsupported;
    };
    let asked = js_sys::Reflect::get(&class, &JsValue::from_str("requestPermission"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&class).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    if let Some(promise) = asked {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    notification_permission()
}

/// Tells a shopper who is looking elsewhere: a notification when they allowed it (nothing
/// otherwise) and a short vibration where the device has one.
pub fn tell(title: &str, body: &str) {
    if notification_permission() == NotificationPermission::Granted {
        if let Some(class) = notification_class() {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"body".into(), &body.into());
            // One notification per sale moment: a newer one replaces the older instead of piling up.
            let _ = js_sys::Reflect::set(&options, &"tag".into(), &"kestrel-turn".into());
            let _ = js_sys::Reflect::set(&options, &"icon".into(), &ICON.into());
            let args = js_sys::Array::of2(&title.into(), &options);
            let _ = js_sys::Reflect::construct(&class, &args);
        }
    }
    let navigator = window().navigator();
    if let Some(vibrate) = js_sys::Reflect::get(&navigator, &"vibrate".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Function>().ok())
    {
        let pattern: js_sys::Array = BUZZ_MS.iter().map(|ms| JsValue::from(*ms)).collect();
        let _ = vibrate.call1(&navigator, &pattern);
    }
}
