//! The demo store through its contract, natively: every rule that does not need a browser.
//! A "restart" opens a new store from the saved text, as a stopped Service Worker does.
use std::{cell::RefCell, rc::Rc};

use sale_store::{Catalog, InMemory, Persistence, Service, Store};
use store_contract::demo::{ClockChange, DemoSettings, DevState, Sms, StoreNotice};
use store_contract::*;

const SALE: &str = "k7-first-drop";
const CATALOG: &str = include_str!("../../../public/catalog.json");
/// Real time in these tests: the store only ever sees what it is given.
const T0: f64 = 1_800_000_000_000.0;

fn catalog() -> Catalog {
    Catalog::parse(CATALOG).expect("the shipped catalog parses")
}

fn small() -> DemoSettings {
    DemoSettings {
        crowd: Some(40),
        stock: Some(100),
        latency_ms: 0,
        seed: Some(1),
        ..DemoSettings::default()
    }
}

/// A store, the text it saved, and real time that the test moves.
struct Demo {
    service: Service<Rc<InMemory>>,
    saved: Rc<InMemory>,
    now: RefCell<f64>,
    /// Calls sent so far: each call's idempotency key is new, as a page's are.
    calls: std::cell::Cell<u64>,
}

impl Demo {
    fn fresh(settings: DemoSettings) -> Demo {
        let mut store = Store::open(catalog(), None, T0, [9; 32]);
        store.reset(settings, T0).expect("valid settings");
        let saved = Rc::new(InMemory::default());
        let demo = Demo {
            service: Service::new(store, saved.clone()),
            saved,
            now: RefCell::new(T0),
            calls: Default::default(),
        };
        pollster::block_on(demo.service.save(T0));
        demo
    }

    /// The store a restarted worker opens: only what was saved survives.
    fn restarted(&self) -> Demo {
        let now = *self.now.borrow();
        let text = self.saved.document.borrow().clone();
        let store = Store::open(catalog(), text.as_deref(), now, [8; 32]);
        let saved = Rc::new(InMemory {
            document: RefCell::new(text),
        });
        Demo {
            service: Service::new(store, saved.clone()),
            saved,
            now: RefCell::new(now),
            calls: self.calls.clone(),
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<String>,
    ) -> StoreResponse {
        let request = StoreRequest {
            method,
            path: path.into(),
            bearer: token.map(str::to_string),
            idempotency_key: key.map(str::to_string),
            body,
        };
        let now = *self.now.borrow();
        pollster::block_on(self.service.answer(&request, || now, |_| async {}))
            .expect("no faults in these tests")
    }

    fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<impl serde::Serialize>,
    ) -> Result<T, ApiError> {
        self.calls.set(self.calls.get() + 1);
        let key = method
            .changes_state()
            .then(|| format!("key-{}", self.calls.get()));
        let response = self.send(
            method,
            path,
            token,
            key.as_deref(),
            body.map(|b| serde_json::to_string(&b).unwrap()),
        );
        if response.status == 200 {
            Ok(serde_json::from_str(&response.body).expect("the contract's shape"))
        } else {
            Err(serde_json::from_str(&response.body).expect("an ApiError"))
        }
    }

    fn sign_in(&self, phone: &str) -> Session {
        let sent: CodeSent = self
            .call(
                Method::Post,
                "/api/auth/code",
                None,
                Some(CodeRequest {
                    phone: phone.into(),
                    language: None,
                }),
            )
            .unwrap();
        let inbox: Vec<Sms> = self
            .call(Method::Get, "/api/dev/inbox", None, None::<()>)
            .unwrap();
        let code: String = inbox
            .iter()
            .rev()
            .find(|m| m.phone == sent.phone)
            .unwrap()
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        self.call(
            Method::Post,
            "/api/auth/verify",
            None,
            Some(VerifyRequest {
                phone: sent.phone,
                code,
            }),
        )
        .unwrap()
    }

    fn me(&self, session: &Session) -> ShopperView {
        self.call(
            Method::Get,
            &format!("/api/sales/{SALE}/me"),
            Some(&session.token),
            None::<()>,
        )
        .unwrap()
    }

    fn detail(&self) -> SaleDetail {
        self.call(Method::Get, &format!("/api/sales/{SALE}"), None, None::<()>)
            .unwrap()
    }

    fn act(
        &self,
        session: &Session,
        method: Method,
        action: &str,
        body: Option<impl serde::Serialize>,
    ) -> Result<ShopperView, ApiError> {
        self.call(
            method,
            &format!("/api/sales/{SALE}/{action}"),
            Some(&session.token),
            body,
        )
    }

    /// Moves store time to `store_ms` (real time stands still; the demo's clock jumps).
    fn jump_to(&self, store_ms: u64) {
        let _: DevState = self
            .call(
                Method::Post,
                "/api/dev/clock",
                None,
                Some(ClockChange {
                    jump_to_ms: Some(store_ms),
                    speed: None,
                }),
            )
            .unwrap();
    }

    /// Lets `ms` of real time pass, running the store as a worker's background loop does.
    fn wait(&self, ms: f64) {
        *self.now.borrow_mut() += ms;
        let now = *self.now.borrow();
        assert!(pollster::block_on(
            self.service.run_slice(now, &mut || false)
        ));
    }
}

fn preference() -> Option<Preference> {
    Some(Preference {
        variant: 0,
        accept_other_variant: true,
    })
}

fn checkout() -> CheckoutRequest {
    let address = Address {
        name: "Ada".into(),
        line1: "1 Long Street".into(),
        city: "Leeds".into(),
        postcode: "LS1 4AP".into(),
        ..Default::default()
    };
    CheckoutRequest {
        variant: 0,
        address,
        payment: PaymentMethod::CardApproves,
    }
}

/// Registers, checks in before the start and waits until the shopper holds a unit.
fn reach_hold(demo: &Demo, session: &Session) -> ShopperView {
    let summary = demo.detail().summary;
    demo.act(session, Method::Post, "registration", None::<()>)
        .unwrap();
    demo.jump_to(summary.registration_closes + 1_000);
    demo.act(session, Method::Post, "queue", preference())
        .unwrap();
    demo.jump_to(summary.starts_at + 100);
    wait_for_hold(demo, session)
}

/// Runs the store until the shopper, in line, holds a unit.
fn wait_for_hold(demo: &Demo, session: &Session) -> ShopperView {
    for _ in 0..600 {
        let view = demo.me(session);
        if matches!(view.status, ShopperStatus::Holding { .. }) {
            return view;
        }
        demo.wait(100.0);
    }
    panic!("no hold after a minute: {:?}", demo.me(session));
}

#[test]
fn a_restart_at_every_step_lands_exactly_where_the_shopper_was() {
    let demo = Demo::fresh(small());
    let session = demo.sign_in("+447700900101");
    let same_after_restart = |demo: &Demo, expected: &ShopperView| {
        let restarted = demo.restarted();
        assert_eq!(
            &restarted.me(&session),
            expected,
            "the restarted store answers exactly as before"
        );
        restarted
    };
    let registered = demo
        .act(&session, Method::Post, "registration", None::<()>)
        .unwrap();
    assert!(registered.registration_number.is_some());
    let demo = same_after_restart(&demo, &registered);

    let summary = demo.detail().summary;
    demo.jump_to(summary.registration_closes + 1_000);
    let checked_in = demo
        .act(&session, Method::Post, "queue", preference())
        .unwrap();
    assert!(matches!(checked_in.status, ShopperStatus::PreQueue { .. }));
    let demo = same_after_restart(&demo, &checked_in);

    demo.jump_to(summary.starts_at + 100);
    let holding = wait_for_hold(&demo, &session);
    let demo = same_after_restart(&demo, &holding);

    let paying = demo
        .act(&session, Method::Post, "checkout", Some(checkout()))
        .unwrap();
    assert_eq!(
        paying.payment.as_ref().map(|p| &p.state),
        Some(&PaymentState::Pending)
    );
    let demo = same_after_restart(&demo, &paying);
    demo.wait(2_500.0);
    let ordered = demo.me(&session);
    assert!(
        ordered.order.is_some(),
        "the payment settled into an order: {ordered:?}"
    );
    same_after_restart(&demo, &ordered);
}

#[test]
fn pay_pressed_twice_within_milliseconds_makes_one_order() {
    let demo = Demo::fresh(small());
    let session = demo.sign_in("+447700900102");
    reach_hold(&demo, &session);
    // Two tabs, two clicks, two idempotency keys, the same instant.
    let body = serde_json::to_string(&checkout()).unwrap();
    let path = format!("/api/sales/{SALE}/checkout");
    let first = demo.send(
        Method::Post,
        &path,
        Some(&session.token),
        Some("tab-a"),
        Some(body.clone()),
    );
    let second = demo.send(
        Method::Post,
        &path,
        Some(&session.token),
        Some("tab-b"),
        Some(body),
    );
    assert_eq!(first.status, 200);
    assert_eq!(
        second.status, 409,
        "the second Pay is refused while the first is with the bank: {}",
        second.body
    );
    assert!(second.body.contains("payment_in_flight"));
    demo.wait(2_500.0);
    let orders: Vec<OrderView> = demo
        .call(Method::Get, "/api/orders", Some(&session.token), None::<()>)
        .unwrap();
    assert_eq!(orders.len(), 1);
    let restarted = demo.restarted();
    let orders_after: Vec<OrderView> = restarted
        .call(Method::Get, "/api/orders", Some(&session.token), None::<()>)
        .unwrap();
    assert_eq!(orders_after, orders);
}

#[test]
fn a_retried_call_gets_the_first_answer_and_acts_once() {
    let demo = Demo::fresh(small());
    let session = demo.sign_in("+447700900103");
    let path = format!("/api/sales/{SALE}/registration");
    let first = demo.send(
        Method::Post,
        &path,
        Some(&session.token),
        Some("same-key"),
        None,
    );
    let again = demo.restarted().send(
        Method::Post,
        &path,
        Some(&session.token),
        Some("same-key"),
        None,
    );
    assert_eq!(
        (first.status, &first.body),
        (again.status, &again.body),
        "a replay after a restart answers as the first time"
    );
    let other_key = demo.send(
        Method::Post,
        &path,
        Some(&session.token),
        Some("other-key"),
        None,
    );
    assert!(other_key.body.contains("already_registered"));
}

/// A code request for `phone` under `key`.
fn ask_code(demo: &Demo, phone: &str, key: &str) -> StoreResponse {
    let body = serde_json::to_string(&CodeRequest {
        phone: phone.into(),
        language: None,
    })
    .unwrap();
    demo.send(Method::Post, "/api/auth/code", None, Some(key), Some(body))
}

#[test]
fn a_key_reused_for_another_request_is_refused_and_the_first_answer_stands() {
    let demo = Demo::fresh(small());
    let first = ask_code(&demo, "+447700900111", "shared-key");
    assert_eq!(first.status, 200, "{}", first.body);
    let other = ask_code(&demo, "+447700900112", "shared-key");
    assert_eq!(other.status, 422, "{}", other.body);
    let error: ApiError = serde_json::from_str(&other.body).unwrap();
    assert_eq!(error.code, ErrorCode::IdempotencyKeyReused);
    // The refused call did nothing: the second number was sent no code.
    let inbox: Vec<Sms> = demo
        .call(Method::Get, "/api/dev/inbox", None, None::<()>)
        .unwrap();
    assert!(inbox.iter().all(|m| m.phone != "+447700900112"));
    let retried = ask_code(&demo, "+447700900111", "shared-key");
    assert_eq!((retried.status, &retried.body), (200, &first.body));
}

#[test]
fn a_key_longer_than_255_characters_is_refused_with_what_to_fix() {
    let demo = Demo::fresh(small());
    let longest = "k".repeat(255);
    assert_eq!(ask_code(&demo, "+447700900113", &longest).status, 200);
    let too_long = ask_code(&demo, "+447700900114", &"k".repeat(256));
    assert_eq!(too_long.status, 400, "{}", too_long.body);
    let error: ApiError = serde_json::from_str(&too_long.body).unwrap();
    assert!(
        error.message.contains("256 characters") && error.message.contains("at most 255"),
        "{}",
        error.message
    );
}

#[test]
fn each_shopper_has_their_own_keys() {
    let demo = Demo::fresh(small());
    let (ann, bob) = (demo.sign_in("+447700900115"), demo.sign_in("+447700900116"));
    let path = format!("/api/sales/{SALE}/registration");
    let register =
        |session: &Session| demo.send(Method::Post, &path, Some(&session.token), Some("k1"), None);
    let (for_ann, for_bob) = (register(&ann), register(&bob));
    assert_eq!((for_ann.status, for_bob.status), (200, 200));
    let number = |body: &str| {
        serde_json::from_str::<ShopperView>(body)
            .unwrap()
            .registration_number
    };
    assert_ne!(
        number(&for_ann.body),
        number(&for_bob.body),
        "two registrations"
    );
}

#[test]
fn a_retried_sign_in_gets_its_token_back_and_no_token_is_saved() {
    let demo = Demo::fresh(small());
    let sent = ask_code(&demo, "+447700900117", "code-key");
    assert_eq!(sent.status, 200);
    let code = {
        let inbox: Vec<Sms> = demo
            .call(Method::Get, "/api/dev/inbox", None, None::<()>)
            .unwrap();
        let text = &inbox.last().unwrap().text;
        text.chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect::<String>()
    };
    let verify = serde_json::to_string(&VerifyRequest {
        phone: "+447700900117".into(),
        code,
    })
    .unwrap();
    let send = |demo: &Demo| {
        demo.send(
            Method::Post,
            "/api/auth/verify",
            None,
            Some("verify-key"),
            Some(verify.clone()),
        )
    };
    let first = send(&demo);
    assert_eq!(first.status, 200, "{}", first.body);
    let again = send(&demo.restarted());
    assert_eq!((again.status, &again.body), (200, &first.body));
    let session: Session = serde_json::from_str(&first.body).unwrap();
    let saved = demo.saved.document.borrow().clone().unwrap();
    assert!(
        !saved.contains(&session.token),
        "the token is not written down"
    );
    assert_eq!(
        demo.me(&session).sale_id,
        SALE,
        "and it signs the shopper in"
    );
}

#[test]
fn an_answer_is_kept_for_a_day_after_its_sale_ends_and_then_forgotten() {
    let demo = Demo::fresh(small());
    let session = demo.sign_in("+447700900118");
    let path = format!("/api/sales/{SALE}/registration");
    let register = || demo.send(Method::Post, &path, Some(&session.token), Some("reg"), None);
    let first = register();
    assert_eq!(first.status, 200, "{}", first.body);
    let ends = demo.detail().summary.ends_at;
    let day = 24 * 60 * 60 * 1_000;
    demo.jump_to(ends + day);
    assert_eq!(
        register().body,
        first.body,
        "kept a day past the sale's end"
    );
    demo.jump_to(ends + day + 1_000);
    let later = register();
    let error: ApiError = serde_json::from_str(&later.body).unwrap();
    assert_eq!(
        (later.status, error.code.as_str()),
        (409, "registration_closed"),
        "forgotten: the call is answered afresh, long after registration closed"
    );
}

#[test]
fn corrupt_old_or_foreign_data_starts_afresh_with_a_notice() {
    for (raw, said) in [
        ("{not json", "could not be read"),
        (r#"{"version": 99, "whatever": true}"#, "another version"),
        (r#"{"version": 1, "revision": 3}"#, "another version"),
        ("[1, 2, 3]", "could not be read"),
    ] {
        let mut store = Store::open(catalog(), Some(raw), T0, [1; 32]);
        let request = StoreRequest {
            method: Method::Get,
            path: "/api/dev/notices".into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        };
        let notices: Vec<StoreNotice> =
            serde_json::from_str(&store.handle(&request, T0).body).unwrap();
        assert_eq!(notices.len(), 1, "{raw}");
        assert!(notices[0].text.contains(said), "{raw}: {}", notices[0].text);
        assert!(
            store.take_unsaved().is_some(),
            "the fresh start is saved over the bad data"
        );
    }
}

/// Storage that refuses every write, like a full or blocked IndexedDB.
struct Refusing;

impl Persistence for Refusing {
    async fn save(&self, _: String) -> Result<(), String> {
        Err("quota exceeded".into())
    }
}

#[test]
fn storage_that_refuses_writes_keeps_the_store_answering_and_says_so_once() {
    let service = Service::new(Store::open(catalog(), None, T0, [2; 32]), Refusing);
    let ask = |method, path: &str| {
        let request = StoreRequest {
            method,
            path: path.into(),
            bearer: None,
            idempotency_key: Some(path.into()),
            body: None,
        };
        pollster::block_on(service.answer(&request, || T0, |_| async {})).unwrap()
    };
    assert_eq!(ask(Method::Post, "/api/dev/reset").status, 200);
    assert_eq!(ask(Method::Post, "/api/dev/reset?again").status, 200);
    let notices: Vec<StoreNotice> =
        serde_json::from_str(&ask(Method::Get, "/api/dev/notices").body).unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].text.contains("quota exceeded"));
}

#[test]
fn a_seed_replays_codes_tokens_faults_and_the_draw_and_no_seed_is_secret() {
    let run = |settings: DemoSettings, entropy: u8| {
        let mut store = Store::open(catalog(), None, T0, [entropy; 32]);
        store.reset(settings.clone(), T0).unwrap();
        let demo = Demo {
            service: Service::new(store, Rc::new(InMemory::default())),
            saved: Rc::default(),
            now: RefCell::new(T0),
            calls: Default::default(),
        };
        let session = demo.sign_in("+447700900104");
        let inbox: Vec<Sms> = demo
            .call(Method::Get, "/api/dev/inbox", None, None::<()>)
            .unwrap();
        let summary = demo.detail().summary;
        demo.jump_to(summary.registration_closes);
        let fingerprint = demo.detail().commitment.unwrap();
        let faulty = DemoSettings {
            faults: 0.5,
            ..settings
        };
        let _: DevState = demo
            .call(Method::Put, "/api/dev/settings", None, Some(faulty))
            .unwrap();
        let request = StoreRequest {
            method: Method::Get,
            path: "/api/time".into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        };
        let fates: Vec<_> = (0..30)
            .map(|_| demo.service.store.borrow_mut().passage(&request, T0).fault)
            .collect();
        (inbox[0].text.clone(), session.token, fingerprint, fates)
    };
    let seeded = DemoSettings {
        seed: Some(77),
        ..small()
    };
    let first = run(seeded.clone(), 1);
    assert_eq!(
        first,
        run(seeded.clone(), 2),
        "the same ?seed= replays everything, whatever the platform's entropy"
    );
    assert!(first.3.iter().any(Option::is_some) && first.3.iter().any(Option::is_none));
    let other = run(
        DemoSettings {
            seed: Some(78),
            ..seeded.clone()
        },
        1,
    );
    assert_ne!(
        (&first.0, &first.2, &first.3),
        (&other.0, &other.2, &other.3)
    );
    let secret = DemoSettings {
        seed: None,
        ..seeded
    };
    assert_ne!(
        run(secret.clone(), 3).2,
        run(secret, 4).2,
        "without a seed the draw comes from the platform's entropy"
    );
}

#[test]
fn settings_out_of_range_are_refused_with_a_sentence() {
    let demo = Demo::fresh(small());
    let too_fast = DemoSettings {
        speed: 500.0,
        ..small()
    };
    let refused = demo
        .call::<DevState>(Method::Put, "/api/dev/settings", None, Some(too_fast))
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (422, ErrorCode::BadSettings)
    );
    assert!(
        refused.message.contains("speed takes 1 to 60"),
        "{}",
        refused.message
    );
    let state: DevState = demo
        .call(Method::Get, "/api/dev/state", None, None::<()>)
        .unwrap();
    assert_eq!(state.settings.speed, 1.0);
}

#[test]
fn an_unknown_path_or_a_missing_session_gets_the_contracts_error() {
    let demo = Demo::fresh(small());
    let nothing = demo.send(Method::Get, "/api/nowhere", None, None, None);
    assert_eq!(nothing.status, 404);
    let error: ApiError = serde_json::from_str(&nothing.body).unwrap();
    assert_eq!(error.code, ErrorCode::NotFound);
    let anonymous = demo
        .call::<ShopperView>(
            Method::Get,
            &format!("/api/sales/{SALE}/me"),
            Some("forged"),
            None::<()>,
        )
        .unwrap_err();
    assert_eq!(
        (anonymous.status, anonymous.code.clone()),
        (401, ErrorCode::SignIn)
    );
}

/// Lets the sale run until the waiting room has been drawn (the engine draws at its first
/// step after the start, which the crowd's next arrival brings).
fn wait_for_the_draw(demo: &Demo, session: &Session) {
    for _ in 0..600 {
        if !matches!(demo.me(session).status, ShopperStatus::PreQueue { .. }) {
            return;
        }
        demo.wait(100.0);
    }
    panic!("not drawn after a minute: {:?}", demo.me(session));
}

/// The draw record over the contract: nothing before registration closes, then the
/// fingerprint, the checked-in tickets from the start, and the seed once the sale has ended;
/// it verifies, and a swap of two admissions is caught at the first one.
#[test]
fn the_draw_record_is_published_step_by_step_and_verifies() {
    let demo = Demo::fresh(small());
    let path = format!("/api/sales/{SALE}/draw");
    let draw = || demo.call::<DrawRecord>(Method::Get, &path, None, None::<()>);
    let summary = demo.detail().summary;
    assert_eq!(draw().unwrap_err().code, ErrorCode::DrawNotPublished);

    let session = demo.sign_in("+447700900001");
    demo.act(&session, Method::Post, "registration", None::<()>)
        .unwrap();
    demo.jump_to(summary.registration_closes + 1_000);
    demo.act(&session, Method::Post, "queue", preference())
        .unwrap();
    let before = draw().unwrap();
    assert_eq!(Some(&before.fingerprint), demo.detail().commitment.as_ref());
    assert!(before.checked_in.is_empty() && before.admitted.is_empty() && before.seed.is_none());
    assert_eq!(
        fair_draw::verify(&before, None),
        fair_draw::Verdict::AwaitingSeed
    );

    demo.jump_to(summary.starts_at + 100);
    wait_for_the_draw(&demo, &session);
    let during = draw().unwrap();
    assert!(during
        .checked_in
        .contains(&demo.me(&session).ticket.unwrap()));
    assert_eq!(during.seed, None, "the seed stays secret until the end");

    demo.jump_to(summary.ends_at + 1_000);
    let after = draw().unwrap();
    assert_eq!(after.fingerprint, before.fingerprint);
    assert_eq!(after.checked_in, during.checked_in);
    let seed = fair_draw::seed_from_hex(after.seed.as_deref().unwrap()).unwrap();
    assert_eq!(fair_draw::sha256_hex(&seed), after.fingerprint);
    assert!(after.admitted.len() >= 2, "the crowd bought: {after:?}");
    assert_eq!(
        fair_draw::verify(&after, None).to_string(),
        format!(
            "Verified: {} admissions follow the draw.",
            after.admitted.len()
        )
    );

    let mut swapped = after.clone();
    swapped.admitted.swap(0, 1);
    assert_eq!(
        fair_draw::verify(&swapped, None).to_string(),
        format!(
            "Mismatch at admission 1: the draw puts ticket {} there, the store admitted ticket {}.",
            after.admitted[0], after.admitted[1]
        )
    );
}

/// The place a shopper in line is shown is where the published draw puts their ticket.
#[test]
fn the_place_shown_in_line_is_where_the_draw_record_puts_the_ticket() {
    // More shoppers than one admission can clear at once, so the shopper waits a moment.
    let demo = Demo::fresh(DemoSettings {
        crowd: Some(400),
        ..small()
    });
    let summary = demo.detail().summary;
    let session = demo.sign_in("+447700900002");
    demo.act(&session, Method::Post, "registration", None::<()>)
        .unwrap();
    demo.jump_to(summary.registration_closes + 1_000);
    demo.act(&session, Method::Post, "queue", preference())
        .unwrap();
    demo.jump_to(summary.starts_at + 100);
    wait_for_the_draw(&demo, &session);
    let ShopperStatus::Waiting { ticket, place, .. } = demo.me(&session).status else {
        panic!("in line at the start: {:?}", demo.me(&session));
    };
    demo.jump_to(summary.ends_at + 1_000);
    let record: DrawRecord = demo
        .call(
            Method::Get,
            &format!("/api/sales/{SALE}/draw"),
            None,
            None::<()>,
        )
        .unwrap();
    assert!(
        fair_draw::verify(&record, Some((ticket, place))).is_verified(),
        "ticket {ticket} at place {place}"
    );
    let elsewhere = fair_draw::verify(&record, Some((ticket, place + 1)));
    assert!(
        matches!(
            elsewhere,
            fair_draw::Verdict::Failed(fair_draw::Failure::ShownPlace { .. })
        ),
        "{elsewhere}"
    );
}

#[test]
fn a_settings_change_that_would_undo_what_shoppers_did_is_refused() {
    let demo = Demo::fresh(small());
    let session = demo.sign_in("+447700900401");
    reach_hold(&demo, &session);
    demo.act(&session, Method::Post, "checkout", Some(checkout()))
        .unwrap();
    // Three units for a crowd of 40: replayed, this shopper's hold and checkout would not happen.
    let fewer = DemoSettings {
        stock: Some(3),
        ..small()
    };
    let refused = demo
        .call::<DevState>(Method::Put, "/api/dev/settings", None, Some(fewer))
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (422, ErrorCode::BadSettings),
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains("would undo"),
        "{}",
        refused.message
    );
    let state: DevState = demo
        .call(Method::Get, "/api/dev/state", None, None::<()>)
        .unwrap();
    assert_eq!(
        state.settings.stock,
        Some(100),
        "the demo keeps its settings"
    );
    assert!(matches!(
        demo.me(&session).status,
        ShopperStatus::Holding { .. } | ShopperStatus::Ordered { .. }
    ));
}

#[test]
fn a_read_changes_nothing_and_a_command_is_reported_changed_once() {
    let mut store = Store::open(catalog(), None, T0, [9; 32]);
    assert!(store.take_changed(), "a fresh store has never been saved");
    assert!(!store.take_changed(), "reported once");
    let read = StoreRequest {
        method: Method::Get,
        path: format!("/api/sales/{SALE}"),
        bearer: None,
        idempotency_key: None,
        body: None,
    };
    assert_eq!(store.handle(&read, T0 + 10.0).status, 200);
    assert!(
        !store.take_changed(),
        "a read before anything is due changes nothing"
    );
    let command = StoreRequest {
        method: Method::Post,
        path: "/api/auth/code".into(),
        bearer: None,
        idempotency_key: Some("k1".into()),
        body: Some(r#"{"phone":"+447700900111"}"#.into()),
    };
    assert_eq!(store.handle(&command, T0 + 20.0).status, 200);
    assert!(store.take_changed());
    assert!(!store.take_changed());
}
