//! The console as its screens share it: the operator's session, the screen shown, and the
//! operator's calls to the store.
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::chinese::ZH;
use super::english::EN;
use super::words::Words;
use crate::api::{ApiError, ErrorCode, Method, StoreClient};
use crate::device::real_now;
use crate::i18n::{fill, Locale};
use crate::shop::{use_shop, Shop};

/// Where the operator's session is kept: this tab only (sessionStorage), so closing the tab
/// signs the operator out and a shopper's tabs never see it.
const SESSION_KEY: &str = "kestrel.v1.operator.session";

/// What the console shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Drops,
    New,
    Edit(String),
    Duplicate(String),
    Live(String),
}

/// The console as its components share it: the operator's session and the screen shown.
#[derive(Clone, Copy)]
pub struct Console {
    shop: Shop,
    /// The operator's session token; `None` until signed in.
    pub token: RwSignal<Option<String>>,
    pub screen: RwSignal<Screen>,
    /// Why the operator has to sign in (again): said on the sign-in form.
    pub signed_out_because: RwSignal<Option<String>>,
    /// Rendered from fixtures in the preview gallery: nothing is sent to the store.
    pub preview: bool,
}

impl Console {
    /// The console with the session this tab keeps, saved again whenever it changes.
    pub fn open() -> Console {
        let storage = super::js::session_storage();
        let token = storage
            .as_ref()
            .and_then(|s| s.get_item(SESSION_KEY).ok().flatten());
        let console = Console::new(use_shop(), token, false);
        Effect::new(move |_| {
            if let Some(storage) = &storage {
                let _ = match console.token.get() {
                    Some(token) => storage.set_item(SESSION_KEY, &token),
                    None => storage.remove_item(SESSION_KEY),
                };
            }
        });
        console
    }

    /// A console with `token` as its session (tests and the preview gallery).
    pub fn new(shop: Shop, token: Option<String>, preview: bool) -> Console {
        Console {
            shop,
            token: RwSignal::new(token),
            screen: RwSignal::new(Screen::Drops),
            signed_out_because: RwSignal::new(None),
            preview,
        }
    }

    pub fn shop(&self) -> Shop {
        self.shop
    }

    /// The console's words in the shop's language (a switch builds the page again).
    pub fn w(&self) -> &'static Words {
        words_in(self.locale())
    }

    pub fn locale(&self) -> Locale {
        self.shop.locale.get_untracked()
    }

    /// Store time now, as the shop's synced clock has it (the device's until it has synced).
    pub fn store_now(&self) -> u64 {
        self.shop.client().store_now().unwrap_or_else(real_now) as u64
    }

    /// A store instant as the operator reads it: "today 14:03", "Thu 26 Nov 10:00".
    pub fn when(&self, ms: u64) -> String {
        crate::format::when(ms, self.store_now(), self.locale())
    }

    /// The shop's client, calling with the operator's session.
    pub fn client(&self) -> StoreClient {
        self.shop
            .client()
            .with_bearer(self.token.get_untracked().unwrap_or_default())
    }

    /// One operator call, its body already JSON. A refused session signs the console out
    /// with the reason, so the sign-in form says what to do.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let result = self.client().call_json(method, path, body).await;
        if let Err(e) = &result {
            if e.code == ErrorCode::OperatorSignIn || e.code == ErrorCode::NotOperator {
                self.signed_out_because.set(Some(self.say(e)));
                self.token.set(None);
            }
        }
        result
    }

    /// A store's refusal as a sentence in the console's language, with what to do.
    pub fn say(&self, e: &ApiError) -> String {
        let w = self.w();
        match &e.code {
            ErrorCode::WrongKey => match (e.tries_left, e.locks_for_ms) {
                (Some(left), Some(lock)) => fill(
                    w.wrong_key,
                    &[
                        &left.to_string(),
                        &crate::format::duration(lock, self.shop.words()),
                    ],
                ),
                _ => w.wrong_key_plain.into(),
            },
            ErrorCode::Locked => {
                let until = self.store_now() + e.retry_after_ms.unwrap_or_default();
                fill(
                    w.locked,
                    &[&crate::format::clock_time(until, self.locale())],
                )
            }
            ErrorCode::NotOperator => w.not_operator.into(),
            ErrorCode::OperatorSignIn => w.session_ended.into(),
            ErrorCode::DropExists => w.p_id_taken.into(),
            // Rules only the store can check (what is held and sold): its own sentence.
            ErrorCode::ChangeRefused | ErrorCode::InvalidDrop | ErrorCode::SteerRefused => {
                fill(w.store_refused, &[&e.message])
            }
            _ => self.shop.words().store_error(e),
        }
    }
}

/// The console's words in `locale`.
pub fn words_in(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::ZhCn => &ZH,
    }
}

pub fn use_console() -> Console {
    expect_context::<Console>()
}

/// The `<style>` element that holds the console's styles.
const STYLE_ID: &str = "operator-console-style";

/// Puts the console's styles in the page's head, once: only the console needs them, so they
/// come with its module instead of the shop's stylesheet, which every shopper downloads first.
pub fn add_console_style() {
    // Only DOM calls the shell already makes (see `super::js`).
    let document = document();
    if let Ok(Some(_)) = document.query_selector(&format!("#{STYLE_ID}")) {
        return;
    }
    let Ok(style) = document.create_element("style") else {
        return;
    };
    let _ = style.set_attribute("id", STYLE_ID);
    let _ = style.append_child(&document.create_text_node(include_str!("console.css")));
    if let Some(head) = document.head() {
        let _ = head.append_child(&style);
    }
}

/// A link back to the list of drops.
#[component]
pub fn BackToDrops() -> impl IntoView {
    let console = use_console();
    view! {
        <p><button type="button" class="link" on:click=move |_| console.screen.set(Screen::Drops)>{console.w().back}</button></p>
    }
}
