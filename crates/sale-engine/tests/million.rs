//! The full-size sale: a million shoppers after ten thousand units.

use sale_engine::*;

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "release only: make test runs it with --release"
)]
fn a_million_shoppers_buy_ten_thousand_units_without_overselling() {
    let mut sim = Simulation::new(1_000_000, 10_000, 7, DEFAULT_ADMISSION_PER_SECOND);
    while sim.step(u32::MAX) == Progress::MoreWork {}
    let outcome = sim.outcome();
    assert_eq!(outcome.oversold, 0);
    assert_eq!(outcome.duplicate_orders, 0);
    assert_eq!(outcome.sold, 10_000, "demand far exceeds stock");
    assert!(outcome.sold_out_ms.is_some());

    let sale = sim.sale();
    let now = sale.now();
    let report = sale.report(now);
    let counters = sale.counters();
    assert_eq!(report.units, 10_000);
    assert_eq!(report.sold, report.orders);
    assert_eq!(
        report.variants.iter().map(|v| v.sold).sum::<u32>(),
        report.sold
    );
    assert!(report.variants.iter().all(|v| v.sold == v.stock));
    assert_eq!(
        report.holds_expired, report.reoffered,
        "every expired unit before the sell-out went back"
    );
    assert_eq!(report.registrants, 1_000_000);
    assert!(report.arrivals <= 1_000_000 && report.pre_queue_len == 300_000);
    assert_eq!(
        (
            counters.available,
            counters.held,
            counters.paying,
            counters.in_line
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(sale.phase(now), Phase::Ended);
    let seed = seed_from_hex(report.seed_hex.as_deref().expect("revealed after the end")).unwrap();
    assert_eq!(sha256_hex(&seed), report.commitment_hex);
    let numbers: Vec<u32> = sale.orders().iter().map(|o| o.number).collect();
    assert_eq!(numbers, (1..=10_000).collect::<Vec<_>>());
    assert!(
        outcome.engine_bytes <= 32 * 1_000_000,
        "{} bytes is over 32 per shopper",
        outcome.engine_bytes
    );
}
