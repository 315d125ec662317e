//! A whole sale against a crowd, for the example, the benches, the release test and the
//! browser's "run a million shoppers" demo. Wall-clock timing stays with the caller.

use serde::{Deserialize, Serialize};

use crate::{Crowd, CrowdConfig, Event, Millis, Phase, Progress, Sale, SaleConfig, Variant};

/// Store time the simulated sale's registration opens (2024-01-01T00:00:00Z).
const OPENS: Millis = 1_704_067_200_000;
/// Admission rate of [`simulate_sale`].
pub const DEFAULT_ADMISSION_PER_SECOND: u32 = 2_000;
/// Store-time step of the simulation clock once the sale is live.
const TICK_MS: u64 = 100;

/// What a simulated sale produced, with the invariants that must hold (zeros).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationOutcome {
    /// Simulated shoppers.
    pub shoppers: u32,
    /// Units in the sale.
    pub stock: u32,
    /// Units sold.
    pub sold: u32,
    /// Orders placed.
    pub orders: u32,
    /// Holds that ended without an order.
    pub holds_expired: u32,
    /// Units that went back on offer.
    pub reoffered: u32,
    /// Accounts drawn from the pre-queue at the start.
    pub pre_queue_len: u32,
    /// Units sold beyond stock, summed over variants: must be 0.
    pub oversold: u32,
    /// Accounts with more orders than the per-account limit: must be 0.
    pub duplicate_orders: u32,
    /// Store time from the start to the sell-out.
    pub sold_out_ms: Option<u64>,
    /// Peak engine + crowd heap bytes, as accounted by their `memory_bytes`.
    pub engine_bytes: usize,
}

/// The sale [`simulate_sale`] runs: `stock` split over three sizes (one variant below
/// three units), one per account, 1 h registration, 10 min pre-queue, 1 h sale,
/// 2 min holds with one 30 s extension.
pub fn simulation_config(stock: u32, seed: u64, admission_per_second: u32) -> SaleConfig {
    let sizes: Vec<(&str, u32)> = if stock < 3 {
        vec![("one-size", stock)]
    } else {
        let small = stock * 3 / 10;
        let medium = stock * 4 / 10;
        vec![("s", small), ("m", medium), ("l", stock - small - medium)]
    };
    let mut secret = [0u8; 32];
    secret[..8].copy_from_slice(&seed.to_le_bytes());
    SaleConfig {
        id: format!("simulated-{seed}"),
        product: "Simulated sneaker".into(),
        variants: sizes
            .into_iter()
            .map(|(id, stock)| Variant {
                id: id.into(),
                name: id.to_uppercase(),
                stock,
                price_cents: 12_000,
            })
            .collect(),
        registration_opens: OPENS,
        registration_closes: OPENS + 3_600_000,
        starts_at: OPENS + 4_200_000,
        ends_at: OPENS + 7_800_000,
        per_account_limit: SaleConfig::default_limit(),
        admission_per_second,
        hold_ms: 120_000,
        hold_extension_ms: Some(30_000),
        seed: secret,
    }
}

/// A simulated sale that can be run in bounded slices: [`Simulation::step`] does a bounded
/// amount of work and says whether the sale is over.
#[derive(Clone, Debug)]
pub struct Simulation {
    sale: Sale,
    crowd: Crowd,
    now: Millis,
    peak_bytes: usize,
    events: Vec<Event>,
}

impl Simulation {
    /// `shoppers` simulated shoppers (accounts 1..) after `stock` units.
    pub fn new(shoppers: u32, stock: u32, seed: u64, admission_per_second: u32) -> Simulation {
        let config = simulation_config(stock.max(1), seed, admission_per_second.max(1));
        let crowd = Crowd::new(CrowdConfig::new(shoppers, seed), &config);
        let sale = Sale::new(config).expect("simulation config is valid");
        Simulation {
            now: sale.config().registration_opens,
            sale,
            crowd,
            peak_bytes: 0,
            events: Vec::new(),
        }
    }

    /// Does up to about `max_steps` units of work; [`Progress::Done`] once the sale is over.
    pub fn step(&mut self, max_steps: u32) -> Progress {
        let c = self.sale.config();
        let (closes, starts_at) = (c.registration_closes, c.starts_at);
        if self.now < closes {
            if self
                .crowd
                .register_some(&mut self.sale, self.now, max_steps)
                == Progress::MoreWork
            {
                self.note_memory();
                return Progress::MoreWork;
            }
            self.now = closes;
        }
        loop {
            if self.sale.phase(self.now) == Phase::Ended {
                self.sale.advance(self.now);
                self.note_memory();
                return Progress::Done;
            }
            self.events.clear();
            let progress =
                self.crowd
                    .run_until(&mut self.sale, self.now, max_steps, &mut self.events);
            self.note_memory();
            if progress == Progress::MoreWork {
                return progress;
            }
            // The pre-queue window has only arrivals: jump straight to the start.
            self.now = if self.now < starts_at {
                starts_at
            } else {
                self.now + TICK_MS
            };
        }
    }

    /// Runs to the end in one go.
    pub fn run(mut self) -> SimulationOutcome {
        while self.step(u32::MAX) == Progress::MoreWork {}
        self.outcome()
    }

    /// The sale as simulated so far.
    pub fn sale(&self) -> &Sale {
        &self.sale
    }

    /// The simulated crowd.
    pub fn crowd(&self) -> &Crowd {
        &self.crowd
    }

    /// The results so far (final once [`Simulation::step`] returned `Done`).
    pub fn outcome(&self) -> SimulationOutcome {
        let sale = &self.sale;
        let report = sale.report(self.now);
        let oversold = report
            .variants
            .iter()
            .map(|v| v.sold.saturating_sub(v.stock))
            .sum();
        let mut buyers: Vec<u32> = sale.orders().iter().map(|o| o.account.0).collect();
        buyers.sort_unstable();
        let limit = sale.config().per_account_limit as usize;
        let duplicate_orders = buyers
            .chunk_by(|a, b| a == b)
            .filter(|orders| orders.len() > limit)
            .count() as u32;
        SimulationOutcome {
            shoppers: self.crowd.config().shoppers,
            stock: report.units,
            sold: report.sold,
            orders: report.orders,
            holds_expired: report.holds_expired,
            reoffered: report.reoffered,
            pre_queue_len: report.pre_queue_len,
            oversold,
            duplicate_orders,
            sold_out_ms: report.sold_out_ms,
            engine_bytes: self.peak_bytes,
        }
    }

    fn note_memory(&mut self) {
        let bytes = self.sale.memory_bytes()
            + self.crowd.memory_bytes()
            + self.events.capacity() * core::mem::size_of::<Event>();
        self.peak_bytes = self.peak_bytes.max(bytes);
    }
}

/// Runs a whole sale of `stock` units for `shoppers` simulated shoppers at the default
/// admission rate. Deterministic for a given seed.
pub fn simulate_sale(shoppers: u32, stock: u32, seed: u64) -> SimulationOutcome {
    Simulation::new(shoppers, stock, seed, DEFAULT_ADMISSION_PER_SECOND).run()
}
