//! One shopper in one sale: where they stand, their hold, their payment and order.
use serde::{Deserialize, Serialize};

use crate::news::SaleNews;
use crate::Millis;

/// What a shopper wants: a variant (index into the sale's variants) and whether another
/// variant will do if theirs is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    pub variant: u8,
    pub accept_other_variant: bool,
}

/// A unit reserved for the shopper until `deadline` (never expires while `paying`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub variant: u8,
    pub deadline: Millis,
    pub extended: bool,
    pub paying: bool,
}

/// A unit the shopper paid for, as the sale numbers it (1, 2, … per sale).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    pub number: u32,
    pub variant: u8,
    pub price_cents: u32,
    pub at: Millis,
}

/// Where the shopper stands in a sale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ShopperStatus {
    NotRegistered,
    /// Registered, not in the line (yet).
    Registered {
        number: u32,
    },
    /// Checked in before the start; their place is drawn at the start.
    PreQueue {
        number: u32,
        ticket: u32,
        pre_queue_len: u32,
    },
    /// In line while stock is available; `position` is 1-based and counts down as the line moves.
    /// `place` is the ticket's 1-based place in the waiting-room order (the draw, then late
    /// arrivals): it never changes, and the published [`crate::DrawRecord`] puts the ticket there.
    Waiting {
        ticket: u32,
        place: u32,
        position: u32,
        ahead: u32,
        estimated_wait_ms: Option<u64>,
        odds: f32,
    },
    /// No stock left for them right now, but holds are out and may come back.
    Waitlisted {
        ticket: u32,
        position: u32,
        ahead: u32,
        held_elsewhere: u32,
        odds: f32,
    },
    Holding {
        hold: Hold,
    },
    /// Has an order (their latest); with a limit above one they may join again.
    Ordered {
        order: Purchase,
    },
    /// Their hold ran out; they do not get back in line.
    HoldExpired {
        ticket: u32,
    },
    /// Still waiting when their variant (or everything) sold out; `position` is where they
    /// stood then and `stock` the units there were.
    SoldOut {
        ticket: u32,
        position: u32,
        stock: u32,
        sold_out_at: Millis,
    },
    /// The sale ended without them getting through.
    Missed,
}

/// Where the signed-in shopper stands in one sale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShopperView {
    pub sale_id: String,
    pub status: ShopperStatus,
    pub registration_number: Option<u32>,
    pub ticket: Option<u32>,
    pub payment: Option<PaymentView>,
    pub order: Option<OrderView>,
    /// When to ask again, in ms: soon for a shopper about to be admitted or holding a unit,
    /// seldom for one far back in a long line. Countdowns and hold timers run on store time,
    /// so a longer wait between polls never makes them late; it only delays news of the line.
    /// Older stores send none: the page then asks every second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_after_ms: Option<u64>,
    /// The sale's news, as in [`crate::SaleDetail::news`]: the page polls this view, so a
    /// pause or an announcement reaches a shopper in line within a poll.
    #[serde(default, skip_serializing_if = "SaleNews::is_quiet")]
    pub news: SaleNews,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PaymentState {
    Pending,
    Declined,
    Approved,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentView {
    pub state: PaymentState,
    pub method: PaymentMethod,
    pub message: String,
}

/// Where an address is written, which decides its fields and rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Market {
    /// Name, street and number, town, postcode (all needed).
    #[default]
    International,
    /// Province, city, district and street, as Chinese couriers read them; the postcode is
    /// optional (six digits when given).
    China,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    /// The street and number (in China: the detailed address after the district).
    pub line1: String,
    pub city: String,
    pub postcode: String,
    /// Older clients send no market: their addresses are international.
    #[serde(default)]
    pub market: Market,
    /// 省 (China only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub province: String,
    /// 区/县 (China only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub district: String,
}

/// The demo store's test cards settle as their names say, so every payment outcome can be seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    CardApproves,
    CardDeclines,
    CardSlow,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckoutRequest {
    pub variant: u8,
    pub address: Address,
    pub payment: PaymentMethod,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub number: String,
    pub sale_id: String,
    pub product: String,
    pub variant: String,
    pub price_cents: u32,
    /// ISO 4217 code of the price, the sale's currency.
    pub currency: String,
    pub at_ms: Millis,
    pub address: Address,
}
