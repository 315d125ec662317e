//! Letting shoppers through: how many turns the admission rate allows by a given time, and
//! what each turn does. A turn goes first to the waitlist of a variant that is back in stock,
//! then to the front of the line, whose shopper gets a unit, waits on their variant's
//! waitlist while holds on it are out, or is turned away once it is gone for good.

use crate::line::Line;
use crate::shoppers::Shopper;
use crate::stock::Stock;
use crate::{Millis, SaleConfig};

/// What one turn does to the shopper whose turn it is.
pub(crate) enum Turn {
    /// A unit of `variant` is held for `account`.
    Hold { account: u32, variant: u8 },
    /// `account`'s variant is out for now, but holds on it may come back.
    Waitlist { account: u32, variant: u8 },
    /// `account`'s variant is gone for good.
    Away { account: u32 },
}

/// The turns that gave a hold so far, against the rate's allowance.
#[derive(Clone, Debug)]
pub(crate) struct Admission {
    admitted: u64,
    pace: Pace,
}

/// How the allowance grows: `base` turns at `since`, then `rate` a second, unless paused.
/// An operator's pause freezes it and a rate change starts a new piece from its moment, so
/// the allowance is a piecewise line that never grows while the line is paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pace {
    pub rate: u32,
    base: u64,
    since: Millis,
    pub paused: Option<Millis>,
}

impl Pace {
    /// `admission_per_second` at the start (so the front of the pre-queue does not wait a
    /// second for nothing) plus `admission_per_second` per second after it.
    fn new(config: &SaleConfig) -> Pace {
        Pace {
            rate: config.admission_per_second,
            base: u64::from(config.admission_per_second),
            since: config.starts_at,
            paused: None,
        }
    }

    /// Turns allowed by `now`, cumulatively: unused allowance carries over, so units that
    /// come back later go out without delay.
    fn allowed(&self, now: Millis) -> u64 {
        if self.paused.is_some() {
            return self.base;
        }
        let elapsed = now.saturating_sub(self.since);
        match elapsed.checked_mul(u64::from(self.rate)) {
            Some(product) => self.base.saturating_add(product / 1000),
            None => u64::MAX,
        }
    }

    /// The earliest time at which [`Pace::allowed`] reaches `turns` (`None` while paused or
    /// past the end of time).
    fn first_allowing(&self, turns: u64) -> Option<Millis> {
        if self.paused.is_some() {
            return None;
        }
        // The allowance grows by one each time elapsed time x rate passes a multiple of 1000.
        let steps = turns.saturating_sub(self.base).checked_mul(1000)?;
        self.since.checked_add(steps.div_ceil(u64::from(self.rate)))
    }
}

impl Admission {
    pub fn new(config: &SaleConfig) -> Admission {
        Admission {
            admitted: 0,
            pace: Pace::new(config),
        }
    }

    pub fn pace(&self) -> Pace {
        self.pace
    }

    /// Stops admission from `now`. Turns allowed but not taken are dropped: every call takes
    /// the turns due by its time, so those found no one to take them, and a shopper who joins
    /// the paused line must not find them waiting. Before the start this holds back the
    /// start's own allowance too, so a line paused early lets nobody through at the start.
    pub fn pause(&mut self, now: Millis) {
        self.pace.base = self.admitted;
        self.pace.since = now;
        self.pace.paused = Some(now);
    }

    /// Lets the allowance grow again from `now`, at the rate and without a burst for the time
    /// paused; before the start the start's own allowance comes back.
    pub fn resume(&mut self, now: Millis, starts_at: Millis) {
        self.pace.paused = None;
        if now < starts_at {
            self.pace.base = u64::from(self.pace.rate);
            self.pace.since = starts_at;
        } else {
            self.pace.base = self.admitted;
            self.pace.since = now;
        }
    }

    /// Admits `rate` a second from `now` on (from the resume, if paused).
    pub fn set_rate(&mut self, rate: u32, now: Millis, starts_at: Millis) {
        if self.pace.paused.is_none() {
            if now < starts_at {
                self.pace.base = u64::from(rate);
            } else {
                self.pace.base = self.pace.allowed(now);
                self.pace.since = now;
            }
        }
        self.pace.rate = rate;
    }

    /// The start moved (before it came): the allowance starts from the new one.
    pub fn restart_at(&mut self, starts_at: Millis) {
        self.pace.since = starts_at;
    }

    /// The next turn at `now`, taken off the line or a waitlist, if the rate allows one and
    /// there is stock for it. `available` is the stock of every variant together.
    pub fn next_turn(
        &mut self,
        now: Millis,
        line: &mut Line,
        stock: &[Stock],
        available: u32,
        shoppers: &[Shopper],
    ) -> Option<Turn> {
        if self.admitted >= self.pace.allowed(now) || available == 0 {
            return None;
        }
        if let Some(variant) = back_in_stock(line, stock) {
            let account = line.unpark(variant).expect("waitlist is not empty");
            self.admitted += 1;
            return Some(Turn::Hold { account, variant });
        }
        let account = line.front()?;
        line.head += 1;
        let s = shoppers[account as usize];
        if let Some(variant) = pick_variant(stock, s.variant, s.accept_other) {
            self.admitted += 1;
            return Some(Turn::Hold { account, variant });
        }
        Some(if stock[usize::from(s.variant)].held > 0 {
            Turn::Waitlist {
                account,
                variant: s.variant,
            }
        } else {
            Turn::Away { account }
        })
    }

    /// When the rate next allows a turn, if someone waiting could take one with the stock
    /// there is now. Turns are taken up to the sale's time by every call, so whoever still
    /// waits then waits for the rate alone; stock comes back only at a hold's expiry or
    /// through a call, after which the answer is asked for again.
    pub fn next_due(&self, line: &Line, stock: &[Stock], available: u32) -> Option<Millis> {
        let someone_waits = line.front().is_some() || back_in_stock(line, stock).is_some();
        if !line.drawn || available == 0 || !someone_waits {
            return None;
        }
        self.pace.first_allowing(self.admitted + 1)
    }
}

/// A variant in stock with shoppers on its waitlist: they go before the line.
fn back_in_stock(line: &Line, stock: &[Stock]) -> Option<u8> {
    if line.parked == 0 {
        return None;
    }
    (0..stock.len() as u8)
        .find(|&v| stock[usize::from(v)].available > 0 && line.waitlist_len(v) > 0)
}

/// Their own variant if in stock, else (if they accept it) the lowest-numbered one in stock.
fn pick_variant(stock: &[Stock], wanted: u8, accept_other: bool) -> Option<u8> {
    if stock[usize::from(wanted)].available > 0 {
        Some(wanted)
    } else if accept_other {
        stock.iter().position(|s| s.available > 0).map(|v| v as u8)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Variant;

    fn config(rate: u32) -> SaleConfig {
        SaleConfig {
            id: "t".into(),
            product: "p".into(),
            variants: vec![Variant {
                id: "v".into(),
                name: "v".into(),
                stock: 1,
                price_cents: 1,
            }],
            registration_opens: 0,
            registration_closes: 1,
            starts_at: 10_000,
            ends_at: 20_000,
            per_account_limit: 1,
            admission_per_second: rate,
            hold_ms: 1,
            hold_extension_ms: None,
            seed: [0; 32],
        }
    }

    #[test]
    fn first_allowing_is_the_first_millisecond_of_each_allowance() {
        for rate in [1, 3, 7, 1000, 1500] {
            let c = Pace::new(&config(rate));
            for turns in 1..3 * u64::from(rate) {
                let at = c.first_allowing(turns).unwrap();
                assert!(c.allowed(at) >= turns, "rate {rate}, {turns} turns at {at}");
                if at > c.since {
                    assert!(c.allowed(at - 1) < turns, "rate {rate}, {turns} turns");
                }
            }
        }
    }

    #[test]
    fn first_allowing_has_no_time_past_the_end_of_time() {
        assert_eq!(Pace::new(&config(1)).first_allowing(u64::MAX), None);
    }

    #[test]
    fn a_pause_freezes_the_allowance_and_a_resume_goes_on_at_the_rate() {
        let c = config(10);
        let mut admission = Admission::new(&c);
        admission.admitted = 20;
        admission.pause(11_000);
        assert_eq!(admission.pace.allowed(11_000), 20);
        assert_eq!(
            admission.pace.allowed(60_000),
            20,
            "nothing grows while paused"
        );
        assert_eq!(admission.pace.first_allowing(21), None);
        admission.resume(60_000, c.starts_at);
        assert_eq!(
            admission.pace.allowed(60_000),
            20,
            "no burst after the pause"
        );
        assert_eq!(admission.pace.allowed(61_000), 30);
    }

    #[test]
    fn a_pause_drops_the_turns_nobody_took() {
        let c = config(1);
        let mut admission = Admission::new(&c);
        admission.admitted = 1;
        assert_eq!(
            admission.pace.allowed(50_000),
            41,
            "idle turns carried over"
        );
        admission.pause(50_000);
        assert_eq!(
            admission.pace.allowed(51_000),
            1,
            "a shopper joining the paused line finds no turn left over"
        );
    }

    #[test]
    fn a_line_paused_before_the_start_lets_nobody_through_until_the_resume() {
        let c = config(10);
        let mut admission = Admission::new(&c);
        admission.pause(9_000);
        admission.set_rate(20, 9_500, c.starts_at);
        assert_eq!(
            admission.pace.allowed(12_000),
            0,
            "paused through the start"
        );
        admission.resume(9_800, c.starts_at);
        assert_eq!(
            admission.pace.allowed(c.starts_at),
            20,
            "the start's allowance is back"
        );
        admission.pause(9_900);
        admission.resume(15_000, c.starts_at);
        assert_eq!(admission.pace.allowed(15_000), 0);
        assert_eq!(admission.pace.allowed(16_000), 20);
    }

    #[test]
    fn a_rate_change_counts_from_its_moment() {
        let c = config(10);
        let mut admission = Admission::new(&c);
        admission.set_rate(100, 12_000, c.starts_at);
        assert_eq!(admission.pace.allowed(12_000), 30);
        assert_eq!(admission.pace.allowed(13_000), 130);
    }
}
