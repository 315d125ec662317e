//! What a sale's operator does to it while it runs: pause and resume admission, change its
//! rate, end it early, and change its stock or schedule. Each is an input at a store time like
//! a shopper's call, so replaying the same inputs gives the same sale, and each is kept as an
//! [`OperatorAction`] for the report and the draw record. None of them changes whose turn is
//! next: the line keeps the order drawn.

use core::fmt;

use fair_draw::OperatorAction;
use serde::{Deserialize, Serialize};

use crate::sale::{Phase, Sale};
use crate::Millis;

/// An operator's input to a running sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Steering {
    /// Admission stops; the line keeps its order, holds and payments go on.
    Pause,
    /// Admission goes on at the rate, from now (no burst for the time paused).
    Resume,
    /// Admits this many shoppers a second from now on.
    Rate(u32),
    /// Ends the sale now: whoever is still in line has missed it.
    End,
    /// Calls the sale off before its start: nobody is let through.
    Cancel,
}

/// Why the sale refused an operator's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SteerRefusal {
    /// The sale has ended.
    Ended,
    /// A pause of a paused line.
    AlreadyPaused,
    /// A resume of a line that is not paused.
    NotPaused,
    /// A rate of 0, or the rate the sale already has.
    Rate,
    /// A stock below what is held and sold of the variant, or for a variant that sold out.
    Stock,
    /// A schedule that is not in order, or moved once the waiting room has closed.
    Schedule,
    /// A cancellation after the start: end the sale instead.
    Started,
}

impl fmt::Display for SteerRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SteerRefusal::Ended => "The sale has ended.",
            SteerRefusal::AlreadyPaused => "Admission is already paused.",
            SteerRefusal::NotPaused => "Admission is not paused.",
            SteerRefusal::Rate => "The admission rate must be at least 1 a second and differ from the rate now.",
            SteerRefusal::Stock => "A variant's stock cannot go below what is held and sold of it, nor change once it sold out.",
            SteerRefusal::Schedule => "The schedule must stay in order and can only move before registration closes.",
            SteerRefusal::Started => "The sale has started: end it instead of cancelling it.",
        })
    }
}

/// A new schedule for a sale that has not closed registration yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// When registration opens.
    pub registration_opens: Millis,
    /// When registration closes.
    pub registration_closes: Millis,
    /// The start.
    pub starts_at: Millis,
    /// The end.
    pub ends_at: Millis,
}

impl Sale {
    /// Applies an operator's input at `now`, after running time forward to it.
    pub fn steer(&mut self, steering: Steering, now: Millis) -> Result<(), SteerRefusal> {
        self.advance(now);
        let now = self.now;
        if self.phase(now) == Phase::Ended {
            return Err(SteerRefusal::Ended);
        }
        let starts_at = self.config.starts_at;
        let (action, detail) = match steering {
            Steering::Pause => {
                if self.admission.pace().paused.is_some() {
                    return Err(SteerRefusal::AlreadyPaused);
                }
                self.admission.pause(now);
                ("pause", None)
            }
            Steering::Resume => {
                if self.admission.pace().paused.is_none() {
                    return Err(SteerRefusal::NotPaused);
                }
                self.admission.resume(now, starts_at);
                ("resume", None)
            }
            Steering::Rate(rate) => {
                let was = self.admission.pace().rate;
                if rate == 0 || rate == was {
                    return Err(SteerRefusal::Rate);
                }
                self.admission.set_rate(rate, now, starts_at);
                ("rate", Some(format!("{was} → {rate} a second")))
            }
            Steering::End => {
                self.end(now);
                ("end", None)
            }
            Steering::Cancel => {
                if now >= starts_at {
                    return Err(SteerRefusal::Started);
                }
                self.end(now);
                ("cancel", None)
            }
        };
        self.record_action(OperatorAction {
            at: now,
            action: action.into(),
            detail,
        });
        // A resume or a faster rate may allow turns at once.
        self.advance(now);
        Ok(())
    }

    /// Sets `variant`'s stock to `stock` at `now`: never below what is held and sold of it.
    pub fn restock(&mut self, variant: u8, stock: u32, now: Millis) -> Result<(), SteerRefusal> {
        self.advance(now);
        if self.phase(self.now) == Phase::Ended {
            return Err(SteerRefusal::Ended);
        }
        let v = usize::from(variant);
        let Some(units) = self.stock.get_mut(v) else {
            return Err(SteerRefusal::Stock);
        };
        let taken = units.held + units.sold;
        if stock < taken.max(1) || units.sold_out.is_some() {
            return Err(SteerRefusal::Stock);
        }
        let was = self.config.variants[v].stock;
        let new_available = stock - taken;
        self.available = self.available - units.available + new_available;
        units.available = new_available;
        self.config.variants[v].stock = stock;
        self.record_action(OperatorAction {
            at: self.now,
            action: "stock".into(),
            detail: Some(format!("{}: {was} → {stock}", self.config.variants[v].id)),
        });
        self.advance(self.now);
        Ok(())
    }

    /// Moves the schedule, before registration closes (the draw's fingerprint is published
    /// then, and who is in the draw must not change after it).
    pub fn reschedule(&mut self, schedule: Schedule, now: Millis) -> Result<(), SteerRefusal> {
        self.advance(now);
        let c = &self.config;
        let ordered = schedule.registration_opens < schedule.registration_closes
            && schedule.registration_closes <= schedule.starts_at
            && schedule.starts_at < schedule.ends_at;
        let open_moved = schedule.registration_opens != c.registration_opens
            && self.now >= c.registration_opens.min(schedule.registration_opens);
        if !ordered
            || self.now >= c.registration_closes
            || self.now >= schedule.registration_closes
            || open_moved && self.registrations > 0 && schedule.registration_opens > self.now
        {
            return Err(SteerRefusal::Schedule);
        }
        let was = c.starts_at;
        let config = &mut self.config;
        config.registration_opens = schedule.registration_opens;
        config.registration_closes = schedule.registration_closes;
        config.starts_at = schedule.starts_at;
        config.ends_at = schedule.ends_at;
        self.admission.restart_at(schedule.starts_at);
        self.record_action(OperatorAction {
            at: self.now,
            action: "schedule".into(),
            detail: Some(format!("start {was} → {}", schedule.starts_at)),
        });
        Ok(())
    }

    /// Keeps an operator action the sale does not act on itself (an announcement, a change of
    /// texts) beside the ones it does, for the report and the draw record.
    pub fn record_action(&mut self, action: OperatorAction) {
        self.operator_actions.push(action);
    }

    /// Every operator action so far, oldest first.
    pub fn operator_actions(&self) -> &[OperatorAction] {
        &self.operator_actions
    }

    /// Since when admission is paused, if it is.
    pub fn paused_since(&self) -> Option<Millis> {
        self.admission.pace().paused
    }

    /// Shoppers let through a second now: the configured rate, or the operator's.
    pub fn admission_per_second(&self) -> u32 {
        self.admission.pace().rate
    }

    /// Turns given so far at the front of the line (holds, waitlistings and refusals), and
    /// of those the shoppers turned away.
    pub fn turns(&self) -> (u32, u32) {
        (self.line.head, self.draw_log.turned_away.len() as u32)
    }

    /// When the operator ended the sale early, if they did (before `ends_at`, not sold out).
    pub fn ended_early_at(&self) -> Option<Millis> {
        self.ended_at
            .filter(|&at| at < self.config.ends_at && self.sold_out.is_none())
    }
}
