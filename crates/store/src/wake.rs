//! When the store next changes on its own, without a call: what a driver that moves the store
//! on (the store server's) sleeps until, instead of waking on a fixed beat.
//!
//! The store changes on its own when a sale does ([`Sale::poll_timeout`]: registration opens
//! or closes, the draw, a turn, a hold running out, the end), when the demo's crowd acts, and
//! when a card payment's bank answers. A sale moves in [`TICK_MS`] steps of store time, so
//! its moments are taken at the end of the step that holds them; a payment's answer is taken
//! at the end of its step too, so payments that fall due close together settle in one pass.
//! Store time runs at the demo clock's speed, so the answer is turned back into real time.
//!
//! Like [`Sale::poll_timeout`], the answer holds until the next call: a call can bring a
//! moment nearer (a join, a checkout, a demo reset or clock jump), so a driver asks again
//! after each one.
//!
//! [`Sale::poll_timeout`]: sale_engine::Sale::poll_timeout
use sale_engine::Millis;
use store_contract::PaymentState;

use crate::catalog::Catalog;
use crate::persistence::Saved;
use crate::world::{SaleWorld, TICK_MS};

/// The end of the [`TICK_MS`] step that holds store time `at`.
fn step_end(at: Millis) -> Millis {
    at.div_ceil(TICK_MS) * TICK_MS
}

/// The store time at which one sale next changes without a call, its crowd of `crowd`
/// simulated shoppers included; `None` once it has ended.
fn sale_due(world: &SaleWorld, crowd: u32) -> Option<Millis> {
    let sale = step_end(world.sale.poll_timeout()?);
    // The crowd registers when registration opens (a moment of the sale's own), and arrives,
    // joins and pays from the moment registration closes on, at any step.
    let next_step = world.tick + TICK_MS;
    let crowd_acts = crowd > 0 && next_step >= world.sale.config().registration_closes;
    Some(if crowd_acts {
        sale.min(next_step)
    } else {
        sale
    })
}

/// The real time (ms since the Unix epoch, as `real_now`) at which the store next changes
/// without a call: `real_now` itself when something is already due, `None` when nothing will
/// until a call comes (every sale has ended and no payment is pending).
pub(crate) fn poll_timeout(
    catalog: &Catalog,
    worlds: &[SaleWorld],
    saved: &Saved,
    real_now: f64,
) -> Option<f64> {
    let sales = worlds
        .iter()
        .zip(&catalog.sales)
        .filter_map(|(world, item)| sale_due(world, saved.settings.crowd.unwrap_or(item.crowd)));
    let payments = saved
        .payments
        .payments
        .iter()
        .filter(|p| p.state == PaymentState::Pending)
        .map(|p| step_end(p.settle_at));
    let due = sales.chain(payments).min()?;
    let store_now = saved.clock.now(real_now);
    // The demo clock runs at 1 to 60 times real time; a slower one would only wake early.
    let speed = saved.clock.speed.max(1.0);
    Some(real_now + ((due as f64 - store_now) / speed).max(0.0))
}
