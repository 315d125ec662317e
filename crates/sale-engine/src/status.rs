//! What each shopper sees, derived on demand in O(1): a sell-out is recorded once for the
//! whole line instead of being written to every waiting shopper.

use crate::odds::{odds_of_getting_one, return_rate};
use crate::sale::{Phase, Sale};
use crate::shoppers::{Shopper, ShopperStatus, State};
use crate::stock::SellOut;
use crate::{AccountId, Millis};

impl Sale {
    /// The shopper's situation at `now` (a time not yet passed to the sale is taken into
    /// account for expiry and the end, without changing anything).
    pub fn status(&self, account: AccountId, now: Millis) -> ShopperStatus {
        let Some(s) = self.shopper(account) else {
            return ShopperStatus::NotRegistered;
        };
        let now = now.max(self.now);
        let ended = self.phase(now) == Phase::Ended;
        match s.state {
            State::Unknown => ShopperStatus::NotRegistered,
            State::Registered if ended => ShopperStatus::Missed,
            State::Registered => ShopperStatus::Registered {
                number: s.registration,
            },
            State::InLine | State::Waitlisted => self.waiting_status(s, ended),
            State::Holding => {
                let hold = self.holds.get(s.slot).hold();
                let over = ended && self.ended_at.is_none();
                if !hold.paying && (now >= hold.deadline || over) {
                    ShopperStatus::HoldExpired { ticket: s.ticket }
                } else {
                    ShopperStatus::Holding { hold }
                }
            }
            State::Ordered => ShopperStatus::Ordered {
                order: self.orders[s.slot as usize].clone(),
            },
            State::Expired => ShopperStatus::HoldExpired { ticket: s.ticket },
        }
    }

    fn waiting_status(&self, s: &Shopper, ended: bool) -> ShopperStatus {
        let parked = s.state == State::Waitlisted;
        let variant = &self.stock[usize::from(s.variant)];
        let sold_out = |at: &SellOut, stock: u32| {
            let from = if parked { at.waitlist_head } else { at.head };
            ShopperStatus::SoldOut {
                ticket: s.ticket,
                position: s.slot.saturating_sub(from) + 1,
                stock,
                sold_out_at: at.at,
            }
        };
        if let Some(at) = &self.sold_out {
            return sold_out(at, self.config.units() as u32);
        }
        if !s.accept_other || parked {
            if let Some(at) = &variant.sold_out {
                return sold_out(at, self.config.variants[usize::from(s.variant)].stock);
            }
        }
        if ended {
            return ShopperStatus::Missed;
        }
        if !self.line.drawn {
            return ShopperStatus::PreQueue {
                number: s.registration,
                ticket: s.ticket,
                pre_queue_len: self.line.len(),
            };
        }
        let rate = return_rate(u64::from(self.holds_expired), u64::from(self.sold));
        if parked {
            let ahead = s.slot.saturating_sub(self.line.waitlist_head(s.variant));
            let odds = odds_of_getting_one(
                u64::from(ahead),
                u64::from(variant.available),
                u64::from(variant.held),
                rate,
            );
            return ShopperStatus::Waitlisted {
                ticket: s.ticket,
                position: ahead + 1,
                ahead,
                held_elsewhere: variant.held,
                odds,
            };
        }
        let ahead = s.slot.saturating_sub(self.line.head);
        let (available, held) = if s.accept_other {
            (self.available, self.held)
        } else {
            (variant.available, variant.held)
        };
        // Waitlisted shoppers go first when their variant comes back, so they count as ahead.
        let competing = u64::from(ahead) + u64::from(self.line.parked);
        let odds = odds_of_getting_one(competing, u64::from(available), u64::from(held), rate);
        if self.available == 0 {
            return ShopperStatus::Waitlisted {
                ticket: s.ticket,
                position: ahead + 1,
                ahead,
                held_elsewhere: self.held,
                odds,
            };
        }
        // A paused line moves again only when the operator says so: no estimate until then.
        let estimated_wait_ms = (competing < u64::from(available) && self.paused_since().is_none())
            .then(|| competing * 1000 / u64::from(self.admission_per_second()));
        ShopperStatus::Waiting {
            ticket: s.ticket,
            // A shopper in line's slot is their index in the line, which is the order drawn.
            place: s.slot + 1,
            position: ahead + 1,
            ahead,
            estimated_wait_ms,
            odds,
        }
    }
}
