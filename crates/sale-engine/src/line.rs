//! The line: accounts in the order they will be let through, plus per-variant waitlists
//! where shoppers wait whose variant is momentarily gone while holds on it are out, so they
//! do not block shoppers behind them who want something still in stock.

use fair_draw::shuffle_in_place;

#[derive(Clone, Debug, Default)]
pub(crate) struct Line {
    /// Accounts by place in line; a shopper's place is their index here.
    queue: Vec<u32>,
    /// Index of the first shopper not yet let through or turned away.
    pub head: u32,
    pub pre_queue_len: u32,
    pub drawn: bool,
    waitlists: Vec<Waitlist>,
    /// Shoppers on any waitlist; lets admission skip the waitlist scan when zero.
    pub parked: u32,
}

#[derive(Clone, Debug, Default)]
struct Waitlist {
    accounts: Vec<u32>,
    head: u32,
}

impl Line {
    pub fn new(variants: usize) -> Line {
        Line {
            waitlists: vec![Waitlist::default(); variants],
            ..Line::default()
        }
    }

    pub fn reserve(&mut self, shoppers: usize) {
        self.queue
            .reserve(shoppers.saturating_sub(self.queue.len()));
    }

    /// Adds an account at the back; returns its place.
    pub fn push(&mut self, account: u32) -> u32 {
        self.queue.push(account);
        (self.queue.len() - 1) as u32
    }

    /// Shuffles everyone who joined before the start; they hold tickets 1..=n in queue order,
    /// so shuffling the accounts in place is the same as shuffling their tickets.
    pub fn draw(&mut self, seed: &[u8; 32]) -> &[u32] {
        self.drawn = true;
        self.pre_queue_len = self.queue.len() as u32;
        shuffle_in_place(seed, &mut self.queue);
        &self.queue
    }

    pub fn front(&self) -> Option<u32> {
        self.queue.get(self.head as usize).copied()
    }

    pub fn len(&self) -> u32 {
        self.queue.len() as u32
    }

    /// Moves an account to `variant`'s waitlist; returns its place there.
    pub fn park(&mut self, variant: u8, account: u32) -> u32 {
        let list = &mut self.waitlists[usize::from(variant)];
        list.accounts.push(account);
        self.parked += 1;
        (list.accounts.len() - 1) as u32
    }

    pub fn waitlist_head(&self, variant: u8) -> u32 {
        self.waitlists[usize::from(variant)].head
    }

    pub fn waitlist_len(&self, variant: u8) -> u32 {
        let list = &self.waitlists[usize::from(variant)];
        list.accounts.len() as u32 - list.head
    }

    /// The first waitlisted account of `variant`, removed from its waitlist.
    pub fn unpark(&mut self, variant: u8) -> Option<u32> {
        let list = &mut self.waitlists[usize::from(variant)];
        let account = *list.accounts.get(list.head as usize)?;
        list.head += 1;
        self.parked -= 1;
        Some(account)
    }

    /// The variant is gone for good: its waitlist stays as it is (places are still reported)
    /// but no longer counts as waiting. Returns how many were on it.
    pub fn close_waitlist(&mut self, variant: u8) -> u32 {
        let waiting = self.waitlist_len(variant);
        self.parked -= waiting;
        let list = &mut self.waitlists[usize::from(variant)];
        list.head = list.accounts.len() as u32;
        waiting
    }

    pub fn memory_bytes(&self) -> usize {
        self.queue.capacity() * 4
            + self.waitlists.capacity() * core::mem::size_of::<Waitlist>()
            + self
                .waitlists
                .iter()
                .map(|w| w.accounts.capacity() * 4)
                .sum::<usize>()
    }
}
