//! The operator's calls through the demo store's contract, natively: signing in with the
//! key, making and changing drops by the drop rules, steering a live sale and what its
//! shoppers see of it, the orders as CSV and the draw record. Store time moves only by the
//! dev clock's jumps: no test sleeps.
use std::{cell::RefCell, rc::Rc};

use sale_store::{Catalog, InMemory, Service, Store};
use store_contract::demo::{ClockChange, DemoSettings, DevState, Sms};
use store_contract::operator::*;
use store_contract::*;

const CATALOG: &str = include_str!("../../../public/catalog.json");
const T0: f64 = 1_800_000_000_000.0;
const KEY: &str = "demo-operator";
const DROP: &str = "k8-drop";

struct Demo {
    service: Service<Rc<InMemory>>,
    saved: Rc<InMemory>,
    calls: std::cell::Cell<u64>,
}

impl Demo {
    fn fresh() -> Demo {
        let catalog = Catalog::parse(CATALOG).unwrap();
        let mut store = Store::open(catalog, None, T0, [9; 32]);
        let settings = DemoSettings {
            crowd: Some(0),
            seed: Some(3),
            latency_ms: 0,
            ..DemoSettings::default()
        };
        store.reset(settings, T0).unwrap();
        store.with_demo_operator();
        let saved = Rc::new(InMemory::default());
        let demo = Demo {
            service: Service::new(store, saved.clone()),
            saved,
            calls: Default::default(),
        };
        pollster::block_on(demo.service.save(T0));
        demo
    }

    /// The store a restarted worker opens from what was saved.
    fn restarted(&self) -> Demo {
        let text = self.saved.document.borrow().clone();
        let catalog = Catalog::parse(CATALOG).unwrap();
        let mut store = Store::open(catalog, text.as_deref(), T0, [8; 32]);
        store.with_demo_operator();
        let saved = Rc::new(InMemory {
            document: RefCell::new(text),
        });
        Demo {
            service: Service::new(store, saved.clone()),
            saved,
            calls: self.calls.clone(),
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        key: Option<String>,
        body: Option<String>,
    ) -> StoreResponse {
        let request = StoreRequest {
            method,
            path: path.into(),
            bearer: token.map(str::to_string),
            idempotency_key: key,
            body,
        };
        pollster::block_on(self.service.answer(&request, || T0, |_| async {})).unwrap()
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
        let body = body.map(|b| serde_json::to_string(&b).unwrap());
        let response = self.send(method, path, token, key, body);
        if response.status == 200 {
            Ok(serde_json::from_str(&response.body).expect("the contract's shape"))
        } else {
            Err(serde_json::from_str(&response.body).expect("an ApiError"))
        }
    }

    fn now(&self) -> Millis {
        let time: StoreTime = self
            .call(Method::Get, "/api/time", None, None::<()>)
            .unwrap();
        time.now_ms
    }

    fn jump_to(&self, store_ms: Millis) {
        let change = ClockChange {
            jump_to_ms: Some(store_ms),
            speed: None,
        };
        let _: DevState = self
            .call(Method::Post, "/api/dev/clock", None, Some(change))
            .unwrap();
    }

    fn operator(&self) -> String {
        let session: OperatorSession = self
            .call(
                Method::Post,
                "/api/operator/session",
                None,
                Some(OperatorKey { key: KEY.into() }),
            )
            .unwrap();
        session.token
    }

    fn shopper(&self, phone: &str) -> Session {
        let request = CodeRequest {
            phone: phone.into(),
            language: None,
        };
        let _: CodeSent = self
            .call(Method::Post, "/api/auth/code", None, Some(request))
            .unwrap();
        let inbox: Vec<Sms> = self
            .call(Method::Get, "/api/dev/inbox", None, None::<()>)
            .unwrap();
        let code: String = inbox
            .iter()
            .rev()
            .find(|m| m.phone == phone)
            .unwrap()
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        let verify = VerifyRequest {
            phone: phone.into(),
            code,
        };
        self.call(Method::Post, "/api/auth/verify", None, Some(verify))
            .unwrap()
    }

    fn shop<T: serde::de::DeserializeOwned>(
        &self,
        who: &Session,
        method: Method,
        call: &str,
        body: Option<impl serde::Serialize>,
    ) -> Result<T, ApiError> {
        let path = format!("/api/sales/{DROP}/{call}");
        self.call(method, &path, Some(&who.token), body)
    }

    fn me(&self, who: &Session) -> ShopperView {
        self.shop(who, Method::Get, "me", None::<()>).unwrap()
    }

    fn detail(&self) -> SaleDetail {
        self.call(Method::Get, &format!("/api/sales/{DROP}"), None, None::<()>)
            .unwrap()
    }

    fn create(&self, token: &str, drop: &Drop) -> Result<DropRow, ApiError> {
        self.call(Method::Post, "/api/operator/sales", Some(token), Some(drop))
    }

    fn change(&self, token: &str, drop: &Drop, note: Note) -> Result<DropRow, ApiError> {
        let change = DropChange {
            drop: drop.clone(),
            note,
        };
        self.call(
            Method::Put,
            &format!("/api/operator/sales/{DROP}"),
            Some(token),
            Some(change),
        )
    }

    fn steer(&self, token: &str, steer: Steer) -> Result<LiveSale, ApiError> {
        self.call(
            Method::Post,
            &format!("/api/operator/sales/{DROP}/steer"),
            Some(token),
            Some(steer),
        )
    }

    fn live(&self, token: &str) -> LiveSale {
        self.call(
            Method::Get,
            &format!("/api/operator/sales/{DROP}/live"),
            Some(token),
            None::<()>,
        )
        .unwrap()
    }
}

/// A drop whose registration opens in a second, closes in a minute, starts in two and admits
/// one shopper a second.
fn drop_from(now: Millis) -> Drop {
    Drop {
        id: DROP.into(),
        product: "Kestrel K8".into(),
        product_zh_cn: "Kestrel K8 手机".into(),
        tagline: "The next one.".into(),
        tagline_zh_cn: "下一部。".into(),
        description: "A phone.".into(),
        description_zh_cn: "一部手机。".into(),
        image: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4="
            .into(),
        currency: "CNY".into(),
        variants: vec![DropVariant {
            id: "k8-black".into(),
            name: "Black".into(),
            name_zh_cn: "黑色".into(),
            colour: "#101010".into(),
            stock: 5,
            price_cents: 199_900,
        }],
        registration_opens: now + 1_000,
        registration_closes: now + 60_000,
        starts_at: now + 120_000,
        ends_at: now + 3_600_000,
        hold_seconds: 180,
        hold_extension_seconds: Some(60),
        per_account_limit: 1,
        admission_per_second: 1,
    }
}

fn note(en: &str) -> Note {
    Note {
        en: en.into(),
        zh_cn: format!("{en}（中文）"),
    }
}

/// The drop made, and `n` shoppers registered, checked in and in line at its start.
fn live_with(demo: &Demo, token: &str, n: u32) -> (Drop, Vec<Session>) {
    let drop = drop_from(demo.now());
    demo.create(token, &drop).unwrap();
    demo.jump_to(drop.registration_opens);
    let shoppers: Vec<Session> = (0..n)
        .map(|i| demo.shopper(&format!("+4477009002{i:02}")))
        .collect();
    for s in &shoppers {
        let _: ShopperView = demo
            .shop(s, Method::Post, "registration", None::<()>)
            .unwrap();
    }
    demo.jump_to(drop.registration_closes);
    let pref = Preference {
        variant: 0,
        accept_other_variant: false,
    };
    for s in &shoppers {
        let _: ShopperView = demo.shop(s, Method::Post, "queue", Some(pref)).unwrap();
    }
    demo.jump_to(drop.starts_at);
    (drop, shoppers)
}

fn waiting_position(view: &ShopperView) -> Option<u32> {
    match view.status {
        ShopperStatus::Waiting { position, .. } => Some(position),
        _ => None,
    }
}

#[test]
fn the_right_key_gives_an_operator_session() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let rows: Vec<DropRow> = demo
        .call(Method::Get, "/api/operator/sales", Some(&token), None::<()>)
        .unwrap();
    assert_eq!(rows.len(), 3, "the catalog's three drops");
}

#[test]
fn a_wrong_key_says_how_many_tries_are_left() {
    let demo = Demo::fresh();
    let wrong = OperatorKey {
        key: "guess".into(),
    };
    let refused = demo
        .call::<OperatorSession>(Method::Post, "/api/operator/session", None, Some(wrong))
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone(), refused.tries_left),
        (401, ErrorCode::WrongKey, Some(KEY_TRIES - 1))
    );
}

#[test]
fn wrong_keys_lock_the_sign_in() {
    let demo = Demo::fresh();
    for _ in 1..KEY_TRIES {
        let wrong = OperatorKey {
            key: "guess".into(),
        };
        let _ =
            demo.call::<OperatorSession>(Method::Post, "/api/operator/session", None, Some(wrong));
    }
    let wrong = OperatorKey {
        key: "guess".into(),
    };
    let locked = demo
        .call::<OperatorSession>(Method::Post, "/api/operator/session", None, Some(wrong))
        .unwrap_err();
    assert_eq!(
        (locked.status, locked.code.clone()),
        (429, ErrorCode::Locked)
    );
    assert!(locked.retry_after_ms.is_some_and(|ms| ms > 0));
    let right = OperatorKey { key: KEY.into() };
    let still = demo
        .call::<OperatorSession>(Method::Post, "/api/operator/session", None, Some(right))
        .unwrap_err();
    assert_eq!(still.status, 429, "even the right key waits out the lock");
}

#[test]
fn no_token_is_asked_to_sign_in() {
    let demo = Demo::fresh();
    let refused = demo
        .call::<Vec<DropRow>>(Method::Get, "/api/operator/sales", None, None::<()>)
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (401, ErrorCode::OperatorSignIn)
    );
}

#[test]
fn a_shoppers_token_is_not_the_operators() {
    let demo = Demo::fresh();
    let shopper = demo.shopper("+447700900301");
    let refused = demo
        .call::<Vec<DropRow>>(
            Method::Get,
            "/api/operator/sales",
            Some(&shopper.token),
            None::<()>,
        )
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (403, ErrorCode::NotOperator)
    );
}

#[test]
fn each_kind_of_problem_is_refused_with_its_field() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let now = demo.now();
    type Spoil = fn(&mut Drop);
    let cases: [(Spoil, &str); 10] = [
        (|d| d.id = "K8!".into(), "id"),
        (|d| d.product_zh_cn = " ".into(), "product_zh-CN"),
        (|d| d.image = "/etc/passwd".into(), "image"),
        (|d| d.currency = "yuan".into(), "currency"),
        (|d| d.variants.clear(), "variants"),
        (
            |d| d.variants[0].colour = "black".into(),
            "variants.0.colour",
        ),
        (
            |d| d.registration_closes = d.starts_at + 1,
            "registration_closes",
        ),
        (|d| d.hold_seconds = 1, "hold_seconds"),
        (|d| d.per_account_limit = 0, "per_account_limit"),
        (|d| d.admission_per_second = 0, "admission_per_second"),
    ];
    for (spoil, field) in cases {
        let mut drop = drop_from(now);
        spoil(&mut drop);
        let refused = demo.create(&token, &drop).unwrap_err();
        assert_eq!(
            (
                refused.status,
                refused.code.clone(),
                refused.subject.as_deref()
            ),
            (422, ErrorCode::InvalidDrop, Some(field)),
            "{}",
            refused.message
        );
    }
    let mut past = drop_from(now);
    past.registration_opens = now - 3_000;
    past.registration_closes = now - 2_000;
    past.starts_at = now - 1;
    let refused = demo.create(&token, &past).unwrap_err();
    assert_eq!(
        refused.subject.as_deref(),
        Some("starts_at"),
        "{}",
        refused.message
    );
}

#[test]
fn a_second_drop_at_the_same_address_is_refused() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let mut drop = drop_from(demo.now());
    drop.id = "k7-first-drop".into();
    let refused = demo.create(&token, &drop).unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (409, ErrorCode::DropExists)
    );
}

#[test]
fn a_new_drop_is_on_sale_to_shoppers_with_its_image_and_chinese_texts() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let drop = drop_from(demo.now());
    demo.create(&token, &drop).unwrap();
    let sales: Vec<SaleSummary> = demo
        .call(Method::Get, "/api/sales", None, None::<()>)
        .unwrap();
    let made = sales.iter().find(|s| s.id == DROP).expect("listed");
    assert_eq!(
        (made.image.as_str(), made.tagline_in("zh-CN")),
        (drop.image.as_str(), "下一部。")
    );
    let back: Drop = demo
        .call(
            Method::Get,
            &format!("/api/operator/sales/{DROP}"),
            Some(&token),
            None::<()>,
        )
        .unwrap();
    assert_eq!(back, drop);
}

#[test]
fn stock_below_what_is_held_and_sold_is_refused() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (mut drop, _) = live_with(&demo, &token, 3);
    demo.jump_to(drop.starts_at + 2_000);
    let live = demo.live(&token);
    assert_eq!(live.variants[0].held, 3, "{live:?}");
    drop.variants[0].stock = live.variants[0].held - 1;
    let refused = demo.change(&token, &drop, Note::default()).unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (409, ErrorCode::ChangeRefused),
        "{}",
        refused.message
    );
}

#[test]
fn stock_may_grow_once_public() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (mut drop, _) = live_with(&demo, &token, 2);
    drop.variants[0].stock = 50;
    demo.change(&token, &drop, Note::default()).unwrap();
    assert_eq!(demo.live(&token).variants[0].stock, 50);
}

/// A drop made, and its registration open.
fn public_drop(demo: &Demo, token: &str) -> Drop {
    let drop = drop_from(demo.now());
    demo.create(token, &drop).unwrap();
    demo.jump_to(drop.registration_opens);
    drop
}

fn later(drop: &Drop, ms: Millis) -> Drop {
    let mut moved = drop.clone();
    moved.registration_closes += ms;
    moved.starts_at += ms;
    moved.ends_at += ms;
    moved
}

#[test]
fn a_public_schedule_may_not_move_earlier() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let drop = public_drop(&demo, &token);
    let mut earlier = drop.clone();
    earlier.starts_at -= 10_000;
    let refused = demo.change(&token, &earlier, note("Sooner.")).unwrap_err();
    assert_eq!(refused.code, ErrorCode::ChangeRefused);
    assert!(
        refused.message.contains("only move later"),
        "{}",
        refused.message
    );
}

#[test]
fn a_later_schedule_needs_a_note() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let drop = public_drop(&demo, &token);
    let refused = demo
        .change(&token, &later(&drop, 600_000), Note::default())
        .unwrap_err();
    assert!(
        refused.message.contains("Tell registered shoppers"),
        "{}",
        refused.message
    );
}

#[test]
fn a_later_schedule_with_a_note_is_shown_to_shoppers() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let drop = public_drop(&demo, &token);
    let moved = later(&drop, 600_000);
    demo.change(&token, &moved, note("The batch is late."))
        .unwrap();
    let detail = demo.detail();
    assert_eq!(detail.summary.starts_at, moved.starts_at);
    let rescheduled = detail.news.rescheduled.expect("the news says why");
    assert_eq!(
        (rescheduled.was_starts_at, rescheduled.note.en.as_str()),
        (drop.starts_at, "The batch is late.")
    );
}

#[test]
fn no_schedule_change_once_registration_has_closed() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let drop = public_drop(&demo, &token);
    demo.jump_to(drop.registration_closes);
    let refused = demo
        .change(&token, &later(&drop, 600_000), note("Late."))
        .unwrap_err();
    assert!(
        refused.message.contains("fingerprint is published"),
        "{}",
        refused.message
    );
}

#[test]
fn a_cancelled_drop_tells_its_shoppers_why() {
    let demo = Demo::fresh();
    let token = demo.operator();
    public_drop(&demo, &token);
    let row: DropRow = demo
        .call(
            Method::Delete,
            &format!("/api/operator/sales/{DROP}"),
            Some(&token),
            Some(note("No stock came.")),
        )
        .unwrap();
    assert!(row.stopped_at.is_some());
    assert_eq!(row.phase, Phase::Ended);
    let stopped = demo.detail().news.stopped.expect("shoppers are told");
    assert!(stopped.before_start);
    assert_eq!(stopped.note.en, "No stock came.");
}

#[test]
fn a_paused_line_shows_its_shoppers_the_pause_and_keeps_their_places() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (drop, shoppers) = live_with(&demo, &token, 4);
    let last = shoppers
        .iter()
        .max_by_key(|s| waiting_position(&demo.me(s)))
        .unwrap();
    let before = waiting_position(&demo.me(last)).expect("in line");
    demo.steer(&token, Steer::Pause).unwrap();
    demo.jump_to(drop.starts_at + 30_000);
    let view = demo.me(last);
    assert_eq!(
        waiting_position(&view),
        Some(before),
        "no place moves while paused"
    );
    assert!(view.news.paused_since.is_some());
}

#[test]
fn a_resumed_line_moves_again() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (drop, _) = live_with(&demo, &token, 4);
    demo.steer(&token, Steer::Pause).unwrap();
    demo.jump_to(drop.starts_at + 30_000);
    let live = demo.steer(&token, Steer::Resume).unwrap();
    assert_eq!(live.news.paused_since, None);
    let admitted = live.admitted;
    demo.jump_to(drop.starts_at + 32_000);
    assert_eq!(
        demo.live(&token).admitted,
        admitted + 2,
        "one a second after the resume"
    );
}

#[test]
fn a_pause_of_a_paused_line_is_refused() {
    let demo = Demo::fresh();
    let token = demo.operator();
    live_with(&demo, &token, 1);
    demo.steer(&token, Steer::Pause).unwrap();
    let refused = demo.steer(&token, Steer::Pause).unwrap_err();
    assert_eq!(
        (refused.status, refused.code.clone()),
        (409, ErrorCode::SteerRefused)
    );
}

#[test]
fn a_new_rate_applies_from_now() {
    let demo = Demo::fresh();
    let token = demo.operator();
    live_with(&demo, &token, 2);
    let live = demo.steer(&token, Steer::Rate { per_second: 7 }).unwrap();
    assert_eq!(live.admission_per_second, 7);
}

#[test]
fn an_ended_sale_tells_its_line_they_missed_it_and_why() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (_, shoppers) = live_with(&demo, &token, 4);
    let waiting = shoppers
        .iter()
        .find(|s| waiting_position(&demo.me(s)).is_some())
        .unwrap();
    demo.steer(
        &token,
        Steer::End {
            note: note("Ended early."),
        },
    )
    .unwrap();
    let view = demo.me(waiting);
    assert_eq!(view.status, ShopperStatus::Missed);
    assert_eq!(
        view.news.stopped.map(|s| s.note.en),
        Some("Ended early.".to_string())
    );
}

#[test]
fn an_announcement_is_on_every_page_until_taken_down() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (_, shoppers) = live_with(&demo, &token, 1);
    demo.steer(
        &token,
        Steer::Announce {
            note: note("Two more minutes."),
        },
    )
    .unwrap();
    assert_eq!(
        demo.me(&shoppers[0]).news.announcement.map(|n| n.en),
        Some("Two more minutes.".into())
    );
    demo.steer(
        &token,
        Steer::Announce {
            note: Note::default(),
        },
    )
    .unwrap();
    assert_eq!(demo.detail().news.announcement, None);
}

#[test]
fn the_orders_csv_holds_an_order_after_a_purchase() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (drop, shoppers) = live_with(&demo, &token, 1);
    let address = Address {
        name: "Ada, \"A\" Lovelace".into(),
        line1: "1 Long Street".into(),
        city: "Leeds".into(),
        postcode: "LS1 4AP".into(),
        ..Default::default()
    };
    let checkout = CheckoutRequest {
        variant: 0,
        address,
        payment: PaymentMethod::CardApproves,
    };
    let _: ShopperView = demo
        .shop(&shoppers[0], Method::Post, "checkout", Some(checkout))
        .unwrap();
    demo.jump_to(drop.starts_at + 5_000);
    let answer = demo.send(
        Method::Get,
        &format!("/api/operator/sales/{DROP}/orders.csv"),
        Some(&token),
        None,
        None,
    );
    assert_eq!(
        (
            answer.status,
            answer.content_type("/api/operator/sales/k8-drop/orders.csv")
        ),
        (200, "text/csv; charset=utf-8")
    );
    let lines: Vec<&str> = answer.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", answer.body);
    assert!(lines[0].starts_with("number,variant,price,currency,time,name"));
    assert!(
        lines[1].contains(",Black,1999.00,CNY,")
            && lines[1].contains("\"Ada, \"\"A\"\" Lovelace\""),
        "{}",
        lines[1]
    );
}

#[test]
fn the_draw_record_lists_the_pause_and_verifies() {
    let demo = Demo::fresh();
    let token = demo.operator();
    let (drop, _) = live_with(&demo, &token, 4);
    demo.steer(&token, Steer::Pause).unwrap();
    demo.jump_to(drop.starts_at + 10_000);
    demo.steer(&token, Steer::Resume).unwrap();
    demo.steer(
        &token,
        Steer::End {
            note: note("Done."),
        },
    )
    .unwrap();
    let record: DrawRecord = demo
        .call(
            Method::Get,
            &format!("/api/sales/{DROP}/draw"),
            None,
            None::<()>,
        )
        .unwrap();
    let actions: Vec<&str> = record
        .operator_actions
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(actions, ["pause", "resume", "end"]);
    assert!(matches!(
        fair_draw::verify(&record, None),
        fair_draw::Verdict::Verified { .. }
    ));
}

#[test]
fn the_report_lists_the_operators_actions() {
    let demo = Demo::fresh();
    let token = demo.operator();
    live_with(&demo, &token, 2);
    demo.steer(&token, Steer::Rate { per_second: 3 }).unwrap();
    let path = format!("/api/sales/{DROP}/report");
    let report: ReportWithActions = demo.call(Method::Get, &path, None, None::<()>).unwrap();
    let actions: Vec<_> = report
        .operator_actions
        .iter()
        .map(|a| (a.action.as_str(), a.detail.as_deref()))
        .collect();
    assert_eq!(actions, [("rate", Some("1 → 3 a second"))]);
    let plain: SaleReport = demo.call(Method::Get, &path, None, None::<()>).unwrap();
    assert_eq!(
        plain, report.report,
        "a reader of the plain report reads the same answer"
    );
}

#[test]
fn a_drop_and_its_pause_survive_a_restart() {
    let demo = Demo::fresh();
    let token = demo.operator();
    live_with(&demo, &token, 2);
    demo.steer(&token, Steer::Pause).unwrap();
    let demo = demo.restarted();
    let live = demo.live(&token);
    assert!(live.news.paused_since.is_some(), "{live:?}");
    assert_eq!(live.actions.len(), 1);
}

#[test]
fn a_retried_steer_gets_the_first_answer() {
    let demo = Demo::fresh();
    let token = demo.operator();
    live_with(&demo, &token, 1);
    let body = Some(serde_json::to_string(&Steer::Pause).unwrap());
    let path = format!("/api/operator/sales/{DROP}/steer");
    let first = demo.send(
        Method::Post,
        &path,
        Some(&token),
        Some("pause-1".into()),
        body.clone(),
    );
    let again = demo.send(
        Method::Post,
        &path,
        Some(&token),
        Some("pause-1".into()),
        body,
    );
    assert_eq!((first.status, &first.body), (again.status, &again.body));
}
