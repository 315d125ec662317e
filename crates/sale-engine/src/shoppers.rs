//! Shoppers as the sale sees them: what they want, what they are told, and the small
//! record kept for each account.

use serde::{Deserialize, Serialize};

use crate::holds::Hold;
use crate::payments::Order;
use crate::Millis;

/// What a shopper wants: a variant (index into
/// [`SaleConfig::variants`](crate::SaleConfig::variants)) and whether another variant will do
/// if theirs is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// Index into [`SaleConfig::variants`](crate::SaleConfig::variants).
    pub variant: u8,
    /// Whether another variant will do if this one is gone.
    pub accept_other_variant: bool,
}

/// What one shopper sees, derived in O(1) by [`Sale::status`](crate::Sale::status).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ShopperStatus {
    /// Not registered for this sale.
    NotRegistered,
    /// Registered, not in the line (yet).
    Registered {
        /// The registration number, in order of registration.
        number: u32,
    },
    /// Arrived before the start; their place is drawn at the start.
    PreQueue {
        /// The registration number.
        number: u32,
        /// The ticket in the pre-queue's draw.
        ticket: u32,
        /// How many are in the pre-queue.
        pre_queue_len: u32,
    },
    /// In line while stock is available; `position` is 1-based.
    Waiting {
        /// The queue ticket.
        ticket: u32,
        /// 1-based place in the waiting-room order (the draw, then late arrivals): fixed
        /// from the start on, unlike `position`, so the draw record can be checked against it.
        place: u32,
        /// The place in line, from 1.
        position: u32,
        /// How many are in line ahead.
        ahead: u32,
        /// Estimated wait until the turn, when it can be estimated.
        estimated_wait_ms: Option<u64>,
        /// Estimated chance of a unit, 0 to 1.
        odds: f32,
    },
    /// No stock left for them right now, but holds are out and may come back.
    Waitlisted {
        /// The ticket.
        ticket: u32,
        /// The place in line, from 1.
        position: u32,
        /// How many are in line ahead.
        ahead: u32,
        /// Units in other shoppers' holds that may come back.
        held_elsewhere: u32,
        /// Estimated chance of a unit, 0 to 1.
        odds: f32,
    },
    /// A unit is held for them.
    Holding {
        /// The hold.
        hold: Hold,
    },
    /// Has an order (their latest); with a limit above one they may join again.
    Ordered {
        /// Their latest order.
        order: Order,
    },
    /// Their hold ran out; they do not get back in line.
    HoldExpired {
        /// Their ticket.
        ticket: u32,
    },
    /// Still waiting when their variant (or everything) sold out; `position` is where they
    /// stood then and `stock` the units there were.
    SoldOut {
        /// Their ticket.
        ticket: u32,
        /// Where they stood when it sold out.
        position: u32,
        /// The units there were.
        stock: u32,
        /// When it sold out (store time).
        sold_out_at: Millis,
    },
    /// The sale ended without them getting through.
    Missed,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum State {
    #[default]
    Unknown,
    Registered,
    /// In the line at place `slot` (or turned away if `slot < head`: their variant sold out).
    InLine,
    /// On the waitlist of `variant` at place `slot`.
    Waitlisted,
    /// `slot` is the hold's index.
    Holding,
    /// `slot` is the index of their latest order.
    Ordered,
    Expired,
}

/// Per-account state, 16 bytes: a million shoppers fit in 16 MB.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shopper {
    pub registration: u32,
    pub ticket: u32,
    pub slot: u32,
    pub state: State,
    pub variant: u8,
    pub accept_other: bool,
    pub orders: u8,
}
