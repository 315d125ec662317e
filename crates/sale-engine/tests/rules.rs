//! One test per rule and per refusal, through the public API only.

use sale_engine::*;

const OPENS: Millis = 1_000;
const CLOSES: Millis = 5_000;
const START: Millis = 10_000;
const END: Millis = 1_000_000;
const HOLD: u64 = 60_000;

fn config(stocks: &[u32]) -> SaleConfig {
    SaleConfig {
        id: "t".into(),
        product: "Sneaker".into(),
        variants: stocks
            .iter()
            .enumerate()
            .map(|(i, &stock)| Variant {
                id: format!("v{i}"),
                name: format!("V{i}"),
                stock,
                price_cents: 100 + i as u32,
            })
            .collect(),
        registration_opens: OPENS,
        registration_closes: CLOSES,
        starts_at: START,
        ends_at: END,
        per_account_limit: SaleConfig::default_limit(),
        admission_per_second: 1,
        hold_ms: HOLD,
        hold_extension_ms: Some(10_000),
        seed: [9; 32],
    }
}

fn pref(variant: u8) -> Preference {
    Preference {
        variant,
        accept_other_variant: false,
    }
}

fn any(variant: u8) -> Preference {
    Preference {
        variant,
        accept_other_variant: true,
    }
}

/// A sale with `n` accounts registered (0..n).
fn sale_with(stocks: &[u32], n: u32) -> Sale {
    let mut sale = Sale::new(config(stocks)).unwrap();
    for a in 0..n {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    sale
}

fn events(sale: &mut Sale) -> Vec<Event> {
    std::iter::from_fn(|| sale.poll_event()).collect()
}

fn admitted(sale: &mut Sale) -> Vec<u32> {
    events(sale)
        .into_iter()
        .filter_map(|e| match e {
            Event::Admitted { account, .. } => Some(account.0),
            _ => None,
        })
        .collect()
}

#[test]
fn phases_follow_the_timeline() {
    let sale = Sale::new(config(&[1])).unwrap();
    assert_eq!(sale.phase(0), Phase::Announced);
    assert_eq!(sale.phase(OPENS), Phase::RegistrationOpen);
    assert_eq!(sale.phase(CLOSES), Phase::RegistrationClosed);
    assert_eq!(sale.phase(START), Phase::Live);
    assert_eq!(sale.phase(END), Phase::Ended);
}

#[test]
fn invalid_configs_are_refused() {
    let mut c = config(&[1]);
    c.variants.clear();
    assert_eq!(Sale::new(c).unwrap_err(), ConfigError::VariantCount(0));
    assert!(matches!(
        Sale::new(config(&[0])),
        Err(ConfigError::NoStock(_))
    ));
    let mut c = config(&[1]);
    c.registration_closes = c.starts_at + 1;
    assert_eq!(Sale::new(c).unwrap_err(), ConfigError::Timeline);
    let mut c = config(&[1]);
    c.per_account_limit = 0;
    assert_eq!(Sale::new(c).unwrap_err(), ConfigError::Limit(0));
    let mut c = config(&[1]);
    c.admission_per_second = 0;
    assert_eq!(
        Sale::new(c.clone()).unwrap_err(),
        ConfigError::AdmissionRate
    );
    assert!(!ConfigError::AdmissionRate.to_string().is_empty());
    let mut c = config(&[1]);
    c.hold_ms = 0;
    assert_eq!(Sale::new(c).unwrap_err(), ConfigError::HoldTime);
}

#[test]
fn registration_rules() {
    let mut sale = Sale::new(config(&[1])).unwrap();
    let a = AccountId(3);
    assert_eq!(sale.register(a, 0), Err(SaleError::RegistrationNotOpen));
    assert_eq!(
        sale.cancel_registration(a, 0),
        Err(SaleError::RegistrationNotOpen)
    );
    assert_eq!(
        sale.cancel_registration(a, OPENS),
        Err(SaleError::NotRegistered)
    );
    assert_eq!(sale.register(a, OPENS), Ok(1));
    assert_eq!(sale.register(a, OPENS), Err(SaleError::AlreadyRegistered));
    assert_eq!(sale.register(AccountId(0), OPENS), Ok(2));
    assert_eq!(
        sale.status(a, OPENS),
        ShopperStatus::Registered { number: 1 }
    );
    sale.cancel_registration(a, OPENS).unwrap();
    assert_eq!(sale.status(a, OPENS), ShopperStatus::NotRegistered);
    assert_eq!(
        sale.register(a, OPENS + 1),
        Ok(3),
        "a new number after cancelling"
    );
    assert_eq!(sale.counters().registrations, 2);
    assert_eq!(
        sale.register(AccountId(9), CLOSES),
        Err(SaleError::RegistrationClosed)
    );
    assert_eq!(
        sale.cancel_registration(a, CLOSES),
        Err(SaleError::RegistrationClosed)
    );
}

#[test]
fn join_rules() {
    let mut sale = sale_with(&[1], 2);
    assert_eq!(
        sale.join(AccountId(0), pref(0), OPENS),
        Err(SaleError::QueueNotOpen)
    );
    assert_eq!(
        sale.join(AccountId(0), pref(1), CLOSES),
        Err(SaleError::UnknownVariant)
    );
    assert_eq!(
        sale.join(AccountId(7), pref(0), CLOSES),
        Err(SaleError::NotRegistered)
    );
    assert_eq!(sale.join(AccountId(0), pref(0), CLOSES), Ok(1));
    assert_eq!(
        sale.join(AccountId(0), pref(0), CLOSES),
        Err(SaleError::AlreadyInQueue)
    );
    assert_eq!(
        sale.status(AccountId(0), CLOSES),
        ShopperStatus::PreQueue {
            number: 1,
            ticket: 1,
            pre_queue_len: 1
        }
    );
    assert_eq!(sale.join(AccountId(1), pref(0), START + 5_000), Ok(2));
    assert_eq!(sale.pre_queue_tickets(), vec![1]);
}

#[test]
fn set_preference_rules() {
    let mut sale = sale_with(&[1, 1], 3);
    assert_eq!(
        sale.set_preference(AccountId(0), pref(1), CLOSES),
        Err(SaleError::NotInQueue)
    );
    assert_eq!(
        sale.set_preference(AccountId(9), pref(1), CLOSES),
        Err(SaleError::NotRegistered)
    );
    sale.join(AccountId(0), pref(0), CLOSES).unwrap();
    assert_eq!(
        sale.set_preference(AccountId(0), pref(2), CLOSES),
        Err(SaleError::UnknownVariant)
    );
    sale.set_preference(AccountId(0), pref(1), CLOSES).unwrap();
    sale.advance(START);
    let e = events(&mut sale);
    assert!(matches!(
        e[0],
        Event::Admitted {
            hold: Hold { variant: 1, .. },
            ..
        }
    ));
    assert_eq!(
        sale.set_preference(AccountId(0), pref(0), START),
        Err(SaleError::NotInQueue)
    );
}

#[test]
fn pre_queue_is_drawn_with_the_published_shuffle() {
    let n = 50;
    let mut c = config(&[100]);
    c.admission_per_second = 1_000;
    let mut sale = Sale::new(c.clone()).unwrap();
    for a in 0..n {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    // Join in reverse account order so tickets differ from account ids.
    for a in (0..n).rev() {
        sale.join(AccountId(a), pref(0), CLOSES + u64::from(a))
            .unwrap();
    }
    let late = AccountId(n);
    assert_eq!(
        sale.register(late, OPENS),
        Err(SaleError::RegistrationClosed)
    );
    sale.advance(START);
    let order = admitted(&mut sale);
    let draw = shuffle_tickets(&c.seed, &sale.pre_queue_tickets());
    // Ticket t went to account n - t.
    let expected: Vec<u32> = draw.iter().map(|t| n - t).collect();
    assert_eq!(order, expected);
    assert_eq!(sale.commitment_hex(), sha256_hex(&c.seed));
    assert_eq!(sale.revealed_seed_hex(START), None);
    assert_eq!(
        seed_from_hex(&sale.revealed_seed_hex(END).unwrap()),
        Some(c.seed)
    );
}

/// The published record through a whole sale: a hold that expires and goes to the
/// waitlist, a variant that sells out, a late arrival turned away and one admitted.
#[test]
fn draw_record_publishes_every_turn_and_verifies() {
    let mut c = config(&[1, 1]);
    c.admission_per_second = 1_000;
    let mut sale = Sale::new(c.clone()).unwrap();
    for a in 0..5 {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    for a in 0..3 {
        // Account a holds ticket a + 1.
        sale.join(AccountId(a), pref(0), CLOSES).unwrap();
    }
    let before = sale.draw_record(CLOSES);
    assert_eq!(before.fingerprint, sha256_hex(&c.seed));
    assert!(before.checked_in.is_empty() && before.seed.is_none());
    assert_eq!(
        fair_draw::verify(&before, None),
        fair_draw::Verdict::AwaitingSeed
    );

    sale.advance(START);
    let drawn = shuffle_tickets(&c.seed, &[1, 2, 3]);
    let account = |ticket: u32| AccountId(ticket - 1);
    // The second in line is waitlisted at once; the page showed them place 2 before the start.
    let ShopperStatus::Waitlisted { ticket, .. } = sale.status(account(drawn[1]), START) else {
        panic!("the second in line waits for the only unit of their variant");
    };
    let during = sale.draw_record(START);
    assert_eq!(during.checked_in, vec![1, 2, 3]);
    assert_eq!(during.admitted, vec![drawn[0]]);
    assert_eq!(during.waitlisted, vec![drawn[1], drawn[2]]);
    assert_eq!(during.seed, None);

    sale.advance(START + HOLD); // the first hold expires: the unit goes to the waitlist
    sale.checkout(account(drawn[1]), 1, 1, START + HOLD)
        .unwrap();
    assert_eq!(sale.join(AccountId(3), pref(0), START + HOLD), Ok(4));
    assert_eq!(sale.join(AccountId(4), pref(1), START + HOLD), Ok(5));

    let mut after = sale.draw_record(END);
    assert_eq!(after.admitted, vec![drawn[0], drawn[1], 5]);
    assert_eq!(after.waitlisted, vec![drawn[1], drawn[2]]);
    assert_eq!(after.turned_away, vec![4]);
    assert_eq!(after.seed, Some(fair_draw::to_hex(&c.seed)));
    let verdict = fair_draw::verify(&after, Some((ticket, 2)));
    assert_eq!(
        verdict.to_string(),
        format!("Verified: 3 admissions follow the draw. Ticket {ticket} is at place 2, as shown.")
    );

    // Hiding the turned-away late arrival makes the next admission jump the line.
    after.turned_away.clear();
    assert_eq!(
        fair_draw::verify(&after, None).to_string(),
        "Mismatch at admission 3: the draw puts ticket 4 there, the store admitted ticket 5."
    );
}

/// The place a shopper in line is shown is their place in the published waiting-room
/// order, so the page can check it against the draw record after the end.
#[test]
fn the_place_shown_in_line_is_the_place_in_the_draw() {
    let mut sale = sale_with(&[10], 6);
    for a in 0..5 {
        sale.join(AccountId(a), pref(0), CLOSES).unwrap();
    }
    sale.advance(START); // one admitted a second: the first at the start
    sale.join(AccountId(5), pref(0), START).unwrap();
    let drawn = shuffle_tickets(&[9; 32], &[1, 2, 3, 4, 5]);
    let shown: Vec<(u32, u32)> = (0..6)
        .filter_map(|a| match sale.status(AccountId(a), START) {
            ShopperStatus::Waiting { ticket, place, .. } => Some((ticket, place)),
            _ => None,
        })
        .collect();
    assert_eq!(shown.len(), 5, "everyone but the first admitted is in line");
    for &(ticket, place) in &shown {
        let expected = drawn.get(place as usize - 1).copied().unwrap_or(place);
        assert_eq!(ticket, expected, "ticket {ticket} shown at place {place}");
        let record = sale.draw_record(END);
        assert!(fair_draw::verify(&record, Some((ticket, place))).is_verified());
    }
}

#[test]
fn admission_follows_the_rate_and_arrival_order() {
    let mut sale = sale_with(&[10], 6);
    for a in 0..6 {
        sale.join(AccountId(a), pref(0), START + u64::from(a))
            .unwrap();
    }
    // One a second, one at the start.
    assert_eq!(admitted(&mut sale), vec![0]);
    sale.advance(START + 999);
    assert!(admitted(&mut sale).is_empty());
    sale.advance(START + 1_000);
    assert_eq!(admitted(&mut sale), vec![1]);
    sale.advance(START + 3_000);
    assert_eq!(admitted(&mut sale), vec![2, 3]);
    sale.advance(START + 3_000);
    sale.advance(START + 1_000); // time never goes back
    assert!(admitted(&mut sale).is_empty());
    match sale.status(AccountId(5), START + 3_000) {
        ShopperStatus::Waiting {
            ticket: 6,
            place: 6,
            position: 2,
            ahead: 1,
            estimated_wait_ms,
            odds,
        } => {
            assert_eq!(estimated_wait_ms, Some(1_000));
            assert_eq!(odds, 1.0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn holds_expire_and_units_are_reoffered() {
    let mut sale = sale_with(&[1], 2);
    sale.join(AccountId(0), pref(0), CLOSES).unwrap();
    sale.join(AccountId(1), pref(0), CLOSES).unwrap();
    sale.advance(START);
    sale.advance(START + 10_000);
    let first = admitted(&mut sale)[0];
    let second = 1 - first;
    let deadline = START + HOLD;
    assert!(matches!(
        sale.status(AccountId(second), START + 10_000),
        ShopperStatus::Waitlisted {
            position: 1,
            ahead: 0,
            held_elsewhere: 1,
            ..
        }
    ));
    assert_eq!(
        sale.status(AccountId(first), deadline),
        ShopperStatus::HoldExpired { ticket: first + 1 },
        "status sees the expiry before advance"
    );
    sale.advance(deadline);
    assert_eq!(
        events(&mut sale),
        vec![
            Event::HoldExpired {
                account: AccountId(first),
                variant: 0
            },
            Event::Reoffered { variant: 0 },
            Event::Admitted {
                account: AccountId(second),
                hold: Hold {
                    variant: 0,
                    deadline: deadline + HOLD,
                    extended: false,
                    paying: false
                },
            },
        ]
    );
    assert_eq!(
        sale.join(AccountId(first), pref(0), deadline),
        Err(SaleError::AlreadyInQueue)
    );
    assert_eq!(
        sale.checkout(AccountId(first), 1, 1, deadline),
        Err(SaleError::HoldExpired)
    );
    let c = sale.counters();
    assert_eq!(
        (c.holds_expired, c.reoffered, c.held, c.available),
        (1, 1, 1, 0)
    );
}

#[test]
fn extension_rules() {
    let mut sale = sale_with(&[2], 2);
    sale.join(AccountId(0), pref(0), CLOSES).unwrap();
    sale.join(AccountId(1), pref(0), CLOSES).unwrap();
    assert_eq!(
        sale.extend_hold(AccountId(0), CLOSES),
        Err(SaleError::SaleNotStarted)
    );
    sale.advance(START + 1_000);
    let hold = sale.extend_hold(AccountId(0), START + 1_000).unwrap();
    // Admission is stamped with the time of the call that let the shopper in.
    assert_eq!(hold.deadline, START + 1_000 + HOLD + 10_000);
    assert!(hold.extended);
    assert_eq!(
        sale.extend_hold(AccountId(0), START + 1_000),
        Err(SaleError::ExtensionUsed)
    );
    sale.advance(START + HOLD);
    assert!(matches!(
        sale.status(AccountId(0), START + HOLD),
        ShopperStatus::Holding { .. }
    ));
    sale.begin_checkout(AccountId(1), 5, 5, START + 1_000)
        .unwrap();
    assert_eq!(
        sale.extend_hold(AccountId(1), START + 1_000),
        Err(SaleError::PaymentInFlight)
    );
    let mut c = config(&[1]);
    c.hold_extension_ms = None;
    let mut plain = Sale::new(c).unwrap();
    assert_eq!(
        plain.extend_hold(AccountId(0), START),
        Err(SaleError::NoExtension)
    );
}

#[test]
fn checkout_rules_and_idempotency() {
    let mut sale = sale_with(&[2], 3);
    let (a, b) = (AccountId(0), AccountId(1));
    assert_eq!(
        sale.begin_checkout(a, 1, 1, CLOSES),
        Err(SaleError::SaleNotStarted)
    );
    sale.join(a, pref(0), CLOSES).unwrap();
    sale.join(b, pref(0), CLOSES).unwrap();
    sale.advance(START + 1_000);
    assert_eq!(
        sale.begin_checkout(AccountId(2), 1, 1, START + 1_000),
        Err(SaleError::NoHold)
    );
    assert_eq!(
        sale.begin_checkout(AccountId(9), 1, 1, START + 1_000),
        Err(SaleError::NotRegistered)
    );
    assert_eq!(
        sale.settle_payment(a, 1, true, START + 1_000),
        Err(SaleError::NoPaymentInFlight)
    );
    let hold = sale.begin_checkout(a, 1, 11, START + 1_000).unwrap();
    assert!(hold.paying);
    assert_eq!(
        sale.begin_checkout(a, 1, 11, START + 2_000),
        Ok(hold),
        "replay"
    );
    assert_eq!(
        sale.begin_checkout(a, 1, 12, START + 2_000),
        Err(SaleError::IdempotencyKeyReused)
    );
    assert_eq!(
        sale.begin_checkout(a, 2, 11, START + 2_000),
        Err(SaleError::PaymentInFlight)
    );
    // Paying holds outlive their deadline.
    sale.advance(START + HOLD * 2);
    assert_eq!(sale.counters().paying, 1);
    let declined = sale.settle_payment(a, 1, false, START + HOLD * 2).unwrap();
    let Settlement::Declined { hold: back } = declined.clone() else {
        panic!()
    };
    assert!(!back.paying);
    assert_eq!(back.deadline, START + HOLD * 2 + 30_000);
    assert_eq!(
        sale.settle_payment(a, 1, true, START + HOLD * 2),
        Ok(declined),
        "settle replay"
    );
    assert_eq!(
        sale.checkout(a, 1, 11, START + HOLD * 2),
        Err(SaleError::PaymentDeclined)
    );
    let order = sale.checkout(a, 2, 11, START + HOLD * 2).unwrap();
    assert_eq!(
        (order.number, order.account, order.price_cents),
        (1, a, 100)
    );
    assert_eq!(
        sale.checkout(a, 2, 11, START + HOLD * 2 + 5),
        Ok(order.clone()),
        "checkout replay"
    );
    assert_eq!(
        sale.status(a, START + HOLD * 2),
        ShopperStatus::Ordered { order }
    );
    assert_eq!(
        sale.checkout(a, 3, 11, START + HOLD * 2),
        Err(SaleError::LimitReached)
    );
    assert_eq!(
        sale.join(a, pref(0), START + HOLD * 2),
        Err(SaleError::LimitReached)
    );
}

#[test]
fn per_account_limit_above_one_lets_buyers_rejoin() {
    let mut c = config(&[3]);
    c.per_account_limit = 2;
    let mut sale = Sale::new(c).unwrap();
    sale.register(AccountId(0), OPENS).unwrap();
    sale.join(AccountId(0), pref(0), START).unwrap();
    sale.checkout(AccountId(0), 1, 1, START).unwrap();
    assert_eq!(sale.join(AccountId(0), pref(0), START + 1_000), Ok(2));
    sale.checkout(AccountId(0), 2, 1, START + 1_000).unwrap();
    assert_eq!(
        sale.join(AccountId(0), pref(0), START + 2_000),
        Err(SaleError::LimitReached)
    );
    assert_eq!(sale.counters().sold, 2);
}

#[test]
fn other_variant_and_per_variant_sell_out() {
    let mut c = config(&[1, 2]);
    c.admission_per_second = 100;
    let mut sale = Sale::new(c).unwrap();
    for a in 0..5 {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    sale.join(AccountId(0), pref(0), START).unwrap(); // takes the only v0
    sale.join(AccountId(1), pref(0), START).unwrap(); // v0 held: waitlisted for v0
    sale.join(AccountId(2), any(0), START).unwrap(); // settles for v1
    assert_eq!(admitted(&mut sale), vec![0, 2]);
    assert!(matches!(
        sale.status(AccountId(1), START),
        ShopperStatus::Waitlisted {
            position: 1,
            held_elsewhere: 1,
            ..
        }
    ));
    assert_eq!(
        sale.set_preference(AccountId(1), any(1), START),
        Err(SaleError::OnWaitlist)
    );
    sale.checkout(AccountId(0), 1, 1, START + 1).unwrap();
    // v0 is gone for good: the waitlisted shopper and anyone wanting only v0 are told so.
    assert!(matches!(
        sale.status(AccountId(1), START + 1),
        ShopperStatus::SoldOut { position: 1, stock: 1, sold_out_at, .. } if sold_out_at == START + 1
    ));
    sale.join(AccountId(3), pref(0), START + 2).unwrap();
    assert!(matches!(
        sale.status(AccountId(3), START + 2),
        ShopperStatus::SoldOut { .. }
    ));
    assert_eq!(
        sale.set_preference(AccountId(3), pref(0), START + 2),
        Err(SaleError::SoldOut)
    );
    sale.join(AccountId(4), pref(1), START + 3).unwrap();
    assert_eq!(admitted(&mut sale), vec![4]);
    assert_eq!(sale.available(1), 0);
    assert_eq!(sale.available(7), 0);
}

#[test]
fn sell_out_ends_the_sale_for_everyone_waiting() {
    let mut sale = sale_with(&[1], 4);
    for a in 0..4 {
        sale.join(AccountId(a), any(0), START + u64::from(a))
            .unwrap();
    }
    let order = sale.checkout(AccountId(0), 1, 1, START + 50).unwrap();
    assert_eq!(order.at, START + 50);
    let e = events(&mut sale);
    assert_eq!(
        &e[e.len() - 2..],
        &[
            Event::SoldOut { at: START + 50 },
            Event::Ended { at: START + 50 }
        ]
    );
    assert_eq!(sale.phase(START + 50), Phase::Ended);
    assert_eq!(
        sale.status(AccountId(3), START + 60),
        ShopperStatus::SoldOut {
            ticket: 4,
            position: 3,
            stock: 1,
            sold_out_at: START + 50
        }
    );
    assert_eq!(sale.counters().in_line, 0);
    assert_eq!(
        sale.join(AccountId(9), pref(0), START + 60),
        Err(SaleError::SoldOut)
    );
    let report = sale.report(START + 60);
    assert_eq!(report.sold_out_ms, Some(50));
    assert_eq!(
        report.seed_hex,
        Some(sale.revealed_seed_hex(START + 60).unwrap())
    );
    assert_eq!(report.variants[0].sold, 1);
}

#[test]
fn the_end_releases_unpaid_holds_and_misses_the_rest() {
    let mut sale = sale_with(&[5], 4);
    sale.join(AccountId(0), pref(0), CLOSES).unwrap();
    sale.join(AccountId(1), pref(0), CLOSES).unwrap();
    sale.advance(START + 1_000);
    let paying = admitted(&mut sale);
    sale.begin_checkout(AccountId(paying[0]), 1, 1, START + 1_000)
        .unwrap();
    sale.extend_hold(AccountId(paying[1]), START + 1_000)
        .unwrap();
    sale.advance(END);
    assert_eq!(sale.status(AccountId(2), END), ShopperStatus::Missed);
    assert_eq!(
        sale.status(AccountId(paying[1]), END),
        ShopperStatus::HoldExpired {
            ticket: paying[1] + 1
        }
    );
    assert_eq!(
        sale.join(AccountId(2), pref(0), END),
        Err(SaleError::SaleEnded)
    );
    assert_eq!(
        sale.extend_hold(AccountId(paying[0]), END),
        Err(SaleError::PaymentInFlight)
    );
    // A payment begun before the end still completes.
    let order = sale
        .settle_payment(AccountId(paying[0]), 1, true, END + 5)
        .unwrap();
    assert!(matches!(order, Settlement::Ordered(_)));
    let c = sale.counters();
    assert_eq!(
        (c.sold, c.held, c.available, c.holds_expired, c.reoffered),
        (1, 0, 4, 1, 0)
    );
}

#[test]
fn odds_fall_with_position() {
    let mut c = config(&[3]);
    c.admission_per_second = 1;
    let mut sale = Sale::new(c).unwrap();
    for a in 0..40 {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    for a in 0..40 {
        sale.join(AccountId(a), pref(0), START + u64::from(a))
            .unwrap();
    }
    let mut last = 1.0;
    for a in 1..40 {
        let odds = match sale.status(AccountId(a), START + 100) {
            ShopperStatus::Waiting { odds, .. } => odds,
            other => panic!("{other:?}"),
        };
        assert!(odds <= last);
        last = odds;
    }
    assert!(last < 0.05);
}

#[test]
fn every_error_has_a_code_and_a_sentence() {
    use SaleError::*;
    let all = [
        NotRegistered,
        AlreadyRegistered,
        RegistrationNotOpen,
        RegistrationClosed,
        QueueNotOpen,
        SaleNotStarted,
        SaleEnded,
        AlreadyInQueue,
        NotInQueue,
        OnWaitlist,
        LimitReached,
        NoHold,
        HoldExpired,
        ExtensionUsed,
        NoExtension,
        UnknownVariant,
        PaymentInFlight,
        PaymentDeclined,
        IdempotencyKeyReused,
        NoPaymentInFlight,
        SoldOut,
    ];
    let mut codes: Vec<String> = all.iter().map(|e| e.code().to_string()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    assert!(all.iter().all(|e| e.to_string().ends_with('.')));
    assert_eq!(NotRegistered.code().as_str(), "not_registered");
    assert!(all
        .iter()
        .all(|e| !matches!(e.code(), store_contract::ErrorCode::Unknown(_))));
}

#[test]
fn serde_round_trips_public_types() {
    let mut sale = sale_with(&[1], 1);
    sale.join(AccountId(0), pref(0), START).unwrap();
    let status = sale.status(AccountId(0), START);
    let json = serde_json::to_string(&status).unwrap();
    assert_eq!(
        serde_json::from_str::<ShopperStatus>(&json).unwrap(),
        status
    );
    let report = sale.report(START);
    let back: SaleReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
}

#[test]
fn memory_is_accounted() {
    let sale = sale_with(&[1], 1_000);
    assert!(sale.memory_bytes() >= 16_000);
}

#[test]
fn crowd_is_deterministic_and_slicing_does_not_change_the_outcome() {
    let run = |slice: u32| {
        let mut sim = Simulation::new(2_000, 100, 3, 50);
        while sim.step(slice) == Progress::MoreWork {}
        (sim.outcome(), sim.sale().orders().to_vec())
    };
    let (whole, orders) = run(u32::MAX);
    assert_eq!(run(7), (whole.clone(), orders));
    assert_eq!(whole.sold, 100);
    assert_eq!((whole.oversold, whole.duplicate_orders), (0, 0));
}

#[test]
fn crowd_forwards_events_caused_by_a_real_shopper() {
    let config = simulation_config(5, 1, 10);
    let mut sale = Sale::new(config.clone()).unwrap();
    let mut crowd = Crowd::new(CrowdConfig::new(50, 1), &config);
    let me = AccountId(0);
    sale.register(me, config.registration_opens).unwrap();
    crowd.register_all(&mut sale, config.registration_opens);
    assert_eq!(sale.counters().registrations, 51);
    let mut seen = Vec::new();
    assert_eq!(
        crowd.run_until(&mut sale, config.starts_at - 1, 10_000, &mut seen),
        Progress::Done
    );
    sale.join(me, any(0), config.starts_at - 1).unwrap();
    sale.advance(config.starts_at);
    crowd.run_until(&mut sale, config.starts_at, 10_000, &mut seen);
    let admitted = seen
        .iter()
        .filter(|e| matches!(e, Event::Admitted { .. }))
        .count();
    assert_eq!(admitted, 5, "{seen:?}");
    let mut now = config.starts_at;
    while sale.phase(now) != Phase::Ended {
        now += 1_000;
        crowd.run_until(&mut sale, now, 10_000, &mut seen);
    }
    assert!(sale.counters().sold <= 5);
}

#[test]
fn poll_timeout_names_the_next_change_on_the_timeline() {
    let mut sale = Sale::new(config(&[2])).unwrap();
    assert_eq!(sale.poll_timeout(), Some(OPENS));
    for a in 0..3 {
        sale.register(AccountId(a), OPENS).unwrap();
    }
    assert_eq!(sale.poll_timeout(), Some(CLOSES));
    for a in 0..3 {
        sale.join(AccountId(a), pref(0), CLOSES).unwrap();
    }
    assert_eq!(sale.poll_timeout(), Some(START), "the draw");
    sale.advance(START);
    let first = admitted(&mut sale);
    assert_eq!(first.len(), 1, "one a second, the first at the start");
    assert_eq!(sale.poll_timeout(), Some(START + 1_000), "the next turn");
    sale.advance(START + 1_000);
    let second = admitted(&mut sale);
    assert_eq!(second.len(), 1);
    assert_eq!(
        sale.poll_timeout(),
        Some(START + HOLD),
        "no stock left for the third: the first hold running out is next"
    );
    sale.checkout(AccountId(first[0]), 1, 1, START + 2_000)
        .unwrap();
    assert_eq!(
        sale.poll_timeout(),
        Some(START + 1_000 + HOLD),
        "then the second's"
    );
    sale.extend_hold(AccountId(second[0]), START + 2_000)
        .unwrap();
    assert_eq!(sale.poll_timeout(), Some(START + 11_000 + HOLD), "extended");
    sale.begin_checkout(AccountId(second[0]), 2, 2, START + 3_000)
        .unwrap();
    assert_eq!(
        sale.poll_timeout(),
        Some(END),
        "a hold in payment does not run out"
    );
    sale.settle_payment(AccountId(second[0]), 2, true, START + 4_000)
        .unwrap();
    assert_eq!(sale.poll_timeout(), None, "sold out, so over");
}

/// Runs a sale to its end, ticking at the times `next_tick` names: shoppers join at their
/// times and every third account pays as soon as it is let through, while the others let
/// their hold run out. Returns every event with the time it came out, and the ticks it took.
fn run_to_the_end(
    mut sale: Sale,
    joins: &[(Millis, u32, Preference)],
    next_tick: impl Fn(&Sale) -> Option<Millis>,
) -> (Vec<(Millis, Event)>, usize) {
    let (mut log, mut ticks) = (Vec::new(), 0);
    let mut joins = joins.iter().peekable();
    loop {
        let join_at = joins.peek().map(|&&(at, ..)| at);
        let Some(at) = next_tick(&sale).into_iter().chain(join_at).min() else {
            return (log, ticks);
        };
        if join_at == Some(at) {
            let &(_, account, preference) = joins.next().unwrap();
            sale.join(AccountId(account), preference, at).unwrap();
        } else {
            sale.advance(at);
            ticks += 1;
        }
        while let Some(event) = sale.poll_event() {
            if let Event::Admitted { account, .. } = event {
                if account.0 % 3 == 0 {
                    sale.checkout(account, 1, 1, at).unwrap();
                }
            }
            log.push((at, event));
        }
    }
}

#[test]
fn ticking_only_at_poll_timeout_sees_what_ticking_every_millisecond_sees() {
    let sale = sale_with(&[2, 2], 9);
    let joins = [
        (CLOSES, 0, pref(0)),
        (CLOSES, 1, pref(1)),
        (CLOSES + 10, 2, any(1)),
        (CLOSES + 20, 3, pref(0)),
        (CLOSES + 30, 4, pref(1)),
        (START + 1_500, 5, any(0)),
        (START + 2_500, 6, pref(0)),
        (START + HOLD + 700, 7, pref(1)),
        (START + 3 * HOLD, 8, any(0)),
    ];
    let every_millisecond = run_to_the_end(sale.clone(), &joins, |s| {
        (s.phase(s.now()) != Phase::Ended).then(|| s.now() + 1)
    });
    let on_timeouts = run_to_the_end(sale, &joins, Sale::poll_timeout);
    assert_eq!(on_timeouts.0, every_millisecond.0);
    assert!(on_timeouts.1 < 30, "{} ticks", on_timeouts.1);
    let happened = |kind: fn(&Event) -> bool| on_timeouts.0.iter().any(|(_, e)| kind(e));
    assert!(happened(|e| matches!(e, Event::HoldExpired { .. })));
    assert!(happened(|e| matches!(e, Event::Reoffered { .. })));
    assert!(happened(|e| matches!(e, Event::Ordered { .. })));
    assert!(happened(|e| matches!(e, Event::Ended { .. })));
}
