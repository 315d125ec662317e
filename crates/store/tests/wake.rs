//! `Store::poll_timeout`: when the store next changes without a call, so a driver can sleep
//! until then.
use sale_store::{Catalog, SaleFigures, Store};
use store_contract::demo::{DemoSettings, Sms};
use store_contract::*;

const CATALOG: &str = include_str!("../../../public/catalog.json");
/// Real time in these tests: the store only ever sees what it is given.
const T0: f64 = 1_800_000_000_000.0;
const MINUTE: f64 = 60_000.0;

fn store(settings: DemoSettings) -> Store {
    let catalog = Catalog::parse(CATALOG).expect("the shipped catalog parses");
    let mut store = Store::open(catalog, None, T0, [9; 32]);
    store.reset(settings, T0).expect("valid settings");
    store.run_slice(T0, &mut || false);
    store.take_changed();
    store
}

fn settings(crowd: u32, speed: f64) -> DemoSettings {
    DemoSettings {
        crowd: Some(crowd),
        stock: Some(30),
        latency_ms: 0,
        seed: Some(1),
        speed,
        ..DemoSettings::default()
    }
}

/// Everything a driver's pass can change: the sales' figures and the saved document.
fn seen(store: &mut Store, real_now: f64) -> (Vec<SaleFigures>, bool) {
    let now = store.now(real_now);
    (store.figures(now), store.take_changed())
}

#[test]
fn without_a_crowd_the_next_moment_is_the_first_drops_registration_closing() {
    // The first drop's registration closes 2 minutes after the demo opens (rounded up to a
    // store second); nothing else happens before.
    let store = store(settings(0, 1.0));
    let due = store.poll_timeout(T0).expect("sales to come");
    assert!(
        (T0 + 2.0 * MINUTE..=T0 + 2.0 * MINUTE + 1_100.0).contains(&due),
        "{} ms after opening",
        due - T0
    );
    assert_eq!(
        store.poll_timeout(due + 1.0),
        Some(due + 1.0),
        "due already"
    );
}

#[test]
fn a_faster_store_clock_wakes_the_driver_sooner_in_real_time() {
    let store = store(settings(0, 60.0));
    let due = store.poll_timeout(T0).expect("sales to come");
    let after = due - T0;
    assert!((2_000.0..=2_100.0).contains(&after), "{after} ms");
}

#[test]
fn nothing_changes_before_the_moment_poll_timeout_names() {
    // Moved on every 100 ms through the first drop's registration, draw, turns and holds (a
    // crowd of 40 for 30 units), the store changes only at or after the moment it named at
    // the pass before.
    for crowd in [0, 40] {
        let mut store = store(settings(crowd, 1.0));
        let mut before = seen(&mut store, T0);
        let mut due = store.poll_timeout(T0);
        let mut changes = 0;
        let mut real = T0;
        while real < T0 + 8.0 * MINUTE {
            real += 100.0;
            store.run_slice(real, &mut || false);
            let now = seen(&mut store, real);
            if now != before {
                changes += 1;
                let due = due.expect("a change came after poll_timeout said none would");
                assert!(
                    real >= due,
                    "crowd {crowd}: a change {} ms after opening, before the {} ms named",
                    real - T0,
                    due - T0
                );
            }
            before = now;
            due = store.poll_timeout(real);
            assert!(due.is_none_or(|d| d >= real), "never in the past");
        }
        assert!(
            changes >= 2,
            "crowd {crowd}: the sale moved ({changes} changes)"
        );
    }
}

/// A store and one shopper's calls to it, at the real time the test sets.
struct Shopper {
    store: Store,
    token: Option<String>,
    calls: u32,
}

impl Shopper {
    fn call(&mut self, method: Method, path: &str, body: Option<String>, at: f64) -> String {
        self.calls += 1;
        let request = StoreRequest {
            method,
            path: path.into(),
            bearer: self.token.clone(),
            idempotency_key: method
                .changes_state()
                .then(|| format!("key-{}", self.calls)),
            body,
        };
        let response = self.store.handle(&request, at);
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        response.body
    }

    fn me(&mut self, at: f64) -> ShopperView {
        let body = self.call(Method::Get, "/api/sales/k7-first-drop/me", None, at);
        serde_json::from_str(&body).unwrap()
    }
}

#[test]
fn a_slow_cards_answer_is_the_next_moment_and_nothing_settles_before_it() {
    let mut shopper = Shopper {
        store: store(settings(0, 1.0)),
        token: None,
        calls: 0,
    };
    let phone = r#"{"phone":"+447700900123"}"#.to_string();
    shopper.call(Method::Post, "/api/auth/code", Some(phone), T0);
    let inbox: Vec<Sms> =
        serde_json::from_str(&shopper.call(Method::Get, "/api/dev/inbox", None, T0)).unwrap();
    let code: String = inbox[0]
        .text
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    let verify = format!(r#"{{"phone":"{}","code":"{code}"}}"#, inbox[0].phone);
    let session: Session =
        serde_json::from_str(&shopper.call(Method::Post, "/api/auth/verify", Some(verify), T0))
            .unwrap();
    shopper.token = Some(session.token);
    let sale = "/api/sales/k7-first-drop";
    shopper.call(Method::Post, &format!("{sale}/registration"), None, T0);
    let preference = r#"{"variant":0,"accept_other_variant":true}"#.to_string();
    let closed = T0 + 2.0 * MINUTE + 2_000.0;
    shopper.call(
        Method::Post,
        &format!("{sale}/queue"),
        Some(preference),
        closed,
    );
    let mut at = T0 + 3.0 * MINUTE;
    while !matches!(shopper.me(at).status, ShopperStatus::Holding { .. }) {
        at += 100.0;
        assert!(
            at < T0 + 4.0 * MINUTE,
            "a hold within a minute of the start"
        );
    }
    let checkout = CheckoutRequest {
        variant: 0,
        address: Address {
            name: "Ada".into(),
            line1: "1 Long Street".into(),
            city: "Leeds".into(),
            postcode: "LS1 4AP".into(),
            ..Default::default()
        },
        payment: PaymentMethod::CardSlow,
    };
    let body = Some(serde_json::to_string(&checkout).unwrap());
    shopper.call(Method::Post, &format!("{sale}/checkout"), body, at);
    let store = &mut shopper.store;
    store.take_changed();

    // The slow card answers 45 s later: with nobody else in the sale, that is the next moment.
    let due = store.poll_timeout(at).expect("a payment pending");
    assert!(
        (at + 44_000.0..=at + 46_000.0).contains(&due),
        "{} ms after the checkout",
        due - at
    );
    store.run_slice(due - 100.0, &mut || false);
    assert!(!store.take_changed(), "nothing settles before the moment");
    store.run_slice(due, &mut || false);
    assert!(store.take_changed(), "the payment settles at the moment");
    assert!(shopper.me(due).order.is_some(), "an order");
}
