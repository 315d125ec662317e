//! The rules of a flash sale as a pure, deterministic state machine.
//!
//! The engine is sans-I/O: every call takes the store time (`now`, in [`Millis`]) and
//! returns results or queues [`Event`]s; it never reads a clock, spawns a thread or does
//! I/O, so the same calls always give the same outcome, natively or in the browser.
//!
//! A sale moves through [`Phase`]s: shoppers register while registration is open, join
//! the pre-queue once it closes, and at the start the pre-queue is shuffled with a seed
//! whose SHA-256 was published beforehand ([`shuffle_tickets`]); later arrivals join the
//! back of the line. Shoppers are let through at a fixed rate and get a time-limited
//! [`Hold`] on one unit, which they turn into an [`Order`] by paying. After the end,
//! [`Sale::draw_record`] publishes the seed and the admissions by ticket, which anyone can
//! check with [`fair_draw::verify`].
//!
//! [`Crowd`] simulates many shoppers against a [`Sale`]; [`simulate_sale`] runs a whole
//! sale with it.
#![warn(missing_docs)]

mod admission;
mod checkout;
mod config;
mod crowd;
mod draw_log;
mod error;
mod holds;
mod line;
mod odds;
mod payments;
mod registration;
mod report;
mod sale;
mod shoppers;
mod simulation;
mod status;
mod steering;
mod stock;

use serde::{Deserialize, Serialize};

pub use config::{ConfigError, SaleConfig, Variant};
pub use crowd::{Crowd, CrowdConfig, Progress};
pub use error::SaleError;
pub use fair_draw::{seed_from_hex, sha256_hex, shuffle_tickets, DrawRecord, OperatorAction};
pub use holds::Hold;
pub use odds::{odds_of_getting_one, RETURN_PRIOR};
pub use payments::{Order, Settlement};
pub use report::{Counters, SaleReport, VariantReport};
pub use sale::{Event, Phase, Sale};
pub use shoppers::{Preference, ShopperStatus};
pub use simulation::{
    simulate_sale, simulation_config, Simulation, SimulationOutcome, DEFAULT_ADMISSION_PER_SECOND,
};
pub use steering::{Schedule, SteerRefusal, Steering};

/// Store time: milliseconds since the Unix epoch, supplied by the caller on every call.
pub type Millis = u64;

/// A shopper's account. Callers hand out dense small numbers (0..n) because the engine
/// keeps per-shopper state in vectors indexed by them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(pub u32);
