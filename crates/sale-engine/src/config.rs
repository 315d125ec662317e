use core::fmt;

use serde::{Deserialize, Serialize};

use crate::Millis;

/// One buyable version of the product (a size or a colour) with its own stock and price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Stable identifier of the variant.
    pub id: String,
    /// The name shoppers read.
    pub name: String,
    /// Units of this variant in the sale, more than 0.
    pub stock: u32,
    /// Price of one unit, in cents.
    pub price_cents: u32,
}

/// Everything that defines a sale. Checked once by [`crate::Sale::new`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaleConfig {
    /// Stable identifier of the sale.
    pub id: String,
    /// The product on sale, as shoppers read it.
    pub product: String,
    /// 1..=255 variants, each with stock > 0; [`crate::Preference::variant`] indexes this list.
    pub variants: Vec<Variant>,
    /// When registration opens (store time).
    pub registration_opens: Millis,
    /// `registration_opens < registration_closes <= starts_at`.
    pub registration_closes: Millis,
    /// When the sale starts: the pre-queue is drawn and the line opens.
    pub starts_at: Millis,
    /// `starts_at < ends_at`. The sale ends at `ends_at` or when sold out, whichever is first.
    pub ends_at: Millis,
    /// Orders one account may place, 1..=255 (see [`SaleConfig::default_limit`]).
    pub per_account_limit: u32,
    /// Shoppers let through per second once the sale is live; > 0.
    pub admission_per_second: u32,
    /// How long a hold lasts before the unit goes back on offer; > 0.
    pub hold_ms: u64,
    /// Extra time a shopper may ask for once per hold; `None` offers no extension.
    pub hold_extension_ms: Option<u64>,
    /// Secret shuffle seed: only its SHA-256 is published until the sale ends.
    pub seed: [u8; 32],
}

impl SaleConfig {
    /// The usual per-account limit: one unit per shopper.
    pub const fn default_limit() -> u32 {
        1
    }

    /// Total units across all variants.
    pub fn units(&self) -> u64 {
        self.variants.iter().map(|v| u64::from(v.stock)).sum()
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.variants.is_empty() || self.variants.len() > 255 {
            return Err(ConfigError::VariantCount(self.variants.len()));
        }
        if let Some(v) = self.variants.iter().find(|v| v.stock == 0) {
            return Err(ConfigError::NoStock(v.id.clone()));
        }
        // Stock counters are u32; the sum must fit too.
        if self.units() > u64::from(u32::MAX) {
            return Err(ConfigError::TooMuchStock);
        }
        if !(self.registration_opens < self.registration_closes
            && self.registration_closes <= self.starts_at
            && self.starts_at < self.ends_at)
        {
            return Err(ConfigError::Timeline);
        }
        if self.per_account_limit == 0 || self.per_account_limit > 255 {
            return Err(ConfigError::Limit(self.per_account_limit));
        }
        if self.admission_per_second == 0 {
            return Err(ConfigError::AdmissionRate);
        }
        if self.hold_ms == 0 || self.hold_extension_ms == Some(0) {
            return Err(ConfigError::HoldTime);
        }
        Ok(())
    }
}

/// Why a [`SaleConfig`] was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigError {
    /// There must be between 1 and 255 variants.
    VariantCount(usize),
    /// A variant (by id) has no stock.
    NoStock(String),
    /// The total stock does not fit in 32 bits.
    TooMuchStock,
    /// The dates must satisfy `opens < closes <= starts_at < ends_at`.
    Timeline,
    /// The per-account limit must be between 1 and 255.
    Limit(u32),
    /// The admission rate must be positive.
    AdmissionRate,
    /// Hold time and extension, when given, must be positive.
    HoldTime,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::VariantCount(n) => write!(f, "a sale needs 1 to 255 variants, not {n}"),
            ConfigError::NoStock(id) => write!(f, "variant {id} has no stock"),
            ConfigError::TooMuchStock => f.write_str("total stock must fit in 32 bits"),
            ConfigError::Timeline => f.write_str(
                "dates must satisfy registration opens < registration closes <= start < end",
            ),
            ConfigError::Limit(n) => write!(f, "per-account limit must be 1 to 255, not {n}"),
            ConfigError::AdmissionRate => f.write_str("admission rate must be positive"),
            ConfigError::HoldTime => f.write_str("hold time and extension must be positive"),
        }
    }
}

impl std::error::Error for ConfigError {}
