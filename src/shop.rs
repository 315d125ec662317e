//! The shop as the UI sees it: the store client, the demo store behind it, storage for drafts,
//! and notices about the demo itself. Opened once at start and shared through context.
use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;

use crate::api::{Session, StoreClient};
use crate::device::real_now;
use crate::mock::{Catalog, DemoStorage, MockStore, MockTransport};
use crate::scenario;

const SESSION_KEY: &str = "session";

struct ShopParts {
    client: StoreClient,
    store: Rc<RefCell<MockStore>>,
    storage: Rc<DemoStorage>,
}

#[derive(Clone, Copy)]
pub struct Shop {
    parts: StoredValue<ShopParts, LocalStorage>,
    /// Notices about the demo itself (reset, storage trouble, ignored scenario values).
    pub notices: RwSignal<Vec<String>>,
    /// Whether the demo controls are shown (`?dev=1` or Alt+Shift+D).
    pub dev_panel: RwSignal<bool>,
    /// Store time for every screen: one clock per shop, started by the first `use_store_clock`.
    pub(crate) store_clock: RwSignal<Option<f64>>,
    pub(crate) store_clock_running: StoredValue<bool>,
}

impl Shop {
    /// Opens the demo store on `storage`, restores the signed-in session and starts the store
    /// running in the background. Call [`StoreClient::sync_clock`] before showing times.
    pub fn open(catalog: Catalog, storage: Rc<DemoStorage>) -> Shop {
        let mut store = MockStore::open(catalog, storage.clone(), real_now());
        let notices = RwSignal::new(store.take_notices());
        let transport = MockTransport::new(store);
        transport.run_in_background();
        let session = storage.get(SESSION_KEY).and_then(|raw| serde_json::from_str::<Session>(&raw).ok());
        let client = StoreClient::new(Rc::new(transport.clone()), session);
        let session_storage = storage.clone();
        let session_signal = client.session;
        let shop = Shop {
            parts: StoredValue::new_local(ShopParts { client, store: transport.store, storage: session_storage }),
            notices,
            dev_panel: RwSignal::new(false),
            store_clock: RwSignal::new(None),
            store_clock_running: StoredValue::new(false),
        };
        Effect::new(move |_| {
            let storage = shop.storage();
            match session_signal.get() {
                Some(session) => storage.set(SESSION_KEY, &serde_json::to_string(&session).expect("serialises")),
                None => storage.remove(SESSION_KEY),
            }
        });
        shop
    }

    /// Fetches the catalog, opens the shop and plays a scenario URL if there is one: what the app
    /// does at start. The store clock syncs in the background; times show once it has.
    pub async fn boot() -> Result<Shop, String> {
        let catalog = Catalog::fetch().await?;
        let shop = Shop::open(catalog, Rc::new(DemoStorage::open()));
        let location = window().location();
        shop.dev_panel.set(location.search().unwrap_or_default().contains("dev=1"));
        if let Some((scenario, notices)) = scenario::parse(&location.search().unwrap_or_default()) {
            notices.into_iter().for_each(|n| shop.notify(n));
            shop.start_scenario(&scenario).await;
            // The scenario is spent: a reload now keeps the shopper's place instead of starting over.
            let dev = location.search().unwrap_or_default().contains("dev=1");
            let url = scenario::landing(&scenario.preset) + if dev { "?dev=1" } else { "" };
            let _ = window().history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)));
        }
        let client = shop.client();
        leptos::task::spawn_local(async move {
            if let Err(e) = client.sync_clock().await {
                shop.notify(format!("The store clock could not be read ({}); times will show once it can.", e.message));
            }
        });
        Ok(shop)
    }

    /// Resets the demo to a scenario's settings and plays its preset.
    pub async fn start_scenario(&self, scenario: &scenario::Scenario) {
        if let Err(problem) = self.store().borrow_mut().reset(scenario.settings.clone(), real_now()) {
            self.notify(format!("The scenario's settings could not be used ({problem}); the demo kept its own."));
        }
        self.client().session.set(None);
        let client = self.client();
        let played = match client.sync_clock().await {
            Ok(_) => scenario::play(&client, &scenario.preset).await,
            Err(e) => Err(e),
        };
        if let Err(e) = played {
            self.notify(format!("The “{}” scenario stopped early: {}", scenario.preset, e.message));
        }
    }

    pub fn client(&self) -> StoreClient {
        self.parts.with_value(|p| p.client.clone())
    }

    pub fn storage(&self) -> Rc<DemoStorage> {
        self.parts.with_value(|p| p.storage.clone())
    }

    /// The demo store itself, for the dev panel and tests; the shopper's UI goes through the client.
    pub fn store(&self) -> Rc<RefCell<MockStore>> {
        self.parts.with_value(|p| p.store.clone())
    }

    pub fn notify(&self, notice: String) {
        self.notices.update(|n| n.push(notice));
    }
}

pub fn use_shop() -> Shop {
    expect_context::<Shop>()
}
