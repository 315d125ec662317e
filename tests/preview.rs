//! The designer's tools: every preview screen, every scenario preset, the dev panel's clock.
#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use flash_sale::device::{monotonic_ms, sleep_ms};
use flash_sale::preview::screen_names;
use flash_sale::scenario;
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::prelude::*;
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn new_shop() -> Shop {
    shop_on(&new_store(settings()), Rc::new(PageStorage::memory()))
}

async fn wait_until(
    root: &web_sys::HtmlElement,
    what: &str,
    timeout_ms: f64,
    check: impl Fn(&web_sys::HtmlElement) -> bool,
) {
    let started = monotonic_ms();
    while !check(root) {
        let shown = root
            .query_selector("[data-state]")
            .unwrap()
            .and_then(|e| e.get_attribute("data-state"));
        assert!(
            monotonic_ms() - started < timeout_ms,
            "timed out waiting for {what}; the page shows {shown:?}: {}",
            root.inner_text()
        );
        sleep_ms(20).await;
    }
}

/// What each non-sale screen must say.
fn key_text(name: &str) -> &'static str {
    match name {
        "sign-in-code-sent" => "Enter the code we texted",
        "sign-in-wrong-code" => "not right",
        "sign-in-locked" => "locked",
        "network-retrying" => "No answer from the store: retrying",
        "network-busy" => "The store is busy: retrying",
        "no-sales" => "No drops scheduled",
        "no-orders" => "No orders yet",
        _ => "",
    }
}

#[wasm_bindgen_test]
async fn every_preview_screen_renders_and_says_what_it_is() {
    let shop = new_shop();
    shop.client().sync_clock().await.unwrap();
    for name in screen_names() {
        let (handle, root) = mount(&format!("/preview/{name}"), shop);
        wait_until(&root, name, 3_000.0, |r| {
            r.query_selector(&format!("[data-preview=\"{name}\"]"))
                .unwrap()
                .is_some()
        })
        .await;
        let expected = key_text(name);
        if expected.is_empty() {
            assert!(
                root.query_selector(&format!("section[data-state=\"{name}\"] h2"))
                    .unwrap()
                    .is_some(),
                "{name}: {}",
                root.inner_text()
            );
        } else {
            assert!(
                root.inner_text().contains(expected),
                "{name} should say “{expected}”: {}",
                root.inner_text()
            );
        }
        if name == "registration-closed" {
            // Told why, and pointed to the next sale they can still register for.
            wait_until(&root, "the next drop", 3_000.0, |r| {
                r.inner_text().contains("Next drop: Kestrel K7 Pro")
            })
            .await;
        }
        drop(handle);
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_gallery_shows_every_screen_twice() {
    let shop = new_shop();
    shop.client().sync_clock().await.unwrap();
    let (_handle, root) = mount("/preview", shop);
    wait_until(&root, "the gallery", 3_000.0, |r| {
        r.query_selector(".preview-item").unwrap().is_some()
    })
    .await;
    assert_eq!(
        root.query_selector_all(".preview-item").unwrap().length() as usize,
        screen_names().len()
    );
    assert_eq!(
        root.query_selector_all(".preview-phone").unwrap().length(),
        root.query_selector_all(".preview-desktop")
            .unwrap()
            .length()
    );
}

/// A scenario link may name the page's language (`&lang=zh-CN`): it is not a demo setting the
/// page should warn about, and the settings beside it still count.
#[wasm_bindgen_test]
fn a_scenario_link_may_name_the_language() {
    let (scenario, notices) = scenario::parse("?demo=live&lang=zh-CN&crowd=500").unwrap();
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(scenario.preset, "live");
    assert_eq!(scenario.settings.crowd, Some(500));
}

#[wasm_bindgen_test]
async fn each_preset_lands_in_its_state() {
    for (preset, expected) in [
        ("fresh", "registration-open"),
        ("countdown", "pre-queue"),
        ("live", "live-queue"),
        ("your-turn", "your-turn"),
        ("sold-out", "sold-out"),
        ("ended", "sale-ended"),
    ] {
        let shop = new_shop();
        let (scenario, notices) = scenario::parse(&format!("?demo={preset}")).unwrap();
        assert!(notices.is_empty());
        shop.start_scenario(&scenario).await;
        assert!(
            shop.notices.get_untracked().is_empty(),
            "{preset}: {:?}",
            shop.notices.get_untracked()
        );
        let (handle, root) = mount(&scenario::landing(preset), shop);
        let selector = format!("section[data-state=\"{expected}\"]");
        wait_until(&root, &format!("{preset} → {expected}"), 8_000.0, |r| {
            r.query_selector(&selector).unwrap().is_some()
        })
        .await;
        drop(handle);
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_dev_panel_jumps_move_the_store_clock() {
    let shop = new_shop();
    shop.client().sync_clock().await.unwrap();
    shop.dev_panel.set(true);
    let starts = detail(&shop.client()).await.summary.starts_at as f64;
    let (_handle, root) = mount("/", shop);
    wait_until(&root, "the dev panel's numbers", 5_000.0, |r| {
        r.inner_text().contains("Engine memory")
    })
    .await;
    assert!(shop.client().store_now().unwrap() < starts - 60_000.0);
    let button: web_sys::HtmlElement = root
        .query_selector("[data-testid=dev-jump-start]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    let client = shop.client();
    let started = monotonic_ms();
    while client.store_now().unwrap() < starts {
        assert!(
            monotonic_ms() - started < 5_000.0,
            "the jump to the start did not move the store clock"
        );
        sleep_ms(20).await;
    }
    let button: web_sys::HtmlElement = root
        .query_selector("[data-testid=dev-jump-minute]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    let started = monotonic_ms();
    while client.store_now().unwrap() < starts + 60_000.0 {
        assert!(
            monotonic_ms() - started < 5_000.0,
            "+1 min did not move the store clock"
        );
        sleep_ms(20).await;
    }
}

/// The texts on the page that are sentences in Latin script (three Latin words in a row),
/// outside product and variant names, codes and the brand.
fn latin_sentences(root: &web_sys::HtmlElement) -> Vec<String> {
    let find = js_sys::Function::new_with_args(
        "root",
        r#"const names = [...root.querySelectorAll('.journey h1, .variant-name, code, .brand')];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const latin = /[A-Za-z]+[\s,.'’:;!?-]+[A-Za-z]+[\s,.'’:;!?-]+[A-Za-z]+/;
        const found = [];
        for (let node; (node = walker.nextNode());) {
            const el = node.parentElement;
            if (!el || names.some(n => n.contains(el))) continue;
            if (latin.test(node.textContent)) found.push(node.textContent.trim());
        }
        return found;"#,
    );
    let found: js_sys::Array = find.call1(&JsValue::NULL, root).unwrap().unchecked_into();
    found.iter().filter_map(|t| t.as_string()).collect()
}

#[wasm_bindgen_test]
async fn the_gallery_in_chinese_has_every_screen_and_no_english_sentence() {
    let shop = new_shop();
    shop.locale.set(flash_sale::i18n::Locale::ZhCn);
    shop.client().sync_clock().await.unwrap();
    let (_handle, root) = mount("/preview", shop);
    wait_until(&root, "the gallery", 3_000.0, |r| {
        r.query_selector(".preview-item").unwrap().is_some()
    })
    .await;
    assert_eq!(
        root.query_selector_all(".preview-item").unwrap().length() as usize,
        screen_names().len()
    );
    // The sign-in screens' inboxes fill in once the store has answered.
    wait_until(&root, "the inboxes' first answers", 3_000.0, |r| {
        r.query_selector(".inbox[aria-busy=true]")
            .unwrap()
            .is_none()
    })
    .await;
    let english = latin_sentences(&root);
    assert!(
        english.is_empty(),
        "English in the Chinese gallery: {english:?}"
    );
    let page = root.inner_text();
    assert!(
        page.contains("所有页面") && page.contains("¥1,999.00"),
        "{page}"
    );
}
