//! The store API contract: every request and response body that crosses between the app and a
//! store. The in-browser mock implements it today; a real backend implements the same paths and
//! JSON shapes later. Nothing here refers to app internals.
//!
//! | method & path | body | answer |
//! |---|---|---|
//! | `GET /api/time` | | [`StoreTime`] |
//! | `POST /api/auth/code` | [`CodeRequest`] | [`CodeSent`] |
//! | `POST /api/auth/verify` | [`VerifyRequest`] | [`Session`] |
//! | `GET /api/sales` | | `Vec<`[`SaleSummary`]`>` |
//! | `GET /api/sales/{id}` | | [`SaleDetail`] |
//! | `POST /api/sales/{id}/registration` | | [`ShopperView`] |
//! | `DELETE /api/sales/{id}/registration` | | [`ShopperView`] |
//! | `GET /api/sales/{id}/me` | | [`ShopperView`] |
//! | `POST /api/sales/{id}/queue` | [`Preference`] | [`ShopperView`] |
//! | `PUT /api/sales/{id}/preference` | [`Preference`] | [`ShopperView`] |
//! | `POST /api/sales/{id}/hold/extend` | | [`ShopperView`] |
//! | `POST /api/sales/{id}/checkout` | [`CheckoutRequest`] | [`ShopperView`] |
//! | `GET /api/sales/{id}/report` | | [`SaleReport`] |
//! | `GET /api/orders` | | `Vec<`[`OrderView`]`>` |
//! | `GET /api/orders/{number}` | | [`OrderView`] |
//!
//! Calls that change state carry an `Idempotency-Key`; a store that already acted on a key
//! answers the replay with the first answer. Signed-in calls carry `Authorization: Bearer`.
//! Errors are [`ApiError`] bodies with an HTTP status; 429 and 503 may carry `Retry-After`.
//! The demo store adds `GET /api/dev/inbox` (its SMS gateway) and `/api/dev/*` controls,
//! which a production store does not have.
use serde::{Deserialize, Serialize};

pub use sale_engine::{Counters, Hold, Millis, Phase, Preference, SaleReport, ShopperStatus};

/// Store time with the rate its clock runs at (1.0 in production; the demo store may run faster).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreTime {
    pub now_ms: Millis,
    pub rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeRequest {
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeSent {
    pub phone: String,
    /// Store time before which another code for this number is refused.
    pub resend_at_ms: Millis,
    pub code_length: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub phone: String,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub phone: String,
}

/// A message delivered by the demo store's SMS gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sms {
    pub phone: String,
    pub text: String,
    pub at_ms: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaleSummary {
    pub id: String,
    pub product: String,
    pub tagline: String,
    pub image: String,
    pub from_price_cents: u32,
    pub units: u32,
    pub registration_opens: Millis,
    pub registration_closes: Millis,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub phase: Phase,
    pub registrants: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    pub index: u8,
    pub id: String,
    pub name: String,
    pub colour: String,
    pub price_cents: u32,
    pub stock: u32,
    pub available: u32,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub city: String,
    pub postcode: String,
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
    pub at_ms: Millis,
    pub address: Address,
}

/// Every error a store answers with: an HTTP status, a stable machine code, a sentence for a
/// person, and when to try again where that applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub retry_after_ms: Option<u64>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: message.into(), retry_after_ms: None }
    }

    pub fn retry_after(mut self, ms: u64) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }

    /// Worth sending again unchanged: the store was overloaded or the answer was lost. A 429 that
    /// limits the shopper (codes asked too often, a locked number) is not: the shopper is told.
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 0 | 408 | 502 | 503 | 504) || (self.status == 429 && self.code == "busy")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<sale_engine::SaleError> for ApiError {
    fn from(error: sale_engine::SaleError) -> Self {
        use sale_engine::SaleError::*;
        let status = match error {
            NotRegistered | NoHold | NotInQueue | NoPaymentInFlight => 404,
            IdempotencyKeyReused => 422,
            _ => 409,
        };
        ApiError::new(status, error.code(), error.to_string())
    }
}
