use std::collections::VecDeque;

use fair_draw::{to_hex, DrawRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::draw_log::DrawLog;
use crate::holds::Holds;
use crate::line::Line;
use crate::payments::{Payment, Payments};
use crate::{AccountId, ConfigError, Millis, SaleConfig, SaleError};

/// How long a shopper whose card was declined keeps the hold to try again, at least.
pub const DECLINE_GRACE_MS: u64 = 30_000;

/// Where the sale stands at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Before registration opens.
    Announced,
    /// `[registration_opens, registration_closes)`.
    RegistrationOpen,
    /// `[registration_closes, starts_at)`: registered shoppers gather in the pre-queue.
    RegistrationClosed,
    /// From `starts_at` until the end.
    Live,
    /// `now >= ends_at`, or sold out after the start.
    Ended,
}

/// What a shopper wants: a variant (index into [`SaleConfig::variants`]) and whether
/// another variant will do if theirs is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// Index into [`SaleConfig::variants`].
    pub variant: u8,
    /// Whether another variant will do if this one is gone.
    pub accept_other_variant: bool,
}

/// A unit reserved for a shopper until `deadline` (never expires while `paying`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Index of the held variant in [`SaleConfig::variants`].
    pub variant: u8,
    /// When the hold ends unless paid for or extended (store time).
    pub deadline: Millis,
    /// Whether the one extension was used.
    pub extended: bool,
    /// Whether a payment is in flight (the hold then does not expire).
    pub paying: bool,
}

/// A paid unit. Numbers start at 1 and increase per sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The order's number in this sale, from 1.
    pub number: u32,
    /// The account that paid.
    pub account: AccountId,
    /// Index of the variant bought.
    pub variant: u8,
    /// The price paid, in cents.
    pub price_cents: u32,
    /// When the payment settled (store time).
    pub at: Millis,
}

/// The outcome of a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Settlement {
    /// The payment went through: the unit is sold.
    Ordered(Order),
    /// The card was declined: the hold is back (not paying) with at least
    /// 30 s left, so the shopper can try again.
    Declined {
        /// The hold, back to not paying.
        hold: Hold,
    },
}

/// What one shopper sees, derived in O(1) by [`Sale::status`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ShopperStatus {
    /// Not registered for this sale.
    NotRegistered,
    /// Registered, not in the line (yet).
    Registered {
        /// The registration number, in order of registration.
        number: u32,
    },
    /// Arrived before the start; their place is drawn at the start.
    PreQueue {
        /// The registration number.
        number: u32,
        /// The ticket in the pre-queue's draw.
        ticket: u32,
        /// How many are in the pre-queue.
        pre_queue_len: u32,
    },
    /// In line while stock is available; `position` is 1-based.
    Waiting {
        /// The queue ticket.
        ticket: u32,
        /// 1-based place in the waiting-room order (the draw, then late arrivals): fixed
        /// from the start on, unlike `position`, so the draw record can be checked against it.
        place: u32,
        /// The place in line, from 1.
        position: u32,
        /// How many are in line ahead.
        ahead: u32,
        /// Estimated wait until the turn, when it can be estimated.
        estimated_wait_ms: Option<u64>,
        /// Estimated chance of a unit, 0 to 1.
        odds: f32,
    },
    /// No stock left for them right now, but holds are out and may come back.
    Waitlisted {
        /// The ticket.
        ticket: u32,
        /// The place in line, from 1.
        position: u32,
        /// How many are in line ahead.
        ahead: u32,
        /// Units in other shoppers' holds that may come back.
        held_elsewhere: u32,
        /// Estimated chance of a unit, 0 to 1.
        odds: f32,
    },
    /// A unit is held for them.
    Holding {
        /// The hold.
        hold: Hold,
    },
    /// Has an order (their latest); with a limit above one they may join again.
    Ordered {
        /// Their latest order.
        order: Order,
    },
    /// Their hold ran out; they do not get back in line.
    HoldExpired {
        /// Their ticket.
        ticket: u32,
    },
    /// Still waiting when their variant (or everything) sold out; `position` is where they
    /// stood then and `stock` the units there were.
    SoldOut {
        /// Their ticket.
        ticket: u32,
        /// Where they stood when it sold out.
        position: u32,
        /// The units there were.
        stock: u32,
        /// When it sold out (store time).
        sold_out_at: Millis,
    },
    /// The sale ended without them getting through.
    Missed,
}

/// What happened, in order, for the caller to show or forward ([`Sale::poll_event`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A shopper got their turn: a unit is held for them.
    Admitted {
        /// Whose turn it is.
        account: AccountId,
        /// The unit held for them.
        hold: Hold,
    },
    /// A hold ran out without an order.
    HoldExpired {
        /// Whose hold it was.
        account: AccountId,
        /// The variant it held.
        variant: u8,
    },
    /// An expired or declined-and-abandoned unit went back on offer.
    Reoffered {
        /// The variant back on offer.
        variant: u8,
    },
    /// A payment settled into an order.
    Ordered {
        /// The order.
        order: Order,
    },
    /// Every unit is sold.
    SoldOut {
        /// When it sold out (store time).
        at: Millis,
    },
    /// The sale ended, by its end time or by selling out.
    Ended {
        /// When it ended (store time).
        at: Millis,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum State {
    #[default]
    Unknown,
    Registered,
    /// In the line at place `slot` (or turned away if `slot < head`: their variant sold out).
    InLine,
    /// On the waitlist of `variant` at place `slot`.
    Waitlisted,
    /// `slot` is the hold's index.
    Holding,
    /// `slot` is the index of their latest order.
    Ordered,
    Expired,
}

/// Per-account state, 16 bytes: a million shoppers fit in 16 MB.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shopper {
    pub registration: u32,
    pub ticket: u32,
    pub slot: u32,
    pub state: State,
    pub variant: u8,
    pub accept_other: bool,
    pub orders: u8,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct SellOut {
    pub at: Millis,
    /// Line head when it happened: places are reported relative to it.
    pub head: u32,
    pub waitlist_head: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Stock {
    pub available: u32,
    pub held: u32,
    pub sold: u32,
    pub sold_out: Option<SellOut>,
}

/// One flash sale: the whole state machine.
///
/// Every call takes the store time; calls that change state first run time forward to it
/// (as [`Sale::advance`] does), so holds never outlive their deadline in any answer.
///
/// ```
/// use sale_engine::*;
///
/// let config = SaleConfig {
///     id: "drop-1".into(),
///     product: "Sneaker".into(),
///     variants: vec![Variant { id: "42".into(), name: "EU 42".into(), stock: 1, price_cents: 12_000 }],
///     registration_opens: 0,
///     registration_closes: 1_000,
///     starts_at: 2_000,
///     ends_at: 60_000,
///     per_account_limit: SaleConfig::default_limit(),
///     admission_per_second: 10,
///     hold_ms: 5_000,
///     hold_extension_ms: None,
///     seed: [7; 32],
/// };
/// let mut sale = Sale::new(config).unwrap();
/// let me = AccountId(0);
/// sale.register(me, 10).unwrap();
/// let pref = Preference { variant: 0, accept_other_variant: false };
/// let ticket = sale.join(me, pref, 1_500).unwrap();
/// assert!(matches!(sale.status(me, 1_500), ShopperStatus::PreQueue { ticket: t, .. } if t == ticket));
/// sale.advance(2_000);
/// assert!(matches!(sale.status(me, 2_000), ShopperStatus::Holding { .. }));
/// let order = sale.checkout(me, 1, 0xc0ffee, 3_000).unwrap();
/// assert_eq!(order.number, 1);
/// assert_eq!(sale.phase(3_000), Phase::Ended); // sold out
/// ```
#[derive(Clone, Debug)]
pub struct Sale {
    pub(crate) config: SaleConfig,
    commitment: [u8; 32],
    pub(crate) shoppers: Vec<Shopper>,
    pub(crate) line: Line,
    draw_log: DrawLog,
    pub(crate) holds: Holds,
    payments: Payments,
    pub(crate) stock: Vec<Stock>,
    pub(crate) orders: Vec<Order>,
    events: VecDeque<Event>,
    pub(crate) now: Millis,
    next_registration: u32,
    pub(crate) registrations: u32,
    pub(crate) arrivals: u32,
    admitted: u64,
    /// Shoppers in line or on a waitlist, not yet let through or turned away.
    pub(crate) in_line: u32,
    pub(crate) available: u32,
    pub(crate) held: u32,
    pub(crate) paying: u32,
    pub(crate) sold: u32,
    pub(crate) holds_expired: u32,
    pub(crate) reoffered: u32,
    pub(crate) sold_out: Option<SellOut>,
    pub(crate) ended_at: Option<Millis>,
}

impl Sale {
    /// Checks the config and opens the books. Nothing happens until called with times.
    pub fn new(config: SaleConfig) -> Result<Sale, ConfigError> {
        config.validate()?;
        let stock: Vec<Stock> = config
            .variants
            .iter()
            .map(|v| Stock {
                available: v.stock,
                held: 0,
                sold: 0,
                sold_out: None,
            })
            .collect();
        Ok(Sale {
            commitment: Sha256::digest(config.seed).into(),
            line: Line::new(config.variants.len()),
            draw_log: DrawLog::default(),
            available: config.units() as u32,
            stock,
            config,
            shoppers: Vec::new(),
            holds: Holds::default(),
            payments: Payments::default(),
            orders: Vec::new(),
            events: VecDeque::new(),
            now: 0,
            next_registration: 1,
            registrations: 0,
            arrivals: 0,
            admitted: 0,
            in_line: 0,
            held: 0,
            paying: 0,
            sold: 0,
            holds_expired: 0,
            reoffered: 0,
            sold_out: None,
            ended_at: None,
        })
    }

    /// Pre-sizes per-shopper storage for account ids below `accounts`, so a big crowd does
    /// not leave vectors at up to twice the needed capacity.
    pub fn reserve(&mut self, accounts: usize) {
        self.shoppers
            .reserve(accounts.saturating_sub(self.shoppers.len()));
        self.line.reserve(accounts);
    }

    /// The configuration the sale was created with.
    pub fn config(&self) -> &SaleConfig {
        &self.config
    }

    /// Where the sale stands at `now`.
    pub fn phase(&self, now: Millis) -> Phase {
        let c = &self.config;
        if self.ended_at.is_some() || now >= c.ends_at {
            Phase::Ended
        } else if now >= c.starts_at {
            Phase::Live
        } else if now >= c.registration_closes {
            Phase::RegistrationClosed
        } else if now >= c.registration_opens {
            Phase::RegistrationOpen
        } else {
            Phase::Announced
        }
    }

    /// Lowercase hex SHA-256 of the seed: publish it once registration closes.
    pub fn commitment_hex(&self) -> String {
        to_hex(&self.commitment)
    }

    /// The seed in hex, only once the sale has ended, so the draw can be checked.
    pub fn revealed_seed_hex(&self, now: Millis) -> Option<String> {
        (self.phase(now) == Phase::Ended).then(|| to_hex(&self.config.seed))
    }

    /// The draw as published for checking with [`fair_draw::verify`]: the fingerprint
    /// always, the checked-in tickets once the pre-queue has been drawn (the first call at or
    /// after the start), admissions and turns so far, and the seed once the sale has ended
    /// (as [`Sale::revealed_seed_hex`]). Ticket numbers only: no accounts.
    pub fn draw_record(&self, now: Millis) -> DrawRecord {
        let log = &self.draw_log;
        DrawRecord {
            sale_id: self.config.id.clone(),
            fingerprint: self.commitment_hex(),
            checked_in: if self.line.drawn {
                self.pre_queue_tickets()
            } else {
                Vec::new()
            },
            admitted: log.admitted.clone(),
            waitlisted: log.waitlisted.clone(),
            turned_away: log.turned_away.clone(),
            seed: self.revealed_seed_hex(now),
        }
    }

    /// Registers an account while registration is open; returns its registration number.
    pub fn register(&mut self, account: AccountId, now: Millis) -> Result<u32, SaleError> {
        self.advance(now);
        self.registration_window(self.now)?;
        let idx = account.0 as usize;
        if idx >= self.shoppers.len() {
            self.shoppers.resize(idx + 1, Shopper::default());
        }
        let shopper = &mut self.shoppers[idx];
        if shopper.state != State::Unknown {
            return Err(SaleError::AlreadyRegistered);
        }
        let number = self.next_registration;
        self.next_registration += 1;
        self.registrations += 1;
        *shopper = Shopper {
            registration: number,
            state: State::Registered,
            ..Shopper::default()
        };
        Ok(number)
    }

    /// Withdraws a registration while registration is open; registering again gives a new number.
    pub fn cancel_registration(
        &mut self,
        account: AccountId,
        now: Millis,
    ) -> Result<(), SaleError> {
        self.advance(now);
        self.registration_window(self.now)?;
        match self.shopper_mut(account) {
            Some(s) if s.state == State::Registered => *s = Shopper::default(),
            _ => return Err(SaleError::NotRegistered),
        }
        self.registrations -= 1;
        Ok(())
    }

    fn registration_window(&self, now: Millis) -> Result<(), SaleError> {
        match self.phase(now) {
            Phase::Announced => Err(SaleError::RegistrationNotOpen),
            Phase::RegistrationOpen => Ok(()),
            _ => Err(SaleError::RegistrationClosed),
        }
    }

    /// Takes a place: in the pre-queue before the start, at the back of the line after it.
    /// Returns the queue ticket (1-based, in arrival order). With a per-account limit above
    /// one, a shopper who has ordered may join again (at the back) until the limit.
    pub fn join(
        &mut self,
        account: AccountId,
        preference: Preference,
        now: Millis,
    ) -> Result<u32, SaleError> {
        self.advance(now);
        let now = self.now;
        self.check_variant(preference.variant)?;
        if now < self.config.registration_closes {
            return Err(SaleError::QueueNotOpen);
        }
        self.check_not_over()?;
        let limit = self.config.per_account_limit;
        let s = self.shopper(account).ok_or(SaleError::NotRegistered)?;
        match s.state {
            State::Unknown => return Err(SaleError::NotRegistered),
            State::Registered => {}
            State::Ordered if u32::from(s.orders) < limit => {}
            State::Ordered => return Err(SaleError::LimitReached),
            _ => return Err(SaleError::AlreadyInQueue),
        }
        self.arrivals += 1;
        let ticket = self.arrivals;
        let slot = self.line.push(account.0);
        let s = &mut self.shoppers[account.0 as usize];
        s.ticket = ticket;
        s.slot = slot;
        s.state = State::InLine;
        s.variant = preference.variant;
        s.accept_other = preference.accept_other_variant;
        self.in_line += 1;
        if self.line.drawn {
            self.admit(now);
        }
        Ok(ticket)
    }

    /// Changes what a shopper in line (or in the pre-queue) wants.
    pub fn set_preference(
        &mut self,
        account: AccountId,
        preference: Preference,
        now: Millis,
    ) -> Result<(), SaleError> {
        self.advance(now);
        self.check_variant(preference.variant)?;
        self.check_not_over()?;
        let head = self.line.head;
        let s = self.shopper_mut(account).ok_or(SaleError::NotRegistered)?;
        match s.state {
            State::Unknown => Err(SaleError::NotRegistered),
            State::InLine if s.slot < head => Err(SaleError::SoldOut),
            State::InLine => {
                s.variant = preference.variant;
                s.accept_other = preference.accept_other_variant;
                Ok(())
            }
            State::Waitlisted => Err(SaleError::OnWaitlist),
            _ => Err(SaleError::NotInQueue),
        }
    }

    /// Runs time forward to `now`: draws the pre-queue at the start, expires holds, lets
    /// shoppers through at the configured rate and detects the sell-out or the end.
    /// Calling it again with the same (or an earlier) time changes nothing.
    pub fn advance(&mut self, now: Millis) {
        let now = now.max(self.now);
        self.now = now;
        if self.ended_at.is_some() {
            return;
        }
        let c = &self.config;
        if now >= c.starts_at && !self.line.drawn {
            let seed = c.seed;
            let queue = self.line.draw(&seed);
            for (place, &account) in queue.iter().enumerate() {
                self.shoppers[account as usize].slot = place as u32;
            }
        }
        if now >= self.config.ends_at {
            self.end();
            return;
        }
        while let Some(idx) = self.holds.pop_due(now) {
            self.release(idx);
            self.reoffered += 1;
            let variant = self.holds.get(idx).variant;
            self.events.push_back(Event::Reoffered { variant });
        }
        if self.line.drawn {
            self.admit(now);
        }
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Gives the shopper `hold_extension_ms` more, once per hold.
    pub fn extend_hold(&mut self, account: AccountId, now: Millis) -> Result<Hold, SaleError> {
        self.advance(now);
        let extra = self
            .config
            .hold_extension_ms
            .ok_or(SaleError::NoExtension)?;
        let idx = self.hold_of(account)?;
        let rec = self.holds.get_mut(idx);
        if rec.paying {
            return Err(SaleError::PaymentInFlight);
        }
        if rec.extended {
            return Err(SaleError::ExtensionUsed);
        }
        rec.extended = true;
        rec.deadline += extra;
        let hold = rec.hold();
        self.holds.schedule(idx);
        Ok(hold)
    }

    /// Starts paying for the shopper's hold, which then cannot expire until settled.
    /// `key` is the client's idempotency key and `request_hash` a hash of its request:
    /// the same pair always gets the first answer; the same key with another hash is refused.
    pub fn begin_checkout(
        &mut self,
        account: AccountId,
        key: u64,
        request_hash: u64,
        now: Millis,
    ) -> Result<Hold, SaleError> {
        self.advance(now);
        if let Some(p) = self.payments.replay(account.0, key, request_hash)? {
            return Ok(p.begun);
        }
        let idx = self.hold_of(account)?;
        let rec = self.holds.get_mut(idx);
        if rec.paying {
            return Err(SaleError::PaymentInFlight);
        }
        rec.paying = true;
        let begun = rec.hold();
        self.paying += 1;
        let payment = Payment {
            request_hash,
            hold_idx: idx,
            begun,
            outcome: None,
        };
        self.payments.record(account.0, key, payment);
        Ok(begun)
    }

    /// Finishes the payment begun under `key`. Settling the same key again returns the
    /// same settlement, whatever `approved` says the second time.
    pub fn settle_payment(
        &mut self,
        account: AccountId,
        key: u64,
        approved: bool,
        now: Millis,
    ) -> Result<Settlement, SaleError> {
        self.advance(now);
        let now = self.now;
        let payment = self
            .payments
            .get_mut(account.0, key)
            .ok_or(SaleError::NoPaymentInFlight)?;
        if let Some(done) = &payment.outcome {
            return Ok(done.clone());
        }
        let idx = payment.hold_idx;
        self.paying -= 1;
        let settlement = if approved {
            Settlement::Ordered(self.place_order(idx, now))
        } else {
            let rec = self.holds.get_mut(idx);
            rec.paying = false;
            rec.deadline = rec.deadline.max(now + DECLINE_GRACE_MS);
            let hold = rec.hold();
            if self.ended_at.is_some() {
                // Nobody can buy any more: the unit is simply released.
                self.release(idx);
            } else {
                self.holds.schedule(idx);
            }
            Settlement::Declined { hold }
        };
        let payment = self
            .payments
            .get_mut(account.0, key)
            .expect("recorded above");
        payment.outcome = Some(settlement.clone());
        Ok(settlement)
    }

    /// Begin and approved settlement in one step, idempotent by key likewise.
    pub fn checkout(
        &mut self,
        account: AccountId,
        key: u64,
        request_hash: u64,
        now: Millis,
    ) -> Result<Order, SaleError> {
        self.begin_checkout(account, key, request_hash, now)?;
        match self.settle_payment(account, key, true, now)? {
            Settlement::Ordered(order) => Ok(order),
            Settlement::Declined { .. } => Err(SaleError::PaymentDeclined),
        }
    }

    /// Units of `variant` on offer right now (0 for an unknown variant).
    pub fn available(&self, variant: u8) -> u32 {
        self.stock
            .get(usize::from(variant))
            .map_or(0, |s| s.available)
    }

    /// Units of `variant` on hold right now, paying or not.
    pub fn held(&self, variant: u8) -> u32 {
        self.stock.get(usize::from(variant)).map_or(0, |s| s.held)
    }

    /// Units of `variant` sold.
    pub fn sold(&self, variant: u8) -> u32 {
        self.stock.get(usize::from(variant)).map_or(0, |s| s.sold)
    }

    /// Every order, by number.
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// The latest store time the sale has seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The published list of tickets that were in the pre-queue, ascending. Together with
    /// the revealed seed, `shuffle_tickets(seed, &list)` gives the order they were let in.
    pub fn pre_queue_tickets(&self) -> Vec<u32> {
        // Tickets are issued in arrival order and the pre-queue closes at the start, so it
        // holds exactly the first tickets.
        (1..=self.pre_queue_len()).collect()
    }

    /// Shoppers in the pre-queue (so far, before the start).
    pub fn pre_queue_len(&self) -> u32 {
        if self.line.drawn {
            self.line.pre_queue_len
        } else {
            self.line.len()
        }
    }

    /// Heap bytes held by the engine (vector capacities, records), plus the struct itself.
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Sale>()
            + self.shoppers.capacity() * core::mem::size_of::<Shopper>()
            + self.line.memory_bytes()
            + self.draw_log.memory_bytes()
            + self.holds.memory_bytes()
            + self.payments.memory_bytes()
            + self.stock.capacity() * core::mem::size_of::<Stock>()
            + self.orders.capacity() * core::mem::size_of::<Order>()
            + self.events.capacity() * core::mem::size_of::<Event>()
    }

    pub(crate) fn shopper(&self, account: AccountId) -> Option<&Shopper> {
        self.shoppers.get(account.0 as usize)
    }

    fn shopper_mut(&mut self, account: AccountId) -> Option<&mut Shopper> {
        self.shoppers.get_mut(account.0 as usize)
    }

    fn check_variant(&self, variant: u8) -> Result<(), SaleError> {
        if usize::from(variant) < self.stock.len() {
            Ok(())
        } else {
            Err(SaleError::UnknownVariant)
        }
    }

    fn check_not_over(&self) -> Result<(), SaleError> {
        match (self.sold_out, self.ended_at) {
            (Some(_), _) => Err(SaleError::SoldOut),
            (None, Some(_)) => Err(SaleError::SaleEnded),
            (None, None) => Ok(()),
        }
    }

    /// The index of the shopper's live hold, or why there is none.
    fn hold_of(&self, account: AccountId) -> Result<u32, SaleError> {
        if self.now < self.config.starts_at {
            return Err(SaleError::SaleNotStarted);
        }
        let s = self.shopper(account).ok_or(SaleError::NotRegistered)?;
        match s.state {
            State::Holding => Ok(s.slot),
            State::Unknown => Err(SaleError::NotRegistered),
            State::Expired => Err(SaleError::HoldExpired),
            State::Ordered if u32::from(s.orders) >= self.config.per_account_limit => {
                Err(SaleError::LimitReached)
            }
            _ => Err(SaleError::NoHold),
        }
    }

    /// Admits shoppers while the rate allows and there is stock for them. The rate allows
    /// `admission_per_second` at the start (so the front of the pre-queue does not wait a
    /// second for nothing) plus `admission_per_second` per second after it, cumulatively;
    /// unused allowance carries over, so units that come back later go out without delay.
    fn admit(&mut self, now: Millis) {
        if self.line.front().is_none() && self.line.parked == 0 {
            return;
        }
        let rate = u64::from(self.config.admission_per_second);
        let elapsed = now.saturating_sub(self.config.starts_at);
        let allowed = match elapsed.checked_mul(rate) {
            Some(product) => rate.saturating_add(product / 1000),
            None => u64::MAX,
        };
        while self.admitted < allowed && self.available > 0 {
            if self.line.parked > 0 {
                let waiting = (0..self.stock.len() as u8).find(|&v| {
                    self.stock[usize::from(v)].available > 0 && self.line.waitlist_len(v) > 0
                });
                if let Some(v) = waiting {
                    let account = self.line.unpark(v).expect("waitlist is not empty");
                    self.grant(account, v, now);
                    continue;
                }
            }
            let Some(account) = self.line.front() else {
                break;
            };
            self.line.head += 1;
            let s = self.shoppers[account as usize];
            if let Some(v) = self.pick_variant(s.variant, s.accept_other) {
                self.grant(account, v, now);
            } else if self.stock[usize::from(s.variant)].held > 0 {
                self.draw_log.waitlisted.push(s.ticket);
                let shopper = &mut self.shoppers[account as usize];
                shopper.state = State::Waitlisted;
                shopper.slot = self.line.park(s.variant, account);
            } else {
                // Their variant is gone for good; status() reports it from the variant.
                self.draw_log.turned_away.push(s.ticket);
                self.in_line -= 1;
            }
        }
    }

    /// Their own variant if in stock, else (if they accept it) the lowest-numbered one in stock.
    fn pick_variant(&self, wanted: u8, accept_other: bool) -> Option<u8> {
        if self.stock[usize::from(wanted)].available > 0 {
            Some(wanted)
        } else if accept_other {
            self.stock
                .iter()
                .position(|s| s.available > 0)
                .map(|v| v as u8)
        } else {
            None
        }
    }

    fn grant(&mut self, account: u32, variant: u8, now: Millis) {
        let stock = &mut self.stock[usize::from(variant)];
        stock.available -= 1;
        stock.held += 1;
        self.available -= 1;
        self.held += 1;
        self.admitted += 1;
        self.in_line -= 1;
        let idx = self.holds.open(account, variant, now + self.config.hold_ms);
        let shopper = &mut self.shoppers[account as usize];
        // A shopper holds one ticket at a time (they rejoin with a new one only after
        // ordering), so their current ticket is the one being admitted.
        self.draw_log.admitted.push(shopper.ticket);
        shopper.state = State::Holding;
        shopper.slot = idx;
        let hold = self.holds.get(idx).hold();
        self.events.push_back(Event::Admitted {
            account: AccountId(account),
            hold,
        });
    }

    /// Ends a hold without an order: the unit goes back to stock and the shopper is done.
    fn release(&mut self, idx: u32) {
        let rec = *self.holds.get(idx);
        self.holds.close(idx);
        let stock = &mut self.stock[usize::from(rec.variant)];
        stock.held -= 1;
        stock.available += 1;
        self.held -= 1;
        self.available += 1;
        self.holds_expired += 1;
        self.shoppers[rec.account as usize].state = State::Expired;
        let account = AccountId(rec.account);
        self.events.push_back(Event::HoldExpired {
            account,
            variant: rec.variant,
        });
    }

    fn place_order(&mut self, idx: u32, now: Millis) -> Order {
        let rec = *self.holds.get(idx);
        self.holds.close(idx);
        let v = usize::from(rec.variant);
        let order = Order {
            number: self.orders.len() as u32 + 1,
            account: AccountId(rec.account),
            variant: rec.variant,
            price_cents: self.config.variants[v].price_cents,
            at: now,
        };
        self.orders.push(order.clone());
        let shopper = &mut self.shoppers[rec.account as usize];
        shopper.state = State::Ordered;
        shopper.slot = order.number - 1;
        shopper.orders += 1;
        let stock = &mut self.stock[v];
        stock.held -= 1;
        stock.sold += 1;
        self.held -= 1;
        self.sold += 1;
        self.events.push_back(Event::Ordered {
            order: order.clone(),
        });
        if stock.available == 0 && stock.held == 0 {
            let waitlist_head = self.line.waitlist_head(rec.variant);
            stock.sold_out = Some(SellOut {
                at: now,
                head: self.line.head,
                waitlist_head,
            });
            let waitlisted = self.line.close_waitlist(rec.variant);
            // After the end the line is already counted as empty.
            if self.ended_at.is_none() {
                self.in_line -= waitlisted;
            }
        }
        if self.available == 0 && self.held == 0 && self.ended_at.is_none() {
            self.sold_out = Some(SellOut {
                at: now,
                head: self.line.head,
                waitlist_head: 0,
            });
            self.ended_at = Some(now);
            self.in_line = 0;
            self.events.push_back(Event::SoldOut { at: now });
            self.events.push_back(Event::Ended { at: now });
        }
        order
    }

    /// At `ends_at`: unpaid holds are released (no re-offer: nobody can buy any more);
    /// holds in payment stay until settled.
    fn end(&mut self) {
        for idx in self.holds.unpaid() {
            self.release(idx);
        }
        let at = self.config.ends_at;
        self.ended_at = Some(at);
        self.in_line = 0;
        self.events.push_back(Event::Ended { at });
    }
}
