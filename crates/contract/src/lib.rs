//! The store API contract: every request and response body that crosses between the app and a
//! store, and the HTTP shape they travel in. The mock store in the Service Worker implements
//! it, and so does any real store; nothing here refers to how a store works inside.
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
//! | `GET /api/sales/{id}/draw` | | [`DrawRecord`] (from when registration closes) |
//! | `GET /api/orders` | | `Vec<`[`OrderView`]`>` |
//! | `GET /api/orders/{number}` | | [`OrderView`] |
//!
//! Calls that change state carry an `Idempotency-Key`; a store that already acted on a key
//! answers the replay with the first answer. Signed-in calls carry `Authorization: Bearer`.
//! Errors are [`ApiError`] bodies with an HTTP status and a stable [`ErrorCode`]; 429 and 503
//! may carry `Retry-After` (seconds, as HTTP says) and the body's `retry_after_ms`.
//!
//! The operator's calls, `/api/operator/*`, are in [`operator`], and the rules a drop must meet
//! in [`drop_rules`]. The demo store adds the `/api/dev/*` controls in [`demo`], which a
//! production store does not have.
mod auth;
pub mod demo;
pub mod drop_rules;
mod error;
mod http;
mod news;
pub mod operator;
mod sale;
mod shopper;
pub mod validation;

pub use auth::{CodeRequest, CodeSent, Session, VerifyRequest};
pub use error::{ApiError, ErrorCode};
/// The draw record anyone can check (`docs/fair-draw.md`): the fingerprint, the checked-in
/// tickets, the admissions and turns by ticket, and the seed once the sale has ended.
pub use fair_draw::DrawRecord;
pub use http::{Method, StoreRequest, StoreResponse};
pub use sale::{
    Counters, Phase, SaleDetail, SaleReport, SaleSummary, StoreTime, VariantReport, VariantView,
};
pub use shopper::{
    Address, CheckoutRequest, Hold, Market, OrderView, PaymentMethod, PaymentState, PaymentView,
    Preference, Purchase, ShopperStatus, ShopperView,
};

/// Store time: milliseconds since the Unix epoch, as the store's clock has it.
pub type Millis = u64;
