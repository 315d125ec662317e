//! Units per variant: on offer, held and sold, and when the variant sold out.

use crate::Millis;

#[derive(Clone, Copy, Debug)]
pub(crate) struct SellOut {
    pub at: Millis,
    /// Line head when it happened: places are reported relative to it.
    pub head: u32,
    pub waitlist_head: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Stock {
    pub available: u32,
    pub held: u32,
    pub sold: u32,
    pub sold_out: Option<SellOut>,
}
