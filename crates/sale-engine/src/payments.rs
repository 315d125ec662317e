//! Idempotency records for checkout: a retried request (double click, flaky network) must
//! get the first answer back, never a second order. Only successful begins are recorded,
//! so a request that failed can simply be retried; there are about as many records as
//! checkouts, not shoppers.

use rustc_hash::FxHashMap;

use crate::sale::{Hold, Settlement};
use crate::SaleError;

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
