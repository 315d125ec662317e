//! The operator's side: signing in with the operator key, making and changing drops, watching
//! a sale live and steering it. Every call but the sign-in carries the operator's session as
//! `Authorization: Bearer`: none, or one the store does not know, is answered 401
//! `operator_sign_in`; a shopper's session is answered 403 `not_operator`.
//!
//! | method & path | body | answer |
//! |---|---|---|
//! | `POST /api/operator/session` | [`OperatorKey`] | [`OperatorSession`] |
//! | `GET /api/operator/sales` | | `Vec<`[`DropRow`]`>` |
//! | `POST /api/operator/sales` | [`Drop`] | [`DropRow`] |
//! | `GET /api/operator/sales/{id}` | | [`Drop`] |
//! | `PUT /api/operator/sales/{id}` | [`DropChange`] | [`DropRow`] |
//! | `DELETE /api/operator/sales/{id}` | [`Note`] | [`DropRow`] (cancelled) |
//! | `GET /api/operator/sales/{id}/live` | | [`LiveSale`] |
//! | `POST /api/operator/sales/{id}/steer` | [`Steer`] | [`LiveSale`] |
//! | `GET /api/operator/sales/{id}/orders.csv` | | the sale's orders, `text/csv` |
//!
//! The store server prints its key on its console at its first start (and with
//! `--new-operator-key`); the demo store in the Service Worker has a demo operator whose key is
//! the fixed text `demo-operator`.
//!
//! `orders.csv` answers `text/csv; charset=utf-8` (RFC 4180, a header row, then one row per
//! order, oldest first): `number,variant,price,currency,time,name,address,district,city,
//! province,postcode,market`. `price` is a decimal in the currency's units (`1999.00`), `time`
//! ISO 8601 in UTC (`2026-12-05T10:02:13.250Z`); its errors are JSON as everywhere.
//!
//! What the stores answer beyond the table:
//!
//! - A new drop whose `registration_opens` has passed opens registration at once (the store
//!   sets it to now); its start must still be to come (`starts_passed`'s sentence otherwise).
//! - `PUT` before registration opens takes anything [`crate::drop_rules::check_drop`]
//!   allows with a start still to come (the address stays); once registration has opened,
//!   [`crate::drop_rules::check_change`] too. The catalog's drops (`public/catalog.json`)
//!   are not changed here: a `PUT` on one is 409 `change_refused`; they can be steered and
//!   cancelled.
//! - `DELETE` after the start is 409 `change_refused` (end the sale with [`Steer::End`]);
//!   so is any change to a stopped drop.
//! - A steer before registration opens is 409 `steer_refused` (change the drop instead), as
//!   is a rate outside 1..=[`crate::drop_rules::MAX_ADMISSION_PER_SECOND`], or the rate the
//!   sale already has.
//!
//! A wrong key counts against the key as a wrong SMS code counts against a number: after
//! [`KEY_TRIES`] wrong keys the sign-in is locked (429 `locked`, `retry_after_ms`).
//!
//! Every operator call that changes something is a command in the store's log, like a
//! shopper's, and appears with its store time in the sale's report and draw record
//! ([`OperatorAction`]).
use serde::{Deserialize, Serialize};

use crate::{Counters, Millis, Phase, SaleReport};

pub use fair_draw::OperatorAction;

pub use crate::news::{Note, Rescheduled, SaleNews, Stopped};

/// Wrong operator keys allowed before the sign-in locks.
pub const KEY_TRIES: u32 = 5;

/// The operator key, as printed by the store server at its first start (or the demo's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorKey {
    pub key: String,
}

/// An operator's session: the bearer token for `/api/operator/*`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSession {
    pub token: String,
}

/// A drop as its operator writes it: what is sold, when, and by which rules. Times are store
/// time. The catalog's drops read the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drop {
    /// The drop's address: `/sale/{id}`.
    pub id: String,
    pub product: String,
    #[serde(rename = "product_zh-CN")]
    pub product_zh_cn: String,
    pub tagline: String,
    #[serde(rename = "tagline_zh-CN")]
    pub tagline_zh_cn: String,
    pub description: String,
    #[serde(rename = "description_zh-CN")]
    pub description_zh_cn: String,
    /// One of [`SHIPPED_IMAGES`](crate::drop_rules::SHIPPED_IMAGES), or an uploaded image as a `data:` URL (SVG, PNG or WebP,
    /// at most [`MAX_IMAGE_BYTES`](crate::drop_rules::MAX_IMAGE_BYTES)).
    pub image: String,
    /// ISO 4217 code of every price.
    pub currency: String,
    pub variants: Vec<DropVariant>,
    pub registration_opens: Millis,
    pub registration_closes: Millis,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub hold_seconds: u64,
    /// One extension of a hold by this long, or none.
    pub hold_extension_seconds: Option<u64>,
    pub per_account_limit: u32,
    pub admission_per_second: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropVariant {
    pub id: String,
    pub name: String,
    #[serde(rename = "name_zh-CN")]
    pub name_zh_cn: String,
    /// `#rrggbb`: the swatch beside the name.
    pub colour: String,
    pub stock: u32,
    pub price_cents: u32,
}

/// A change to a drop: the drop as it should be, and, for a change shoppers must hear of (a
/// moved schedule), why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropChange {
    pub drop: Drop,
    #[serde(default)]
    pub note: Note,
}

/// One drop in the operator's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropRow {
    pub id: String,
    pub product: String,
    pub phase: Phase,
    pub registration_opens: Millis,
    pub starts_at: Millis,
    pub units: u32,
    pub sold: u32,
    pub registrants: u32,
    /// Registration has opened: from now on the rules for changes apply ([`ChangeRefusal`](crate::drop_rules::ChangeRefusal)).
    pub public: bool,
    /// The draw's fingerprint is published: nothing may change the draw.
    pub fingerprint_published: bool,
    pub paused: bool,
    /// Cancelled before its start, or ended early, by the operator.
    pub stopped_at: Option<Millis>,
}

/// What an operator does to a live sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Steer {
    /// Stops admission: the line keeps its order, holds and payments go on.
    Pause,
    Resume,
    /// Admits this many shoppers a second from now on.
    Rate {
        per_second: u32,
    },
    /// Ends the sale now: everyone still in line is told, with the note.
    End {
        note: Note,
    },
    /// Shows the note on every page of the sale; an empty note takes it down.
    Announce {
        note: Note,
    },
}

/// The sale's report as a store answers it (`GET /api/sales/{id}/report`): the
/// [`SaleReport`]'s fields and, beside them, every operator action with its store time. The
/// same JSON reads as a plain [`SaleReport`] (the actions are skipped), so pages built
/// against that type are unchanged; older stores send no actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportWithActions {
    #[serde(flatten)]
    pub report: SaleReport,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_actions: Vec<OperatorAction>,
}

/// A sale as its operator watches it, asked for every second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveSale {
    pub id: String,
    pub now: Millis,
    pub phase: Phase,
    pub counters: Counters,
    /// Tickets checked in to the waiting room before the start.
    pub checked_in: u32,
    /// Turns given so far (holds, waitlistings and refusals at a turn).
    pub admitted: u32,
    /// Turned away at their turn, because their variant was gone.
    pub turned_away: u32,
    /// Calls the sale refused (sold out, limit reached, …) since it opened.
    pub refusals: u32,
    pub variants: Vec<LiveVariant>,
    pub admission_per_second: u32,
    /// When the stock runs out at today's rate of sales, if it will before the end.
    pub projected_sell_out: Option<Millis>,
    pub news: SaleNews,
    /// Every operator action on this sale, oldest first.
    pub actions: Vec<OperatorAction>,
    /// The store server's nodes, where it has several; empty in the demo store.
    #[serde(default)]
    pub nodes: Vec<NodeFigures>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveVariant {
    pub id: String,
    pub name: String,
    pub stock: u32,
    pub held: u32,
    pub sold: u32,
    pub available: u32,
}

/// One store node as the node answering sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeFigures {
    pub name: String,
    /// The last log or stream entry it applied.
    pub applied: u64,
    /// How far behind the newest entry it is, in ms.
    pub lag_ms: u64,
    /// 99th percentile of its answer times over the last minute, in ms.
    pub p99_ms: f64,
}
