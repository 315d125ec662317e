//! The demo store: answers the API contract from inside the browser. It keeps the shopper's
//! actions, the settings and the clock in storage and rebuilds everything else (the engine,
//! the crowd) from them, so a reload, a second tab or a crash lands exactly where it was.
use std::rc::Rc;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use sale_engine::{sha256_hex, Millis, Phase, Settlement};

use super::catalog::Catalog;
use super::clock::StoreClock;
use super::settings::DemoSettings;
use super::storage::DemoStorage;
use super::world::{sale_config, Action, LoggedAction, SaleWorld};
use crate::api::http::{HttpRequest, HttpResponse, Method};
use crate::api::validation;
use crate::api::*;
use crate::device::{monotonic_ms, random_key};

/// The storage key of the store's document (namespaced by [`DemoStorage`]).
pub const STORE_KEY: &str = "store";
/// Bumped with every save, so a tab can tell cheaply whether another tab wrote.
const REVISION_KEY: &str = "store.revision";
const VERSION: u32 = 1;
const CODE_VALID_MS: Millis = 5 * 60_000;
const CODE_RESEND_MS: Millis = 30_000;
const WRONG_CODES_BEFORE_LOCK: u32 = 5;
const LOCK_MS: Millis = 10 * 60_000;
const REMEMBERED_REPLIES: usize = 200;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CodeState {
    phone: String,
    code: String,
    expires_at: Millis,
    resend_at: Millis,
    wrong: u32,
    locked_until: Millis,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredReply {
    key: String,
    status: u16,
    body: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Payment {
    sale: String,
    account: u32,
    key: u64,
    request: CheckoutRequest,
    settle_at: Millis,
    state: PaymentState,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredOrder {
    account: u32,
    view: OrderView,
}

/// Everything the store persists: small, whatever the crowd's size.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredDemo {
    version: u32,
    revision: u64,
    settings: DemoSettings,
    clock: StoreClock,
    /// Store time when the demo was first opened: the catalog's schedule counts from here.
    base_ms: Millis,
    accounts: Vec<String>,
    codes: Vec<CodeState>,
    inbox: Vec<Sms>,
    sessions: Vec<(String, u32)>,
    log: Vec<LoggedAction>,
    replies: Vec<StoredReply>,
    payments: Vec<Payment>,
    orders: Vec<StoredOrder>,
}

impl StoredDemo {
    fn fresh(settings: DemoSettings, real_now: f64) -> Self {
        let clock = StoreClock::new(real_now, settings.skew_ms as f64, settings.speed);
        Self {
            version: VERSION,
            revision: 0,
            // Whole seconds, so every sale moment falls on a store-second boundary and a countdown
            // flips exactly when the store clock does.
            base_ms: clock.now_ms(real_now).div_ceil(1_000) * 1_000,
            clock,
            settings,
            accounts: vec![],
            codes: vec![],
            inbox: vec![],
            sessions: vec![],
            log: vec![],
            replies: vec![],
            payments: vec![],
            orders: vec![],
        }
    }
}

/// What the dev panel reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DevState {
    pub store_now_ms: Millis,
    pub settings: DemoSettings,
    pub sales: Vec<DevSale>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DevSale {
    pub id: String,
    pub phase: Phase,
    pub registration_closes: Millis,
    pub starts_at: Millis,
    pub counters: Counters,
    pub engine_bytes: usize,
}

/// A dev-panel clock move: jump store time forward, change its speed, or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClockChange {
    pub jump_to_ms: Option<Millis>,
    pub speed: Option<f64>,
}

pub struct MockStore {
    catalog: Catalog,
    storage: Rc<DemoStorage>,
    doc: StoredDemo,
    worlds: Vec<SaleWorld>,
    notices: Vec<String>,
}

type Answer = Result<String, ApiError>;

fn json<T: Serialize>(value: &T) -> Answer {
    Ok(serde_json::to_string(value).expect("contract types serialise"))
}

fn body<T: DeserializeOwned>(request: &HttpRequest) -> Result<T, ApiError> {
    let text = request.body.as_deref().unwrap_or("null");
    serde_json::from_str(text).map_err(|e| ApiError::new(400, "bad_request", format!("The request could not be read: {e}.")))
}

/// The first 64 bits of sha256: the engine's keys are numbers, the contract's are strings.
fn hash64(text: &str) -> u64 {
    u64::from_str_radix(&sha256_hex(text.as_bytes())[..16], 16).expect("hex")
}

fn seconds(ms: Millis) -> u64 {
    ms.div_ceil(1_000)
}

impl MockStore {
    /// Opens the demo from storage, or starts it fresh. Data that cannot be read (corrupt, from
    /// another version, or foreign) resets the demo with a notice; it never stops the app.
    pub fn open(catalog: Catalog, storage: Rc<DemoStorage>, real_now: f64) -> Self {
        let mut notices = Vec::new();
        let doc = storage.get(STORE_KEY).and_then(|raw| {
            // The version is read on its own first: an older document may not parse as today's.
            let version = serde_json::from_str::<serde_json::Value>(&raw).ok().and_then(|v| v.get("version")?.as_u64());
            let problem = match version {
                Some(v) if v == u64::from(VERSION) => match serde_json::from_str::<StoredDemo>(&raw) {
                    Ok(doc) => return Some(doc),
                    Err(_) => "could not be read",
                },
                Some(_) => "came from another version of the store",
                None => "could not be read",
            };
            notices.push(format!("Saved demo data {problem}, so the demo was started afresh."));
            None
        });
        let fresh = doc.is_none();
        let mut store = Self {
            doc: doc.unwrap_or_else(|| StoredDemo::fresh(DemoSettings::default(), real_now)),
            catalog,
            storage,
            worlds: vec![],
            notices,
        };
        if let Err(problem) = store.build_worlds() {
            store.notices.push(format!("Saved demo data did not fit the catalog ({problem}), so the demo was started afresh."));
            store.doc = StoredDemo::fresh(DemoSettings::default(), real_now);
            store.build_worlds().expect("the catalog builds fresh sales");
        }
        if fresh {
            store.save();
        }
        if let Some(why) = store.storage.degraded() {
            store.notices.push(why);
        }
        store
    }

    /// Starts the demo again from now: new schedule, no accounts, no orders.
    pub fn reset(&mut self, settings: DemoSettings, real_now: f64) -> Result<(), String> {
        let previous = std::mem::replace(&mut self.doc, StoredDemo::fresh(settings, real_now));
        self.doc.revision = previous.revision;
        if let Err(problem) = self.build_worlds() {
            self.doc = previous;
            self.build_worlds().expect("the previous demo still builds");
            return Err(problem);
        }
        self.save();
        Ok(())
    }

    fn build_worlds(&mut self) -> Result<(), String> {
        self.worlds = self
            .catalog
            .sales
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let config = sale_config(item, self.doc.base_ms, &self.doc.settings);
                let crowd = self.doc.settings.crowd.unwrap_or(item.crowd);
                let mut world = SaleWorld::new(config, crowd, self.doc.settings.seed.wrapping_add(i as u64))?;
                world.load_log(self.doc.log.iter().cloned());
                Ok(world)
            })
            .collect::<Result<_, String>>()?;
        Ok(())
    }

    fn save(&mut self) {
        self.doc.revision += 1;
        self.storage.set(STORE_KEY, &serde_json::to_string(&self.doc).expect("the document serialises"));
        self.storage.set(REVISION_KEY, &self.doc.revision.to_string());
    }

    /// Picks up what another tab wrote, so both tabs act on one store. Cheap when nothing
    /// changed: only the revision is read.
    pub fn reload_if_changed(&mut self) {
        if self.storage.get(REVISION_KEY) == Some(self.doc.revision.to_string()) {
            return;
        }
        let Some(Ok(doc)) = self.storage.get(STORE_KEY).map(|raw| serde_json::from_str::<StoredDemo>(&raw)) else {
            return;
        };
        if doc.version == VERSION && doc.revision != self.doc.revision {
            self.doc = doc;
            if let Err(problem) = self.build_worlds() {
                self.notices.push(format!("Another tab saved demo data this one cannot use ({problem})."));
            }
        }
    }

    /// Notices for the shopper about the demo itself (reset, storage trouble), each once.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    pub fn settings(&self) -> &DemoSettings {
        &self.doc.settings
    }

    /// True within `window_ms` of any sale's start: the rush, when a real store sheds load.
    pub fn in_rush(&self, real_now: f64, window_ms: Millis) -> bool {
        let now = self.now(real_now);
        self.worlds.iter().any(|w| w.sale.config().starts_at.abs_diff(now) <= window_ms)
    }

    pub fn now(&self, real_now: f64) -> Millis {
        self.doc.clock.now_ms(real_now)
    }

    /// Advances every sale towards now for at most `budget_ms` of work, then settles payments
    /// that are due. Returns true when fully caught up.
    pub fn run_slice(&mut self, real_now: f64, budget_ms: f64) -> bool {
        let started = monotonic_ms();
        let now = self.now(real_now);
        let mut out_of_time = || monotonic_ms() - started > budget_ms;
        for world in &mut self.worlds {
            if !world.catch_up(now, &mut out_of_time) {
                return false;
            }
        }
        self.settle_due_payments(now);
        true
    }

    fn settle_due_payments(&mut self, now: Millis) {
        let due: Vec<usize> = (0..self.doc.payments.len())
            .filter(|&i| self.doc.payments[i].state == PaymentState::Pending && self.doc.payments[i].settle_at <= now)
            .collect();
        for i in &due {
            let payment = self.doc.payments[*i].clone();
            let approved = payment.request.payment != PaymentMethod::CardDeclines;
            let Some(w) = self.worlds.iter().position(|w| w.id() == payment.sale) else { continue };
            let result = self.worlds[w].act(payment.account, Action::Settle { key: payment.key, approved }, now);
            self.doc.payments[*i].state = match result {
                Ok((Some(Settlement::Ordered(order)), logged)) => {
                    self.doc.log.push(logged);
                    let item = &self.catalog.sales[w];
                    let variant = &item.variants[order.variant as usize];
                    self.doc.orders.push(StoredOrder {
                        account: payment.account,
                        view: OrderView {
                            number: format!("KS-{}{:05}", w + 1, order.number),
                            sale_id: item.id.clone(),
                            product: item.product.clone(),
                            variant: variant.name.clone(),
                            price_cents: order.price_cents,
                            at_ms: order.at,
                            address: payment.request.address.clone(),
                        },
                    });
                    PaymentState::Approved
                }
                Ok((_, logged)) => {
                    self.doc.log.push(logged);
                    PaymentState::Declined
                }
                Err(_) => PaymentState::Declined,
            };
        }
        if !due.is_empty() {
            self.save();
        }
    }

    /// Answers one request as a store would: same paths, same JSON, same errors.
    pub fn handle(&mut self, request: &HttpRequest, real_now: f64) -> HttpResponse {
        let changes_state = request.method.changes_state();
        self.reload_if_changed();
        if let Some(key) = &request.idempotency_key {
            if let Some(reply) = self.doc.replies.iter().find(|r| &r.key == key) {
                return HttpResponse { status: reply.status, retry_after_ms: None, body: reply.body.clone() };
            }
        }
        let now = self.now(real_now);
        let (status, retry_after_ms, body) = match self.route(request, now, real_now) {
            Ok(body) => (200, None, body),
            Err(error) => (error.status, error.retry_after_ms, serde_json::to_string(&error).expect("errors serialise")),
        };
        if changes_state {
            if let Some(key) = &request.idempotency_key {
                self.doc.replies.push(StoredReply { key: key.clone(), status, body: body.clone() });
                let excess = self.doc.replies.len().saturating_sub(REMEMBERED_REPLIES);
                self.doc.replies.drain(..excess);
            }
            self.save();
        }
        HttpResponse { status, retry_after_ms, body }
    }

    fn route(&mut self, request: &HttpRequest, now: Millis, real_now: f64) -> Answer {
        let path = request.path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
        use Method::*;
        match (request.method, parts.as_slice()) {
            (Get, ["time"]) => json(&StoreTime { now_ms: now, rate: self.doc.clock.speed }),
            (Post, ["auth", "code"]) => self.send_code(body(request)?, now),
            (Post, ["auth", "verify"]) => self.verify_code(body(request)?, now),
            (Get, ["sales"]) => {
                let summaries: Vec<SaleSummary> = (0..self.worlds.len()).map(|w| self.summary(w, now)).collect();
                json(&summaries)
            }
            (Get, ["sales", id]) => {
                let w = self.world(id, now)?;
                json(&self.detail(w, now))
            }
            (Get, ["sales", id, "report"]) => {
                let w = self.world(id, now)?;
                json(&self.worlds[w].sale.report(now))
            }
            (Get, ["sales", id, "me"]) => {
                let (w, account) = (self.world(id, now)?, self.account(request)?);
                json(&self.shopper_view(w, account))
            }
            (method, ["sales", id, rest @ ..]) => {
                let (w, account) = (self.world(id, now)?, self.account(request)?);
                let action = match (method, rest) {
                    (Post, ["registration"]) => Action::Register,
                    (Delete, ["registration"]) => Action::Cancel,
                    (Post, ["queue"]) => Action::Join(body(request)?),
                    (Put, ["preference"]) => Action::Prefer(body(request)?),
                    (Post, ["hold", "extend"]) => Action::Extend,
                    (Post, ["checkout"]) => return self.checkout(w, account, request, now),
                    _ => return Err(not_found(path)),
                };
                let (_, logged) = self.worlds[w].act(account, action, now)?;
                self.doc.log.push(logged);
                json(&self.shopper_view(w, account))
            }
            (Get, ["orders"]) => {
                let account = self.account(request)?;
                let orders: Vec<&OrderView> =
                    self.doc.orders.iter().filter(|o| o.account == account).map(|o| &o.view).collect();
                json(&orders)
            }
            (Get, ["orders", number]) => {
                let account = self.account(request)?;
                let order = self.doc.orders.iter().find(|o| o.account == account && o.view.number == *number);
                order.map_or_else(
                    || Err(ApiError::new(404, "unknown_order", format!("No order {number} on this account."))),
                    |o| json(&o.view),
                )
            }
            (Get, ["dev", "inbox"]) => json(&self.doc.inbox),
            (Get, ["dev", "state"]) => json(&self.dev_state(now)),
            (Post, ["dev", "reset"]) => {
                let settings = body::<Option<DemoSettings>>(request)?.unwrap_or_else(|| self.doc.settings.clone());
                self.reset(settings, real_now).map_err(|e| ApiError::new(422, "bad_settings", e))?;
                json(&self.dev_state(self.now(real_now)))
            }
            (Put, ["dev", "settings"]) => {
                let settings: DemoSettings = body(request)?;
                let old = &self.doc.settings;
                let rebuild = (settings.crowd, settings.stock, settings.hold_s, settings.seed)
                    != (old.crowd, old.stock, old.hold_s, old.seed);
                if settings.speed != old.speed {
                    self.doc.clock.set_speed(real_now, settings.speed);
                }
                if settings.skew_ms != old.skew_ms {
                    let now = self.doc.clock.now(real_now);
                    self.doc.clock.jump_to(real_now, now + (settings.skew_ms - old.skew_ms) as f64);
                }
                self.doc.settings = settings;
                if rebuild {
                    self.build_worlds().map_err(|e| ApiError::new(422, "bad_settings", e))?;
                }
                json(&self.dev_state(self.now(real_now)))
            }
            (Post, ["dev", "clock"]) => {
                let change: ClockChange = body(request)?;
                if let Some(speed) = change.speed {
                    self.doc.clock.set_speed(real_now, speed.clamp(1.0, 60.0));
                    self.doc.settings.speed = speed.clamp(1.0, 60.0);
                }
                if let Some(to) = change.jump_to_ms {
                    self.doc.clock.jump_to(real_now, to as f64);
                }
                json(&self.dev_state(self.now(real_now)))
            }
            _ => Err(not_found(path)),
        }
    }

    fn send_code(&mut self, request: CodeRequest, now: Millis) -> Answer {
        let phone = validation::phone(&request.phone).map_err(|m| ApiError::new(422, "invalid_phone", m))?;
        if let Some(state) = self.doc.codes.iter().find(|c| c.phone == phone) {
            if state.locked_until > now {
                return Err(locked(state.locked_until - now));
            }
            if state.resend_at > now {
                let wait = state.resend_at - now;
                return Err(ApiError::new(429, "too_soon", format!("A code was just sent. You can ask for another in {} s.", seconds(wait)))
                    .retry_after(wait));
            }
        }
        let code = format!("{:06}", (js_sys::Math::random() * 1_000_000.0) as u32);
        self.doc.codes.retain(|c| c.phone != phone || c.locked_until > now);
        let wrong = self.doc.codes.iter().find(|c| c.phone == phone).map_or(0, |c| c.wrong);
        self.doc.codes.retain(|c| c.phone != phone);
        self.doc.codes.push(CodeState {
            phone: phone.clone(),
            code: code.clone(),
            expires_at: now + CODE_VALID_MS,
            resend_at: now + CODE_RESEND_MS,
            wrong,
            locked_until: 0,
        });
        self.doc.inbox.push(Sms { phone: phone.clone(), text: format!("Your Kestrel code is {code}. It expires in 5 minutes."), at_ms: now });
        let excess = self.doc.inbox.len().saturating_sub(20);
        self.doc.inbox.drain(..excess);
        json(&CodeSent { phone, resend_at_ms: now + CODE_RESEND_MS, code_length: validation::CODE_LENGTH as u8 })
    }

    fn verify_code(&mut self, request: VerifyRequest, now: Millis) -> Answer {
        let phone = validation::phone(&request.phone).map_err(|m| ApiError::new(422, "invalid_phone", m))?;
        let code = validation::sms_code(&request.code).map_err(|m| ApiError::new(422, "invalid_code", m))?;
        let Some(state) = self.doc.codes.iter_mut().find(|c| c.phone == phone) else {
            return Err(ApiError::new(404, "no_code", "No code was sent to this number: ask for one first."));
        };
        if state.locked_until > now {
            return Err(locked(state.locked_until - now));
        }
        if state.expires_at <= now {
            return Err(ApiError::new(410, "code_expired", "That code has expired: ask for a new one."));
        }
        if state.code != code {
            state.wrong += 1;
            if state.wrong >= WRONG_CODES_BEFORE_LOCK {
                state.locked_until = now + LOCK_MS;
                return Err(locked(LOCK_MS));
            }
            let left = WRONG_CODES_BEFORE_LOCK - state.wrong;
            return Err(ApiError::new(401, "wrong_code", format!("That code is not right. {left} tries left before this number is locked for 10 minutes.")));
        }
        self.doc.codes.retain(|c| c.phone != phone);
        let account = match self.doc.accounts.iter().position(|p| *p == phone) {
            Some(i) => i as u32,
            None => {
                self.doc.accounts.push(phone.clone());
                self.doc.accounts.len() as u32 - 1
            }
        };
        let token = random_key();
        self.doc.sessions.push((token.clone(), account));
        json(&Session { token, phone })
    }

    fn account(&self, request: &HttpRequest) -> Result<u32, ApiError> {
        let token = request.bearer.as_deref().unwrap_or_default();
        self.doc
            .sessions
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, account)| *account)
            .ok_or_else(|| ApiError::new(401, "sign_in", "Sign in with your phone number to do this."))
    }

    /// The sale's index, caught up to now.
    fn world(&mut self, id: &str, now: Millis) -> Result<usize, ApiError> {
        let w = self
            .worlds
            .iter()
            .position(|w| w.id() == id)
            .ok_or_else(|| ApiError::new(404, "unknown_sale", format!("There is no sale called “{id}”.")))?;
        self.worlds[w].catch_up(now, &mut || false);
        Ok(w)
    }

    fn checkout(&mut self, w: usize, account: u32, request: &HttpRequest, now: Millis) -> Answer {
        let checkout: CheckoutRequest = body(request)?;
        let problems = validation::address(&checkout.address);
        if let Some(problem) = [problems.name, problems.line1, problems.city, problems.postcode].into_iter().flatten().next() {
            return Err(ApiError::new(422, "invalid_address", problem));
        }
        if checkout.variant as usize >= self.catalog.sales[w].variants.len() {
            return Err(sale_engine::SaleError::UnknownVariant.into());
        }
        let key = hash64(request.idempotency_key.as_deref().unwrap_or_default());
        let request_hash = hash64(request.body.as_deref().unwrap_or_default());
        let (_, logged) = self.worlds[w].act(account, Action::BeginCheckout { key, request_hash }, now)?;
        self.doc.log.push(logged);
        let delay = match checkout.payment {
            PaymentMethod::CardApproves | PaymentMethod::CardDeclines => 2_000,
            PaymentMethod::CardSlow => 45_000,
        };
        let sale = self.worlds[w].id().to_string();
        self.doc.payments.push(Payment { sale, account, key, request: checkout, settle_at: now + delay, state: PaymentState::Pending });
        json(&self.shopper_view(w, account))
    }

    fn summary(&mut self, w: usize, now: Millis) -> SaleSummary {
        self.worlds[w].catch_up(now, &mut || false);
        let (item, sale) = (&self.catalog.sales[w], &self.worlds[w].sale);
        let config = sale.config();
        SaleSummary {
            id: item.id.clone(),
            product: item.product.clone(),
            tagline: item.tagline.clone(),
            image: item.image.clone(),
            from_price_cents: config.variants.iter().map(|v| v.price_cents).min().unwrap_or(0),
            units: config.variants.iter().map(|v| v.stock).sum(),
            registration_opens: config.registration_opens,
            registration_closes: config.registration_closes,
            starts_at: config.starts_at,
            ends_at: config.ends_at,
            phase: sale.phase(now),
            registrants: sale.counters().registrations,
        }
    }

    fn detail(&mut self, w: usize, now: Millis) -> SaleDetail {
        let summary = self.summary(w, now);
        let (item, sale) = (&self.catalog.sales[w], &self.worlds[w].sale);
        let config = sale.config();
        SaleDetail {
            description: item.description.clone(),
            variants: config
                .variants
                .iter()
                .zip(&item.variants)
                .enumerate()
                .map(|(i, (v, c))| VariantView {
                    index: i as u8,
                    id: v.id.clone(),
                    name: v.name.clone(),
                    colour: c.colour.clone(),
                    price_cents: v.price_cents,
                    stock: v.stock,
                    available: sale.available(i as u8),
                })
                .collect(),
            per_account_limit: config.per_account_limit,
            admission_per_second: config.admission_per_second,
            hold_ms: config.hold_ms,
            hold_extension_ms: config.hold_extension_ms,
            commitment: (now >= config.registration_closes).then(|| sale.commitment_hex()),
            seed: sale.revealed_seed_hex(now),
            counters: sale.counters(),
            pre_queue_tickets: if now >= config.starts_at { sale.pre_queue_tickets() } else { vec![] },
            summary,
        }
    }

    fn shopper_view(&self, w: usize, account: u32) -> ShopperView {
        let world = &self.worlds[w];
        ShopperView {
            sale_id: world.id().to_string(),
            status: world.sale.status(world.account(account), world.tick),
            registration_number: world.registration_number(account),
            ticket: world.ticket(account),
            payment: self.doc.payments.iter().rev().find(|p| p.sale == world.id() && p.account == account).map(|p| {
                PaymentView {
                    state: p.state.clone(),
                    method: p.request.payment,
                    message: match p.state {
                        PaymentState::Pending => "Waiting for your bank. Your unit stays held until it answers.".into(),
                        PaymentState::Declined => "Your bank declined the payment. Your unit is still held: try another card.".into(),
                        PaymentState::Approved => "Payment approved.".into(),
                    },
                }
            }),
            order: self.doc.orders.iter().find(|o| o.account == account && o.view.sale_id == world.id()).map(|o| o.view.clone()),
        }
    }

    fn dev_state(&self, now: Millis) -> DevState {
        DevState {
            store_now_ms: now,
            settings: self.doc.settings.clone(),
            sales: self
                .worlds
                .iter()
                .map(|w| DevSale {
                    id: w.id().to_string(),
                    phase: w.sale.phase(now),
                    registration_closes: w.sale.config().registration_closes,
                    starts_at: w.sale.config().starts_at,
                    counters: w.sale.counters(),
                    engine_bytes: w.memory_bytes(),
                })
                .collect(),
        }
    }
}

fn not_found(path: &str) -> ApiError {
    ApiError::new(404, "not_found", format!("The store has nothing at {path}."))
}

fn locked(for_ms: Millis) -> ApiError {
    let minutes = for_ms.div_ceil(60_000);
    ApiError::new(429, "locked", format!("Too many wrong codes: this number is locked for {minutes} more minute{}.", if minutes == 1 { "" } else { "s" }))
        .retry_after(for_ms)
}
