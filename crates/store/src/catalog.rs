//! The catalog the demo store sells from: products, variants, prices, images, copy and the sale
//! schedule, read from `public/catalog.json` so a designer can change it without recompiling.
//! Whoever runs the store fetches the file; the store only reads its text.
use serde::{Deserialize, Serialize};

/// Where the app's build serves the catalog.
pub const CATALOG_URL: &str = "/public/catalog.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub brand: String,
    pub sales: Vec<CatalogSale>,
}

/// Minutes relative to the moment the demo was first opened (or reset).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub registration_opens_min: f64,
    pub registration_closes_min: f64,
    pub starts_min: f64,
    pub ends_min: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogSale {
    pub id: String,
    pub product: String,
    pub tagline: String,
    /// The tagline in Simplified Chinese, if the catalog has one.
    #[serde(default, rename = "tagline_zh-CN")]
    pub tagline_zh_cn: Option<String>,
    pub description: String,
    pub image: String,
    /// ISO 4217 code of the variants' prices: the page formats money in it.
    pub currency: String,
    pub schedule: Schedule,
    pub admission_per_second: u32,
    pub hold_seconds: u64,
    pub hold_extension_seconds: Option<u64>,
    pub per_account_limit: u32,
    /// Simulated shoppers competing in this sale.
    pub crowd: u32,
    pub variants: Vec<CatalogVariant>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogVariant {
    pub id: String,
    pub name: String,
    /// The name in Simplified Chinese, if the catalog has one.
    #[serde(default, rename = "name_zh-CN")]
    pub name_zh_cn: Option<String>,
    pub colour: String,
    pub stock: u32,
    pub price_cents: u32,
}

impl Catalog {
    pub fn parse(json: &str) -> Result<Catalog, String> {
        let catalog: Catalog =
            serde_json::from_str(json).map_err(|e| format!("catalog.json is not valid: {e}"))?;
        if catalog.sales.iter().any(|s| s.variants.is_empty()) {
            return Err("catalog.json: every sale needs at least one variant".into());
        }
        Ok(catalog)
    }

    pub fn sale(&self, id: &str) -> Option<&CatalogSale> {
        self.sales.iter().find(|s| s.id == id)
    }
}
