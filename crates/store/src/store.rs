//! The demo store: answers the contract's calls from its saved document and the sales rebuilt
//! from it. Sans-I/O: the caller brings the request, the real time, the platform's entropy and
//! the saved text, and takes away the response and the text to save.
use store_contract::demo::{notice_codes, DemoSettings, StoreNotice};
use store_contract::*;

use crate::answer::{body, hash64, json, refused, Answer, Kept};
use crate::catalog::{Catalog, CatalogSale};
use crate::drop_config::item_of;
use crate::network::{Network, Passage, RUSH_WINDOW_MS};
use crate::payments::{Payment, StoredOrder};
use crate::persistence::Saved;
use crate::random::Randomness;
use crate::routes::{Route, SaleCall};
use crate::sign_in::{token_hash, TokenHash};
use crate::views;
use crate::world::{sale_config, Action, SaleWorld};
use sale_engine::Settlement;

pub struct Store {
    pub(crate) catalog: Catalog,
    pub(crate) saved: Saved,
    pub(crate) worlds: Vec<SaleWorld>,
    /// What each world sells, as the views show it: the catalog's sales, then the operator's
    /// drops, in the order of `worlds`.
    pub(crate) items: Vec<CatalogSale>,
    pub(crate) notices: Vec<StoreNotice>,
    network: Network,
    /// The platform entropy the store was opened with: never saved, never answered.
    entropy: [u8; 32],
    pub(crate) unsaved: bool,
    pub(crate) opened_in_ms: f64,
    /// Set once the platform refused a save: the shopper has been told.
    pub(crate) storage_refused: bool,
}

fn not_found(path: &str) -> ApiError {
    ApiError::new(
        404,
        ErrorCode::NotFound,
        format!("The store has nothing at {path}."),
    )
}

impl Store {
    /// Opens the store from its saved text, or starts it fresh. Text that cannot be used
    /// (corrupt, from another version, or foreign) starts afresh with a notice; it never fails.
    pub fn open(catalog: Catalog, saved: Option<&str>, real_now: f64, entropy: [u8; 32]) -> Store {
        let fresh = || {
            Saved::fresh(
                DemoSettings::default(),
                real_now,
                Randomness::from_entropy(entropy),
            )
        };
        let mut notices = Vec::new();
        let doc = match saved.map(Saved::parse) {
            Some(Ok(doc)) => doc,
            Some(Err(problem)) => {
                notices.push((
                    format!("Saved demo data {problem}, so the demo was started afresh."),
                    problem.to_string(),
                ));
                fresh()
            }
            None => fresh(),
        };
        let unsaved = saved.is_none() || !notices.is_empty();
        let mut store = Store {
            catalog,
            saved: doc,
            worlds: vec![],
            items: vec![],
            notices: vec![],
            network: Network::default(),
            entropy,
            unsaved,
            opened_in_ms: 0.0,
            storage_refused: false,
        };
        for (text, problem) in notices {
            store.notice(text, (notice_codes::DATA_AFRESH, Some(problem)), real_now);
        }
        if let Err(problem) = store.build_worlds() {
            let text = format!("Saved demo data did not fit the catalog ({problem}), so the demo was started afresh.");
            let detail = format!("did not fit the catalog: {problem}");
            store.notice(text, (notice_codes::DATA_AFRESH, Some(detail)), real_now);
            store.saved = fresh();
            store
                .build_worlds()
                .expect("the catalog builds fresh sales");
            store.unsaved = true;
        }
        store
    }

    /// Everything the store would save, as it stands: a server writes it as a snapshot and
    /// opens from it with [`Store::restore`] instead of replaying every command since the
    /// opening.
    pub fn snapshot(&self) -> Saved {
        self.saved.clone()
    }

    /// The store a [`Store::snapshot`] describes. Unlike [`Store::open`], which starts a
    /// demo afresh from data it cannot use, this fails: a server must not lose what it
    /// acknowledged.
    pub fn restore(catalog: Catalog, snapshot: Saved, entropy: [u8; 32]) -> Result<Store, String> {
        let readable = crate::persistence::OLDEST_READABLE..=crate::persistence::VERSION;
        if !readable.contains(&snapshot.version) {
            return Err(format!(
                "the snapshot is of version {} and this store reads version {}",
                snapshot.version,
                crate::persistence::VERSION
            ));
        }
        let mut snapshot = snapshot;
        snapshot.version = crate::persistence::VERSION;
        let mut store = Store {
            catalog,
            saved: snapshot,
            worlds: vec![],
            items: vec![],
            notices: vec![],
            network: Network::default(),
            entropy,
            unsaved: false,
            opened_in_ms: 0.0,
            storage_refused: false,
        };
        store
            .build_worlds()
            .map_err(|problem| format!("the snapshot does not fit the catalog: {problem}"))?;
        Ok(store)
    }

    /// Starts the demo again from now: new schedule, no accounts, no orders. Without a seed in
    /// `settings` the new run's secret is fresh.
    pub fn reset(&mut self, settings: DemoSettings, real_now: f64) -> Result<(), String> {
        settings.validate()?;
        self.check_stock(&settings)?;
        let resets = self.saved.resets + 1;
        let random = self.saved.random.successor(&self.entropy, resets);
        let previous = std::mem::replace(&mut self.saved, Saved::fresh(settings, real_now, random));
        self.saved.resets = resets;
        // A new demo run starts without drops or news, but the operator stays signed in.
        self.saved.operator = previous.operator.clone();
        self.saved.operator.drops.clear();
        self.saved.operator.news.clear();
        self.saved.operator.refusals.clear();
        if let Err(problem) = self.build_worlds() {
            self.saved = previous;
            self.build_worlds().expect("the previous demo still builds");
            return Err(problem);
        }
        self.network.reset();
        self.unsaved = true;
        Ok(())
    }

    pub(crate) fn build_worlds(&mut self) -> Result<(), String> {
        let (saved, catalog) = (&self.saved, &self.catalog);
        self.worlds = catalog
            .sales
            .iter()
            .map(|item| {
                let config = sale_config(
                    item,
                    saved.base_ms,
                    &saved.settings,
                    saved.random.draw_seed(&item.id),
                );
                let crowd = saved.settings.crowd.unwrap_or(item.crowd);
                let mut world = SaleWorld::new(config, crowd, saved.random.crowd_seed(&item.id))?;
                world.load_log(saved.log.iter().cloned());
                Ok(world)
            })
            .collect::<Result<_, String>>()?;
        self.items = catalog.sales.clone();
        // The operator's drops follow the catalog's, with no simulated crowd.
        let made = self
            .saved
            .operator
            .drops
            .iter()
            .map(|made| Ok((self.made_world(made)?, item_of(&made.current))))
            .collect::<Result<Vec<_>, String>>()?;
        for (world, item) in made {
            self.worlds.push(world);
            self.items.push(item);
        }
        Ok(())
    }

    /// Tells every page something about the demo store itself (storage trouble, a reset), and
    /// returns it for the caller to pass on to open pages.
    /// `about` is the notice's code and the problem as reported, if any.
    pub fn notice(
        &mut self,
        text: String,
        about: (&str, Option<String>),
        real_now: f64,
    ) -> StoreNotice {
        let id = self
            .notices
            .last()
            .map_or(0, |n| n.id + 1)
            .max(real_now as u64);
        self.notices.push(StoreNotice {
            id,
            text,
            code: Some(about.0.into()),
            detail: about.1,
        });
        self.notices.last().expect("just pushed").clone()
    }

    pub fn settings(&self) -> &DemoSettings {
        &self.saved.settings
    }

    pub fn now(&self, real_now: f64) -> Millis {
        self.saved.clock.now_ms(real_now)
    }

    /// Records how long opening took (the caller measures: the store reads no clock).
    pub fn set_opened_in(&mut self, ms: f64) {
        self.opened_in_ms = ms;
    }

    /// The saved document's new text, once per change: write it before answering.
    pub fn take_unsaved(&mut self) -> Option<String> {
        std::mem::take(&mut self.unsaved).then(|| self.saved.to_json())
    }

    /// Whether anything changed since the last call, without writing the document: a store that
    /// logs commands instead of saving documents (the server) only needs to know that.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.unsaved)
    }

    /// How the network treats this call: its delays and its fault, from the store's seed.
    pub fn passage(&mut self, request: &StoreRequest, real_now: f64) -> Passage {
        let now = self.now(real_now);
        let rush = self
            .worlds
            .iter()
            .any(|w| w.sale.config().starts_at.abs_diff(now) <= RUSH_WINDOW_MS);
        self.network
            .passage(request, &self.saved.settings, &self.saved.random, rush)
    }

    /// Advances every sale towards now until `out_of_time` says stop, then settles payments
    /// that are due. Returns true when fully caught up; calling again resumes.
    pub fn run_slice(&mut self, real_now: f64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let now = self.now(real_now);
        for world in &mut self.worlds {
            if !world.catch_up(now, out_of_time) {
                return false;
            }
        }
        self.settle_due_payments(now);
        true
    }

    /// The real time at which the store next changes without a call (see [`crate::wake`]).
    pub fn poll_timeout(&self, real_now: f64) -> Option<f64> {
        crate::wake::poll_timeout(&self.catalog, &self.worlds, &self.saved, real_now)
    }

    fn settle_due_payments(&mut self, now: Millis) {
        let due = self.saved.payments.due(now);
        for &i in &due {
            let payment = self.saved.payments.payments[i].clone();
            let Some(w) = self.worlds.iter().position(|w| w.id() == payment.sale) else {
                continue;
            };
            let settled = self.worlds[w].act(
                payment.account,
                Action::Settle {
                    key: payment.key,
                    approved: payment.approved(),
                },
                now,
            );
            let state = match settled {
                Ok((settlement, logged)) => {
                    self.saved.log.push(logged);
                    match settlement {
                        Some(Settlement::Ordered(order)) => {
                            let item = &self.items[w];
                            let view = OrderView {
                                number: format!("KS-{}{:05}", w + 1, order.number),
                                sale_id: item.id.clone(),
                                product: item.product.clone(),
                                variant: item.variants[order.variant as usize].name.clone(),
                                price_cents: order.price_cents,
                                currency: item.currency.clone(),
                                at_ms: order.at,
                                address: payment.request.address.clone(),
                            };
                            self.saved.payments.orders.push(StoredOrder {
                                account: payment.account,
                                view,
                            });
                            PaymentState::Approved
                        }
                        _ => PaymentState::Declined,
                    }
                }
                Err(_) => PaymentState::Declined,
            };
            self.saved.payments.payments[i].state = state;
        }
        self.unsaved |= !due.is_empty();
    }

    /// Answers one request as a store would: same paths, same JSON, same errors.
    pub fn handle(&mut self, request: &StoreRequest, real_now: f64) -> StoreResponse {
        let session = request.bearer.as_deref().map(token_hash);
        self.handle_as(request, session, real_now)
    }

    /// Answers a request whose caller is known by the hash of their session token alone (the
    /// request's own bearer is not read): a server's log keeps hashes, never tokens.
    pub fn handle_as(
        &mut self,
        request: &StoreRequest,
        session: Option<TokenHash>,
        real_now: f64,
    ) -> StoreResponse {
        let now = self.now(real_now);
        let kept = match self.kept_reply(request, session, now) {
            Ok(kept) => kept,
            Err(error) => return refused(error),
        };
        let (reply_key, fingerprint) = match kept {
            Kept::Answer(response) => return response,
            Kept::Keep(key, fingerprint) => (Some(key), fingerprint),
            Kept::Nothing => (None, 0),
        };
        self.settle_due_payments(now);
        let route = Route::of(request);
        let answer = match route.clone() {
            Some(route) => self.answer(route, request, session, now, real_now),
            None => Err(not_found(
                request.path.split('?').next().unwrap_or_default(),
            )),
        };
        let (status, retry_after_ms, body) = match answer {
            Ok(body) => (200, None, body),
            Err(error) => (
                error.status,
                error.retry_after_ms,
                serde_json::to_string(&error).expect("errors serialise"),
            ),
        };
        if request.method.changes_state() {
            if let Some(key) = reply_key {
                self.keep_reply(key, fingerprint, route.as_ref(), (status, &body), now);
            }
            self.unsaved = true;
        }
        StoreResponse {
            status,
            retry_after_ms,
            body,
        }
    }

    fn answer(
        &mut self,
        route: Route,
        request: &StoreRequest,
        session: Option<TokenHash>,
        now: Millis,
        real_now: f64,
    ) -> Answer {
        match route {
            Route::Time => json(&StoreTime {
                now_ms: now,
                rate: self.saved.clock.speed,
                real_ms: Some((real_now + self.saved.settings.skew_ms as f64).max(0.0) as Millis),
            }),
            Route::SendCode => json(&self.saved.sign_in.send_code(
                body(request)?,
                now,
                &self.saved.random,
            )?),
            Route::Verify => json(&self.saved.sign_in.verify(
                body(request)?,
                now,
                &self.saved.random,
            )?),
            Route::Sales => {
                let summaries: Vec<SaleSummary> = (0..self.worlds.len())
                    .map(|w| {
                        self.worlds[w].catch_up(now, &mut || false);
                        views::summary(&self.items[w], &self.worlds[w], now)
                    })
                    .collect();
                json(&summaries)
            }
            Route::Sale(id) => {
                let w = self.world(&id, now)?;
                let mut detail = views::detail(&self.items[w], &self.worlds[w], now);
                detail.news = self.news_of(w);
                json(&detail)
            }
            Route::Report(id) => {
                let w = self.world(&id, now)?;
                let report = self.worlds[w].sale.report(now);
                json(&operator::ReportWithActions {
                    operator_actions: report.operator_actions.clone(),
                    report: views::report(report),
                })
            }
            Route::Draw(id) => {
                let w = self.world(&id, now)?;
                let sale = &self.worlds[w].sale;
                // The fingerprint is published when registration closes, as in the sale's detail:
                // before then the store could still pick another seed, so it shows nothing.
                if now < sale.config().registration_closes {
                    return Err(ApiError::new(
                        404,
                        ErrorCode::DrawNotPublished,
                        "The draw is published when registration closes.",
                    ));
                }
                json(&sale.draw_record(now))
            }
            Route::Me(id) => {
                let (w, account) = (self.world(&id, now)?, self.account(session)?);
                json(&self.shopper_view(w, account))
            }
            Route::Shopper(id, call) => {
                let (w, account) = (self.world(&id, now)?, self.account(session)?);
                let action = match call {
                    SaleCall::Register => Action::Register,
                    SaleCall::Cancel => Action::Cancel,
                    SaleCall::Join => Action::Join(views::preference(body(request)?)),
                    SaleCall::Prefer => Action::Prefer(views::preference(body(request)?)),
                    SaleCall::Extend => Action::Extend,
                    SaleCall::Checkout => return self.checkout(w, account, request, now),
                };
                let (_, logged) = self.worlds[w]
                    .act(account, action, now)
                    .map_err(|e| self.count_refusal(w, e))?;
                self.saved.log.push(logged);
                json(&self.shopper_view(w, account))
            }
            Route::Orders => json(&self.saved.payments.orders_of(self.account(session)?)),
            Route::Order(number) => {
                let account = self.account(session)?;
                let order = self
                    .saved
                    .payments
                    .orders_of(account)
                    .into_iter()
                    .find(|o| o.number == number);
                order.map_or_else(
                    || {
                        Err(ApiError::new(
                            404,
                            ErrorCode::UnknownOrder,
                            format!("No order {number} on this account."),
                        )
                        .about(number.clone()))
                    },
                    json,
                )
            }
            Route::Operator(call) => self.operator_answer(call, request, session, now),
            dev => self.dev_answer(dev, request, now, real_now),
        }
    }

    pub(crate) fn account(&self, session: Option<TokenHash>) -> Result<u32, ApiError> {
        self.saved.sign_in.account_of(session)
    }

    /// The sale's index, caught up to now.
    pub(crate) fn world(&mut self, id: &str, now: Millis) -> Result<usize, ApiError> {
        let w = self
            .worlds
            .iter()
            .position(|w| w.id() == id)
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    ErrorCode::UnknownSale,
                    format!("There is no sale called “{id}”."),
                )
                .about(id)
            })?;
        self.worlds[w].catch_up(now, &mut || false);
        Ok(w)
    }

    fn checkout(&mut self, w: usize, account: u32, request: &StoreRequest, now: Millis) -> Answer {
        let checkout: CheckoutRequest = body(request)?;
        if let Some(problem) = validation::address(&checkout.address).first() {
            return Err(ApiError::new(
                422,
                ErrorCode::InvalidAddress,
                problem.to_string(),
            ));
        }
        if checkout.variant as usize >= self.items[w].variants.len() {
            return Err(views::refusal(sale_engine::SaleError::UnknownVariant));
        }
        let key = hash64(request.idempotency_key.as_deref().unwrap_or_default());
        let request_hash = hash64(request.body.as_deref().unwrap_or_default());
        let (_, logged) = self.worlds[w]
            .act(account, Action::BeginCheckout { key, request_hash }, now)
            .map_err(|e| self.count_refusal(w, e))?;
        self.saved.log.push(logged);
        let sale = self.worlds[w].id().to_string();
        self.saved
            .payments
            .payments
            .push(Payment::new(sale, account, key, checkout, now));
        json(&self.shopper_view(w, account))
    }

    pub(crate) fn shopper_view(&self, w: usize, account: u32) -> ShopperView {
        let world = &self.worlds[w];
        let status = views::status(world.sale.status(world.account(account), world.tick));
        let payment = self.saved.payments.latest(world.id(), account);
        let paying = payment
            .as_ref()
            .is_some_and(|p| p.state == PaymentState::Pending);
        ShopperView {
            sale_id: world.id().to_string(),
            // In device time: a demo clock running fast asks as much sooner.
            poll_after_ms: Some(
                (views::poll_after(&status, paying, world.tick, world.sale.config()) as f64
                    / self.saved.clock.speed)
                    .ceil() as u64,
            ),
            status,
            registration_number: world.registration_number(account),
            ticket: world.ticket(account),
            payment,
            order: self.saved.payments.order_in(world.id(), account).cloned(),
            news: self.news_of(w),
        }
    }

    /// The engine's refusal as the contract's error, counted for the operator's figures.
    fn count_refusal(&mut self, w: usize, error: sale_engine::SaleError) -> ApiError {
        let id = self.worlds[w].id().to_string();
        *self.saved.operator.refusals.entry(id).or_default() += 1;
        views::refusal(error)
    }

    /// Gives the demo its operator, whose key is [`crate::operator::DEMO_KEY`], unless the
    /// store has a key already. The Service Worker's demo only: a server makes its own key.
    pub fn with_demo_operator(&mut self) {
        if !self.saved.operator.has_key() {
            let set = crate::operator::KeySet {
                key_sha256: crate::operator::key_sha256(crate::operator::DEMO_KEY),
                replace: false,
            };
            self.saved
                .operator
                .set_key(set)
                .expect("a well-formed hash");
            self.unsaved = true;
        }
    }
}
