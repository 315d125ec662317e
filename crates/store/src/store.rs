//! The demo store: answers the contract's calls from its saved document and the sales rebuilt
//! from it. Sans-I/O: the caller brings the request, the real time, the platform's entropy and
//! the saved text, and takes away the response and the text to save.
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use store_contract::demo::{
    notice_codes, ClockChange, CodesRequest, DemoSettings, DevSale, DevState, IssuedCode,
    StoreNotice, MAX_CODES_AT_ONCE,
};
use store_contract::*;

use crate::catalog::Catalog;
use crate::network::{Network, Passage, RUSH_WINDOW_MS};
use crate::payments::{Payment, StoredOrder};
use crate::persistence::{ReplyBody, ReplyKey, Saved, StoredReply, MAX_KEY_CHARS, REPLY_WINDOW_MS};
use crate::random::Randomness;
use crate::routes::{Route, SaleCall};
use crate::sign_in::{token_hash, TokenHash};
use crate::views;
use crate::world::{sale_config, Action, SaleWorld};
use sale_engine::Settlement;

/// What a call's idempotency key decides before the call is answered.
enum Kept {
    /// The key's earlier answer, for a retry.
    Answer(StoreResponse),
    /// A first use of the key: keep the answer under it, with the request's fingerprint.
    Keep(ReplyKey, u64),
    Nothing,
}

fn refused(error: ApiError) -> StoreResponse {
    StoreResponse {
        status: error.status,
        retry_after_ms: error.retry_after_ms,
        body: serde_json::to_string(&error).expect("errors serialise"),
    }
}

/// The session a sign-in's answer hands out.
fn session_of(body: &str) -> Option<TokenHash> {
    let session: Session = serde_json::from_str(body).ok()?;
    Some(token_hash(&session.token))
}

/// Where a call's answer is kept: the account (none before sign-in) and the key.
fn reply_key(account: Option<u32>, key: &str) -> ReplyKey {
    let mut hasher = Sha256::new();
    match account {
        Some(account) => {
            hasher.update([1]);
            hasher.update(account.to_be_bytes());
        }
        None => hasher.update([0]),
    }
    hasher.update(key.as_bytes());
    hasher.finalize()[..16].try_into().expect("16 bytes")
}

/// The request a key was first used for: its method, path and body.
fn fingerprint(request: &StoreRequest) -> u64 {
    let mut hasher = Sha256::new();
    for part in [
        request.method.as_str(),
        &request.path,
        request.body.as_deref().unwrap_or_default(),
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    u64::from_be_bytes(hasher.finalize()[..8].try_into().expect("8 bytes"))
}

/// One sale's live figures: where its crowd stands and what it has sold, by variant.
#[derive(Clone, Debug, PartialEq)]
pub struct SaleFigures {
    pub id: String,
    pub phase: Phase,
    pub counters: Counters,
    pub variants: Vec<VariantReport>,
}

pub struct Store {
    catalog: Catalog,
    saved: Saved,
    worlds: Vec<SaleWorld>,
    notices: Vec<StoreNotice>,
    network: Network,
    /// The platform entropy the store was opened with: never saved, never answered.
    entropy: [u8; 32],
    unsaved: bool,
    opened_in_ms: f64,
    /// Set once the platform refused a save: the shopper has been told.
    pub(crate) storage_refused: bool,
}

type Answer = Result<String, ApiError>;

fn json<T: Serialize>(value: &T) -> Answer {
    Ok(serde_json::to_string(value).expect("contract types serialise"))
}

fn body<T: DeserializeOwned>(request: &StoreRequest) -> Result<T, ApiError> {
    let text = request.body.as_deref().unwrap_or("null");
    serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            400,
            ErrorCode::BadRequest,
            format!("The request could not be read: {e}."),
        )
    })
}

/// The first 64 bits of sha256: the engine's keys are numbers, the contract's are strings.
fn hash64(text: &str) -> u64 {
    u64::from_be_bytes(
        Sha256::digest(text.as_bytes())[..8]
            .try_into()
            .expect("8 bytes"),
    )
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
        if snapshot.version != crate::persistence::VERSION {
            return Err(format!(
                "the snapshot is of version {} and this store reads version {}",
                snapshot.version,
                crate::persistence::VERSION
            ));
        }
        let mut store = Store {
            catalog,
            saved: snapshot,
            worlds: vec![],
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
        if let Err(problem) = self.build_worlds() {
            self.saved = previous;
            self.build_worlds().expect("the previous demo still builds");
            return Err(problem);
        }
        self.network.reset();
        self.unsaved = true;
        Ok(())
    }

    fn build_worlds(&mut self) -> Result<(), String> {
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
                            let item = &self.catalog.sales[w];
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
                let body = match route {
                    Some(Route::Verify) if status == 200 => {
                        let account = self.account(session_of(&body)).expect("just signed in");
                        ReplyBody::Session {
                            drawn: self.saved.sign_in.drawn(),
                            account,
                        }
                    }
                    Some(Route::Shopper(..)) if status == 200 => {
                        let view: ShopperView =
                            serde_json::from_str(&body).expect("the store's own answer");
                        ReplyBody::View(
                            postcard::to_allocvec(&view)
                                .expect("views serialise")
                                .into(),
                        )
                    }
                    _ => ReplyBody::Text(body.as_str().into()),
                };
                let reply = StoredReply {
                    request: fingerprint,
                    status,
                    body,
                    kept_until_s: StoredReply::seconds(self.reply_window_end(route.as_ref(), now)),
                };
                self.saved.replies.remember(key, reply, now);
            }
            self.unsaved = true;
        }
        StoreResponse {
            status,
            retry_after_ms,
            body,
        }
    }

    /// What the idempotency key of `request` says: answer as before, keep this call's answer,
    /// or (without a key, or on a read) nothing. A key longer than the store keeps, or one
    /// already used for another request, is refused.
    fn kept_reply(
        &self,
        request: &StoreRequest,
        session: Option<TokenHash>,
        now: Millis,
    ) -> Result<Kept, ApiError> {
        let Some(key) = request.idempotency_key.as_deref() else {
            return Ok(Kept::Nothing);
        };
        let length = key.chars().count();
        if length > MAX_KEY_CHARS {
            return Err(ApiError::new(
                400,
                ErrorCode::BadRequest,
                format!("The Idempotency-Key is {length} characters long; the store takes keys of at most {MAX_KEY_CHARS}."),
            ));
        }
        if !request.method.changes_state() {
            return Ok(Kept::Nothing);
        }
        let account = self.saved.sign_in.account_of(session).ok();
        let reply_key = reply_key(account, key);
        let fingerprint = fingerprint(request);
        match self.saved.replies.get(&reply_key, now) {
            None => Ok(Kept::Keep(reply_key, fingerprint)),
            Some(reply) if reply.request != fingerprint => Err(ApiError::new(
                422,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for another request: send this one with a new key.",
            )),
            Some(reply) => Ok(Kept::Answer(StoreResponse {
                status: reply.status,
                retry_after_ms: None,
                body: match &reply.body {
                    ReplyBody::Text(text) => text.to_string(),
                    ReplyBody::View(bytes) => {
                        let view: ShopperView =
                            postcard::from_bytes(bytes).expect("a view the store kept");
                        json(&view).expect("views serialise")
                    }
                    ReplyBody::Session { drawn, account } => json(&Session {
                        token: self.saved.random.token(*drawn),
                        phone: self.saved.sign_in.phone(*account),
                    })
                    .expect("sessions serialise"),
                },
            })),
        }
    }

    /// Until when an answer is kept: a day past the end of the sale it is about, or a day past
    /// now for a call outside any sale.
    fn reply_window_end(&self, route: Option<&Route>, now: Millis) -> Millis {
        let sale_end = match route {
            Some(Route::Shopper(id, _)) => self
                .worlds
                .iter()
                .find(|w| w.id() == id)
                .map(|w| w.sale.config().ends_at),
            _ => None,
        };
        sale_end.unwrap_or(now).max(now) + REPLY_WINDOW_MS
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
                        views::summary(&self.catalog.sales[w], &self.worlds[w], now)
                    })
                    .collect();
                json(&summaries)
            }
            Route::Sale(id) => {
                let w = self.world(&id, now)?;
                json(&views::detail(&self.catalog.sales[w], &self.worlds[w], now))
            }
            Route::Report(id) => {
                let w = self.world(&id, now)?;
                json(&views::report(self.worlds[w].sale.report(now)))
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
                    .map_err(views::refusal)?;
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
            Route::DevInbox => json(&self.saved.sign_in.inbox()),
            Route::DevCodes => json(&self.issue_codes(body(request)?, now)?),
            Route::DevState => json(&self.dev_state(now)),
            Route::DevNotices => json(&self.notices),
            Route::DevReset => {
                let settings = body::<Option<DemoSettings>>(request)?
                    .unwrap_or_else(|| self.saved.settings.clone());
                self.reset(settings, real_now)
                    .map_err(|e| ApiError::new(422, ErrorCode::BadSettings, e))?;
                json(&self.dev_state(self.now(real_now)))
            }
            Route::DevSettings => {
                let settings: DemoSettings = body(request)?;
                self.change_settings(settings, real_now)
                    .map_err(|e| ApiError::new(422, ErrorCode::BadSettings, e))?;
                json(&self.dev_state(self.now(real_now)))
            }
            Route::DevClock => {
                let change: ClockChange = body(request)?;
                if let Some(speed) = change.speed {
                    let speed = speed.clamp(1.0, 60.0);
                    self.saved.clock.set_speed(real_now, speed);
                    self.saved.settings.speed = speed;
                }
                if let Some(to) = change.jump_to_ms {
                    self.saved.clock.jump_to(real_now, to as f64);
                }
                json(&self.dev_state(self.now(real_now)))
            }
        }
    }

    /// Sends a code to each number as `POST /api/auth/code` would, and answers with the codes
    /// (the demo's inbox keeps only the last few texts).
    fn issue_codes(
        &mut self,
        request: CodesRequest,
        now: Millis,
    ) -> Result<Vec<IssuedCode>, ApiError> {
        if request.phones.len() > MAX_CODES_AT_ONCE {
            return Err(ApiError::new(
                400,
                ErrorCode::BadRequest,
                format!(
                    "{} numbers are more than one call takes: send at most {MAX_CODES_AT_ONCE}.",
                    request.phones.len()
                ),
            ));
        }
        let random = self.saved.random;
        Ok(request
            .phones
            .into_iter()
            .map(|phone| {
                let asked = CodeRequest {
                    phone: phone.clone(),
                    language: None,
                };
                match self.saved.sign_in.send_code(asked, now, &random) {
                    Ok(sent) => IssuedCode {
                        code: self.saved.sign_in.code_for(&sent.phone),
                        phone: sent.phone,
                        error: None,
                    },
                    Err(error) => IssuedCode {
                        phone,
                        code: None,
                        error: Some(error),
                    },
                }
            })
            .collect())
    }

    /// Every variant of every sale needs a unit: a stock below a sale's number of variants is
    /// refused with a sentence (the range a URL modifier accepts cannot know the catalog).
    fn check_stock(&self, settings: &DemoSettings) -> Result<(), String> {
        let Some(stock) = settings.stock else {
            return Ok(());
        };
        match self
            .catalog
            .sales
            .iter()
            .find(|s| (stock as usize) < s.variants.len())
        {
            Some(sale) => Err(format!(
                "stock={stock} is too few: {} has {} variants, and each needs at least one unit.",
                sale.product,
                sale.variants.len()
            )),
            None => Ok(()),
        }
    }

    fn change_settings(&mut self, settings: DemoSettings, real_now: f64) -> Result<(), String> {
        settings.validate()?;
        self.check_stock(&settings)?;
        let old = self.saved.settings.clone();
        if settings.seed != old.seed {
            return Err(
                "The seed is chosen when the demo starts: reset the demo to change it.".into(),
            );
        }
        // Turning the store clock back would rewrite the sales' past, which the store never does;
        // saying so beats saving a skew the clock does not have.
        if settings.skew_ms < old.skew_ms {
            return Err(format!(
                "The store clock only moves forward, so its skew can only grow from {} ms; reset the demo to start with a smaller one.",
                old.skew_ms
            ));
        }
        if settings.speed != old.speed {
            self.saved.clock.set_speed(real_now, settings.speed);
        }
        if settings.skew_ms != old.skew_ms {
            let now = self.saved.clock.now(real_now);
            self.saved
                .clock
                .jump_to(real_now, now + (settings.skew_ms - old.skew_ms) as f64);
        }
        self.saved.settings = settings;
        if (
            self.saved.settings.crowd,
            self.saved.settings.stock,
            self.saved.settings.hold_s,
        ) != (old.crowd, old.stock, old.hold_s)
        {
            if let Err(problem) = self
                .build_worlds()
                .and_then(|()| self.replays_cleanly(real_now))
            {
                self.saved.settings = old;
                self.build_worlds()
                    .expect("the previous settings still build");
                return Err(problem);
            }
        }
        Ok(())
    }

    /// Replays every sale's log up to now and answers whether each logged action took effect
    /// again: a settings change must not silently undo holds and checkouts whose orders stay.
    fn replays_cleanly(&mut self, real_now: f64) -> Result<(), String> {
        let now = self.now(real_now);
        let mut undone = 0;
        for world in &mut self.worlds {
            world.catch_up(now, &mut || false);
            undone += world.replay_failures();
        }
        match undone {
            0 => Ok(()),
            n => Err(format!(
                "These settings would undo {n} thing{} shoppers already did (a registration, a place in line, a hold or a checkout); reset the demo to start with them.",
                if n == 1 { "" } else { "s" }
            )),
        }
    }

    fn account(&self, session: Option<TokenHash>) -> Result<u32, ApiError> {
        self.saved.sign_in.account_of(session)
    }

    /// The sale's index, caught up to now.
    fn world(&mut self, id: &str, now: Millis) -> Result<usize, ApiError> {
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
        if checkout.variant as usize >= self.catalog.sales[w].variants.len() {
            return Err(views::refusal(sale_engine::SaleError::UnknownVariant));
        }
        let key = hash64(request.idempotency_key.as_deref().unwrap_or_default());
        let request_hash = hash64(request.body.as_deref().unwrap_or_default());
        let (_, logged) = self.worlds[w]
            .act(account, Action::BeginCheckout { key, request_hash }, now)
            .map_err(views::refusal)?;
        self.saved.log.push(logged);
        let sale = self.worlds[w].id().to_string();
        self.saved
            .payments
            .payments
            .push(Payment::new(sale, account, key, checkout, now));
        json(&self.shopper_view(w, account))
    }

    fn shopper_view(&self, w: usize, account: u32) -> ShopperView {
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
            news: Default::default(),
        }
    }

    /// Every sale's live figures as of `now`, for an operator's charts (`/metrics`).
    pub fn figures(&self, now: Millis) -> Vec<SaleFigures> {
        self.worlds
            .iter()
            .map(|w| SaleFigures {
                id: w.id().to_string(),
                phase: views::phase(w.sale.phase(now)),
                counters: views::counters(w.sale.counters()),
                variants: views::report(w.sale.report(now)).variants,
            })
            .collect()
    }

    fn dev_state(&self, now: Millis) -> DevState {
        DevState {
            store_now_ms: now,
            settings: self.saved.settings.clone(),
            replayable: self.saved.settings.seed.is_some(),
            opened_in_ms: self.opened_in_ms,
            sales: self
                .worlds
                .iter()
                .map(|w| DevSale {
                    id: w.id().to_string(),
                    phase: views::phase(w.sale.phase(now)),
                    registration_closes: w.sale.config().registration_closes,
                    starts_at: w.sale.config().starts_at,
                    counters: views::counters(w.sale.counters()),
                    engine_bytes: w.memory_bytes(),
                })
                .collect(),
        }
    }
}
