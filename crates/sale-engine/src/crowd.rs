//! A deterministic crowd of simulated shoppers, for the browser's mock store and for
//! load runs. Everything follows from the [`CrowdConfig`] seed and the calls made, so the
//! same config, sale and call sequence rebuild the same state.

use core::cmp::Reverse;
use std::collections::BinaryHeap;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::{AccountId, Event, Millis, Phase, Preference, Sale, SaleConfig};

/// Who the simulated shoppers are and how they behave.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrowdConfig {
    /// How many simulated shoppers there are.
    pub shoppers: u32,
    /// Seeds every choice the crowd makes, so a run replays.
    pub seed: u64,
    /// Share arriving in the pre-queue window, spread evenly over it.
    pub early_fraction: f32,
    /// Share of checkouts whose payment goes through; the others are declined and give up.
    pub checkout_success: f32,
    /// Time from admission to checkout, uniform in this range (ms).
    pub checkout_ms: (u64, u64),
    /// Share of admitted shoppers who never check out.
    pub abandon_fraction: f32,
    /// Account of the first simulated shopper; they use `first_account..first_account + shoppers`.
    pub first_account: u32,
}

impl CrowdConfig {
    /// A typical crowd: 30 % early, 85 % of payments approved, 20–90 s to check out,
    /// 10 % abandon; accounts from 1 so account 0 is free for a real shopper.
    pub fn new(shoppers: u32, seed: u64) -> CrowdConfig {
        CrowdConfig {
            shoppers,
            seed,
            early_fraction: 0.3,
            checkout_success: 0.85,
            checkout_ms: (20_000, 90_000),
            abandon_fraction: 0.1,
            first_account: 1,
        }
    }
}

/// Whether a bounded call caught up with the requested time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    /// Caught up with the requested time.
    Done,
    /// The step budget ran out; call again.
    MoreWork,
}

/// After the start, most shoppers arrive within seconds (exponential, this mean)…
const RUSH_MEAN_MS: f64 = 2_500.0;
/// …the rush is cut off here…
const RUSH_MS: f64 = 30_000.0;
/// …and the remaining share trickles in evenly up to ten minutes after the start.
const RUSH_SHARE: f64 = 0.9;
const TAIL_MS: u64 = 600_000;

/// A scheduled checkout: (due time, account, payment approved).
type Checkout = Reverse<(Millis, u32, bool)>;

/// The simulated shoppers and what they will do next.
#[derive(Clone, Debug)]
pub struct Crowd {
    config: CrowdConfig,
    /// Arrival offsets from `registration_closes` in ms, ascending; shopper `i` arrives `i`-th.
    arrivals: Vec<u32>,
    closes: Millis,
    hold_ms: u64,
    variants: u8,
    next_arrival: u32,
    next_to_register: u32,
    checkouts: BinaryHeap<Checkout>,
}

impl Crowd {
    /// Precomputes the arrival times, already sorted: jittered stratified sampling
    /// (`u_i = (i + U_i) / n`, one uniform per shopper) pushed through the arrival
    /// distribution's inverse CDF, which is monotone, so no sort is needed.
    pub fn new(config: CrowdConfig, sale: &SaleConfig) -> Crowd {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let n = config.shoppers;
        let early = ((f64::from(n) * f64::from(config.early_fraction.clamp(0.0, 1.0))).round()
            as u32)
            .min(n);
        let window = sale.starts_at - sale.registration_closes;
        let tail = TAIL_MS.min(sale.ends_at - sale.starts_at) as f64;
        let rush = RUSH_MS.min(tail);
        let rush_mass = 1.0 - (-rush / RUSH_MEAN_MS).exp();
        let mut arrivals = Vec::with_capacity(n as usize);
        let mut uniform =
            |i: u32, count: u32| (f64::from(i) + unit(rng.next_u64())) / f64::from(count);
        for i in 0..early {
            let offset = (uniform(i, early) * window as f64) as u64;
            arrivals.push(
                offset
                    .min(window.saturating_sub(1))
                    .min(u64::from(u32::MAX)) as u32,
            );
        }
        let late = n - early;
        for i in 0..late {
            let u = uniform(i, late);
            let after_start = if u < RUSH_SHARE {
                -RUSH_MEAN_MS * (1.0 - u / RUSH_SHARE * rush_mass).ln()
            } else {
                rush + (u - RUSH_SHARE) / (1.0 - RUSH_SHARE) * (tail - rush)
            };
            let offset = window + (after_start as u64).min(tail as u64);
            arrivals.push(offset.min(u64::from(u32::MAX)) as u32);
        }
        Crowd {
            config,
            arrivals,
            closes: sale.registration_closes,
            hold_ms: sale.hold_ms,
            variants: sale.variants.len() as u8,
            next_arrival: 0,
            next_to_register: 0,
            checkouts: BinaryHeap::new(),
        }
    }

    /// The crowd as it was configured.
    pub fn config(&self) -> &CrowdConfig {
        &self.config
    }

    /// Registers every simulated shopper (call while registration is open). Refusals,
    /// such as an account already registered, are skipped.
    pub fn register_all(&mut self, sale: &mut Sale, now: Millis) {
        while self.register_some(sale, now, u32::MAX) == Progress::MoreWork {}
    }

    /// Registers up to `max` more shoppers, for callers that work in time slices.
    pub fn register_some(&mut self, sale: &mut Sale, now: Millis, max: u32) -> Progress {
        let first = self.config.first_account;
        if self.next_to_register == 0 {
            sale.reserve((first + self.config.shoppers) as usize);
        }
        let end = self
            .config
            .shoppers
            .min(self.next_to_register.saturating_add(max));
        for i in self.next_to_register..end {
            // A refusal (already registered, window shut) leaves that shopper out; the crowd goes on.
            let _ = sale.register(AccountId(first + i), now);
        }
        self.next_to_register = end;
        if end == self.config.shoppers {
            Progress::Done
        } else {
            Progress::MoreWork
        }
    }

    /// The preference of the shopper with index `i`: a variant, and for half of them
    /// any other will do.
    pub fn preference(&self, i: u32) -> Preference {
        let h = mix(self.config.seed, u64::from(i), 0x9e37);
        Preference {
            variant: (h % u64::from(self.variants)) as u8,
            accept_other_variant: h >> 63 == 0,
        }
    }

    /// Drives the sale forward to `now`: joins arrivals due by then, performs due checkouts
    /// (each at its own time) and finally advances the sale to `now`. Every event polled from
    /// the sale, including those caused by other callers, is appended to `events`. Does at
    /// most `max_steps` joins, checkouts or advances and returns [`Progress::MoreWork`] if
    /// that was not enough.
    pub fn run_until(
        &mut self,
        sale: &mut Sale,
        now: Millis,
        max_steps: u32,
        events: &mut Vec<Event>,
    ) -> Progress {
        let mut steps = 0;
        loop {
            self.take_events(sale, events);
            let arrival = self
                .arrivals
                .get(self.next_arrival as usize)
                .map(|&a| self.closes + u64::from(a));
            let checkout = self.checkouts.peek().map(|c| c.0 .0);
            let due = match (arrival, checkout) {
                (Some(a), Some(c)) => a.min(c),
                (a, c) => match a.or(c) {
                    Some(t) => t,
                    None => break,
                },
            };
            if due > now {
                break;
            }
            if steps >= max_steps {
                return Progress::MoreWork;
            }
            steps += 1;
            if checkout == Some(due) {
                let Reverse((at, account, approved)) = self.checkouts.pop().expect("peeked");
                self.pay(sale, AccountId(account), approved, at);
            } else if sale.phase(due) == Phase::Ended {
                // Latecomers only find the sold-out page; there is nothing to simulate.
                self.next_arrival = self.config.shoppers;
            } else {
                let i = self.next_arrival;
                self.next_arrival += 1;
                let account = AccountId(self.config.first_account + i);
                // Refusals (not registered, already in line) are what a real shopper would see too.
                let _ = sale.join(account, self.preference(i), due);
            }
        }
        if steps >= max_steps {
            return Progress::MoreWork;
        }
        sale.advance(now);
        self.take_events(sale, events);
        Progress::Done
    }

    /// Heap bytes: arrival times and scheduled checkouts.
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Crowd>()
            + self.arrivals.capacity() * 4
            + self.checkouts.capacity() * core::mem::size_of::<Checkout>()
    }

    fn take_events(&mut self, sale: &mut Sale, events: &mut Vec<Event>) {
        let first = self.config.first_account;
        while let Some(event) = sale.poll_event() {
            if let Event::Admitted { account, hold } = &event {
                if (first..first + self.config.shoppers).contains(&account.0) {
                    self.plan_checkout(*account, hold.deadline);
                }
            }
            events.push(event);
        }
    }

    /// Decides from the seed what an admitted shopper does; the hold's deadline tells when
    /// they were admitted even if another caller's request let them in.
    fn plan_checkout(&mut self, account: AccountId, deadline: Millis) {
        let c = &self.config;
        let h = mix(c.seed, u64::from(account.0), deadline);
        if unit(h) < f64::from(c.abandon_fraction) {
            return;
        }
        let (lo, hi) = (
            c.checkout_ms.0.min(c.checkout_ms.1),
            c.checkout_ms.0.max(c.checkout_ms.1),
        );
        let h2 = mix(h, 1, 2);
        let delay = lo + h2 % (hi - lo + 1);
        let approved = unit(mix(h2, 3, 4)) < f64::from(c.checkout_success);
        let admitted_at = deadline - self.hold_ms;
        self.checkouts
            .push(Reverse((admitted_at + delay, account.0, approved)));
    }

    /// A declined shopper gives up: the hold lapses after the grace period.
    fn pay(&mut self, sale: &mut Sale, account: AccountId, approved: bool, at: Millis) {
        let key = at;
        let request = u64::from(account.0);
        // A hold that lapsed before the shopper got to pay is refused; that is expected.
        if approved {
            let _ = sale.checkout(account, key, request, at);
        } else if sale.begin_checkout(account, key, request, at).is_ok() {
            let _ = sale.settle_payment(account, key, false, at);
        }
    }
}

/// A uniform float in [0, 1) from 53 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64 finaliser over three inputs: cheap per-shopper randomness without storing it.
fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ c.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
