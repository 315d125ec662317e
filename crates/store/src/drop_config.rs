//! A drop as the engine and the views take it, and a catalog sale as a drop.
use store_contract::operator::{Drop, DropVariant};

use crate::catalog::{CatalogSale, CatalogVariant, Schedule};
use sale_engine::{SaleConfig, Variant};

/// The engine's sale for a drop.
pub fn config_of(drop: &Drop, seed: [u8; 32]) -> SaleConfig {
    SaleConfig {
        id: drop.id.clone(),
        product: drop.product.clone(),
        variants: drop
            .variants
            .iter()
            .map(|v| Variant {
                id: v.id.clone(),
                name: v.name.clone(),
                stock: v.stock,
                price_cents: v.price_cents,
            })
            .collect(),
        registration_opens: drop.registration_opens,
        registration_closes: drop.registration_closes,
        starts_at: drop.starts_at,
        ends_at: drop.ends_at,
        per_account_limit: drop.per_account_limit,
        admission_per_second: drop.admission_per_second,
        hold_ms: drop.hold_seconds * 1_000,
        hold_extension_ms: drop.hold_extension_seconds.map(|s| s * 1_000),
        seed,
    }
}

/// What the shoppers' views show of a drop: its texts and art, as a catalog sale (whose
/// schedule the views do not read: they take the engine's).
pub fn item_of(drop: &Drop) -> CatalogSale {
    CatalogSale {
        id: drop.id.clone(),
        product: drop.product.clone(),
        tagline: drop.tagline.clone(),
        tagline_zh_cn: Some(drop.tagline_zh_cn.clone()),
        description: drop.description.clone(),
        image: drop.image.clone(),
        currency: drop.currency.clone(),
        schedule: Schedule {
            registration_opens_min: 0.0,
            registration_closes_min: 0.0,
            starts_min: 0.0,
            ends_min: 0.0,
        },
        admission_per_second: drop.admission_per_second,
        hold_seconds: drop.hold_seconds,
        hold_extension_seconds: drop.hold_extension_seconds,
        per_account_limit: drop.per_account_limit,
        crowd: 0,
        variants: drop
            .variants
            .iter()
            .map(|v| CatalogVariant {
                id: v.id.clone(),
                name: v.name.clone(),
                name_zh_cn: Some(v.name_zh_cn.clone()),
                colour: v.colour.clone(),
                stock: v.stock,
                price_cents: v.price_cents,
            })
            .collect(),
    }
}

/// A catalog sale as a drop, with the engine's stock and schedule. The catalog has no
/// Chinese product name or description: the English stands in.
pub fn drop_of(item: &CatalogSale, config: &SaleConfig, rate: u32) -> Drop {
    Drop {
        id: item.id.clone(),
        product: item.product.clone(),
        product_zh_cn: item.product.clone(),
        tagline: item.tagline.clone(),
        tagline_zh_cn: item.tagline_zh_cn.clone().unwrap_or_default(),
        description: item.description.clone(),
        description_zh_cn: item.description.clone(),
        image: item.image.clone(),
        currency: item.currency.clone(),
        variants: config
            .variants
            .iter()
            .zip(&item.variants)
            .map(|(v, c)| DropVariant {
                id: v.id.clone(),
                name: v.name.clone(),
                name_zh_cn: c.name_zh_cn.clone().unwrap_or_default(),
                colour: c.colour.clone(),
                stock: v.stock,
                price_cents: v.price_cents,
            })
            .collect(),
        registration_opens: config.registration_opens,
        registration_closes: config.registration_closes,
        starts_at: config.starts_at,
        ends_at: config.ends_at,
        hold_seconds: config.hold_ms / 1_000,
        hold_extension_seconds: config.hold_extension_ms.map(|ms| ms / 1_000),
        per_account_limit: config.per_account_limit,
        admission_per_second: rate,
    }
}
