//! What a shopper notices (issue 12): a turn never missed while the tab is hidden, and the
//! faults found by trying the store, each pinned by the test that showed it.
#![cfg(target_arch = "wasm32")]

mod support;

use std::{cell::RefCell, rc::Rc};

use flash_sale::api::demo::{DemoSettings, DevState};
use flash_sale::api::transport::{Reply, Transport};
use flash_sale::api::*;
use flash_sale::components::Countdown;
use flash_sale::device::{monotonic_ms, sleep_ms};
use flash_sale::i18n::Said;
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::prelude::*;
use support::dom::*;
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits until the page's text says `what`.
async fn wait_for_text(root: &web_sys::HtmlElement, what: &str, timeout_ms: u32) {
    let started = monotonic_ms();
    while !root.inner_text().contains(what) {
        assert!(
            monotonic_ms() - started < timeout_ms as f64,
            "timed out waiting for “{what}”; the page shows: {}",
            root.inner_text()
        );
        sleep_ms(20).await;
    }
}

fn js(code: &str) -> JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .expect("the test's script runs")
}

/// Makes the page look hidden (or visible again) to the app, as switching tabs does, without
/// a second tab: the `hidden` and `visibilityState` properties, then the event.
fn emulate_hidden(hidden: bool) {
    let state = if hidden { "hidden" } else { "visible" };
    js(&format!(
        "Object.defineProperty(document, 'hidden', {{ configurable: true, get: () => {hidden} }});
         Object.defineProperty(document, 'visibilityState', {{ configurable: true, get: () => '{state}' }});
         document.dispatchEvent(new Event('visibilitychange'));"
    ));
}

/// Back to the browser's own visibility.
fn stop_emulating_hidden() {
    js("delete document.hidden; delete document.visibilityState; document.dispatchEvent(new Event('visibilitychange'));");
}

/// A stand-in for the browser's Notification with the given permission, recording what the
/// page shows in `window.__shown`.
fn stub_notifications(permission: &str) {
    js(&format!(
        "window.__shown = [];
         window.Notification = function (title, options) {{ window.__shown.push(title + ' | ' + (options && options.body)); }};
         window.Notification.permission = '{permission}';
         window.Notification.requestPermission = () => Promise.resolve(window.Notification.permission);"
    ));
}

fn notifications_shown() -> Vec<String> {
    let shown: js_sys::Array = js("return window.__shown;").unchecked_into();
    shown.iter().filter_map(|v| v.as_string()).collect()
}

fn favicon() -> String {
    document()
        .query_selector("link[rel~=icon]")
        .unwrap()
        .and_then(|l| l.get_attribute("href"))
        .unwrap_or_default()
}

async fn until_title(what: &str, check: impl Fn(&str) -> bool) -> String {
    let started = monotonic_ms();
    loop {
        let title = document().title();
        if check(&title) {
            return title;
        }
        assert!(
            monotonic_ms() - started < 8_000.0,
            "timed out waiting for the title to show {what}; it says “{title}”"
        );
        sleep_ms(20).await;
    }
}

/// A shopper signed in on `store` whose session the page will find in `storage`.
async fn signed_in(store: &TestStore, phone: &str) -> Rc<PageStorage> {
    let storage = Rc::new(PageStorage::memory());
    let session = sign_in(&store.client, phone).await;
    storage.set("session", &serde_json::to_string(&session).unwrap());
    storage
}

/// The turn, met by a shopper in another tab, with notifications `permission`: answers the
/// notifications the page showed.
async fn turn_while_hidden(permission: &str, phone: &str) -> Vec<String> {
    let store = fresh_store(settings());
    let storage = signed_in(&store, phone).await;
    reach_hold(&store.client).await;
    stub_notifications(permission);
    emulate_hidden(true);
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store.store, storage).await;
    wait_for_state(&root, "your-turn", 5_000).await;
    let title = until_title("the turn", |t| t.starts_with("Your turn – ")).await;
    assert!(
        title.ends_with(" to check out") && title.contains(':'),
        "{title}"
    );
    assert!(
        favicon().starts_with("data:image/svg+xml"),
        "the favicon changed: {}",
        favicon()
    );
    let shown = notifications_shown();

    emulate_hidden(false);
    let title = until_title("the sale again", |t| !t.starts_with("Your turn")).await;
    assert_eq!(title, "Kestrel K7 · Kestrel drops");
    assert_eq!(favicon(), "/public/img/logo.svg");
    stop_emulating_hidden();
    shown
}

#[wasm_bindgen_test]
async fn a_turn_in_a_hidden_tab_changes_title_and_icon_and_notifies_when_allowed() {
    let shown = turn_while_hidden("granted", "+447700900301").await;
    assert_eq!(shown.len(), 1, "one notification for the turn: {shown:?}");
    assert!(
        shown[0].starts_with("It's your turn") && shown[0].contains("to check out"),
        "{shown:?}"
    );
}

#[wasm_bindgen_test]
async fn a_refused_notification_permission_changes_nothing_else() {
    let shown = turn_while_hidden("denied", "+447700900302").await;
    assert!(
        shown.is_empty(),
        "no notification without permission: {shown:?}"
    );
}

#[wasm_bindgen_test]
async fn every_route_names_itself_in_the_title() {
    let store = new_store(settings());
    for (path, title) in [
        ("/", "Flash drops"),
        ("/account", "Sign in"),
        ("/orders/KS-100001", "Order KS-100001"),
        ("/nowhere", "Page not found"),
    ] {
        let (_shop, handle, _root) = mount_at(path, &store, Rc::new(PageStorage::memory())).await;
        until_title(title, |t| t == format!("{title} · Kestrel drops")).await;
        drop(handle);
    }
}

#[wasm_bindgen_test]
async fn registering_offers_notifications_and_says_to_be_here_by_the_start() {
    stub_notifications("default");
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900303").await;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store.store, storage).await;
    wait_for_state(&root, "registered", 5_000).await;
    assert!(
        text(&root, "[data-testid=check-in-advice]").contains("Have this page open by the start"),
        "{}",
        root.inner_text()
    );
    assert!(
        text(&root, "[data-testid=notify-offer]").contains("held for you for only 3 min"),
        "{}",
        root.inner_text()
    );
    js("window.Notification.permission = 'granted';");
    click(&root, "[data-testid=allow-notifications]");
    wait_for_text(&root, "We will notify you when it's your turn", 2_000).await;
}

// Fault 4: a saved session that the store no longer knows.
#[wasm_bindgen_test]
async fn a_session_lost_to_a_demo_reset_signs_the_page_out_with_a_sentence() {
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900304").await;
    let _: DevState = store
        .client
        .call(Method::Post, "/api/dev/reset", Some(Some(settings())))
        .await
        .unwrap();
    let (_shop, _handle, root) = mount_at("/", &store.store, storage).await;
    wait_for(&root, ".sale-card", 5_000).await;
    let started = monotonic_ms();
    while text(&root, "nav a[href='/account']") != "Sign in" {
        assert!(
            monotonic_ms() - started < 3_000.0,
            "the header still says {}",
            text(&root, "nav a[href='/account']")
        );
        sleep_ms(20).await;
    }
    assert!(
        text(&root, "[data-testid=demo-notice]").contains("You were signed out"),
        "{}",
        root.inner_text()
    );
}

#[wasm_bindgen_test]
async fn a_signed_out_order_link_offers_sign_in() {
    let (_shop, _handle, root) = mount_at(
        "/orders/KS-100001",
        &new_store(settings()),
        Rc::new(PageStorage::memory()),
    )
    .await;
    wait_for(&root, "#phone", 3_000).await;
    assert!(
        !root.inner_text().contains("Order not found"),
        "{}",
        root.inner_text()
    );
}

// Fault 5: the home page's polls must not rebuild the list under the keyboard.
#[wasm_bindgen_test]
async fn the_sales_list_keeps_focus_through_polls() {
    // A busy demo, so every poll brings new figures (registrations, a phase moving on).
    let busy = DemoSettings {
        crowd: Some(3_000),
        speed: 60.0,
        ..settings()
    };
    let (shop, calls) = watched_shop(&new_store(busy), Rc::new(PageStorage::memory()), None);
    let (_shop, _handle, root) = mount_shop("/", shop).await;
    let card = wait_for(&root, ".sale-card", 5_000).await;
    card.focus().unwrap();
    let before = root.inner_text();
    // Two polls answered and shown: polls go out 2 s apart and the store answers in a few ms,
    // so the second has been answered and shown by the time the third is asked for.
    let polled = count(&calls, Method::Get, "/api/sales");
    until(10_000.0, "two more polls of the sales list", || {
        let polls = count(&calls, Method::Get, "/api/sales") - polled;
        async move { polls >= 3 }
    })
    .await;
    assert_ne!(root.inner_text(), before, "the polls brought news");
    assert!(
        find(&root, ".sale-card").unwrap().is_same_node(Some(&card)),
        "the card was rebuilt"
    );
    assert!(
        document()
            .active_element()
            .is_some_and(|e| e.is_same_node(Some(&card))),
        "focus stayed on the card"
    );
}

// Fault 6: notices keyed by their own id, and shown whenever they are raised.
#[wasm_bindgen_test]
async fn notices_raised_later_show_and_dismiss_one_by_one() {
    let (shop, _handle, root) =
        mount_at("/", &new_store(settings()), Rc::new(PageStorage::memory())).await;
    wait_for(&root, ".sale-card", 5_000).await;
    shop.notify(Said::new(|t| t.storage_full, []));
    shop.notify(Said::new(
        |t| t.scenario_stopped,
        ["live".into(), "no answer".into()],
    ));
    leptos::task::tick().await;
    let notices = || {
        root.query_selector_all("[data-testid=demo-notice]")
            .unwrap()
    };
    assert_eq!(notices().length(), 2, "{}", root.inner_text());
    click(&root, "[data-testid=demo-notice] button");
    leptos::task::tick().await;
    assert_eq!(notices().length(), 1);
    assert!(
        text(&root, "[data-testid=demo-notice]")
            .starts_with("The “live” scenario stopped early: no answer"),
        "{}",
        root.inner_text()
    );
}

/// The store's transport with a record of every call, refusing the calls whose path ends with
/// `refuse` (as a store that says no would) when set.
struct Watched {
    inner: Rc<dyn Transport>,
    calls: Rc<RefCell<Vec<StoreRequest>>>,
    refuse: Option<&'static str>,
}

impl Transport for Watched {
    fn send(&self, request: StoreRequest) -> Reply {
        self.calls.borrow_mut().push(request.clone());
        if self.refuse.is_some_and(|r| request.path.ends_with(r)) {
            let refusal = ApiError::new(
                409,
                ErrorCode::Unknown("not_now".into()),
                "The store says no.",
            );
            let body = serde_json::to_string(&refusal).unwrap();
            // Answered after a moment, as a store's refusal is: a loop of instant refusals
            // would freeze the page instead of showing in the count.
            return Box::pin(async move {
                sleep_ms(5).await;
                Ok(StoreResponse {
                    status: 409,
                    retry_after_ms: None,
                    body,
                })
            });
        }
        self.inner.send(request)
    }
}

fn watched_shop(
    store: &InPageStore,
    storage: Rc<PageStorage>,
    refuse: Option<&'static str>,
) -> (Shop, Rc<RefCell<Vec<StoreRequest>>>) {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let transport = Watched {
        inner: transport(store),
        calls: calls.clone(),
        refuse,
    };
    (Shop::open(Rc::new(transport), storage), calls)
}

fn count(calls: &RefCell<Vec<StoreRequest>>, method: Method, suffix: &str) -> usize {
    calls
        .borrow()
        .iter()
        .filter(|c| c.method == method && c.path.ends_with(suffix))
        .count()
}

// Fault 7: a variant chosen on one sale is not carried to another.
#[wasm_bindgen_test]
async fn a_variant_chosen_for_one_sale_is_not_used_for_another() {
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900305").await;
    // What choosing the third variant of another sale left in this browser.
    storage.set("draft.sale.variant", "2");
    storage.set("draft.sale.k7-pro-launch.variant", "2");
    let summary = detail(&store.client).await.summary;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&store.client, summary.registration_closes + 1_000).await;
    let (shop, calls) = watched_shop(&store.store, storage, None);
    let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
    wait_for(&root, "[data-testid=pre-queue-status]", 5_000).await;
    wait_for_text(&root, "You are in the waiting room", 5_000).await;
    let joins: Vec<Preference> = calls
        .borrow()
        .iter()
        .filter(|c| c.path.ends_with("/queue"))
        .map(|c| serde_json::from_str(c.body.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(joins.len(), 1, "joined once: {joins:?}");
    assert_eq!(
        joins[0].variant, 0,
        "this sale's own default, not another sale's choice"
    );
}

#[wasm_bindgen_test]
async fn a_refused_check_in_is_not_retried_in_a_loop() {
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900306").await;
    let summary = detail(&store.client).await.summary;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&store.client, summary.registration_closes + 1_000).await;
    let (shop, calls) = watched_shop(&store.store, storage, Some("/queue"));
    let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
    wait_for_state(&root, "pre-queue", 5_000).await;
    // Time must pass here: the fault was a loop of check-ins, which only a count over a while shows.
    sleep_ms(3_000).await;
    let tries = count(&calls, Method::Post, "/queue");
    assert!((1..=3).contains(&tries), "{tries} check-ins in 3 s");
}

#[wasm_bindgen_test]
async fn a_variant_change_made_while_a_call_is_in_flight_is_sent_after_it() {
    let slow = DemoSettings {
        latency_ms: 300,
        ..settings()
    };
    let store = fresh_store(slow);
    let storage = signed_in(&store, "+447700900307").await;
    let summary = detail(&store.client).await.summary;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&store.client, summary.registration_closes + 1_000).await;
    act(&store.client, Method::Post, "queue", preference())
        .await
        .unwrap();
    let (shop, calls) = watched_shop(&store.store, storage, None);
    let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
    wait_for_state(&root, "pre-queue", 8_000).await;
    let radios = root.query_selector_all("input[name=variant]").unwrap();
    let radio = |i: u32| -> web_sys::HtmlInputElement { radios.item(i).unwrap().unchecked_into() };
    let preferences_sent = || -> Vec<u8> {
        calls
            .borrow()
            .iter()
            .filter(|c| c.method == Method::Put && c.path.ends_with("/preference"))
            .map(|c| {
                serde_json::from_str::<Preference>(c.body.as_deref().unwrap())
                    .unwrap()
                    .variant
            })
            .collect()
    };
    radio(1).click();
    let started = monotonic_ms();
    while preferences_sent().is_empty() {
        assert!(
            monotonic_ms() - started < 2_000.0,
            "the first change was not sent"
        );
        sleep_ms(5).await;
    }
    // The first change is still on its way (300 ms each way): change again.
    radio(2).click();
    let started = monotonic_ms();
    while preferences_sent().last() != Some(&2) {
        assert!(
            monotonic_ms() - started < 5_000.0,
            "the second change was dropped: sent {:?}",
            preferences_sent()
        );
        sleep_ms(20).await;
    }
    assert_eq!(preferences_sent(), vec![1, 2]);
}

// Fault 8: "Back" after a declined card.
#[wasm_bindgen_test]
async fn back_after_a_declined_card_returns_to_the_hold() {
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900308").await;
    reach_hold(&store.client).await;
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store.store, storage).await;
    wait_for_state(&root, "your-turn", 5_000).await;
    click(&root, "[data-testid=go-checkout]");
    wait_for_state(&root, "checkout", 3_000).await;
    fill_address(&root);
    click(&root, "input[name=payment][value=declines]");
    leptos::task::tick().await;
    click(&root, "[data-testid=pay]");
    wait_for(
        &root,
        "section[data-state=checkout] p.form-error[role=alert]",
        20_000,
    )
    .await;
    let back = root
        .query_selector_all("section[data-state=checkout] button.subtle")
        .unwrap();
    back.item(back.length() - 1)
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    wait_for_state(&root, "your-turn", 2_000).await;
}

// Fault 10: the hold timer never shows time left once the store has ended the hold.
#[wasm_bindgen_test]
async fn a_countdown_shows_nothing_left_once_its_moment_has_passed() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let shop = shop_on(&new_store(settings()), Rc::new(PageStorage::memory()));
    shop.client().sync_clock().await.unwrap();
    let client = shop.client();
    // A deadline between two whole store seconds, as a hold's is.
    let target = (client.store_now().unwrap() / 1_000.0).ceil() as u64 * 1_000 + 2_400;
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(shop);
        let clock = flash_sale::hooks::use_store_clock();
        view! { <Countdown target=target now=clock done=|t| t.hold_ended/> }
    });
    loop {
        sleep_ms(5).await;
        let shown = text(&root, "[data-testid=countdown]");
        let now = client.store_now().unwrap();
        if now >= target as f64 + 20.0 {
            assert_eq!(
                shown,
                "0:00",
                "{:.0} ms after the deadline",
                now - target as f64
            );
        }
        if now > target as f64 + 1_200.0 {
            break;
        }
    }
}

// Fault 3: a reload on the code step of sign-in.
#[wasm_bindgen_test]
async fn a_reload_on_the_code_step_keeps_the_code_step() {
    let store = new_store(settings());
    let storage = Rc::new(PageStorage::memory());
    let (_shop, handle, root) = mount_at("/account", &store, storage.clone()).await;
    wait_for(&root, "#phone", 5_000).await;
    type_into(&root, "#phone", "+44 7700 900309");
    click(&root, "form button[type=submit]");
    wait_for(&root, "#code", 5_000).await;
    drop(handle);
    let (_shop, _handle, root) = mount_at("/account", &store, storage).await;
    wait_for(&root, "#code", 2_000).await;
    let code = texted_code(&root).await;
    type_into(&root, "#code", &code);
    click(&root, "form button[type=submit]");
    wait_for_text(&root, "Signed in as", 5_000).await;
}

// Fault 11: a shopper who comes after the start is told why they are behind the draw.
#[wasm_bindgen_test]
async fn a_shopper_arriving_after_the_start_is_told_they_join_after_the_draw() {
    let store = fresh_store(settings());
    let storage = signed_in(&store, "+447700900310").await;
    let summary = detail(&store.client).await.summary;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&store.client, summary.starts_at + 2_000).await;
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store.store, storage).await;
    wait_for_state(&root, "live-queue", 5_000).await;
    wait_for_text(&root, "after the draw", 2_000).await;
}

// Fault 1: the clock-quality line is about the device against the store's clock: the demo's
// presets, jumps and speed are not a device error, and its skew (a store clock that disagrees
// with the device's by that much) is.
#[wasm_bindgen_test]
async fn demo_jumps_are_not_reported_as_device_error_and_skew_is() {
    let skewed = DemoSettings {
        skew_ms: -2_400,
        speed: 20.0,
        ..settings()
    };
    let store = fresh_store(skewed);
    let summary = detail(&store.client).await.summary;
    jump_to(&store.client, summary.starts_at - 20_000).await;
    let client = tab(&store.store, None);
    let sync = client.sync_clock().await.unwrap();
    assert!(
        (sync.device_ahead_ms() - 2_400.0).abs() < 100.0,
        "a device 2.4 s ahead of the store clock read as {} ms",
        sync.device_ahead_ms()
    );
    flash_sale::device::set_device_clock_error(-5_000.0);
    let sync = client.sync_clock().await.unwrap();
    flash_sale::device::set_device_clock_error(0.0);
    assert!(
        (sync.device_ahead_ms() + 2_600.0).abs() < 100.0,
        "a device 5 s slow, against a store clock 2.4 s slow, read as {} ms",
        sync.device_ahead_ms()
    );
}

// Fault 15: a store clock 2.4 s behind the device was said to agree with it. The line says
// how far off the device is, either way, in the shopper's language.
#[wasm_bindgen_test]
async fn the_clock_line_says_how_far_the_device_is_from_the_store_clock() {
    use flash_sale::i18n::Locale::{En, ZhCn};
    for (skew_ms, locale, says) in [
        (-2_400, En, "your device clock is 2.4 s fast"),
        (2_400, En, "your device clock is 2.4 s slow"),
        (-2_400, ZhCn, "您设备的时钟快了 2.4 秒"),
        (2_400, ZhCn, "您设备的时钟慢了 2.4 秒"),
    ] {
        let store = fresh_store(DemoSettings {
            skew_ms,
            ..settings()
        });
        let storage = signed_in(&store, "+447700900313").await;
        act(&store.client, Method::Post, "registration", None::<()>)
            .await
            .unwrap();
        let shop = shop_on(&store.store, storage);
        shop.locale.set(locale);
        let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
        wait_for_state(&root, "registered", 5_000).await;
        wait_for_text(&root, says, 5_000).await;
    }
}

/// The store's transport, a fixed `delay_ms` slower each way and failing the first `fail` calls
/// for the time with an error that retrying does not cure.
struct Slow {
    inner: Rc<dyn Transport>,
    delay_ms: u64,
    fail: Rc<RefCell<u32>>,
}

impl Transport for Slow {
    fn send(&self, request: StoreRequest) -> Reply {
        let (inner, delay, fail) = (self.inner.clone(), self.delay_ms, self.fail.clone());
        Box::pin(async move {
            if request.path == "/api/time" && *fail.borrow() > 0 {
                *fail.borrow_mut() -= 1;
                let body = serde_json::to_string(&ApiError::new(
                    500,
                    ErrorCode::Unknown("broken".into()),
                    "Broken.",
                ))
                .unwrap();
                return Ok(StoreResponse {
                    status: 500,
                    retry_after_ms: None,
                    body,
                });
            }
            sleep_ms(delay).await;
            let answer = inner.send(request).await;
            sleep_ms(delay).await;
            answer
        })
    }
}

// Fault 2: the sync's error bound in store time, and a sync that survives one bad sample.
#[wasm_bindgen_test]
async fn the_sync_error_is_in_store_time_and_one_failed_sample_is_skipped() {
    let fast = DemoSettings {
        speed: 20.0,
        latency_ms: 0,
        ..settings()
    };
    let store = new_store(fast);
    let client = StoreClient::new(
        Rc::new(Slow {
            inner: transport(&store),
            delay_ms: 50,
            fail: Rc::new(RefCell::new(1)),
        }),
        None,
    );
    let sync = client
        .sync_clock()
        .await
        .expect("one failed sample of five does not stop the sync");
    // A round trip of at least 100 ms real is at least 2,000 ms of store time at 20×.
    assert!(
        sync.error_ms >= 1_000.0,
        "error bound {} ms of store time",
        sync.error_ms
    );
}

// Fault 9: the queue position is announced on real time, and only when it changed.
#[wasm_bindgen_test]
async fn the_position_is_announced_on_real_time_not_store_time() {
    let fast = DemoSettings {
        speed: 20.0,
        crowd: Some(20_000),
        stock: Some(20_000),
        ..settings()
    };
    let store = fresh_store(fast);
    let storage = signed_in(&store, "+447700900311").await;
    let summary = detail(&store.client).await.summary;
    act(&store.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    jump_to(&store.client, summary.starts_at + 2_000).await;
    act(&store.client, Method::Post, "queue", preference())
        .await
        .unwrap();
    let (_shop, _handle, root) = mount_at(&format!("/sale/{SALE}"), &store.store, storage).await;
    // A long line with stock for all, moving fast: the place changes many times a second.
    // In line, or on the waitlist if every unit is in a cart: both announce the place.
    let status = wait_for(
        &root,
        "section:is([data-state=live-queue], [data-state=waitlist]) > p.sr-only[role=status]",
        5_000,
    )
    .await;
    let mut spoken = vec![status.text_content().unwrap_or_default()];
    let started = monotonic_ms();
    while monotonic_ms() - started < 4_000.0 {
        sleep_ms(10).await;
        let now = status.text_content().unwrap_or_default();
        if spoken.last() != Some(&now) {
            spoken.push(now);
        }
    }
    assert!(
        spoken.iter().filter(|s| !s.is_empty()).count() <= 2,
        "announced {} times in 4 s: {spoken:?}",
        spoken.len()
    );
}

// Fault 13: a fast `fresh` demo leaves real time to sign in and register, then runs fast.
#[wasm_bindgen_test]
async fn a_fast_fresh_demo_runs_fast_once_the_shopper_has_registered() {
    let store = new_store(settings());
    let shop = shop_on(&store, Rc::new(PageStorage::memory()));
    let (scenario, _) = flash_sale::scenario::parse("?demo=fresh&speed=20").unwrap();
    shop.start_scenario(&scenario).await;
    let speed = || async {
        shop.client()
            .get::<DevState>("/api/dev/state")
            .await
            .unwrap()
            .settings
            .speed
    };
    assert_eq!(speed().await, 1.0, "registration runs on real time");
    sign_in(&shop.client(), "+447700900312").await;
    let (_shop, _handle, root) = mount_shop(&format!("/sale/{SALE}"), shop).await;
    wait_for(&root, "[data-testid=register]", 5_000).await;
    click(&root, "[data-testid=register]");
    wait_for_state(&root, "registered", 5_000).await;
    let started = monotonic_ms();
    while speed().await != 20.0 {
        assert!(
            monotonic_ms() - started < 3_000.0,
            "the demo did not speed up after registering"
        );
        sleep_ms(20).await;
    }
}

// Fault 14: idempotency keys came from `Math.random`, which is not a source of secrets: the
// keys must come from the browser's cryptographic generator, whatever `Math.random` says.
#[wasm_bindgen_test]
fn idempotency_keys_do_not_come_from_math_random() {
    js("window.__random = Math.random; Math.random = () => 0.5;");
    let keys = [
        flash_sale::device::random_key(),
        flash_sale::device::random_key(),
    ];
    js("Math.random = window.__random;");
    assert_ne!(keys[0], keys[1], "two keys alike with Math.random fixed");
    for key in &keys {
        assert!(
            key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()),
            "{key} is not 128 bits as hex"
        );
    }
}

// Fault 16: a scenario opened after another made the store forget the first one's session
// while the page's check of it was still being retried; the check's late refusal then signed
// out the session the scenario had just signed in with. A refusal signs out only the session
// the call was made with.
#[wasm_bindgen_test]
async fn a_late_refusal_of_an_old_session_leaves_the_new_one_signed_in() {
    let store = fresh_store(settings());
    let old = sign_in(&store.client, "+447700900314").await;
    let slow = StoreClient::new(
        Rc::new(Slow {
            inner: transport(&store.store),
            delay_ms: 1_000,
            fail: Rc::new(RefCell::new(0)),
        }),
        Some(old),
    );
    let answer = Rc::new(RefCell::new(None));
    {
        let (slow, answer) = (slow.clone(), answer.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let orders = slow.get::<Vec<OrderView>>("/api/orders").await;
            *answer.borrow_mut() = Some(orders);
        });
    }
    // While that call is on its way: the demo is reset (the store forgets every session) and
    // the shopper signs in again.
    let _: DevState = store
        .client
        .call(Method::Post, "/api/dev/reset", Some(Some(settings())))
        .await
        .unwrap();
    let new = sign_in(&store.client, "+447700900314").await;
    slow.session.set(Some(new.clone()));
    until(5_000.0, "the old session's call answered", || {
        let answered = answer.borrow().is_some();
        async move { answered }
    })
    .await;
    let status = answer
        .borrow()
        .as_ref()
        .unwrap()
        .as_ref()
        .map_err(|e| e.status)
        .err();
    assert_eq!(
        status,
        Some(401),
        "the old session was refused after the reset"
    );
    assert_eq!(
        slow.session.get_untracked(),
        Some(new),
        "the new session stands"
    );
    assert!(
        !slow.session_refused.get_untracked(),
        "no notice of a sign-out"
    );
}
