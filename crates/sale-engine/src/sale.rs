//! The sale as one state machine: its books, time running forward (the draw, holds
//! running out, turns at the admission rate, the end) and when that next changes anything.
//! The calls shoppers make are in `registration` and `checkout`, what they are told in
//! `status`.

use std::collections::VecDeque;

use fair_draw::{to_hex, DrawRecord, OperatorAction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::admission::{Admission, Turn};
use crate::draw_log::DrawLog;
use crate::holds::{Hold, Holds};
use crate::line::Line;
use crate::payments::{Order, Payments};
use crate::shoppers::{Shopper, State};
use crate::stock::{SellOut, Stock};
use crate::{AccountId, ConfigError, Millis, SaleConfig};

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
    pub(crate) draw_log: DrawLog,
    pub(crate) holds: Holds,
    pub(crate) payments: Payments,
    pub(crate) stock: Vec<Stock>,
    pub(crate) orders: Vec<Order>,
    pub(crate) events: VecDeque<Event>,
    pub(crate) now: Millis,
    pub(crate) next_registration: u32,
    pub(crate) registrations: u32,
    pub(crate) arrivals: u32,
    pub(crate) admission: Admission,
    /// What the operator did, oldest first (see `steering`).
    pub(crate) operator_actions: Vec<OperatorAction>,
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
        let admission = Admission::new(&config);
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
            admission,
            operator_actions: Vec::new(),
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
            operator_actions: self.operator_actions.clone(),
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
            self.end(self.config.ends_at);
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

    /// The store time at which the sale next changes on its own, without a call: registration
    /// opens or closes, the start draws the pre-queue, the admission rate allows the next
    /// turn for someone waiting, the earliest hold runs out, or the end. [`Sale::advance`]
    /// to that time changes what callers see (a phase, events, a status or the draw record);
    /// to any earlier time it changes nothing but [`Sale::now`]. Always later than
    /// [`Sale::now`]; `None` once the sale has ended, when only calls change it. Like any
    /// answer it holds until the next call, so a driver asks again after each one.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.ended_at.is_some() {
            return None;
        }
        let c = &self.config;
        let registration = [c.registration_opens, c.registration_closes]
            .into_iter()
            .filter(|&at| at > self.now);
        let start = (!self.line.drawn).then_some(c.starts_at);
        let turn = self
            .admission
            .next_due(&self.line, &self.stock, self.available);
        registration
            .chain(start)
            .chain(turn)
            .chain(self.holds.next_expiry())
            .chain([c.ends_at])
            .min()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
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

    /// Lets shoppers through while the rate allows and there is stock for them
    /// (see `admission`).
    pub(crate) fn admit(&mut self, now: Millis) {
        while let Some(turn) = self.admission.next_turn(
            now,
            &mut self.line,
            &self.stock,
            self.available,
            &self.shoppers,
        ) {
            match turn {
                Turn::Hold { account, variant } => self.grant(account, variant, now),
                Turn::Waitlist { account, variant } => {
                    let shopper = &mut self.shoppers[account as usize];
                    self.draw_log.waitlisted.push(shopper.ticket);
                    shopper.state = State::Waitlisted;
                    shopper.slot = self.line.park(variant, account);
                }
                Turn::Away { account } => {
                    // Their variant is gone for good; status() reports it from the variant.
                    let ticket = self.shoppers[account as usize].ticket;
                    self.draw_log.turned_away.push(ticket);
                    self.in_line -= 1;
                }
            }
        }
    }

    fn grant(&mut self, account: u32, variant: u8, now: Millis) {
        let stock = &mut self.stock[usize::from(variant)];
        stock.available -= 1;
        stock.held += 1;
        self.available -= 1;
        self.held += 1;
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
    pub(crate) fn release(&mut self, idx: u32) {
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

    /// At `ends_at`, or `at` when the operator ends the sale early: unpaid holds are released
    /// (no re-offer: nobody can buy any more); holds in payment stay until settled.
    pub(crate) fn end(&mut self, at: Millis) {
        for idx in self.holds.unpaid() {
            self.release(idx);
        }
        self.ended_at = Some(at);
        self.in_line = 0;
        self.events.push_back(Event::Ended { at });
    }
}
