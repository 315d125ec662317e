//! The store clock as the page knows it: what a sync measured, and store time from it. Apart
//! from the client that syncs it, so what only reads the clock (the bench's read-outs) needs
//! nothing of the client.

/// What the client knows of the store clock: store = `store_at_sync` + (device − `device_at_sync`) × rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSync {
    pub store_at_sync: f64,
    pub device_at_sync: f64,
    pub rate: f64,
    /// Half the best round trip in store time: the true store time lies within ± this many ms.
    pub error_ms: f64,
    /// The wall-clock time at the sync as the store's host has it (its answer's `real_ms`, or
    /// store time when it sends none): the device's own error is measured against this, so
    /// the demo's presets, clock jumps and speed are not taken for a wrong device clock.
    pub real_at_sync: f64,
}

impl ClockSync {
    pub fn store_time(&self, device_ms: f64) -> f64 {
        self.store_at_sync + (device_ms - self.device_at_sync) * self.rate
    }

    /// How far the device clock is ahead of the real time (negative when behind).
    pub fn device_ahead_ms(&self) -> f64 {
        self.device_at_sync - self.real_at_sync
    }
}
