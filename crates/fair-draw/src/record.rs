//! What a store publishes so anyone can check its draw.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The published draw of one sale, as JSON with these snake_case fields.
///
/// Tickets are numbered 1, 2, 3, … in arrival order. The *waiting-room order* is the
/// shuffle of `checked_in` ([`crate::shuffle_tickets`]) followed by every higher ticket
/// number ascending (late arrivals, first come first served). The store serves that order
/// front to back; at their turn a shopper is either admitted (gets a hold to buy),
/// waitlisted (what they want is momentarily all on hold: they are admitted later if a
/// unit comes back, or never) or turned away (what they want is gone for good).
/// [`crate::verify`] states the exact check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// The sale this draw belongs to.
    pub sale_id: String,
    /// Lowercase hex SHA-256 of the seed, published before the start.
    pub fingerprint: String,
    /// Tickets in the waiting room at the start, ascending; empty until the draw.
    pub checked_in: Vec<u32>,
    /// Tickets in the order they were admitted, so far; each at most once.
    pub admitted: Vec<u32>,
    /// Tickets waitlisted at their turn, in turn order; they appear in `admitted` too,
    /// where and if they were admitted later.
    pub waitlisted: Vec<u32>,
    /// Tickets turned away at their turn, in turn order; never admitted.
    pub turned_away: Vec<u32>,
    /// The seed as 64 hex digits, once the sale has ended.
    pub seed: Option<String>,
    /// What the sale's operator did, oldest first: pauses, rate changes, an early end. They
    /// change when turns come, never whose turn is next, so the check of the order stands;
    /// they are here so anyone can see them beside it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_actions: Vec<OperatorAction>,
}

/// One operator action on a sale, at its store time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorAction {
    /// Store time: milliseconds since the Unix epoch.
    pub at: u64,
    /// What was done: `pause`, `resume`, `rate`, `end`, `announce`, `stock`, `schedule`,
    /// `texts` or `cancel`.
    pub action: String,
    /// The facts of it, e.g. the new rate, or a variant's stock `was → now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
