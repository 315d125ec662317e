//! The client and the demo store together in a real browser: tabs, faults, clocks and the
//! page's own storage. The store's own rules (restarts, replays, seeds, bad data) are tested
//! natively in `crates/store/tests`; the real Service Worker in `crates/e2e`.
#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use flash_sale::api::demo::DemoSettings;
use flash_sale::api::*;
use flash_sale::device::{real_now, set_device_clock_error};
use flash_sale::storage::PageStorage;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn two_tabs_on_one_store_share_one_place_and_one_hold() {
    let tab_a = fresh_store(settings());
    let session = sign_in(&tab_a.client, "+447700900102").await;
    let tab_b = tab(&tab_a.store, Some(session));

    act(&tab_a.client, Method::Post, "registration", None::<()>)
        .await
        .unwrap();
    let seen_by_b = me(&tab_b).await;
    assert!(
        seen_by_b.registration_number.is_some(),
        "tab B sees tab A's registration"
    );
    let again = act(&tab_b, Method::Post, "registration", None::<()>)
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::AlreadyRegistered);

    let holding = reach_hold(&tab_a.client).await;
    let in_b = me(&tab_b).await;
    assert_eq!(in_b.status, holding.status, "both tabs see the one hold");
    let second_join = act(&tab_b, Method::Post, "queue", preference()).await;
    assert!(
        second_join.is_err(),
        "no second place in line from a second tab"
    );
}

#[wasm_bindgen_test]
async fn page_storage_that_throws_degrades_to_memory_with_a_notice() {
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
    let storage = Rc::new(PageStorage::with_local(local.clone()));
    storage.set("draft.sign-in.phone", "+44 7700 900103");
    let store = new_store(settings());
    let shop = shop_on(&store, storage.clone());
    for key in &fillers {
        local.remove_item(key).unwrap();
    }
    let _ = local.remove_item("kestrel.v1.draft.sign-in.phone");
    let notices = leptos::prelude::GetUntracked::get_untracked(&shop.notices);
    assert!(
        notices.iter().any(|n| n
            .text
            .say(&flash_sale::i18n::EN)
            .contains("kept only while this tab stays open")),
        "{notices:?}"
    );
    assert_eq!(
        storage.get("draft.sign-in.phone").as_deref(),
        Some("+44 7700 900103"),
        "what was typed is still kept, in memory"
    );
    // The shop still works.
    sign_in(&shop.client(), "+447700900103").await;
    assert!(
        act(&shop.client(), Method::Post, "registration", None::<()>)
            .await
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn thirty_percent_faults_still_end_in_exactly_one_order() {
    let shop = fresh_store(DemoSettings {
        faults: 0.3,
        latency_ms: 10,
        ..settings()
    });
    sign_in(&shop.client, "+447700900104").await;
    let holding = reach_hold(&shop.client).await;
    let ShopperStatus::Holding { hold } = holding.status else {
        unreachable!()
    };
    let request = CheckoutRequest {
        variant: hold.variant,
        address: Address {
            name: "Ada Lovelace".into(),
            line1: "12 St James's Sq".into(),
            city: "London".into(),
            postcode: "SW1Y 4JH".into(),
            ..Default::default()
        },
        payment: PaymentMethod::CardApproves,
    };
    act(
        &shop.client,
        Method::Post,
        "checkout",
        Some(request.clone()),
    )
    .await
    .expect("checkout accepted");
    let client = shop.client.clone();
    until(90_000.0, "the order", || {
        let client = client.clone();
        async move { matches!(me(&client).await.status, ShopperStatus::Ordered { .. }) }
    })
    .await;
    // A second checkout, as an impatient double tap would send, is refused, not a second sale.
    assert!(act(&shop.client, Method::Post, "checkout", Some(request))
        .await
        .is_err());
    let orders: Vec<OrderView> = shop.client.get("/api/orders").await.unwrap();
    assert_eq!(orders.len(), 1, "exactly one order: {orders:?}");
    let report: SaleReport = shop
        .client
        .get(&format!("/api/sales/{SALE}/report"))
        .await
        .unwrap();
    assert!(report.sold <= report.units, "never oversold");
}

#[wasm_bindgen_test]
async fn a_device_clock_ten_minutes_off_changes_neither_the_sale_moment_nor_who_gets_in() {
    let mut outcomes = Vec::new();
    for error in [-600_000.0, 0.0, 600_000.0] {
        set_device_clock_error(error);
        let shop = fresh_store(DemoSettings {
            seed: Some(5),
            ..settings()
        });
        let sync = shop.client.sync_clock().await.unwrap();
        let store_now = shop.store.store.borrow().now(real_now()) as f64;
        let client_now = shop.client.store_now().unwrap();
        assert!(
            (client_now - store_now).abs() < 50.0,
            "device off by {error} ms: page thinks {client_now}, store says {store_now}"
        );
        assert!(
            (sync.device_ahead_ms() - error).abs() < 1_000.0,
            "the page knows the device is {error} ms off"
        );
        sign_in(&shop.client, "+447700900105").await;
        let detail = detail(&shop.client).await;
        let view = reach_hold(&shop.client).await;
        let relative = detail.summary.starts_at - detail.summary.registration_opens;
        outcomes.push((
            relative,
            view.registration_number,
            std::mem::discriminant(&view.status),
        ));
    }
    set_device_clock_error(0.0);
    assert!(outcomes.windows(2).all(|w| w[0] == w[1]), "{outcomes:?}");
}

/// The browser's JSON carries every contract value the page sends and reads back unchanged,
/// the largest seed and a negative skew included, and names what it cannot read.
#[wasm_bindgen_test]
fn contract_values_round_trip_through_the_browsers_json() {
    let settings = DemoSettings {
        crowd: Some(1_000_000),
        skew_ms: -600_000,
        speed: 2.5,
        seed: Some(demo::MAX_SEED),
        ..DemoSettings::default()
    };
    let text = flash_sale::json::to_string(&settings);
    let read: DemoSettings = flash_sale::json::from_str(&text).unwrap();
    assert_eq!(read, settings, "{text}");
    let with_serde_json: DemoSettings = serde_json::from_str(&text).unwrap();
    assert_eq!(
        with_serde_json, settings,
        "the store's parser reads the page's text"
    );

    assert!(flash_sale::json::from_str::<DemoSettings>("{\"crowd\": ").is_err());
    assert!(flash_sale::json::from_str::<DemoSettings>("{\"crowd\": \"many\"}").is_err());
}

/// The page reads and writes decimals with the browser's `Number`, so the wasm carries no float
/// code of Rust's: the same values as Rust's own for what settings and scenario URLs take.
#[wasm_bindgen_test]
fn decimals_read_and_write_in_the_page_as_rust_does() {
    use flash_sale::format::{decimal, parse_decimal};
    for text in ["0.3", "1", "2.5", "60", " 0.05 ", "1e1", ".5", "-0.25"] {
        let read = parse_decimal(text);
        assert_eq!(read, text.trim().parse::<f64>().ok(), "{text:?}");
        let read = read.unwrap();
        assert_eq!(decimal(read), read.to_string(), "{text:?}");
    }
    for bad in ["", "abc", "0x10", "1..2", "Infinity", "1e", "e5"] {
        assert_eq!(parse_decimal(bad), None, "{bad:?}");
    }
}
