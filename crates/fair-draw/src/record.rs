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
}
