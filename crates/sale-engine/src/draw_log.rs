//! What happened at each turn in the line, by ticket, for the published [`DrawRecord`].
//!
//! Tickets rather than accounts: the record must let anyone check the order without
//! learning who the shoppers are.
//!
//! [`DrawRecord`]: fair_draw::DrawRecord

#[derive(Clone, Debug, Default)]
pub(crate) struct DrawLog {
    /// Tickets given a hold, in order: at their turn or later from a waitlist.
    pub admitted: Vec<u32>,
    /// Tickets parked on a waitlist at their turn.
    pub waitlisted: Vec<u32>,
    /// Tickets whose variant was gone for good at their turn.
    pub turned_away: Vec<u32>,
}

impl DrawLog {
    pub fn memory_bytes(&self) -> usize {
        (self.admitted.capacity() + self.waitlisted.capacity() + self.turned_away.capacity()) * 4
    }
}
