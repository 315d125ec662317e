//! Holds in flight. Only about as many exist as there are units, so a slab plus an expiry
//! heap is small; an expiry entry is left in the heap when its hold is extended, paid for or
//! released, and dropped once it reaches the top.

use core::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use crate::{Millis, SaleError};

/// How long a shopper whose card was declined keeps the hold to try again, at least.
pub(crate) const DECLINE_GRACE_MS: u64 = 30_000;

/// A unit reserved for a shopper until `deadline` (never expires while `paying`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Index of the held variant in [`SaleConfig::variants`](crate::SaleConfig::variants).
    pub variant: u8,
    /// When the hold ends unless paid for or extended (store time).
    pub deadline: Millis,
    /// Whether the one extension was used.
    pub extended: bool,
    /// Whether a payment is in flight (the hold then does not expire).
    pub paying: bool,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct HoldRec {
    pub deadline: Millis,
    pub account: u32,
    pub variant: u8,
    pub extended: bool,
    pub paying: bool,
    live: bool,
}

impl HoldRec {
    pub fn hold(&self) -> Hold {
        Hold {
            variant: self.variant,
            deadline: self.deadline,
            extended: self.extended,
            paying: self.paying,
        }
    }
}

/// The heap's top is always a live hold, not in payment, at its current deadline: every
/// change that can make it stale prunes it, so the earliest expiry is known without a walk.
#[derive(Clone, Debug, Default)]
pub(crate) struct Holds {
    recs: Vec<HoldRec>,
    free: Vec<u32>,
    expiry: BinaryHeap<Reverse<(Millis, u32)>>,
}

impl Holds {
    pub fn open(&mut self, account: u32, variant: u8, deadline: Millis) -> u32 {
        let rec = HoldRec {
            deadline,
            account,
            variant,
            extended: false,
            paying: false,
            live: true,
        };
        let idx = match self.free.pop() {
            Some(idx) => {
                self.recs[idx as usize] = rec;
                idx
            }
            None => {
                self.recs.push(rec);
                (self.recs.len() - 1) as u32
            }
        };
        self.schedule(idx);
        idx
    }

    pub fn get(&self, idx: u32) -> &HoldRec {
        &self.recs[idx as usize]
    }

    /// Adds `extra` to the deadline, once per hold and not while paying.
    pub fn extend(&mut self, idx: u32, extra: Millis) -> Result<Hold, SaleError> {
        let rec = &mut self.recs[idx as usize];
        if rec.paying {
            return Err(SaleError::PaymentInFlight);
        }
        if rec.extended {
            return Err(SaleError::ExtensionUsed);
        }
        rec.extended = true;
        rec.deadline += extra;
        let hold = rec.hold();
        self.schedule(idx);
        self.prune();
        Ok(hold)
    }

    /// Marks the hold as in payment, which stops it expiring until the payment settles.
    pub fn start_paying(&mut self, idx: u32) -> Result<Hold, SaleError> {
        let rec = &mut self.recs[idx as usize];
        if rec.paying {
            return Err(SaleError::PaymentInFlight);
        }
        rec.paying = true;
        let hold = rec.hold();
        self.prune();
        Ok(hold)
    }

    /// The card was declined: the hold runs again, with at least [`DECLINE_GRACE_MS`] left
    /// so the shopper can try another card.
    pub fn decline(&mut self, idx: u32, now: Millis) -> Hold {
        let rec = &mut self.recs[idx as usize];
        rec.paying = false;
        rec.deadline = rec.deadline.max(now + DECLINE_GRACE_MS);
        let hold = rec.hold();
        self.schedule(idx);
        hold
    }

    /// Must follow every deadline change (and the end of a payment) so the hold can expire.
    fn schedule(&mut self, idx: u32) {
        self.expiry
            .push(Reverse((self.recs[idx as usize].deadline, idx)));
    }

    pub fn close(&mut self, idx: u32) {
        self.recs[idx as usize].live = false;
        self.free.push(idx);
        self.prune();
    }

    /// When the earliest hold runs out, if any can.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.expiry.peek().map(|&Reverse((deadline, _))| deadline)
    }

    /// The next hold whose deadline is at or before `now`.
    pub fn pop_due(&mut self, now: Millis) -> Option<u32> {
        let &Reverse((deadline, idx)) = self.expiry.peek()?;
        if deadline > now {
            return None;
        }
        self.expiry.pop();
        self.prune();
        Some(idx)
    }

    /// Drops heap entries left behind by holds that were extended, paid for or released.
    fn prune(&mut self) {
        while let Some(&Reverse((deadline, idx))) = self.expiry.peek() {
            let rec = &self.recs[idx as usize];
            if rec.live && !rec.paying && rec.deadline == deadline {
                return;
            }
            self.expiry.pop();
        }
    }

    /// Live holds not in payment, for releasing everything when the sale ends.
    pub fn unpaid(&self) -> Vec<u32> {
        (0..self.recs.len() as u32)
            .filter(|&i| {
                let rec = &self.recs[i as usize];
                rec.live && !rec.paying
            })
            .collect()
    }

    pub fn memory_bytes(&self) -> usize {
        self.recs.capacity() * core::mem::size_of::<HoldRec>()
            + self.free.capacity() * 4
            + self.expiry.capacity() * core::mem::size_of::<Reverse<(Millis, u32)>>()
    }
}
