//! The shop as the UI sees it: the store client, the page's storage for drafts and the
//! session, and notices about the demo. Opened once at start and shared through context.
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::api::demo::{ClockChange, DevState, StoreNotice};
use crate::api::service_worker::{self, StoreKind};
use crate::api::{FetchTransport, Method, Session, StoreClient, Transport};
use crate::device::sleep_ms;
use crate::i18n::{Fact, Locale, Said, Words};
use crate::scenario;
use crate::split::{fetched, ModuleMissing};
use crate::storage::PageStorage;

const SESSION_KEY: &str = "session";
/// The newest store notice this browser has shown, so each shows once.
const SEEN_NOTICE_KEY: &str = "notices.seen";
/// A fast `fresh` demo's clock speed, waiting for the shopper to register.
const SPEED_AFTER_REGISTERING_KEY: &str = "demo.speed-after-registering";
/// How often the page asks the demo store for news about itself.
const NOTICE_POLL_MS: u64 = 15_000;

struct ShopParts {
    client: StoreClient,
    storage: Rc<PageStorage>,
}

/// A notice on screen, with an id of its own so dismissing one removes that one.
#[derive(Clone, Debug)]
pub struct Notice {
    pub id: u64,
    /// Said in the page's language when shown, so a switch of language translates it too.
    pub text: Said,
}

#[derive(Clone, Copy)]
pub struct Shop {
    parts: StoredValue<ShopParts, LocalStorage>,
    /// Notices about the demo itself (reset, storage trouble, ignored scenario values).
    pub notices: RwSignal<Vec<Notice>>,
    next_notice: StoredValue<u64>,
    /// Whether the demo controls are shown (`?dev=1` or Alt+Shift+D).
    pub dev_panel: RwSignal<bool>,
    /// Store time for every screen: one clock per shop, started by the first `use_store_clock`.
    pub(crate) store_clock: RwSignal<Option<f64>>,
    pub(crate) store_clock_running: StoredValue<bool>,
    /// The current route's own title; the tab shows it before the shop's name.
    pub page_title: RwSignal<String>,
    /// What the tab's title says instead while a unit is held for a shopper looking elsewhere.
    pub turn_alert: RwSignal<Option<String>>,
    /// True while the page cannot be seen (another tab in front, the phone locked).
    pub page_hidden: RwSignal<bool>,
    /// The language the shop speaks to this shopper; every text follows it.
    pub locale: RwSignal<Locale>,
}

impl Shop {
    /// A shop whose calls go through `transport`, with the session saved in `storage`.
    pub fn open(transport: Rc<dyn Transport>, storage: Rc<PageStorage>) -> Shop {
        let session = storage
            .get(SESSION_KEY)
            .and_then(|raw| crate::json::from_str::<Session>(&raw).ok());
        let client = StoreClient::new(transport, session);
        let session_signal = client.session;
        let shop = Shop {
            parts: StoredValue::new_local(ShopParts {
                client,
                storage: storage.clone(),
            }),
            notices: RwSignal::new(vec![]),
            next_notice: StoredValue::new(1),
            dev_panel: RwSignal::new(false),
            store_clock: RwSignal::new(None),
            store_clock_running: StoredValue::new(false),
            page_title: RwSignal::new(String::new()),
            turn_alert: RwSignal::new(None),
            page_hidden: RwSignal::new(false),
            locale: RwSignal::new(Locale::chosen(&storage)),
        };
        Effect::new(move |_| shop.locale.get().apply_to_document());
        shop.follow_visibility();
        if let Some(why) = storage.degraded() {
            shop.notify(Said::new(why, []));
        }
        Effect::new(move |_| {
            let storage = shop.storage();
            match session_signal.get() {
                Some(session) => storage.set(SESSION_KEY, &crate::json::to_string(&session)),
                None => storage.remove(SESSION_KEY),
            }
        });
        let refused = shop.client().session_refused;
        Effect::new(move |_| {
            // The store refused the saved session (the demo was reset, or it ran out).
            if refused.get() {
                refused.set(false);
                shop.notify(Said::new(|t| t.signed_out, []));
            }
        });
        shop.follow_other_tabs();
        shop.check_saved_session();
        shop
    }

    /// A saved session may be one the store has forgotten (the demo was reset, or it ran out):
    /// ask once at start, so the header never says "My account" while every call answers 401.
    /// A refusal signs the page out with a sentence (see `session_refused`).
    fn check_saved_session(&self) {
        let client = self.client();
        if client.session.get_untracked().is_some() {
            // Only the answer's status matters: its orders are not read (nor their decoder
            // downloaded with the first screen).
            leptos::task::spawn_local(async move {
                let _ = client.get::<serde::de::IgnoredAny>("/api/orders").await;
            });
        }
    }

    /// Connects to the store (the demo's Service Worker unless the page says a server serves
    /// it), opens the shop and plays a scenario URL if there is one: what the app does at start.
    /// The store clock syncs in the background; times show once it has. `texts` is how the
    /// page's fetch of its language's texts went ([`crate::i18n::load_pack_for`], made before
    /// the boot screen so that screen is in the reader's language too).
    pub async fn boot(texts: Result<(), String>) -> Result<Shop, Said> {
        let kind = service_worker::connect().await?;
        let shop = Shop::open(
            Rc::new(FetchTransport::default()),
            Rc::new(PageStorage::open()),
        );
        // Without its texts the shop cannot speak the reader's language: English, and why.
        if let Err(problem) = texts {
            shop.locale.set(Locale::En);
            shop.notify(Said::new(|t| t.language_unavailable, [problem]));
        }
        let search = window().location().search().unwrap_or_default();
        shop.dev_panel.set(search.contains("dev=1"));
        // Scenarios and notices belong to a demo store, wherever it runs.
        if kind != StoreKind::Server {
            shop.watch_store_notices();
            if let Some((scenario, notices)) = scenario::parse(&search) {
                notices.into_iter().for_each(|n| shop.notify(n));
                shop.start_scenario(&scenario).await;
                // The scenario is spent: a reload now keeps the shopper's place instead of starting over.
                let url = scenario::landing(&scenario.preset)
                    + if search.contains("dev=1") {
                        "?dev=1"
                    } else {
                        ""
                    };
                let _ = window().history().and_then(|h| {
                    h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                });
            }
        }
        let client = shop.client();
        leptos::task::spawn_local(async move {
            if let Err(e) = client.sync_clock().await {
                shop.notify(Said {
                    text: |t| t.clock_unreadable,
                    facts: vec![Fact::Error(e)],
                });
            }
        });
        Ok(shop)
    }

    /// Resets the demo store to a scenario's settings and plays its preset.
    pub async fn start_scenario(&self, scenario: &scenario::Scenario) {
        match fetched!(reset_and_play(*self, scenario.clone())) {
            Ok(play) => play.await,
            Err(ModuleMissing) => self.notify(Said::new(
                |t| t.scenario_not_downloaded,
                [scenario.preset.clone()],
            )),
        }
    }

    /// Called when the shopper has registered: a fast demo's clock speed, held back so there
    /// was real time to sign in and register, now applies (once).
    pub fn speed_up_after_registering(&self) {
        let storage = self.storage();
        let Some(speed) = storage
            .get(SPEED_AFTER_REGISTERING_KEY)
            .and_then(|s| crate::format::parse_decimal(&s))
        else {
            return;
        };
        storage.remove(SPEED_AFTER_REGISTERING_KEY);
        let client = self.client();
        leptos::task::spawn_local(async move {
            let change = ClockChange {
                jump_to_ms: None,
                speed: Some(speed),
            };
            if client
                .call::<DevState>(Method::Post, "/api/dev/clock", Some(change))
                .await
                .is_ok()
            {
                let _ = client.sync_clock().await;
            }
        });
    }

    /// The shop's words in the shopper's language. Untracked: a switch of language rebuilds
    /// the page (see [`crate::Shell`]), so texts are plain strings rather than one reactive
    /// closure each, which would cost wasm bytes per text.
    pub fn words(&self) -> &'static Words {
        self.locale.get_untracked().words()
    }

    /// The shopper chose a language: every text changes in place, and the choice is remembered.
    /// Chinese is fetched first if it is not in the page yet; if it cannot be, the shop stays
    /// in the language it speaks and says why.
    pub fn switch_language(&self, locale: Locale) {
        let shop = *self;
        leptos::task::spawn_local(async move {
            if let Err(problem) = crate::i18n::load_pack_for(locale).await {
                shop.notify(Said::new(|t| t.language_unavailable, [problem]));
                return;
            }
            locale.remember(&shop.storage());
            shop.locale.set(locale);
        });
    }

    pub fn client(&self) -> StoreClient {
        self.parts.with_value(|p| p.client.clone())
    }

    pub fn storage(&self) -> Rc<PageStorage> {
        self.parts.with_value(|p| p.storage.clone())
    }

    pub fn notify(&self, text: Said) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| n.push(Notice { id, text }));
    }

    pub fn dismiss(&self, id: u64) {
        self.notices.update(|n| n.retain(|notice| notice.id != id));
    }

    /// Shows the demo store's notices (storage refused, data reset) as they are raised, each once.
    fn watch_store_notices(&self) {
        let shop = *self;
        leptos::task::spawn_local(async move {
            loop {
                if let Ok(notices) = shop
                    .client()
                    .get::<Vec<StoreNotice>>("/api/dev/notices")
                    .await
                {
                    let seen: u64 = shop
                        .storage()
                        .get(SEEN_NOTICE_KEY)
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    for notice in notices.into_iter().filter(|n| n.id > seen) {
                        shop.storage().set(SEEN_NOTICE_KEY, &notice.id.to_string());
                        shop.notify(Said::store_notice(&notice));
                    }
                }
                sleep_ms(NOTICE_POLL_MS).await;
            }
        });
    }

    /// Follows the browser's `visibilitychange` events into `page_hidden`: true while the page
    /// is not visible (another tab in front, the window minimised, the phone locked).
    fn follow_visibility(&self) {
        let hidden = self.page_hidden;
        hidden.set(document().hidden());
        let on_change = Closure::<dyn Fn()>::new(move || hidden.set(document().hidden()));
        let _ = document().add_event_listener_with_callback(
            "visibilitychange",
            on_change.as_ref().unchecked_ref(),
        );
        // As long as the shop, which is as long as the page.
        on_change.forget();
    }

    /// Signing in or out in another tab shows here too.
    fn follow_other_tabs(&self) {
        let session = self.client().session;
        let on_storage =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
                if event
                    .key()
                    .is_some_and(|k| PageStorage::owns(&k, SESSION_KEY))
                {
                    let now = event
                        .new_value()
                        .and_then(|raw| crate::json::from_str::<Session>(&raw).ok());
                    if session.get_untracked() != now {
                        session.set(now);
                    }
                }
            });
        let _ = window()
            .add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
        on_storage.forget();
    }
}

pub fn use_shop() -> Shop {
    expect_context::<Shop>()
}

/// [`Shop::start_scenario`]. Only a scenario URL starts one, so in the release build this is a
/// module of its own, fetched then (see [`crate::split`]); what it gives is the
/// reset and play, to await.
#[cfg_attr(
    split,
    leptos::wasm_split::wasm_split(scenario, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn reset_and_play(
    shop: Shop,
    scenario: scenario::Scenario,
) -> Result<Pin<Box<dyn Future<Output = ()>>>, ModuleMissing> {
    Ok(Box::pin(reset_then_play(shop, scenario)))
}

async fn reset_then_play(shop: Shop, scenario: scenario::Scenario) {
    match scenario.speed_after_registering {
        Some(speed) => shop
            .storage()
            .set(SPEED_AFTER_REGISTERING_KEY, &crate::format::decimal(speed)),
        None => shop.storage().remove(SPEED_AFTER_REGISTERING_KEY),
    }
    let client = shop.client();
    client.session.set(None);
    if let Err(e) = client
        .call::<DevState>(
            Method::Post,
            "/api/dev/reset",
            Some(Some(scenario.settings)),
        )
        .await
    {
        // Playing the preset on the demo as it was would land somewhere its name does not say.
        shop.notify(Said {
            text: |t| t.scenario_not_played,
            facts: vec![Fact::Error(e), Fact::Plain(scenario.preset)],
        });
        return;
    }
    let played = match client.sync_clock().await {
        Ok(_) => scenario::play(&client, &scenario.preset).await,
        Err(e) => Err(e),
    };
    if let Err(e) = played {
        shop.notify(Said {
            text: |t| t.scenario_stopped,
            facts: vec![Fact::Plain(scenario.preset), Fact::Error(e)],
        });
    }
}
