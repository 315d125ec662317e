//! The operator's steering as inputs at store times: a paused line admits nobody and keeps
//! its order, a resumed one goes on at the rate without a burst, a rate change counts from
//! its moment, an early end tells whoever is still in line, and every action is on the record.

use proptest::prelude::*;
use sale_engine::*;

const OPENS: Millis = 1_000;
const CLOSES: Millis = 5_000;
const START: Millis = 10_000;
const END: Millis = 1_000_000;

/// `shoppers` registered and checked in before the start, one variant of `stock`, admitting
/// `rate` a second; holds last longer than any test.
fn crowded(shoppers: u32, stock: u32, rate: u32) -> Sale {
    let config = SaleConfig {
        id: "steered".into(),
        product: "Sneaker".into(),
        variants: vec![Variant {
            id: "v".into(),
            name: "V".into(),
            stock,
            price_cents: 100,
        }],
        registration_opens: OPENS,
        registration_closes: CLOSES,
        starts_at: START,
        ends_at: END,
        per_account_limit: 1,
        admission_per_second: rate,
        hold_ms: 900_000,
        hold_extension_ms: None,
        seed: [5; 32],
    };
    let mut sale = Sale::new(config).unwrap();
    let pref = Preference {
        variant: 0,
        accept_other_variant: false,
    };
    for a in 0..shoppers {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    for a in 0..shoppers {
        sale.join(AccountId(a), pref, CLOSES).unwrap();
    }
    sale
}

fn admitted(sale: &Sale) -> usize {
    sale.draw_record(sale.now()).admitted.len()
}

#[test]
fn a_paused_line_admits_nobody_and_keeps_its_order() {
    let mut sale = crowded(100, 100, 10);
    sale.advance(START);
    assert_eq!(admitted(&sale), 10, "the start's allowance");
    sale.steer(Steering::Pause, START + 500).unwrap();
    let before: Vec<ShopperStatus> = (0..100)
        .map(|a| sale.status(AccountId(a), START + 500))
        .collect();
    assert_eq!(admitted(&sale), 15, "the allowance up to the pause");
    sale.advance(START + 60_000);
    assert_eq!(admitted(&sale), 15, "nobody let through while paused");
    let after: Vec<ShopperStatus> = (0..100)
        .map(|a| sale.status(AccountId(a), START + 60_000))
        .collect();
    assert_eq!(before, after, "every place stays as it was");
    assert_eq!(sale.paused_since(), Some(START + 500));
}

#[test]
fn a_paused_line_gives_no_wait_estimate_until_the_resume() {
    let mut sale = crowded(30, 30, 10);
    sale.advance(START);
    // The last in the drawn line, who is still waiting after the resume.
    let last = (0..30)
        .map(AccountId)
        .max_by_key(|&a| match sale.status(a, START) {
            ShopperStatus::Waiting { ahead, .. } => ahead,
            _ => 0,
        })
        .unwrap();
    let wait = |sale: &Sale| match sale.status(last, sale.now()) {
        ShopperStatus::Waiting {
            estimated_wait_ms, ..
        } => estimated_wait_ms,
        other => panic!("the shopper is not waiting: {other:?}"),
    };
    assert!(wait(&sale).is_some(), "a moving line has an estimate");
    sale.steer(Steering::Pause, START + 10).unwrap();
    assert_eq!(wait(&sale), None, "nobody knows when a paused line moves");
    sale.steer(Steering::Resume, START + 5_000).unwrap();
    assert!(wait(&sale).is_some(), "the resume brings the estimate back");
}

#[test]
fn no_wake_up_for_turns_while_paused() {
    let mut sale = crowded(50, 50, 10);
    sale.advance(START);
    sale.steer(Steering::Pause, START + 100).unwrap();
    // Only the holds' expiry and the end remain.
    let next = sale.poll_timeout().unwrap();
    assert_eq!(next, START + 900_000, "the first hold's expiry, not a turn");
}

#[test]
fn a_resumed_line_goes_on_at_the_rate_without_a_burst() {
    let mut sale = crowded(100, 100, 10);
    sale.advance(START);
    sale.steer(Steering::Pause, START).unwrap();
    sale.steer(Steering::Resume, START + 60_000).unwrap();
    assert_eq!(
        admitted(&sale),
        10,
        "a minute paused is not a minute's allowance"
    );
    assert_eq!(sale.poll_timeout(), Some(START + 60_100));
    sale.advance(START + 61_000);
    assert_eq!(admitted(&sale), 20, "ten a second after the resume");
    assert_eq!(
        sale.steer(Steering::Resume, START + 61_000),
        Err(SteerRefusal::NotPaused)
    );
}

#[test]
fn a_pause_of_a_paused_line_is_refused() {
    let mut sale = crowded(10, 10, 10);
    sale.steer(Steering::Pause, START).unwrap();
    assert_eq!(
        sale.steer(Steering::Pause, START + 1),
        Err(SteerRefusal::AlreadyPaused)
    );
}

#[test]
fn a_rate_change_admits_at_the_new_rate_from_its_moment() {
    let mut sale = crowded(200, 200, 10);
    sale.advance(START + 1_000);
    assert_eq!(admitted(&sale), 20);
    sale.steer(Steering::Rate(50), START + 1_000).unwrap();
    sale.advance(START + 2_000);
    assert_eq!(admitted(&sale), 70);
    assert_eq!(sale.admission_per_second(), 50);
}

#[test]
fn an_early_end_tells_everyone_still_in_line_they_missed_it() {
    let mut sale = crowded(30, 30, 10);
    sale.advance(START);
    sale.steer(Steering::End, START + 500).unwrap();
    assert_eq!(sale.phase(START + 500), Phase::Ended);
    let in_line = (0..30)
        .map(|a| sale.status(AccountId(a), START + 500))
        .filter(|s| *s == ShopperStatus::Missed)
        .count();
    assert_eq!(
        in_line, 15,
        "the fifteen let through are not told they missed it"
    );
    assert_eq!(sale.ended_early_at(), Some(START + 500));
    assert_eq!(sale.poll_timeout(), None);
    assert_eq!(
        sale.steer(Steering::Pause, START + 600),
        Err(SteerRefusal::Ended)
    );
}

#[test]
fn the_draw_record_lists_the_actions_and_still_verifies() {
    let mut sale = crowded(40, 40, 10);
    sale.advance(START);
    sale.steer(Steering::Pause, START + 200).unwrap();
    sale.steer(Steering::Resume, START + 30_000).unwrap();
    sale.steer(Steering::End, START + 31_000).unwrap();
    let record = sale.draw_record(START + 31_000);
    let actions: Vec<(u64, &str)> = record
        .operator_actions
        .iter()
        .map(|a| (a.at, a.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (START + 200, "pause"),
            (START + 30_000, "resume"),
            (START + 31_000, "end")
        ]
    );
    assert!(matches!(
        fair_draw::verify(&record, None),
        fair_draw::Verdict::Verified { .. }
    ));
    assert_eq!(sale.report(START + 31_000).operator_actions.len(), 3);
}

#[test]
fn stock_grows_but_never_below_what_is_taken() {
    let mut sale = crowded(20, 10, 100);
    sale.advance(START);
    assert_eq!(sale.held(0), 10);
    assert_eq!(sale.restock(0, 9, START), Err(SteerRefusal::Stock));
    sale.restock(0, 15, START).unwrap();
    assert_eq!(sale.available(0), 0, "the five new units go out at once");
    assert_eq!(sale.held(0), 15);
}

proptest! {
    /// Pauses and resumes at any moments change when turns come, never whose turn is next:
    /// the admissions are a prefix of the unsteered sale's, nobody is admitted while paused,
    /// and the record verifies.
    #[test]
    fn steering_never_changes_the_order(
        moments in prop::collection::vec(0u64..20_000, 0..8),
        rate in 1u32..40,
    ) {
        let mut plain = crowded(60, 60, rate);
        let mut steered = crowded(60, 60, rate);
        let mut moments = moments;
        moments.sort();
        for (i, at) in moments.iter().enumerate() {
            let at = START + at;
            steered.advance(at);
            let before = admitted(&steered);
            let step = if i % 2 == 0 { Steering::Pause } else { Steering::Resume };
            // Equal moments may make a step a repeat: refused, nothing changes.
            let _ = steered.steer(step, at);
            if steered.paused_since().is_some() {
                steered.advance(at + 5_000);
                prop_assert_eq!(admitted(&steered), before, "admitted while paused");
            }
        }
        let end = START + 60_000;
        plain.advance(end);
        steered.advance(end);
        let (p, s) = (plain.draw_record(end), steered.draw_record(end));
        prop_assert!(s.admitted.len() <= p.admitted.len());
        prop_assert_eq!(&p.admitted[..s.admitted.len()], &s.admitted[..]);
        prop_assert!(!matches!(fair_draw::verify(&s, None), fair_draw::Verdict::Failed(_)));
    }
}
