//! Registration and places in line: the calls a shopper makes before their turn.

use crate::sale::{Phase, Sale};
use crate::shoppers::{Preference, Shopper, State};
use crate::{AccountId, Millis, SaleError};

impl Sale {
    /// Registers an account while registration is open; returns its registration number.
    pub fn register(&mut self, account: AccountId, now: Millis) -> Result<u32, SaleError> {
        self.advance(now);
        self.registration_window(self.now)?;
        let idx = account.0 as usize;
        if idx >= self.shoppers.len() {
            self.shoppers.resize(idx + 1, Shopper::default());
        }
        let shopper = &mut self.shoppers[idx];
        if shopper.state != State::Unknown {
            return Err(SaleError::AlreadyRegistered);
        }
        let number = self.next_registration;
        self.next_registration += 1;
        self.registrations += 1;
        *shopper = Shopper {
            registration: number,
            state: State::Registered,
            ..Shopper::default()
        };
        Ok(number)
    }

    /// Withdraws a registration while registration is open; registering again gives a new number.
    pub fn cancel_registration(
        &mut self,
        account: AccountId,
        now: Millis,
    ) -> Result<(), SaleError> {
        self.advance(now);
        self.registration_window(self.now)?;
        match self.shopper_mut(account) {
            Some(s) if s.state == State::Registered => *s = Shopper::default(),
            _ => return Err(SaleError::NotRegistered),
        }
        self.registrations -= 1;
        Ok(())
    }

    fn registration_window(&self, now: Millis) -> Result<(), SaleError> {
        match self.phase(now) {
            Phase::Announced => Err(SaleError::RegistrationNotOpen),
            Phase::RegistrationOpen => Ok(()),
            _ => Err(SaleError::RegistrationClosed),
        }
    }

    /// Takes a place: in the pre-queue before the start, at the back of the line after it.
    /// Returns the queue ticket (1-based, in arrival order). With a per-account limit above
    /// one, a shopper who has ordered may join again (at the back) until the limit.
    pub fn join(
        &mut self,
        account: AccountId,
        preference: Preference,
        now: Millis,
    ) -> Result<u32, SaleError> {
        self.advance(now);
        let now = self.now;
        self.check_variant(preference.variant)?;
        if now < self.config.registration_closes {
            return Err(SaleError::QueueNotOpen);
        }
        self.check_not_over()?;
        let limit = self.config.per_account_limit;
        let s = self.shopper(account).ok_or(SaleError::NotRegistered)?;
        match s.state {
            State::Unknown => return Err(SaleError::NotRegistered),
            State::Registered => {}
            State::Ordered if u32::from(s.orders) < limit => {}
            State::Ordered => return Err(SaleError::LimitReached),
            _ => return Err(SaleError::AlreadyInQueue),
        }
        self.arrivals += 1;
        let ticket = self.arrivals;
        let slot = self.line.push(account.0);
        let s = &mut self.shoppers[account.0 as usize];
        s.ticket = ticket;
        s.slot = slot;
        s.state = State::InLine;
        s.variant = preference.variant;
        s.accept_other = preference.accept_other_variant;
        self.in_line += 1;
        if self.line.drawn {
            self.admit(now);
        }
        Ok(ticket)
    }

    /// Changes what a shopper in line (or in the pre-queue) wants.
    pub fn set_preference(
        &mut self,
        account: AccountId,
        preference: Preference,
        now: Millis,
    ) -> Result<(), SaleError> {
        self.advance(now);
        self.check_variant(preference.variant)?;
        self.check_not_over()?;
        let head = self.line.head;
        let s = self.shopper_mut(account).ok_or(SaleError::NotRegistered)?;
        match s.state {
            State::Unknown => Err(SaleError::NotRegistered),
            State::InLine if s.slot < head => Err(SaleError::SoldOut),
            State::InLine => {
                s.variant = preference.variant;
                s.accept_other = preference.accept_other_variant;
                Ok(())
            }
            State::Waitlisted => Err(SaleError::OnWaitlist),
            _ => Err(SaleError::NotInQueue),
        }
    }

    fn shopper_mut(&mut self, account: AccountId) -> Option<&mut Shopper> {
        self.shoppers.get_mut(account.0 as usize)
    }

    fn check_variant(&self, variant: u8) -> Result<(), SaleError> {
        if usize::from(variant) < self.stock.len() {
            Ok(())
        } else {
            Err(SaleError::UnknownVariant)
        }
    }

    fn check_not_over(&self) -> Result<(), SaleError> {
        match (self.sold_out, self.ended_at) {
            (Some(_), _) => Err(SaleError::SoldOut),
            (None, Some(_)) => Err(SaleError::SaleEnded),
            (None, None) => Ok(()),
        }
    }
}
