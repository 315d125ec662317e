//! The shopper's screens, mounted in a real browser against the demo store.
#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use flash_sale::api::demo::DemoSettings;
use flash_sale::api::*;
use flash_sale::components::Countdown;
use flash_sale::device::{monotonic_ms, sleep_ms};
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::prelude::*;
use support::dom::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_first_page_lists_every_sale_with_its_state() {
    let (_shop, _handle, root) =
        mount_at("/", &new_store(settings()), Rc::new(PageStorage::memory())).await;
    wait_for(&root, ".sale-card", 5_000).await;
    let cards = root.query_selector_all(".sale-card").unwrap();
    assert_eq!(cards.length(), 3);
    let page = root.inner_text();
    assert!(
        page.contains("Kestrel K7")
            && page.contains("Registration open")
            && page.contains("Announced")
            && page.contains("Ended"),
        "{page}"
    );
}

#[wasm_bindgen_test]
async fn the_whole_journey_from_sign_up_to_order_with_an_accelerated_clock() {
    let fast = DemoSettings {
        speed: 30.0,
        ..settings()
    };
    let (shop, _handle, root) = mount_at(
        &format!("/sale/{SALE}"),
        &new_store(fast),
        Rc::new(PageStorage::memory()),
    )
    .await;
    wait_for_state(&root, "registration-open", 5_000).await;

    type_into(&root, "#phone", "+44 7700 900201");
    click(&root, "form button[type=submit]");
    wait_for(&root, "#code", 5_000).await;
    let code = texted_code(&root).await;
    type_into(&root, "#code", &code);
    click(&root, "form button[type=submit]");
    wait_for(&root, "[data-testid=register]", 5_000).await;
    click(&root, "[data-testid=register]");
    wait_for_state(&root, "registered", 5_000).await;
    assert!(!text(&root, "[data-testid=registration-number]").is_empty());
    let join: web_sys::HtmlButtonElement =
        find(&root, "[data-testid=join]").unwrap().unchecked_into();
    assert!(join.disabled(), "the join control waits for the start");

    // Registration closes 2 store minutes after it opened (4 s here); the page checks in to the waiting room.
    wait_for_state(&root, "pre-queue", 15_000).await;
    assert_eq!(
        text(&root, "[data-testid=commitment]").len(),
        64,
        "the draw's fingerprint is published"
    );
    wait_for(&root, "[data-testid=countdown]", 1_000).await;
    wait_for_state(&root, "your-turn", 20_000).await;
    assert!(!text(&root, "[data-testid=hold-timer]").is_empty());
    click(&root, "[data-testid=go-checkout]");
    wait_for_state(&root, "checkout", 3_000).await;
    fill_address(&root);
    settle().await;
    click(&root, "[data-testid=pay]");
    wait_for_state(&root, "order-confirmed", 15_000).await;
    let number = wait_for(&root, "[data-testid=order-number]", 3_000)
        .await
        .text_content()
        .unwrap();
    assert!(number.starts_with("KS-"), "{number}");
    let orders: Vec<OrderView> = shop.client().get("/api/orders").await.unwrap();
    assert_eq!(
        orders.iter().map(|o| o.number.clone()).collect::<Vec<_>>(),
        vec![number]
    );
}

#[wasm_bindgen_test]
async fn forms_say_what_to_fix_and_keep_what_was_typed() {
    let store = new_store(settings());
    let (shop, _handle, root) = mount_at("/account", &store, Rc::new(PageStorage::memory())).await;
    wait_for(&root, "#phone", 5_000).await;
    type_into(&root, "#phone", "07700 900123");
    click(&root, "form button[type=submit]");
    settle().await;
    assert!(text(&root, "[data-testid=phone-problem]").contains("Start with +"));
    let phone: web_sys::HtmlInputElement = find(&root, "#phone").unwrap().unchecked_into();
    assert_eq!(phone.value(), "07700 900123", "nothing typed is lost");

    type_into(&root, "#phone", "+44 7700 900202");
    click(&root, "form button[type=submit]");
    wait_for(&root, "#code", 5_000).await;
    type_into(&root, "#code", "123");
    click(&root, "form button[type=submit]");
    settle().await;
    assert!(text(&root, "[data-testid=code-problem]").contains("you typed 3"));
    type_into(&root, "#code", "000000");
    click(&root, "form button[type=submit]");
    let started = monotonic_ms();
    while !text(&root, "[data-testid=sign-in-error]").contains("not right") {
        assert!(monotonic_ms() - started < 5_000.0, "{}", root.inner_text());
        sleep_ms(20).await;
    }

    // The checkout form, with a hold in hand.
    sign_in(&shop.client(), "+447700900203").await;
    reach_hold(&shop.client()).await;
    let (_shop2, _handle2, sale) = mount_at(&format!("/sale/{SALE}"), &store, shop.storage()).await;
    wait_for_state(&sale, "your-turn", 5_000).await;
    click(&sale, "[data-testid=go-checkout]");
    wait_for_state(&sale, "checkout", 3_000).await;
    type_into(&sale, "#line1", "1");
    click(&sale, "[data-testid=pay]");
    settle().await;
    assert!(text(&sale, "[data-testid=name-problem]").contains("name"));
    assert!(text(&sale, "[data-testid=line1-problem]").contains("at least 3"));
    assert!(text(&sale, "[data-testid=postcode-problem]").contains("postcode"));
    assert_eq!(state(&sale), "checkout", "a bad form stays on the form");
    let line1: web_sys::HtmlInputElement = find(&sale, "#line1").unwrap().unchecked_into();
    assert_eq!(line1.value(), "1");
}

#[wasm_bindgen_test]
async fn the_countdown_flips_within_50_ms_of_store_time() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let shop = shop_on(&new_store(settings()), Rc::new(PageStorage::memory()));
    shop.client().sync_clock().await.unwrap();
    let client = shop.client();
    let now = client.store_now().unwrap();
    let target = (now / 1_000.0).ceil() as u64 * 1_000 + 6_000;
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(shop);
        let clock = flash_sale::hooks::use_store_clock();
        view! { <Countdown target=target now=clock done=|t| t.sale_is_open/> }
    });
    let mut last = text(&root, "[data-testid=countdown]");
    let mut errors = Vec::new();
    while errors.len() < 4 {
        sleep_ms(1).await;
        let shown = text(&root, "[data-testid=countdown]");
        if shown != last {
            let store_now = client.store_now().unwrap();
            let left = target as f64 - store_now;
            // It flips when the time left crosses a whole second.
            let error = left - (left / 1_000.0).round() * 1_000.0;
            errors.push(error.abs());
            last = shown;
        }
    }
    assert!(
        errors.iter().all(|e| *e <= 50.0),
        "flip errors (ms): {errors:?}"
    );
}

#[wasm_bindgen_test]
async fn a_reload_in_the_middle_of_the_queue_keeps_the_place() {
    let storage = Rc::new(PageStorage::memory());
    let (store, ticket) = waiting_in_a_long_line("+447700900204", &storage).await;

    let (_shop, handle, root) = mount_at(&format!("/sale/{SALE}"), &store, storage.clone()).await;
    wait_for_state(&root, "live-queue", 5_000).await;
    let before = place_shown(&root).await;
    drop(handle);

    let (reloaded, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store, storage).await;
    wait_for_state(&root, "live-queue", 5_000).await;
    kept_in_line(&reloaded, &root, before, ticket, "the reload").await;
}

/// A shopper signed in (the session kept in `storage`, as the app keeps it for the next page
/// load) and joined to a line of 3,000 that is let in slowly, so they are still waiting a few
/// seconds later. Returns the store and their queue ticket.
async fn waiting_in_a_long_line(phone: &str, storage: &PageStorage) -> (InPageStore, Option<u32>) {
    let crowd = DemoSettings {
        crowd: Some(3_000),
        stock: Some(250),
        ..settings()
    };
    let shop = support::fresh_store(crowd);
    let session = sign_in(&shop.client, phone).await;
    storage.set("session", &serde_json::to_string(&session).unwrap());
    let summary = detail(&shop.client).await.summary;
    act(&shop.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&shop.client, summary.starts_at + 2_000).await;
    let joined = act(&shop.client, Method::Post, "queue", preference())
        .await
        .unwrap();
    (shop.store, joined.ticket)
}

/// After `what`, the page shows the same place or a better one, and the store the same ticket.
async fn kept_in_line(
    page: &Shop,
    root: &web_sys::HtmlElement,
    before: u32,
    ticket: Option<u32>,
    what: &str,
) {
    let after = place_shown(root).await;
    assert!(
        after <= before && after > 0,
        "place {before} before {what}, {after} after"
    );
    let view: ShopperView = page
        .client()
        .get(&format!("/api/sales/{SALE}/me"))
        .await
        .unwrap();
    assert_eq!(view.ticket, ticket, "the same queue ticket after {what}");
}

#[wasm_bindgen_test]
async fn polls_update_the_page_without_rebuilding_what_the_shopper_is_using() {
    let (_shop, _handle, root) = mount_at(
        &format!("/sale/{SALE}"),
        &new_store(settings()),
        Rc::new(PageStorage::memory()),
    )
    .await;
    wait_for_state(&root, "registration-open", 5_000).await;
    type_into(&root, "#phone", "+44 7700 900205");
    click(&root, "form button[type=submit]");
    let code = wait_for(&root, "#code", 5_000).await;
    code.focus().unwrap();
    type_into(&root, "#code", "12");
    sleep_ms(2_600).await; // at least two polls of the sale and the shopper
    let still = find(&root, "#code").expect("the code step survives the polls");
    assert!(
        still.is_same_node(Some(&code)),
        "the field was rebuilt under the shopper's fingers"
    );
    let focused = document().active_element().map(|e| e.id());
    assert_eq!(
        focused.as_deref(),
        Some("code"),
        "focus stays in the field being typed in"
    );
    let input: web_sys::HtmlInputElement = still.unchecked_into();
    assert_eq!(input.value(), "12");
}

#[wasm_bindgen_test]
async fn a_failed_action_leaves_the_checkout_form_as_it_was() {
    let storage = Rc::new(PageStorage::memory());
    let tab = support::fresh_store(settings());
    let session = sign_in(&tab.client, "+447700900206").await;
    storage.set("session", &serde_json::to_string(&session).unwrap());
    reach_hold(&tab.client).await;
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &tab.store, storage).await;
    wait_for_state(&root, "your-turn", 5_000).await;
    click(&root, "[data-testid=go-checkout]");
    wait_for_state(&root, "checkout", 3_000).await;
    click(&root, "[data-testid=pay]");
    settle().await;
    assert!(
        !text(&root, "[data-testid=name-problem]").is_empty(),
        "field messages show for the empty form"
    );
    let heading = find(&root, "section[data-state=checkout] h2").unwrap();

    // Another tab uses the one extension; this page, not yet told, tries it too and is refused.
    let elsewhere = StoreRequest {
        method: Method::Post,
        path: format!("/api/sales/{SALE}/hold/extend"),
        bearer: Some(session.token.clone()),
        idempotency_key: Some("another-tab".into()),
        body: None,
    };
    assert_eq!(
        tab.store
            .store
            .borrow_mut()
            .handle(&elsewhere, flash_sale::device::real_now())
            .status,
        200
    );
    click(&root, "[data-testid=extend]");
    let started = monotonic_ms();
    while text(&root, "[data-testid=action-error]").is_empty() {
        assert!(
            monotonic_ms() - started < 3_000.0,
            "the refusal is shown: {}",
            root.inner_text()
        );
        sleep_ms(20).await;
    }
    sleep_ms(1_200).await; // and a poll
    assert!(
        find(&root, "section[data-state=checkout] h2")
            .unwrap()
            .is_same_node(Some(&heading)),
        "the screen was rebuilt"
    );
    assert!(
        !text(&root, "[data-testid=name-problem]").is_empty(),
        "the field messages are still there"
    );
}

#[wasm_bindgen_test]
fn money_dates_and_counts_read_the_way_each_language_writes_them() {
    use flash_sale::format;
    use flash_sale::i18n::Locale::{En, ZhCn};
    assert_eq!(format::money(199_900, "CNY", ZhCn), "¥1,999.00");
    assert_eq!(format::money(29_900, "EUR", En), "€299.00");
    assert_eq!(format::count(1_234_567, ZhCn), "1,234,567");
    // Thursday 26 November 2026, 10:00 in this browser's time zone, seen a week later.
    let at = js_sys::Date::new_with_year_month_day_hr_min(2026, 10, 26, 10, 0).get_time() as u64;
    let week_later = at + 7 * 86_400_000;
    assert_eq!(format::when(at, week_later, ZhCn), "11月26日 周四 10:00");
    assert_eq!(format::when(at, week_later, En), "Thu 26 Nov 10:00");
    assert_eq!(format::when(at, at + 60_000, ZhCn), "今天 10:00");
    assert_eq!(format::clock_time(at, ZhCn), "10:00:00");
}

#[wasm_bindgen_test]
async fn the_header_switches_the_page_to_chinese_and_remembers_it() {
    use flash_sale::i18n::Locale;
    let storage = Rc::new(PageStorage::memory());
    let (shop, _handle, root) = mount_at("/", &new_store(settings()), storage.clone()).await;
    wait_for(&root, ".sale-card", 5_000).await;
    assert_eq!(
        shop.locale.get_untracked(),
        Locale::En,
        "this test browser is English"
    );
    click(&root, "[data-testid=language-switch]");
    settle().await;
    wait_for(&root, ".sale-card", 5_000).await;
    let lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(lang.as_deref(), Some("zh-CN"));
    let page = root.inner_text();
    assert!(
        page.contains("限量抢购")
            && page.contains("¥1,999.00 起")
            && !page.contains("Registration open"),
        "{page}"
    );
    assert_eq!(storage.get("language").as_deref(), Some("zh-CN"));
    // Back to English for the tests that follow in this page.
    click(&root, "[data-testid=language-switch]");
    settle().await;
    assert_eq!(shop.locale.get_untracked(), Locale::En);
}

#[wasm_bindgen_test]
async fn switching_language_in_line_keeps_the_place() {
    use flash_sale::i18n::Locale;
    let storage = Rc::new(PageStorage::memory());
    let (store, ticket) = waiting_in_a_long_line("+447700900205", &storage).await;

    let (page, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store, storage).await;
    wait_for_state(&root, "live-queue", 5_000).await;
    let before = place_shown(&root).await;
    click(&root, "[data-testid=language-switch]");
    settle().await;
    wait_for_state(&root, "live-queue", 5_000).await;
    let lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(lang.as_deref(), Some("zh-CN"));
    assert!(
        root.inner_text().contains("您的位置"),
        "the line in Chinese: {}",
        root.inner_text()
    );
    kept_in_line(&page, &root, before, ticket, "the switch").await;
    // Back to English for the tests that follow in this page.
    click(&root, "[data-testid=language-switch]");
    settle().await;
    assert_eq!(page.locale.get_untracked(), Locale::En);
}

/// The place in line the live queue shows, as a number ("1,234" reads 1234).
async fn place_shown(root: &web_sys::HtmlElement) -> u32 {
    wait_for(root, "[data-testid=queue-position]", 3_000)
        .await
        .text_content()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_link_shows_its_page_without_a_load_and_back_returns() {
    let (_shop, _handle, root) =
        mount_at("/", &new_store(settings()), Rc::new(PageStorage::memory())).await;
    let card = wait_for(&root, ".sale-card", 5_000).await;
    let sale = card.get_attribute("data-sale").unwrap();
    let history = window().history().unwrap();
    let entries = history.length().unwrap();
    let sales_link = find(&root, ".site-header nav a[href='/']").unwrap();
    assert_eq!(
        sales_link.get_attribute("aria-current").as_deref(),
        Some("page")
    );

    card.click();
    wait_for(&root, ".page.sale", 5_000).await;
    assert_eq!(
        window().location().pathname().unwrap(),
        format!("/sale/{sale}")
    );
    assert_eq!(
        history.length().unwrap(),
        entries + 1,
        "one new history entry"
    );
    assert_eq!(sales_link.get_attribute("aria-current"), None);

    history.back().unwrap();
    wait_for(&root, ".sale-card", 5_000).await;
    assert_eq!(window().location().pathname().unwrap(), "/");
    assert_eq!(
        sales_link.get_attribute("aria-current").as_deref(),
        Some("page")
    );
}

#[wasm_bindgen_test]
async fn a_click_for_a_new_tab_is_left_to_the_browser() {
    let (_shop, _handle, root) =
        mount_at("/", &new_store(settings()), Rc::new(PageStorage::memory())).await;
    wait_for(&root, ".sale-card", 5_000).await;
    let link = find(&root, ".site-header nav a[href='/account']").unwrap();
    // Registered after the shop's own listener, so it sees what the shop did with the click,
    // then keeps the browser from opening a tab.
    let prevented_by_the_shop = Rc::new(std::cell::Cell::new(None));
    let seen = prevented_by_the_shop.clone();
    let after_the_shop = window_event_listener_untyped("click", move |click| {
        seen.set(Some(click.default_prevented()));
        click.prevent_default();
    });
    let ctrl_click = web_sys::MouseEventInit::new();
    ctrl_click.set_ctrl_key(true);
    ctrl_click.set_bubbles(true);
    ctrl_click.set_cancelable(true);
    link.dispatch_event(
        &web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &ctrl_click).unwrap(),
    )
    .unwrap();
    after_the_shop.remove();
    assert_eq!(prevented_by_the_shop.get(), Some(false));
    assert_eq!(window().location().pathname().unwrap(), "/");
    assert!(find(&root, ".sale-card").is_some(), "still the sales page");
}

#[wasm_bindgen_test]
fn an_address_names_its_sale_order_or_screen_as_written() {
    use flash_sale::router::Page;
    assert_eq!(
        Page::at("/sale/k7-first-drop"),
        (Page::Sale, Some("k7-first-drop".into()))
    );
    assert_eq!(
        Page::at("/orders/KS-100001/"),
        (Page::Order, Some("KS-100001".into()))
    );
    assert_eq!(
        Page::at("/preview/live%20queue"),
        (Page::PreviewScreen, Some("live queue".into()))
    );
    // Not valid percent-encoding: the segment as typed, which the store then says it does not know.
    assert_eq!(
        Page::at("/sale/%E0%A4%A"),
        (Page::Sale, Some("%E0%A4%A".into()))
    );
}

/// A Chinese page names the unit held in Chinese, as the catalog does.
#[wasm_bindgen_test]
async fn a_chinese_page_names_the_variants_in_chinese() {
    let store = fresh_store(settings());
    let session = sign_in(&store.client, "+447700900341").await;
    let storage = Rc::new(PageStorage::memory());
    storage.set("session", &serde_json::to_string(&session).unwrap());
    let hold = reach_hold(&store.client).await;
    let shop = shop_on(&store.store, storage);
    shop.locale.set(flash_sale::i18n::Locale::ZhCn);
    let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
    wait_for_state(&root, "your-turn", 5_000).await;
    let colour = ["石墨黑", "冰川蓝", "余烬橙"][hold_variant(&hold)];
    let held = text(&root, ".big-figure");
    assert!(
        held.contains(colour),
        "the unit held reads {held}, not {colour}"
    );
}

fn hold_variant(view: &ShopperView) -> usize {
    match &view.status {
        ShopperStatus::Holding { hold } => hold.variant as usize,
        status => panic!("no hold: {status:?}"),
    }
}

#[wasm_bindgen_test]
async fn the_footer_says_where_the_store_runs() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let shop = shop_on(&new_store(settings()), Rc::new(PageStorage::memory()));
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "kestrel-store").unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    let mut said = Vec::new();
    for kind in ["worker", "demo-server", "server"] {
        meta.set_attribute("content", kind).unwrap();
        let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
        document().body().unwrap().append_child(&root).unwrap();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            provide_context(shop);
            view! { <flash_sale::components::Footer/> }
        });
        said.push(root.inner_text());
        drop(handle);
        root.remove();
    }
    meta.remove();
    assert!(
        said[0].contains("runs entirely in your browser"),
        "{said:?}"
    );
    assert!(said[1].contains("demo store runs on a server"), "{said:?}");
    assert!(
        !said[2].contains("browser") && !said[2].contains("crowd"),
        "{said:?}"
    );
}
