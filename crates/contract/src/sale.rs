//! A sale as the store shows it: what is on sale, when, and the live numbers.
use serde::{Deserialize, Serialize};

use crate::news::SaleNews;
use crate::Millis;

/// Store time with the rate its clock runs at (1.0 in production; the demo store may run faster).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreTime {
    pub now_ms: Millis,
    pub rate: f64,
    /// The store's wall-clock time: the host's, moved by the demo's skew (a store clock that
    /// disagrees with the device's by that much) but not by its presets, clock jumps or speed.
    /// What a device's clock error is measured against. A store whose clock is the wall clock
    /// may leave it out.
    #[serde(default)]
    pub real_ms: Option<Millis>,
}

/// Where a sale stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Before registration opens.
    Announced,
    RegistrationOpen,
    /// Registered shoppers check in to the waiting room before the start.
    RegistrationClosed,
    Live,
    /// Over: its time is up, or it sold out.
    Ended,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaleSummary {
    pub id: String,
    pub product: String,
    pub tagline: String,
    /// The tagline in Simplified Chinese; `tagline` is the English. One field per language
    /// rather than a map: a map's deserializer costs the page's wasm more than the text does.
    #[serde(
        default,
        rename = "tagline_zh-CN",
        skip_serializing_if = "Option::is_none"
    )]
    pub tagline_zh_cn: Option<String>,
    pub image: String,
    pub from_price_cents: u32,
    /// ISO 4217 code of every price in this sale ("CNY", "EUR"), as the catalog sets it.
    pub currency: String,
    pub units: u32,
    pub registration_opens: Millis,
    pub registration_closes: Millis,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub phase: Phase,
    pub registrants: u32,
}

impl SaleSummary {
    /// The tagline in the language tagged `language`, the English one if it has none.
    pub fn tagline_in(&self, language: &str) -> &str {
        match (language, &self.tagline_zh_cn) {
            ("zh-CN", Some(chinese)) => chinese,
            _ => &self.tagline,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    pub index: u8,
    pub id: String,
    pub name: String,
    /// The name in Simplified Chinese; `name` is the English.
    #[serde(
        default,
        rename = "name_zh-CN",
        skip_serializing_if = "Option::is_none"
    )]
    pub name_zh_cn: Option<String>,
    pub colour: String,
    pub price_cents: u32,
    pub stock: u32,
    pub available: u32,
}

impl VariantView {
    /// The name in the language tagged `language`, the English one if it has none.
    pub fn name_in(&self, language: &str) -> &str {
        match (language, &self.name_zh_cn) {
            ("zh-CN", Some(chinese)) => chinese,
            _ => &self.name,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaleDetail {
    pub summary: SaleSummary,
    pub description: String,
    pub variants: Vec<VariantView>,
    pub per_account_limit: u32,
    pub admission_per_second: u32,
    pub hold_ms: u64,
    pub hold_extension_ms: Option<u64>,
    /// sha256 of the shuffle seed, published when registration closes.
    pub commitment: Option<String>,
    /// The seed itself, revealed when the sale has ended.
    pub seed: Option<String>,
    pub counters: Counters,
    /// Sorted ticket numbers of the pre-queue (published at the start), for verifying the draw.
    pub pre_queue_tickets: Vec<u32>,
    /// What the operator has done that every shopper should know: a pause, an announcement,
    /// a moved schedule, an early end.
    #[serde(default, skip_serializing_if = "SaleNews::is_quiet")]
    pub news: SaleNews,
}

impl SaleDetail {
    /// The name in `language` of the variant an order names: orders keep the name as English.
    pub fn variant_name_in<'a>(&'a self, english: &'a str, language: &str) -> &'a str {
        self.variants
            .iter()
            .find(|v| v.name == english)
            .map_or(english, |v| v.name_in(language))
    }
}

/// Live totals of a sale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Accounts registered now (cancellations subtracted).
    pub registrations: u32,
    /// Queue tickets issued.
    pub arrivals: u32,
    /// Shoppers in line or on a waitlist, not yet let through or turned away.
    pub in_line: u32,
    /// Units on offer, all variants.
    pub available: u32,
    /// Units on hold, including those being paid for.
    pub held: u32,
    pub paying: u32,
    pub sold: u32,
    /// Holds that ended without an order.
    pub holds_expired: u32,
    /// Units that went back on offer after a hold ended.
    pub reoffered: u32,
    pub orders: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantReport {
    pub id: String,
    pub stock: u32,
    pub sold: u32,
}

/// The after-sale summary, including what anyone needs to verify the draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleReport {
    pub sale_id: String,
    pub registrants: u32,
    pub arrivals: u32,
    pub pre_queue_len: u32,
    pub units: u32,
    pub sold: u32,
    /// Store time from the start to the sell-out, if it sold out.
    pub sold_out_ms: Option<u64>,
    pub holds_expired: u32,
    pub reoffered: u32,
    pub orders: u32,
    pub commitment_hex: String,
    /// The seed, once the sale has ended.
    pub seed_hex: Option<String>,
    pub variants: Vec<VariantReport>,
}
