//! The operator console and the operator's news on the sale page, mounted in a real browser.
//! The store's answers come from fixtures behind the app's own `Transport`, so each test says
//! exactly what the store answered and sees exactly what the page sent.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use flash_sale::api::drop_rules::{check_new_drop, ChangeRefusal, DropProblem};
use flash_sale::api::operator::{Drop, DropRow, DropVariant, Note, SaleNews};
use flash_sale::api::transport::{Reply, Transport};
use flash_sale::api::*;
use flash_sale::i18n::{fill, Locale};
use flash_sale::operator::{Console, DropForm, FormMode, OperatorSignIn, Words, EN, ZH};
use flash_sale::pages::sale::{SaleData, SaleJourney};
use flash_sale::preview::{sale_fixture, NOW};
use flash_sale::sale_state::SaleState;
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::mount::UnmountHandle;
use leptos::prelude::*;
use support::dom::*;
use support::{mount, until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A store that answers from fixtures: per method and path, the answers to give in turn (the
/// last one again once the others are used), and every request the page sent.
#[derive(Default)]
struct Fixtures {
    answers: RefCell<HashMap<String, Vec<StoreResponse>>>,
    sent: RefCell<Vec<StoreRequest>>,
}

impl Fixtures {
    fn answer(&self, method: Method, path: &str, status: u16, body: String) {
        self.answers
            .borrow_mut()
            .entry(format!("{} {path}", method.as_str()))
            .or_default()
            .push(StoreResponse {
                status,
                retry_after_ms: None,
                body,
            });
    }

    fn refuse(&self, method: Method, path: &str, error: ApiError) {
        self.answer(
            method,
            path,
            error.status,
            serde_json::to_string(&error).unwrap(),
        );
    }

    fn sent_to(&self, method: Method, path: &str) -> Vec<StoreRequest> {
        self.sent
            .borrow()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .cloned()
            .collect()
    }
}

struct FixtureTransport(Rc<Fixtures>);

impl Transport for FixtureTransport {
    fn send(&self, request: StoreRequest) -> Reply {
        let fixtures = self.0.clone();
        Box::pin(async move {
            fixtures.sent.borrow_mut().push(request.clone());
            let key = format!("{} {}", request.method.as_str(), request.path);
            let mut answers = fixtures.answers.borrow_mut();
            Ok(match answers.get_mut(&key) {
                Some(queue) if queue.len() > 1 => queue.remove(0),
                Some(queue) if !queue.is_empty() => queue[0].clone(),
                _ => StoreResponse {
                    status: 404,
                    retry_after_ms: None,
                    body: serde_json::to_string(&ApiError::new(404, ErrorCode::NotFound, "No."))
                        .unwrap(),
                },
            })
        })
    }
}

fn shop_on(fixtures: &Rc<Fixtures>, locale: Locale) -> Shop {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    flash_sale::i18n::install_pack(include_str!("../public/i18n/zh-CN.txt"))
        .expect("the Chinese pack has every text");
    let shop = Shop::open(
        Rc::new(FixtureTransport(fixtures.clone())),
        Rc::new(PageStorage::memory()),
    );
    shop.locale.set(locale);
    shop
}

/// `view` mounted in a fresh element, with the shop and a console (signed in with `token`).
fn mount_in_console<V: IntoView + 'static>(
    shop: Shop,
    token: Option<&str>,
    view: impl FnOnce() -> V + 'static,
) -> (UnmountHandle<impl Mountable>, web_sys::HtmlElement) {
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let token = token.map(str::to_owned);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(shop);
        provide_context(Console::new(shop, token, false));
        view()
    });
    (handle, root)
}

async fn wait_for_text(root: &web_sys::HtmlElement, css: &str, expected: &str) {
    let what = format!("{css} to say “{expected}”");
    until(5_000.0, &what, || async {
        text(root, css).contains(expected)
    })
    .await;
}

// The sign-in.

async fn sign_in_refused(error: ApiError, locale: Locale) -> String {
    let fixtures = Rc::new(Fixtures::default());
    fixtures.refuse(Method::Post, "/api/operator/session", error);
    let shop = shop_on(&fixtures, locale);
    let (_handle, root) = mount_in_console(shop, None, || view! { <OperatorSignIn/> });
    leptos::task::tick().await;
    type_into(&root, "#operator-key", "not-the-key");
    click(&root, "button[type=submit]");
    let problem = "[data-testid=operator-sign-in-problem]";
    until(5_000.0, "the store's refusal", || async {
        !text(&root, problem).is_empty()
    })
    .await;
    assert_eq!(
        find(&root, "#operator-key")
            .unwrap()
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    let said = text(&root, problem);
    root.remove();
    said
}

#[wasm_bindgen_test]
async fn a_wrong_key_says_the_tries_left_and_how_long_the_lock_lasts() {
    let wrong =
        ApiError::new(401, ErrorCode::WrongKey, "Wrong key.").tries_left_then_lock(3, 600_000);
    assert_eq!(
        sign_in_refused(wrong.clone(), Locale::En).await,
        "That key is not right: check it and type it again. Tries left: 3; then the sign-in locks for 10 min."
    );
    assert_eq!(
        sign_in_refused(wrong, Locale::ZhCn).await,
        "密钥不正确：请核对后重新输入。还可以再试 3 次，之后登录将被锁定10分钟。"
    );
}

#[wasm_bindgen_test]
async fn a_locked_sign_in_says_until_when_and_a_shoppers_session_where_to_sign_in() {
    let locked = ApiError::new(429, ErrorCode::Locked, "Locked.").retry_after(300_000);
    let said = sign_in_refused(locked, Locale::En).await;
    assert!(
        said.starts_with("Too many wrong keys: the sign-in is locked until ")
            && said.ends_with("Wait until then, and use the key the store server printed."),
        "{said}"
    );
    let shopper = ApiError::new(403, ErrorCode::NotOperator, "Not an operator.");
    assert_eq!(sign_in_refused(shopper, Locale::En).await, EN.not_operator);
}

#[wasm_bindgen_test]
async fn the_key_in_the_address_signs_in_and_leaves_the_address() {
    let fixtures = Rc::new(Fixtures::default());
    fixtures.answer(
        Method::Post,
        "/api/operator/session",
        200,
        r#"{"token":"op-token-1"}"#.into(),
    );
    fixtures.answer(Method::Get, "/api/operator/sales", 200, "[]".into());
    let shop = shop_on(&fixtures, Locale::En);
    let (_handle, root) = mount("/operator#key=demo-operator", shop);
    wait_for(&root, "[data-testid=no-drops]", 5_000).await;
    let sent = fixtures.sent_to(Method::Post, "/api/operator/session");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"key":"demo-operator"}"#));
    let lists = fixtures.sent_to(Method::Get, "/api/operator/sales");
    assert_eq!(lists[0].bearer.as_deref(), Some("op-token-1"));
    let location = window().location();
    assert_eq!(location.hash().unwrap(), "");
    assert_eq!(location.pathname().unwrap(), "/operator");
    let session = window().session_storage().unwrap().unwrap();
    assert_eq!(
        session
            .get_item("kestrel.v1.operator.session")
            .unwrap()
            .as_deref(),
        Some("op-token-1")
    );
    session.remove_item("kestrel.v1.operator.session").unwrap();
    root.remove();
}

// The drop form.

const MINUTE: u64 = 60_000;

fn good_drop(now: u64) -> Drop {
    let at = (now / MINUTE + 120) * MINUTE;
    Drop {
        id: "k8-drop".into(),
        product: "Kestrel K8".into(),
        product_zh_cn: "Kestrel K8".into(),
        tagline: "New.".into(),
        tagline_zh_cn: "新品。".into(),
        description: "A phone.".into(),
        description_zh_cn: "一部手机。".into(),
        image: "/public/img/k7.svg".into(),
        currency: "CNY".into(),
        variants: vec![DropVariant {
            id: "k8-black".into(),
            name: "Black".into(),
            name_zh_cn: "黑色".into(),
            colour: "#101010".into(),
            stock: 5,
            price_cents: 199_900,
        }],
        registration_opens: at,
        registration_closes: at + 60 * MINUTE,
        starts_at: at + 70 * MINUTE,
        ends_at: at + 100 * MINUTE,
        hold_seconds: 180,
        hold_extension_seconds: Some(60),
        per_account_limit: 1,
        admission_per_second: 10,
    }
}

/// Drops that between them have every problem a form can show.
fn bad_drops(now: u64) -> Vec<Drop> {
    let mut missing = good_drop(now);
    missing.id = "K8!".into();
    missing.product = String::new();
    missing.product_zh_cn = " ".into();
    missing.tagline = String::new();
    missing.tagline_zh_cn = String::new();
    missing.description = String::new();
    missing.description_zh_cn = String::new();
    missing.image = "/etc/passwd".into();
    missing.currency = "yuan".into();
    missing.variants[0] = DropVariant::default();
    missing.registration_closes = missing.registration_opens - 1;
    missing.starts_at = now - MINUTE;
    missing.ends_at = missing.starts_at;
    missing.hold_seconds = 5;
    missing.hold_extension_seconds = Some(0);
    missing.per_account_limit = 0;
    missing.admission_per_second = 0;
    let mut long = good_drop(now);
    long.product = "x".repeat(121);
    long.description_zh_cn = "长".repeat(1_201);
    long.image = "data:image/gif;base64,R0lGODlh".into();
    long.variants = vec![long.variants[0].clone(); 9];
    let mut none = good_drop(now);
    none.variants.clear();
    none.image = "data:image/png;base64,R0lGODlh".into();
    vec![missing, long, none]
}

fn problem_text(root: &web_sys::HtmlElement, problem: &DropProblem) -> String {
    let id = format!("f-{}", problem.field().replace('.', "-"));
    text(root, &format!("[id=\"{id}-problem\"]"))
}

async fn every_problem_shows_beside_its_field(locale: Locale, words: &'static Words) {
    for bad in bad_drops(flash_sale::device::real_now() as u64) {
        let fixtures = Rc::new(Fixtures::default());
        let shop = shop_on(&fixtures, locale);
        let problems = check_new_drop(&bad, flash_sale::device::real_now() as u64);
        assert!(!problems.is_empty());
        let start = bad.clone();
        let (handle, root) = mount_in_console(shop, Some("t"), move || {
            view! { <DropForm mode=FormMode::New start original=None row=None show_all=true/> }
        });
        leptos::task::tick().await;
        for problem in &problems {
            let shown = problem_text(&root, problem);
            let sentence = words.problem(problem);
            assert!(
                shown.contains(&sentence),
                "{}: “{sentence}” should show beside the field, which says “{shown}”",
                problem.field()
            );
            let input_id = format!("f-{}", problem.field().replace('.', "-"));
            let input = find(&root, &format!("[id=\"{input_id}\"]")).expect(&input_id);
            assert_eq!(
                input.get_attribute("aria-invalid").as_deref(),
                Some("true"),
                "{input_id}"
            );
            assert!(
                input
                    .get_attribute("aria-describedby")
                    .unwrap_or_default()
                    .contains(&format!("{input_id}-problem")),
                "{input_id}"
            );
        }
        drop(handle);
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn each_problem_of_a_drop_is_said_beside_its_field_in_english() {
    every_problem_shows_beside_its_field(Locale::En, &EN).await;
}

#[wasm_bindgen_test]
async fn each_problem_of_a_drop_is_said_beside_its_field_in_chinese() {
    every_problem_shows_beside_its_field(Locale::ZhCn, &ZH).await;
}

#[wasm_bindgen_test]
async fn a_field_is_checked_as_it_is_typed() {
    let fixtures = Rc::new(Fixtures::default());
    let shop = shop_on(&fixtures, Locale::En);
    let start = good_drop(flash_sale::device::real_now() as u64);
    let (_handle, root) = mount_in_console(shop, Some("t"), move || {
        view! { <DropForm mode=FormMode::New start original=None row=None/> }
    });
    leptos::task::tick().await;
    assert_eq!(text(&root, "#f-currency-problem"), "");
    type_into(&root, "#f-currency", "yuan");
    wait_for_text(&root, "#f-currency-problem", EN.p_currency).await;
    type_into(&root, "#f-variants-0-colour", "black");
    wait_for_text(
        &root,
        "#f-variants-0-colour-problem",
        &fill(EN.p_v_colour, &["1"]),
    )
    .await;
    type_into(&root, "#f-currency", "EUR");
    until(5_000.0, "the currency's problem to go", || async {
        text(&root, "#f-currency-problem").is_empty()
    })
    .await;
    root.remove();
}

/// A device-time `datetime-local` value for a store instant (the tests' shop has no clock
/// sync, so store time is the device's).
fn local(ms: u64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

fn public_row(drop: &Drop, fingerprint_published: bool) -> DropRow {
    DropRow {
        id: drop.id.clone(),
        product: drop.product.clone(),
        phase: Phase::RegistrationOpen,
        registration_opens: drop.registration_opens,
        starts_at: drop.starts_at,
        units: 5,
        sold: 0,
        registrants: 12,
        public: true,
        fingerprint_published,
        paused: false,
        stopped_at: None,
    }
}

#[wasm_bindgen_test]
async fn a_public_drop_shows_what_cannot_change_and_why() {
    let fixtures = Rc::new(Fixtures::default());
    let shop = shop_on(&fixtures, Locale::En);
    let drop = good_drop(flash_sale::device::real_now() as u64);
    let row = public_row(&drop, true);
    let (start, original) = (drop.clone(), drop.clone());
    let (_handle, root) = mount_in_console(shop, Some("t"), move || {
        view! { <DropForm mode=FormMode::Edit("k8-drop".into()) start original=Some(original) row=Some(row)/> }
    });
    leptos::task::tick().await;
    for (field, what) in [
        ("id", "address"),
        ("currency", "currency"),
        ("variants-0-id", "list of variants"),
        ("variants-0-price", "price"),
        ("per_account_limit", "limit per account"),
        ("hold_seconds", "hold length"),
        ("hold_extension_seconds", "hold length"),
    ] {
        let input = find(&root, &format!("#f-{field}")).expect(field);
        assert!(input.has_attribute("readonly"), "{field} is read-only");
        assert_eq!(
            text(&root, &format!("#f-{field}-fixed")),
            EN.refusal(&ChangeRefusal::Fixed(what)),
            "{field}"
        );
    }
    // The stock may grow, the texts may change.
    assert!(!find(&root, "#f-variants-0-stock")
        .unwrap()
        .has_attribute("readonly"));
    assert!(!find(&root, "#f-product").unwrap().has_attribute("readonly"));
    // The draw's fingerprint is out: the schedule is fixed too.
    let start = find(&root, "#f-starts_at").unwrap();
    assert!(start.has_attribute("readonly"));
    assert_eq!(
        text(&root, "#f-starts_at-fixed"),
        EN.refusal(&ChangeRefusal::DrawPublished)
    );
    assert!(find(&root, "[data-testid=add-variant]").is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_schedule_move_without_a_note_is_refused_in_the_page_and_the_stores_refusal_is_shown() {
    let fixtures = Rc::new(Fixtures::default());
    let drop = good_drop(flash_sale::device::real_now() as u64);
    let path = format!("/api/operator/sales/{}", drop.id);
    fixtures.refuse(
        Method::Put,
        &path,
        ApiError::new(
            409,
            ErrorCode::ChangeRefused,
            "Variant 1: 4 units are already held or sold, so its stock cannot go below 4.",
        ),
    );
    let shop = shop_on(&fixtures, Locale::En);
    let row = public_row(&drop, false);
    let (start, original) = (drop.clone(), drop.clone());
    let (_handle, root) = mount_in_console(shop, Some("t"), move || {
        view! { <DropForm mode=FormMode::Edit("k8-drop".into()) start original=Some(original) row=Some(row)/> }
    });
    leptos::task::tick().await;
    let later = local(drop.starts_at + 30 * MINUTE);
    type_into(&root, "#f-starts_at", &later);
    type_into(&root, "#f-ends_at", &local(drop.ends_at + 30 * MINUTE));
    wait_for(&root, "[data-testid=move-note]", 5_000).await;
    wait_for_text(&root, "[data-testid=change-refusals]", EN.r_note).await;
    click(&root, "[data-testid=save-drop]");
    wait_for_text(&root, "[data-testid=form-outcome]", EN.r_note).await;
    assert!(
        fixtures.sent_to(Method::Put, &path).is_empty(),
        "nothing is sent without the note"
    );
    // With the note in both languages, the change goes to the store, which refuses it for a
    // rule only it can check: its sentence is shown, and the form keeps what was typed.
    type_into(&root, "#move-note-en", "The courier is late.");
    type_into(&root, "#move-note-zh", "快递延误。");
    until(5_000.0, "the refusal to go", || async {
        text(&root, "[data-testid=change-refusals]").is_empty()
    })
    .await;
    click(&root, "[data-testid=save-drop]");
    wait_for_text(
        &root,
        "[data-testid=form-outcome]",
        "The store refused: Variant 1: 4 units are already held or sold",
    )
    .await;
    let sent = fixtures.sent_to(Method::Put, &path);
    assert_eq!(sent.len(), 1);
    let change: DropChangeSent = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(change.note.en, "The courier is late.");
    assert_eq!(change.note.zh_cn, "快递延误。");
    assert_eq!(change.drop.starts_at, drop.starts_at + 30 * MINUTE);
    assert!(sent[0].idempotency_key.is_some());
    let typed: web_sys::HtmlInputElement = find(&root, "#f-starts_at").unwrap().unchecked_into();
    assert_eq!(typed.value(), later);
    root.remove();
}

type DropChangeSent = flash_sale::api::operator::DropChange;

// The shopper's side: the operator's news on the sale page.

async fn sale_page_with_news(
    locale: Locale,
    news: SaleNews,
) -> (UnmountHandle<impl Mountable>, web_sys::HtmlElement) {
    let fixtures = Rc::new(Fixtures::default());
    let shop = shop_on(&fixtures, locale);
    let (detail, me, report, draw, checkout_open) = sale_fixture(SaleState::LiveQueue);
    let me = me.map(|me| ShopperView { news, ..me });
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(shop);
        let data = SaleData::fixture(detail, me, report, draw, NOW as f64, checkout_open);
        view! { <SaleJourney data/> }
    });
    leptos::task::tick().await;
    wait_for(&root, "[data-testid=sale-news]", 5_000).await;
    (handle, root)
}

#[wasm_bindgen_test]
async fn a_shopper_in_line_sees_the_pause_and_the_announcement() {
    let paused_at = NOW - 47_000;
    let news = SaleNews {
        paused_since: Some(paused_at),
        announcement: Some(Note {
            en: "More Glacier units at 14:30.".into(),
            zh_cn: "14:30 加货冰川蓝。".into(),
        }),
        ..SaleNews::default()
    };
    let (handle, root) = sale_page_with_news(Locale::En, news.clone()).await;
    let at = flash_sale::format::clock_time(paused_at, Locale::En);
    assert_eq!(
        text(&root, "[data-testid=news-paused]"),
        format!("The store paused the line at {at}; your place is kept.")
    );
    assert_eq!(
        text(&root, "[data-testid=news-announcement]"),
        "From the store: More Glacier units at 14:30."
    );
    drop(handle);
    root.remove();
    let (_handle, root) = sale_page_with_news(Locale::ZhCn, news).await;
    assert_eq!(
        text(&root, "[data-testid=news-paused]"),
        format!("商店于 {at} 暂停了排队；您的位置保留不变。")
    );
    assert_eq!(
        text(&root, "[data-testid=news-announcement]"),
        "商店公告：14:30 加货冰川蓝。"
    );
    root.remove();
}
