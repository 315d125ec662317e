//! The verifier on hand-built records. With the "kestrel" seed, checked-in tickets 1..=10
//! are drawn as 2, 3, 10, 4, 7, 6, 1, 5, 8, 9 (the known-answer vector), so the
//! waiting-room order is that, then 11, 12, 13, …

use fair_draw::{seed_from_hex, sha256_hex, verify, DrawRecord, Failure, Verdict};

const SEED: &str = "07f15cde5b181425db8524becd96263d600c9652c7de5b89fe1a644f8fd0724b";
const DRAWN: [u32; 10] = [2, 3, 10, 4, 7, 6, 1, 5, 8, 9];

fn record(admitted: &[u32]) -> DrawRecord {
    DrawRecord {
        sale_id: "drop-1".into(),
        fingerprint: sha256_hex(&seed_from_hex(SEED).unwrap()),
        checked_in: (1..=10).collect(),
        admitted: admitted.to_vec(),
        waitlisted: vec![],
        turned_away: vec![],
        seed: Some(SEED.into()),
        operator_actions: vec![],
    }
}

fn failure(record: &DrawRecord) -> Failure {
    match verify(record, None) {
        Verdict::Failed(failure) => failure,
        other => panic!("expected a failure, got {other}"),
    }
}

#[test]
fn the_drawn_order_then_late_arrivals_verifies() {
    let mut admitted = DRAWN.to_vec();
    admitted.extend([11, 12]);
    let verdict = verify(&record(&admitted), None);
    assert_eq!(
        verdict,
        Verdict::Verified {
            admissions: 12,
            shown: None
        }
    );
    assert_eq!(
        verdict.to_string(),
        "Verified: 12 admissions follow the draw."
    );
}

#[test]
fn the_first_admission_out_of_order_is_named() {
    let r = record(&[2, 3, 4, 10]);
    assert_eq!(
        failure(&r),
        Failure::Mismatch {
            admission: 3,
            expected: Some(10),
            published: 4
        }
    );
    assert_eq!(
        verify(&r, None).to_string(),
        "Mismatch at admission 3: the draw puts ticket 10 there, the store admitted ticket 4."
    );
}

#[test]
fn a_late_arrival_cannot_jump_the_checked_in() {
    assert_eq!(
        failure(&record(&[2, 11])),
        Failure::Mismatch {
            admission: 2,
            expected: Some(3),
            published: 11
        }
    );
}

#[test]
fn waitlisted_and_turned_away_shoppers_step_out_of_the_order() {
    // 3 waits for a unit to come back and gets one after 4; 10 is turned away.
    let mut r = record(&[2, 4, 3, 7]);
    r.waitlisted = vec![3];
    r.turned_away = vec![10];
    assert!(verify(&r, None).is_verified(), "{}", verify(&r, None));

    // Passing over 3 without listing it is caught at the next admission.
    let mut unlisted = r.clone();
    unlisted.waitlisted.clear();
    assert_eq!(
        failure(&unlisted),
        Failure::Mismatch {
            admission: 2,
            expected: Some(3),
            published: 4
        }
    );
}

#[test]
fn a_waitlisted_ticket_cannot_be_admitted_before_its_turn() {
    // 4 is fourth in line: 2 and 3 (10 is turned away) must be admitted before it.
    let mut r = record(&[2, 4, 3]);
    r.waitlisted = vec![4];
    r.turned_away = vec![10];
    assert_eq!(
        failure(&r),
        Failure::AdmittedBeforeTurn {
            ticket: 4,
            admission: 2
        }
    );
}

#[test]
fn nobody_is_waitlisted_or_turned_away_before_their_turn() {
    let mut r = record(&[2, 3]);
    r.turned_away = vec![7];
    assert_eq!(failure(&r), Failure::TurnNotReached { ticket: 7 });
    r.admitted = vec![2, 3, 10, 4];
    assert!(verify(&r, None).is_verified());
}

#[test]
fn listed_tickets_must_be_in_the_waiting_room() {
    let mut r = record(&[]);
    r.checked_in = vec![1, 2, 3, 5];
    r.waitlisted = vec![4];
    assert_eq!(failure(&r), Failure::NotInWaitingRoom { ticket: 4 });
}

#[test]
fn the_seed_must_match_the_fingerprint() {
    let mut r = record(&DRAWN);
    r.seed = Some(sha256_hex(b"another seed"));
    assert_eq!(
        failure(&r),
        Failure::SeedMismatch {
            hashed: sha256_hex(&seed_from_hex(&sha256_hex(b"another seed")).unwrap())
        }
    );
    r.seed = Some("not hex".into());
    assert_eq!(failure(&r), Failure::BadSeed);
    let mut upper = record(&DRAWN);
    upper.fingerprint = upper.fingerprint.to_uppercase();
    upper.seed = Some(SEED.to_uppercase());
    assert!(verify(&upper, None).is_verified());
}

#[test]
fn malformed_records_are_refused_before_the_seed_is_looked_at() {
    let mut r = record(&DRAWN);
    r.fingerprint.pop();
    assert_eq!(failure(&r), Failure::BadFingerprint);

    let mut r = record(&DRAWN);
    r.checked_in = vec![1, 2, 2, 3];
    assert_eq!(failure(&r), Failure::CheckedInNotAscending { position: 3 });

    let mut r = record(&[2, 3, 2, 9, 9]);
    r.seed = None;
    assert_eq!(failure(&r), Failure::AdmittedTwice { ticket: 2 });

    let mut r = record(&DRAWN);
    r.waitlisted = vec![7];
    r.turned_away = vec![7];
    assert_eq!(failure(&r), Failure::ListedTwice { ticket: 7 });
}

#[test]
fn before_the_seed_is_revealed_the_verdict_says_so() {
    let mut r = record(&[2, 3]);
    r.seed = None;
    let verdict = verify(&r, Some((2, 1)));
    assert_eq!(verdict, Verdict::AwaitingSeed);
    assert!(!verdict.is_verified());
    assert!(verdict
        .to_string()
        .contains("the seed is revealed when the sale ends"));
}

#[test]
fn the_place_shown_to_a_shopper_is_checked() {
    let r = record(&DRAWN[..3]);
    let verdict = verify(&r, Some((10, 3)));
    assert_eq!(
        verdict.to_string(),
        "Verified: 3 admissions follow the draw. Ticket 10 is at place 3, as shown."
    );
    assert!(
        verify(&r, Some((12, 12))).is_verified(),
        "late arrivals too"
    );
    assert_eq!(
        failure_shown(&r, (10, 4)),
        Failure::ShownPlace {
            ticket: 10,
            place: 4,
            drawn: Some(4)
        }
    );
    assert_eq!(
        verify(&r, Some((10, 4))).to_string(),
        "Mismatch at place 4: the page showed ticket 10, the draw puts ticket 4 there."
    );
    assert_eq!(
        failure_shown(&r, (2, 0)),
        Failure::ShownPlace {
            ticket: 2,
            place: 0,
            drawn: None
        }
    );
}

fn failure_shown(record: &DrawRecord, shown: (u32, u32)) -> Failure {
    match verify(record, Some(shown)) {
        Verdict::Failed(failure) => failure,
        other => panic!("expected a failure, got {other}"),
    }
}

#[test]
fn with_nobody_checked_in_the_order_is_first_come_first_served() {
    let mut r = record(&(1..=1234).collect::<Vec<_>>());
    r.checked_in.clear();
    assert_eq!(
        verify(&r, None).to_string(),
        "Verified: 1,234 admissions follow the draw."
    );
    r.admitted = vec![1];
    assert_eq!(
        verify(&r, None).to_string(),
        "Verified: 1 admission follows the draw."
    );
    r.admitted = vec![2];
    assert_eq!(
        failure(&r),
        Failure::Mismatch {
            admission: 1,
            expected: Some(1),
            published: 2
        }
    );
}

#[test]
fn the_json_has_the_documented_snake_case_fields() {
    let mut r = record(&[2, 4, 3]);
    r.waitlisted = vec![3];
    r.seed = None;
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "sale_id": "drop-1",
            "fingerprint": r.fingerprint,
            "checked_in": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "admitted": [2, 4, 3],
            "waitlisted": [3],
            "turned_away": [],
            "seed": null,
        })
    );
    assert_eq!(serde_json::from_value::<DrawRecord>(json).unwrap(), r);
}
