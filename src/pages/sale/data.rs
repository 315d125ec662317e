//! What every screen of the sale page reads and acts through ([`SaleData`]): the page
//! (`mod.rs`) makes it and the screens take it, each from here rather than from the other.
use leptos::prelude::*;
use serde::Serialize;

use crate::api::operator::SaleNews;
use crate::api::{
    DrawRecord, Method, Phase, Preference, SaleDetail, SaleReport, ShopperStatus, ShopperView,
};
use crate::device;
use crate::hooks::{use_draft, use_store_clock};
use crate::i18n::{Locale, Words};
use crate::shop::use_shop;

/// What a sale screen shows and can do: the store's latest word on the sale and on this
/// shopper, the store clock, and the shopper's actions. One built from fixtures
/// ([`SaleData::fixture`]) is not `live`.
#[derive(Clone, Copy)]
pub struct SaleData {
    pub detail: RwSignal<Option<SaleDetail>>,
    /// Where this shopper stands; `None` when signed out.
    pub me: RwSignal<Option<ShopperView>>,
    /// The post-sale report, once the sale has ended or the shopper's part in it has.
    pub report: RwSignal<Option<SaleReport>>,
    /// The store's published draw record, fetched once the sale has ended (it is final then).
    pub draw: RwSignal<Option<DrawRecord>>,
    pub now: Signal<Option<f64>>,
    /// The store's last refusal, as a sentence in the shopper's language (a switch of language
    /// builds the page, and this, again).
    pub error: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    /// The shopper stepped from their hold to the checkout form ([`CHECKOUT_OPEN`]) or back
    /// from it ([`CHECKOUT_BACK`]); kept across reloads.
    pub checkout_open: RwSignal<String>,
    pub preference: RwSignal<Preference>,
    /// Device time (ms) of the next poll, as the store's last answer asked.
    next_poll_at: StoredValue<f64>,
    pub(super) shop: crate::shop::Shop,
    /// The store's data on a shopper's own page. Fixtures are a picture of a screen instead:
    /// their buttons change nothing, their screens leave the focus alone, their sign-in form
    /// shows its first step, and they keep nothing in the page's storage.
    pub(super) live: bool,
}

/// How often the page asks when the store has not said (signed out, or an older store).
pub(super) const POLL_MS: u64 = 1_000;

impl SaleData {
    pub fn fixture(
        detail: SaleDetail,
        me: Option<ShopperView>,
        report: Option<SaleReport>,
        draw: Option<DrawRecord>,
        now: f64,
        checkout_open: bool,
    ) -> Self {
        Self {
            detail: RwSignal::new(Some(detail)),
            me: RwSignal::new(me),
            report: RwSignal::new(report),
            draw: RwSignal::new(draw),
            now: Signal::stored(Some(now)),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            checkout_open: RwSignal::new(if checkout_open {
                "1".into()
            } else {
                String::new()
            }),
            preference: RwSignal::new(Preference {
                variant: 0,
                accept_other_variant: true,
            }),
            next_poll_at: StoredValue::new(0.0),
            shop: use_shop(),
            live: false,
        }
    }

    /// The live page's data; the variant choice is loaded per sale by [`super::SalePage`].
    pub(super) fn live() -> Self {
        let preference = RwSignal::new(Preference {
            variant: 0,
            accept_other_variant: true,
        });
        Self {
            detail: RwSignal::new(None),
            me: RwSignal::new(None),
            report: RwSignal::new(None),
            draw: RwSignal::new(None),
            now: use_store_clock(),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            checkout_open: use_draft("sale.checkout-open"),
            preference,
            next_poll_at: StoredValue::new(0.0),
            shop: use_shop(),
            live: true,
        }
    }

    /// The shop's words in the shopper's language (a switch rebuilds the page).
    pub fn t(&self) -> &'static Words {
        self.shop.words()
    }

    /// The shopper's language (a switch rebuilds the page).
    pub fn locale(&self) -> Locale {
        self.shop.locale.get_untracked()
    }

    /// A price of this sale, in its catalog currency and the shopper's language.
    pub fn money(&self, cents: u32) -> String {
        let currency = self
            .detail
            .with(|d| d.as_ref().map(|d| d.summary.currency.clone()))
            .unwrap_or_default();
        crate::format::money(cents, &currency, self.locale())
    }

    /// A store instant as the shopper reads it, relative to store time now.
    pub fn when(&self, ms: u64) -> String {
        crate::format::when(ms, self.store_now(), self.locale())
    }

    /// The shopper's own step between hold and checkout form, as [`crate::sale_state::sale_state`] takes it.
    pub fn checkout_choice(&self) -> Option<bool> {
        match self.checkout_open.get().as_str() {
            CHECKOUT_OPEN => Some(true),
            CHECKOUT_BACK => Some(false),
            _ => None,
        }
    }

    /// The sale's id: fixed for the page, so reading it subscribes to nothing.
    pub fn id(&self) -> String {
        self.detail
            .with_untracked(|d| d.as_ref().map(|d| d.summary.id.clone()).unwrap_or_default())
    }

    /// The sale's news: from where this shopper stands (polled more often) when it has any,
    /// otherwise from the sale.
    pub fn news(&self) -> Signal<SaleNews> {
        let (me, detail) = (self.me, self.detail);
        Signal::derive(move || {
            me.with(|m| m.as_ref().map(|m| m.news.clone()))
                .filter(|news| !news.is_quiet())
                .or_else(|| detail.with(|d| d.as_ref().map(|d| d.news.clone())))
                .unwrap_or_default()
        })
    }

    pub fn status(&self) -> Option<ShopperStatus> {
        self.me.with(|m| m.as_ref().map(|m| m.status.clone()))
    }

    pub fn store_now(&self) -> u64 {
        self.now.get().unwrap_or_default() as u64
    }

    /// Keeps the fingerprint this page showed before the start, so the check after the end can
    /// tell whether the store published the same one. Only the first is kept: a store that
    /// swapped it later must not overwrite the evidence. Previews keep nothing.
    pub fn keep_fingerprint_shown(&self, fingerprint: &str) {
        let key = format!("draw.{}.fingerprint", self.id());
        if self.live && !fingerprint.is_empty() && self.shop.storage().get(&key).is_none() {
            self.shop.storage().set(&key, fingerprint);
        }
    }

    /// The fingerprint this page showed before the start, if it did.
    pub fn fingerprint_shown(&self) -> Option<String> {
        self.live
            .then(|| {
                self.shop
                    .storage()
                    .get(&format!("draw.{}.fingerprint", self.id()))
            })
            .flatten()
    }

    /// Keeps the ticket and the place in the draw this page showed the shopper in line (the
    /// first it showed: the place never changes, so a later different one is the store's doing).
    pub fn keep_place_shown(&self, ticket: u32, place: u32) {
        let key = format!("draw.{}.place", self.id());
        if self.live && self.shop.storage().get(&key).is_none() {
            self.shop.storage().set(&key, &format!("{ticket}:{place}"));
        }
    }

    /// The `(ticket, place)` this page showed the shopper in line, if it did.
    pub fn place_shown(&self) -> Option<(u32, u32)> {
        let text = self
            .live
            .then(|| {
                self.shop
                    .storage()
                    .get(&format!("draw.{}.place", self.id()))
            })
            .flatten()?;
        let (ticket, place) = text.split_once(':')?;
        Some((ticket.parse().ok()?, place.parse().ok()?))
    }

    /// Fetches the sale and, when signed in, where this shopper stands.
    /// Asks next when the store said to: seldom far back in a long line, every second at its
    /// front or with a unit held. The countdown and the hold's timer run on store time, so
    /// they stay exact between polls.
    fn follow(self, me: &ShopperView) {
        let after = me.poll_after_ms.unwrap_or(POLL_MS);
        self.next_poll_at
            .set_value(device::real_now() + after as f64);
    }

    /// Whether the store's last answer asked to be asked again by now.
    pub(super) fn poll_due(self) -> bool {
        device::real_now() >= self.next_poll_at.get_value()
    }

    pub(super) fn refresh(self, id: String) {
        let shop = self.shop;
        leptos::task::spawn_local(async move {
            let client = shop.client();
            let detail = match client.get::<SaleDetail>(&format!("/api/sales/{id}")).await {
                Ok(detail) => detail,
                Err(e) => return self.error.set(Some(self.t().store_error(&e))),
            };
            let ended = detail.summary.phase == Phase::Ended;
            if client.session.get_untracked().is_some() {
                if let Ok(me) = client
                    .get::<ShopperView>(&format!("/api/sales/{id}/me"))
                    .await
                {
                    self.follow(&me);
                    self.follow(&me);
                    set_if_changed(self.me, me);
                }
            } else if self.me.with_untracked(Option::is_some) {
                self.me.set(None);
            }
            // The sale after where the shopper stands: a page built afresh (a reload, a switch
            // of language) shows their screen at once, never a moment of "registration has
            // closed" while their own state is still on its way.
            set_if_changed(self.detail, detail);
            let done_for_me = self.me.with_untracked(|m| {
                matches!(
                    m.as_ref().map(|m| &m.status),
                    Some(
                        ShopperStatus::Ordered { .. }
                            | ShopperStatus::SoldOut { .. }
                            | ShopperStatus::HoldExpired { .. }
                    )
                )
            });
            if ended || done_for_me {
                if let Ok(report) = client
                    .get::<SaleReport>(&format!("/api/sales/{id}/report"))
                    .await
                {
                    set_if_changed(self.report, report);
                }
            }
            // The record holds every admission (hundreds of thousands of tickets in a big sale):
            // fetched once, after the end, when the seed is in it and nothing changes any more.
            let have_final = self
                .draw
                .with_untracked(|d| d.as_ref().is_some_and(|d| d.seed.is_some()));
            if ended && !have_final {
                if let Ok(draw) = client
                    .get::<DrawRecord>(&format!("/api/sales/{id}/draw"))
                    .await
                {
                    set_if_changed(self.draw, draw);
                }
            }
        });
    }

    /// Sends one of the shopper's actions on this sale; the store's answer is their new standing.
    pub fn act(self, method: Method, action: &'static str, body: Option<impl Serialize + 'static>) {
        self.act_then(method, action, body, |_| {});
    }

    /// [`SaleData::act`], then `done` with whether the store accepted it. Nothing is sent (and
    /// `done` is not called) while another action is in flight.
    pub(super) fn act_then(
        self,
        method: Method,
        action: &'static str,
        body: Option<impl Serialize + 'static>,
        done: impl FnOnce(bool) + 'static,
    ) {
        if !self.live || self.busy.get_untracked() {
            return;
        }
        let shop = self.shop;
        let path = format!("/api/sales/{}/{action}", self.id());
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let result = shop.client().call::<ShopperView>(method, &path, body).await;
            self.busy.set(false);
            let accepted = match result {
                Ok(me) => {
                    self.error.set(None);
                    self.follow(&me);
                    set_if_changed(self.me, me);
                    if method == Method::Post && action == "registration" {
                        shop.speed_up_after_registering();
                    }
                    true
                }
                // Already in line is where the shopper wanted to be.
                Err(e) if e.code == store_contract::ErrorCode::AlreadyInQueue => {
                    self.error.set(None);
                    true
                }
                Err(e) => {
                    self.error.set(Some(self.t().store_error(&e)));
                    false
                }
            };
            done(accepted);
        });
    }
}

/// `checkout_open` when the shopper went to the checkout form.
pub const CHECKOUT_OPEN: &str = "1";
/// `checkout_open` when the shopper went back from the form to their hold, after a declined card too.
pub const CHECKOUT_BACK: &str = "back";

/// Polls bring the same answer most of the time: only a real change should wake the screen.
fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<Option<T>>, value: T) {
    if signal.with_untracked(|old| old.as_ref() != Some(&value)) {
        signal.set(Some(value));
    }
}
