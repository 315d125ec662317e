//! The mock store behind the contract, in a real browser: durability, tabs, faults, clocks
//! and the crowd's time slices.
#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use flash_sale::api::*;
use flash_sale::device::{monotonic_ms, real_now, set_device_clock_error};
use flash_sale::mock::{DemoSettings, DemoStorage, MockStore};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_reload_at_every_step_restores_exactly_where_the_shopper_was() {
    let storage = Rc::new(DemoStorage::memory());
    let shop = fresh_store(storage.clone(), settings());
    let session = sign_in(&shop.client, "+447700900101").await;
    let same_after_reload = |expected: ShopperView| {
        let storage = storage.clone();
        let session = session.clone();
        async move {
            let reloaded = reopen(storage, Some(session));
            let view = me(&reloaded.client).await;
            assert_eq!(view.registration_number, expected.registration_number);
            assert_eq!(view.ticket, expected.ticket);
            assert_eq!(std::mem::discriminant(&view.status), std::mem::discriminant(&expected.status), "{view:?} vs {expected:?}");
            reloaded
        }
    };

    let registered = act(&shop.client, Method::Post, "registration", None::<()>).await.unwrap();
    assert!(registered.registration_number.is_some());
    let shop = same_after_reload(registered).await;

    let summary = detail(&shop.client).await.summary;
    jump_to(&shop.client, summary.registration_closes + 1_000).await;
    let in_pre_queue = act(&shop.client, Method::Post, "queue", preference()).await.unwrap();
    assert!(matches!(in_pre_queue.status, ShopperStatus::PreQueue { .. }));
    let shop = same_after_reload(in_pre_queue).await;

    jump_to(&shop.client, summary.starts_at + 100).await;
    let holding = reach_hold(&shop.client).await;
    let shop = same_after_reload(holding.clone()).await;
    let ShopperStatus::Holding { hold } = holding.status else { unreachable!() };
    let ShopperStatus::Holding { hold: hold_after } = me(&shop.client).await.status else { panic!("the hold survives a reload") };
    assert_eq!(hold, hold_after, "the same unit with the same deadline");
}

#[wasm_bindgen_test]
async fn two_tabs_on_one_storage_share_one_place_and_one_hold() {
    let storage = Rc::new(DemoStorage::memory());
    let tab_a = fresh_store(storage.clone(), settings());
    let session = sign_in(&tab_a.client, "+447700900102").await;
    let tab_b = reopen(storage.clone(), Some(session));

    act(&tab_a.client, Method::Post, "registration", None::<()>).await.unwrap();
    let seen_by_b = me(&tab_b.client).await;
    assert!(seen_by_b.registration_number.is_some(), "tab B sees tab A's registration");
    let again = act(&tab_b.client, Method::Post, "registration", None::<()>).await.unwrap_err();
    assert_eq!(again.code, "already_registered");

    let holding = reach_hold(&tab_a.client).await;
    let in_b = me(&tab_b.client).await;
    assert_eq!(in_b.status, holding.status, "both tabs see the one hold");
    let second_join = act(&tab_b.client, Method::Post, "queue", preference()).await;
    assert!(second_join.is_err(), "no second place in line from a second tab");
}

#[wasm_bindgen_test]
async fn corrupt_old_or_foreign_data_resets_the_demo_with_a_notice() {
    for (raw, said) in [
        ("{not json", "could not be read"),
        (r#"{"version": 99, "whatever": true}"#, "another version"),
        (r#"[1, 2, 3]"#, "could not be read"),
    ] {
        let storage = Rc::new(DemoStorage::memory());
        storage.set("store", raw);
        let mut store = MockStore::open(catalog(), storage.clone(), real_now());
        let notices = store.take_notices();
        assert!(notices.iter().any(|n| n.contains(said)), "{raw}: {notices:?}");
        assert_ne!(storage.get("store").as_deref(), Some(raw), "a fresh demo replaced it");
    }
}

#[wasm_bindgen_test]
async fn storage_that_throws_degrades_to_memory_with_a_notice() {
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    // Fill the origin's quota so the next write throws, as a full or locked-down browser does.
    let mut fillers = Vec::new();
    let mut size = 1 << 20;
    while size >= 16 {
        let key = format!("filler-{}", fillers.len());
        if local.set_item(&key, &"x".repeat(size)).is_ok() {
            fillers.push(key);
            assert!(fillers.len() < 400, "localStorage never filled up");
        } else {
            size /= 2;
        }
    }
    let storage = Rc::new(DemoStorage::with_local(local.clone()));
    let mut store = MockStore::open(catalog(), storage.clone(), real_now());
    let notices = store.take_notices();
    for key in &fillers {
        local.remove_item(key).unwrap();
    }
    let _ = local.remove_item("kestrel.v1.store");
    assert!(notices.iter().any(|n| n.contains("kept only while this tab stays open")), "{notices:?}");
    // The store still works from memory.
    let shop = support::reopen(storage, None);
    sign_in(&shop.client, "+447700900103").await;
    assert!(act(&shop.client, Method::Post, "registration", None::<()>).await.is_ok());
}

#[wasm_bindgen_test]
async fn thirty_percent_faults_still_end_in_exactly_one_order() {
    let storage = Rc::new(DemoStorage::memory());
    let shop = fresh_store(storage, DemoSettings { faults: 0.3, latency_ms: 10, ..settings() });
    sign_in(&shop.client, "+447700900104").await;
    let holding = reach_hold(&shop.client).await;
    let ShopperStatus::Holding { hold } = holding.status else { unreachable!() };
    let request = CheckoutRequest {
        variant: hold.variant,
        address: Address { name: "Ada Lovelace".into(), line1: "12 St James's Sq".into(), city: "London".into(), postcode: "SW1Y 4JH".into() },
        payment: PaymentMethod::CardApproves,
    };
    act(&shop.client, Method::Post, "checkout", Some(request.clone())).await.expect("checkout accepted");
    let client = shop.client.clone();
    until(90_000.0, "the order", || {
        let client = client.clone();
        async move { matches!(me(&client).await.status, ShopperStatus::Ordered { .. }) }
    })
    .await;
    // A second checkout, as an impatient double tap would send, is refused, not a second sale.
    assert!(act(&shop.client, Method::Post, "checkout", Some(request)).await.is_err());
    let orders: Vec<OrderView> = shop.client.get("/api/orders").await.unwrap();
    assert_eq!(orders.len(), 1, "exactly one order: {orders:?}");
    let report: SaleReport = shop.client.get(&format!("/api/sales/{SALE}/report")).await.unwrap();
    assert!(report.sold <= report.units, "never oversold");
}

#[wasm_bindgen_test]
async fn a_device_clock_ten_minutes_off_changes_neither_the_sale_moment_nor_who_gets_in() {
    let mut outcomes = Vec::new();
    for error in [-600_000.0, 0.0, 600_000.0] {
        set_device_clock_error(error);
        let shop = fresh_store(Rc::new(DemoStorage::memory()), settings());
        let sync = shop.client.sync_clock().await.unwrap();
        let store_now = shop.store.borrow().now(real_now()) as f64;
        let client_now = shop.client.store_now().unwrap();
        assert!((client_now - store_now).abs() < 50.0, "device off by {error} ms: page thinks {client_now}, store says {store_now}");
        assert!((sync.device_ahead_ms() - error).abs() < 1_000.0, "the page knows the device is {error} ms off");
        sign_in(&shop.client, "+447700900105").await;
        let detail = detail(&shop.client).await;
        let view = reach_hold(&shop.client).await;
        let relative = detail.summary.starts_at - detail.summary.registration_opens;
        outcomes.push((relative, view.registration_number, std::mem::discriminant(&view.status)));
    }
    set_device_clock_error(0.0);
    assert!(outcomes.windows(2).all(|w| w[0] == w[1]), "{outcomes:?}");
}

/// Runs a fresh 100,000-shopper demo through registration, the waiting room, the start and a
/// minute of selling, slice by slice as the page does; answers each slice's duration (ms).
fn slices_of_a_crowd_of_100000() -> Vec<f64> {
    let mut store = MockStore::open(catalog(), Rc::new(DemoStorage::memory()), real_now());
    store.reset(DemoSettings { crowd: Some(100_000), ..DemoSettings::default() }, real_now()).unwrap();
    let schedule = catalog().sales[0].schedule;
    let later = real_now() + (schedule.starts_min - schedule.registration_opens_min) * 60_000.0 + 60_000.0;
    let mut slices = Vec::new();
    loop {
        let started = monotonic_ms();
        let done = store.run_slice(later, flash_sale::mock::transport::SLICE_BUDGET_MS);
        slices.push(monotonic_ms() - started);
        if done {
            return slices;
        }
    }
}

#[wasm_bindgen_test]
async fn a_crowd_of_100000_advances_in_slices_of_at_most_8_ms() {
    // The first crowd a page runs also pays for compiling the engine's code: an open page has
    // done that long before its sale moment, so the one that counts is the second.
    slices_of_a_crowd_of_100000();
    let slices = slices_of_a_crowd_of_100000();
    let longest = slices.iter().copied().fold(0.0, f64::max);
    assert!(slices.len() > 1, "the work was split into slices");
    assert!(longest <= 8.0, "longest slice {longest:.2} ms over {} slices: {slices:.2?}", slices.len());
}
