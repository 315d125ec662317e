//! Idempotency records for checkout: a retried request (double click, flaky network) must
//! get the first answer back, never a second order. Only successful begins are recorded,
//! so a request that failed can simply be retried; there are about as many records as
//! checkouts, not shoppers.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::holds::Hold;
use crate::{AccountId, Millis, SaleError};

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

#[derive(Clone, Debug)]
pub(crate) struct Payment {
    pub request_hash: u64,
    pub hold_idx: u32,
    /// The answer to the begin request, replayed verbatim.
    pub begun: Hold,
    pub outcome: Option<Settlement>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Payments {
    // Only looked up by key, never walked in order, so a hash map with a fast, fixed hasher
    // (deterministic: no random state) is the quickest fit.
    by_key: FxHashMap<(u32, u64), Payment>,
}

impl Payments {
    /// The record for a replayed key, or `IdempotencyKeyReused` when the request differs.
    pub fn replay(
        &self,
        account: u32,
        key: u64,
        request_hash: u64,
    ) -> Result<Option<&Payment>, SaleError> {
        match self.by_key.get(&(account, key)) {
            Some(p) if p.request_hash != request_hash => Err(SaleError::IdempotencyKeyReused),
            found => Ok(found),
        }
    }

    pub fn get_mut(&mut self, account: u32, key: u64) -> Option<&mut Payment> {
        self.by_key.get_mut(&(account, key))
    }

    pub fn record(&mut self, account: u32, key: u64, payment: Payment) {
        self.by_key.insert((account, key), payment);
    }

    pub fn memory_bytes(&self) -> usize {
        // A hash table holds its capacity in entries plus one control byte each.
        self.by_key.capacity() * (core::mem::size_of::<((u32, u64), Payment)>() + 1)
    }
}
