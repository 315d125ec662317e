//! Holds in flight. Only about as many exist as there are units, so a slab plus an expiry
//! heap is small; expiry entries are checked on the way out instead of being removed when
//! a hold is extended, paid for or released.

use core::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::sale::Hold;
use crate::Millis;

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

    pub fn get_mut(&mut self, idx: u32) -> &mut HoldRec {
        &mut self.recs[idx as usize]
    }

    /// Must follow every deadline change (and the end of a payment) so the hold can expire.
    pub fn schedule(&mut self, idx: u32) {
        self.expiry
            .push(Reverse((self.recs[idx as usize].deadline, idx)));
    }

    pub fn close(&mut self, idx: u32) {
        self.recs[idx as usize].live = false;
        self.free.push(idx);
    }

    /// The next hold whose deadline is at or before `now`, skipping stale heap entries.
    pub fn pop_due(&mut self, now: Millis) -> Option<u32> {
        while let Some(&Reverse((deadline, idx))) = self.expiry.peek() {
            if deadline > now {
                return None;
            }
            self.expiry.pop();
            let rec = &self.recs[idx as usize];
            if rec.live && !rec.paying && rec.deadline == deadline {
                return Some(idx);
            }
        }
        None
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
