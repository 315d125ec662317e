//! The demo store's own clock. It is not the device's: it may be skewed against it and may run
//! up to 60 times faster, so a whole sale can be lived through in a minute.
use serde::{Deserialize, Serialize};

use sale_engine::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreClock {
    anchor_real_ms: f64,
    anchor_store_ms: f64,
    pub speed: f64,
}

impl StoreClock {
    /// A store clock `skew_ms` ahead of real time, running at `speed`.
    pub fn new(real_now: f64, skew_ms: f64, speed: f64) -> Self {
        Self {
            anchor_real_ms: real_now,
            anchor_store_ms: real_now + skew_ms,
            speed,
        }
    }

    pub fn now(&self, real_now: f64) -> f64 {
        self.anchor_store_ms + (real_now - self.anchor_real_ms) * self.speed
    }

    pub fn now_ms(&self, real_now: f64) -> Millis {
        self.now(real_now).max(0.0) as Millis
    }

    /// Moves store time forward (never back: a sale's past cannot be rewritten).
    pub fn jump_to(&mut self, real_now: f64, store_ms: f64) {
        let now = self.now(real_now);
        self.anchor_real_ms = real_now;
        self.anchor_store_ms = store_ms.max(now);
    }

    /// Changes the speed from this instant on, without moving the current store time.
    pub fn set_speed(&mut self, real_now: f64, speed: f64) {
        self.anchor_store_ms = self.now(real_now);
        self.anchor_real_ms = real_now;
        self.speed = speed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_at_its_speed_from_its_skew() {
        let clock = StoreClock::new(1_000.0, 500.0, 10.0);
        assert_eq!(clock.now(1_000.0), 1_500.0);
        assert_eq!(clock.now(1_100.0), 2_500.0);
    }

    #[test]
    fn jumps_forward_only_and_keeps_time_across_speed_changes() {
        let mut clock = StoreClock::new(0.0, 0.0, 1.0);
        clock.jump_to(100.0, 50.0);
        assert_eq!(clock.now(100.0), 100.0, "a jump into the past is ignored");
        clock.jump_to(100.0, 10_000.0);
        assert_eq!(clock.now(101.0), 10_001.0);
        clock.set_speed(200.0, 60.0);
        assert_eq!(clock.now(200.0), 10_100.0);
        assert_eq!(clock.now(201.0), 10_160.0);
    }
}
