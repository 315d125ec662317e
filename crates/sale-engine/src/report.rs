//! Numbers for dashboards and the after-sale report.

use fair_draw::to_hex;
use serde::{Deserialize, Serialize};

use crate::sale::{Phase, Sale};
use crate::Millis;

/// Live totals, cheap to read on every frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Accounts registered now (cancellations subtracted).
    pub registrations: u32,
    /// Queue tickets issued.
    pub arrivals: u32,
    /// Shoppers in line or on a waitlist, not yet let through or turned away (0 once ended).
    pub in_line: u32,
    /// Units on offer, all variants.
    pub available: u32,
    /// Units on hold, including those being paid for.
    pub held: u32,
    /// Units being paid for right now.
    pub paying: u32,
    /// Units sold.
    pub sold: u32,
    /// Holds that ended without an order (expired, declined after the end, or cut at the end).
    pub holds_expired: u32,
    /// Units that went back on offer after a hold expired.
    pub reoffered: u32,
    /// Orders placed.
    pub orders: u32,
}

/// Per-variant line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantReport {
    /// The variant's identifier.
    pub id: String,
    /// Units of this variant in the sale.
    pub stock: u32,
    /// Units of this variant sold.
    pub sold: u32,
}

/// The after-sale summary, including what anyone needs to verify the draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleReport {
    /// The sale's identifier.
    pub sale_id: String,
    /// Accounts that registered.
    pub registrants: u32,
    /// Registered accounts that came to buy (joined the pre-queue or the line).
    pub arrivals: u32,
    /// Accounts drawn at the start from the pre-queue.
    pub pre_queue_len: u32,
    /// Units in the sale, all variants.
    pub units: u32,
    /// Units sold, all variants.
    pub sold: u32,
    /// Store time from the start to the sell-out, if it sold out.
    pub sold_out_ms: Option<u64>,
    /// Holds that ended without an order.
    pub holds_expired: u32,
    /// Units that went back on offer after a hold ended.
    pub reoffered: u32,
    /// Orders placed.
    pub orders: u32,
    /// SHA-256 of the draw's seed, published before the start, as hex.
    pub commitment_hex: String,
    /// The seed, once the sale has ended.
    pub seed_hex: Option<String>,
    /// One line per variant, in catalog order.
    pub variants: Vec<VariantReport>,
    /// What the operator did, at its store time, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_actions: Vec<fair_draw::OperatorAction>,
}

impl Sale {
    /// The live counters, cheap enough to read on every poll.
    pub fn counters(&self) -> Counters {
        Counters {
            registrations: self.registrations,
            arrivals: self.arrivals,
            in_line: self.in_line,
            available: self.available,
            held: self.held,
            paying: self.paying,
            sold: self.sold,
            holds_expired: self.holds_expired,
            reoffered: self.reoffered,
            orders: self.orders.len() as u32,
        }
    }

    /// The after-sale summary as of `now`; the seed is included once the sale has ended.
    pub fn report(&self, now: Millis) -> SaleReport {
        let ended = self.phase(now) == Phase::Ended;
        SaleReport {
            sale_id: self.config.id.clone(),
            registrants: self.registrations,
            arrivals: self.arrivals,
            pre_queue_len: self.pre_queue_len(),
            units: self.config.units() as u32,
            sold: self.sold,
            sold_out_ms: self.sold_out.map(|s| s.at - self.config.starts_at),
            holds_expired: self.holds_expired,
            reoffered: self.reoffered,
            orders: self.orders.len() as u32,
            commitment_hex: self.commitment_hex(),
            seed_hex: ended.then(|| to_hex(&self.config.seed)),
            variants: self
                .config
                .variants
                .iter()
                .zip(&self.stock)
                .map(|(v, s)| VariantReport {
                    id: v.id.clone(),
                    stock: v.stock,
                    sold: s.sold,
                })
                .collect(),
            operator_actions: self.operator_actions.clone(),
        }
    }
}
