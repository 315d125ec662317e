//! What the browser tests share: the demo store running in the page behind the same
//! `Transport` as fetch (the Service Worker's own journeys are in `crates/e2e`), signing in
//! through the SMS inbox, moving the store clock, and waiting for a condition.
#![allow(dead_code)] // each test file uses its own part of this module

pub mod dom;

use std::rc::{Rc, Weak};

use flash_sale::api::demo::{ClockChange, DemoSettings, DevState};
use flash_sale::api::transport::{Reply, Transport, TransportError};
use flash_sale::api::*;
use flash_sale::device::{monotonic_ms, real_now, sleep_ms};
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use leptos::mount::UnmountHandle;
use leptos::prelude::{document, Mountable};
use sale_store::{Catalog, InMemory, Service, Store};
use wasm_bindgen::JsCast;

pub const SALE: &str = "k7-first-drop";
pub const CATALOG: &str = include_str!("../../public/catalog.json");
/// The crowd's work between two frames while the store runs on the page's thread, as in these
/// tests (the worker runs 20 ms at a time, off the page's thread).
const SLICE_BUDGET_MS: f64 = 3.0;

pub type InPageStore = Rc<Service<InMemory>>;

pub fn catalog() -> Catalog {
    Catalog::parse(CATALOG).expect("the shipped catalog parses")
}

/// Fast, small and fault-free unless a test says otherwise: everyone gets a unit.
pub fn settings() -> DemoSettings {
    DemoSettings {
        crowd: Some(40),
        stock: Some(100),
        latency_ms: 4,
        speed: 1.0,
        ..DemoSettings::default()
    }
}

/// The demo store started afresh with `settings`, kept moving in the background while it lives.
pub fn new_store(settings: DemoSettings) -> InPageStore {
    let mut store = Store::open(catalog(), None, real_now(), [7; 32]);
    store
        .reset(settings, real_now())
        .expect("settings are valid");
    let service = Rc::new(Service::new(store, InMemory::default()));
    let alive: Weak<Service<InMemory>> = Rc::downgrade(&service);
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(service) = alive.upgrade() {
            let started = monotonic_ms();
            service
                .run_slice(real_now(), &mut || {
                    monotonic_ms() - started > SLICE_BUDGET_MS
                })
                .await;
            drop(service);
            sleep_ms(16).await;
        }
    });
    service
}

/// The store answering in this page, as the Service Worker answers fetch().
struct InPage(InPageStore);

impl Transport for InPage {
    fn send(&self, request: StoreRequest) -> Reply {
        let service = self.0.clone();
        Box::pin(async move {
            service
                .answer(&request, real_now, sleep_ms)
                .await
                .map_err(|_lost| TransportError::NoConnection)
        })
    }
}

pub fn transport(store: &InPageStore) -> Rc<dyn Transport> {
    Rc::new(InPage(store.clone()))
}

/// A client of `store`: another tab, or the same tab after a reload.
pub fn tab(store: &InPageStore, session: Option<Session>) -> StoreClient {
    StoreClient::new(transport(store), session)
}

/// A shop on `store`, with the page's own storage. The Chinese texts are in the page, as they
/// are once a Chinese reader's page has fetched them (the test server does not serve public/;
/// the e2e journeys fetch them for real).
pub fn shop_on(store: &InPageStore, storage: Rc<PageStorage>) -> Shop {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    flash_sale::i18n::install_pack(include_str!("../../public/i18n/zh-CN.txt"))
        .expect("the Chinese pack has every text");
    Shop::open(transport(store), storage)
}

pub struct TestStore {
    pub store: InPageStore,
    pub client: StoreClient,
}

pub fn fresh_store(settings: DemoSettings) -> TestStore {
    let store = new_store(settings);
    TestStore {
        client: tab(&store, None),
        store,
    }
}

pub async fn sign_in(client: &StoreClient, phone: &str) -> Session {
    flash_sale::scenario::sign_in_through_the_inbox(client, phone)
        .await
        .expect("signed in through the demo inbox")
}

pub async fn detail(client: &StoreClient) -> SaleDetail {
    client
        .get(&format!("/api/sales/{SALE}"))
        .await
        .expect("sale detail")
}

pub async fn me(client: &StoreClient) -> ShopperView {
    client
        .get(&format!("/api/sales/{SALE}/me"))
        .await
        .expect("shopper view")
}

pub async fn act(
    client: &StoreClient,
    method: Method,
    action: &str,
    body: Option<impl serde::Serialize>,
) -> Result<ShopperView, ApiError> {
    client
        .call(method, &format!("/api/sales/{SALE}/{action}"), body)
        .await
}

pub async fn jump_to(client: &StoreClient, store_ms: u64) {
    let _: DevState = client
        .call(
            Method::Post,
            "/api/dev/clock",
            Some(ClockChange {
                jump_to_ms: Some(store_ms),
                speed: None,
            }),
        )
        .await
        .expect("clock moved");
}

pub fn preference() -> Option<Preference> {
    Some(Preference {
        variant: 0,
        accept_other_variant: true,
    })
}

/// Polls `check` until it holds, for at most `timeout_ms` of real time.
pub async fn until<F, Fut>(timeout_ms: f64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = monotonic_ms();
    while !check().await {
        assert!(
            monotonic_ms() - started < timeout_ms,
            "timed out waiting for {what}"
        );
        sleep_ms(25).await;
    }
}

/// Registers (unless already), waits in the pre-queue, and follows the sale until the shopper
/// holds a unit. Clock jumps only ever move forward, so calling it late is fine.
pub async fn reach_hold(client: &StoreClient) -> ShopperView {
    let summary = detail(client).await.summary;
    if me(client).await.registration_number.is_none() {
        act(client, Method::Post, "registration", None::<()>)
            .await
            .expect("registered");
    }
    jump_to(client, summary.registration_closes + 1_000).await;
    if me(client).await.ticket.is_none() {
        act(client, Method::Post, "queue", preference())
            .await
            .expect("joined the line");
    }
    jump_to(client, summary.starts_at + 100).await;
    let started = monotonic_ms();
    loop {
        let view = me(client).await;
        if matches!(view.status, ShopperStatus::Holding { .. }) {
            return view;
        }
        // Generous: under 30 % faults every call may wait out a Retry-After or a lost answer.
        assert!(
            monotonic_ms() - started < 90_000.0,
            "no hold after 90 s: {view:?}"
        );
        sleep_ms(25).await;
    }
}

/// The app's shell for `shop`, mounted in a fresh element at `path`. Keep the handle alive for
/// as long as the page is looked at: dropping it unmounts.
pub fn mount(path: &str, shop: Shop) -> (UnmountHandle<impl Mountable>, web_sys::HtmlElement) {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        use leptos::prelude::*;
        provide_context(shop);
        view! { <flash_sale::Shell/> }
    });
    (handle, root)
}
