//! Holding and paying: the calls a shopper makes once a unit is held for them. A payment is
//! idempotent by the client's key, so a retried request gets the first answer again.

use crate::holds::Hold;
use crate::payments::{Order, Payment, Settlement};
use crate::sale::{Event, Sale};
use crate::shoppers::State;
use crate::stock::SellOut;
use crate::{AccountId, Millis, SaleError};

impl Sale {
    /// Gives the shopper `hold_extension_ms` more, once per hold.
    pub fn extend_hold(&mut self, account: AccountId, now: Millis) -> Result<Hold, SaleError> {
        self.advance(now);
        let extra = self
            .config
            .hold_extension_ms
            .ok_or(SaleError::NoExtension)?;
        let idx = self.hold_of(account)?;
        self.holds.extend(idx, extra)
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
        let begun = self.holds.start_paying(idx)?;
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
            let hold = self.holds.decline(idx, now);
            if self.ended_at.is_some() {
                // Nobody can buy any more: the unit is simply released.
                self.release(idx);
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
}
