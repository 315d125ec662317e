//! State-machine property tests: random command sequences over a few accounts, checked
//! after every step against a small reference model of what must hold.
//!
//! The number of cases comes from `PROPTEST_CASES` (default 256).

use std::collections::{BTreeMap, BTreeSet};

use fair_draw::{Failure, Verdict};
use proptest::prelude::*;
use sale_engine::*;

const OPENS: Millis = 1_000;
const CLOSES: Millis = 3_000;
const START: Millis = 6_000;
const END: Millis = 40_000;
const ACCOUNTS: u32 = 6;

#[derive(Clone, Debug)]
enum Cmd {
    Register(u32),
    Cancel(u32),
    Join(u32, u8, bool),
    SetPreference(u32, u8, bool),
    Advance(u64),
    Extend(u32),
    Begin(u32, u64, u64),
    Settle(u32, u64, bool),
    Checkout(u32, u64, u64),
    /// The operator's input: its effect is checked by the invariants and the wake-ups.
    Steer(Steering),
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let account = 0..ACCOUNTS;
    let key = 0u64..4;
    let hash = 0u64..2;
    prop_oneof![
        3 => account.clone().prop_map(Cmd::Register),
        1 => account.clone().prop_map(Cmd::Cancel),
        4 => (account.clone(), 0u8..3, any::<bool>()).prop_map(|(a, v, o)| Cmd::Join(a, v, o)),
        1 => (account.clone(), 0u8..3, any::<bool>()).prop_map(|(a, v, o)| Cmd::SetPreference(a, v, o)),
        5 => prop_oneof![4 => 0u64..2_500, 1 => 0u64..25_000].prop_map(Cmd::Advance),
        1 => account.clone().prop_map(Cmd::Extend),
        2 => (account.clone(), key.clone(), hash.clone()).prop_map(|(a, k, h)| Cmd::Begin(a, k, h)),
        2 => (account.clone(), key.clone(), any::<bool>()).prop_map(|(a, k, ok)| Cmd::Settle(a, k, ok)),
        3 => (account, key, hash).prop_map(|(a, k, h)| Cmd::Checkout(a, k, h)),
        2 => prop_oneof![
            3 => Just(Steering::Pause),
            3 => Just(Steering::Resume),
            2 => (1u32..20).prop_map(Steering::Rate),
            1 => Just(Steering::End),
            1 => Just(Steering::Cancel),
        ]
        .prop_map(Cmd::Steer),
    ]
}

fn sale_config() -> impl Strategy<Value = SaleConfig> {
    (
        prop::collection::vec(1u32..4, 1..=2),
        1u32..=2,
        1u32..=3,
        1_000u64..5_000,
        prop::option::of(500u64..3_000),
        any::<[u8; 32]>(),
    )
        .prop_map(|(stocks, limit, rate, hold_ms, ext, seed)| SaleConfig {
            id: "prop".into(),
            product: "p".into(),
            variants: stocks
                .into_iter()
                .enumerate()
                .map(|(i, stock)| Variant {
                    id: i.to_string(),
                    name: i.to_string(),
                    stock,
                    price_cents: 10,
                })
                .collect(),
            registration_opens: OPENS,
            registration_closes: CLOSES,
            starts_at: START,
            ends_at: END,
            per_account_limit: limit,
            admission_per_second: rate,
            hold_ms,
            hold_extension_ms: ext,
            seed,
        })
}

/// What the model knows, built only from answers and events.
struct Model {
    config: SaleConfig,
    now: Millis,
    registered: BTreeSet<u32>,
    /// Ticket -> (account, issued before the start).
    tickets: BTreeMap<u32, (u32, bool)>,
    current_ticket: BTreeMap<u32, u32>,
    holds: BTreeMap<u32, u8>,
    sold: Vec<u32>,
    orders: BTreeMap<u32, u32>,
    admitted_tickets: Vec<u32>,
    /// Request hash of every key with a recorded successful begin.
    key_hash: BTreeMap<(u32, u64), u64>,
    begun: BTreeMap<(u32, u64), Hold>,
    checked_out: BTreeMap<(u32, u64), Order>,
    settled: BTreeMap<(u32, u64), Settlement>,
}

impl Model {
    fn new(config: SaleConfig) -> Model {
        let variants = config.variants.len();
        Model {
            config,
            now: 0,
            registered: BTreeSet::new(),
            tickets: BTreeMap::new(),
            current_ticket: BTreeMap::new(),
            holds: BTreeMap::new(),
            sold: vec![0; variants],
            orders: BTreeMap::new(),
            admitted_tickets: Vec::new(),
            key_hash: BTreeMap::new(),
            begun: BTreeMap::new(),
            checked_out: BTreeMap::new(),
            settled: BTreeMap::new(),
        }
    }

    fn apply(&mut self, sale: &mut Sale, cmd: &Cmd) -> Result<(), TestCaseError> {
        let now = self.now;
        match *cmd {
            Cmd::Register(a) => {
                if sale.register(AccountId(a), now).is_ok() {
                    self.registered.insert(a);
                }
            }
            Cmd::Cancel(a) => {
                if sale.cancel_registration(AccountId(a), now).is_ok() {
                    prop_assert!(self.registered.remove(&a));
                }
            }
            Cmd::Join(a, variant, other) => {
                let pref = Preference {
                    variant,
                    accept_other_variant: other,
                };
                let result = sale.join(AccountId(a), pref, now);
                if let Ok(ticket) = result {
                    prop_assert!(self.registered.contains(&a), "joined without registering");
                    prop_assert_eq!(ticket as usize, self.tickets.len() + 1);
                    self.tickets.insert(ticket, (a, now < START));
                    self.current_ticket.insert(a, ticket);
                } else if !self.registered.contains(&a)
                    && usize::from(variant) < self.config.variants.len()
                {
                    prop_assert!(matches!(
                        result,
                        Err(SaleError::NotRegistered
                            | SaleError::QueueNotOpen
                            | SaleError::SoldOut
                            | SaleError::SaleEnded)
                    ));
                }
            }
            Cmd::SetPreference(a, variant, other) => {
                let pref = Preference {
                    variant,
                    accept_other_variant: other,
                };
                let _ = sale.set_preference(AccountId(a), pref, now);
            }
            Cmd::Advance(dt) => {
                self.now += dt;
                sale.advance(self.now);
            }
            Cmd::Extend(a) => {
                let _ = sale.extend_hold(AccountId(a), now);
            }
            Cmd::Begin(a, key, hash) => {
                let result = sale.begin_checkout(AccountId(a), key, hash, now);
                self.check_key(a, key, hash, result.as_ref().err())?;
                if let Some(first) = self.begun.get(&(a, key)) {
                    if self.key_hash[&(a, key)] == hash {
                        prop_assert_eq!(result, Ok(*first), "begin replay differs");
                    }
                }
                if let Ok(hold) = result {
                    self.key_hash.entry((a, key)).or_insert(hash);
                    self.begun.entry((a, key)).or_insert(hold);
                }
            }
            Cmd::Settle(a, key, approved) => {
                let result = sale.settle_payment(AccountId(a), key, approved, now);
                if let Some(first) = self.settled.get(&(a, key)) {
                    prop_assert_eq!(result, Ok(first.clone()), "settle replay differs");
                } else if let Ok(settlement) = result {
                    prop_assert!(
                        self.key_hash.contains_key(&(a, key)),
                        "settled an unknown key"
                    );
                    self.settled.insert((a, key), settlement);
                }
            }
            Cmd::Checkout(a, key, hash) => {
                let result = sale.checkout(AccountId(a), key, hash, now);
                self.check_key(a, key, hash, result.as_ref().err())?;
                if let Some(first) = self.checked_out.get(&(a, key)) {
                    if self.key_hash[&(a, key)] == hash {
                        prop_assert_eq!(
                            result.clone(),
                            Ok(first.clone()),
                            "checkout replay differs"
                        );
                    }
                }
                if let Ok(order) = result {
                    self.key_hash.entry((a, key)).or_insert(hash);
                    self.checked_out.entry((a, key)).or_insert(order.clone());
                    self.settled
                        .entry((a, key))
                        .or_insert(Settlement::Ordered(order));
                }
            }
            Cmd::Steer(steering) => {
                let paused = sale.paused_since().is_some();
                match (steering, sale.steer(steering, now)) {
                    (Steering::Pause, Ok(())) => prop_assert!(!paused),
                    (Steering::Resume, Ok(())) => prop_assert!(paused),
                    (_, Ok(())) | (_, Err(_)) => {}
                }
            }
        }
        self.absorb_events(sale)?;
        self.check(sale)?;
        check_poll_timeout(sale)
    }

    /// A key already used with another request hash must be refused as reused.
    fn check_key(
        &self,
        a: u32,
        key: u64,
        hash: u64,
        err: Option<&SaleError>,
    ) -> Result<(), TestCaseError> {
        if let Some(&first) = self.key_hash.get(&(a, key)) {
            if first != hash {
                prop_assert_eq!(err, Some(&SaleError::IdempotencyKeyReused));
            }
        }
        Ok(())
    }

    fn absorb_events(&mut self, sale: &mut Sale) -> Result<(), TestCaseError> {
        while let Some(event) = sale.poll_event() {
            match event {
                Event::Admitted { account, hold } => {
                    prop_assert!(self.now >= START, "admitted before the start");
                    prop_assert!(
                        self.registered.contains(&account.0),
                        "admitted without registration"
                    );
                    prop_assert!(
                        self.holds.insert(account.0, hold.variant).is_none(),
                        "two holds"
                    );
                    self.admitted_tickets.push(self.current_ticket[&account.0]);
                }
                Event::HoldExpired { account, variant } => {
                    prop_assert_eq!(
                        self.holds.remove(&account.0),
                        Some(variant),
                        "expired a hold twice"
                    );
                }
                Event::Ordered { order } => {
                    prop_assert_eq!(
                        self.holds.remove(&order.account.0),
                        Some(order.variant),
                        "ordered without hold"
                    );
                    self.sold[usize::from(order.variant)] += 1;
                    let count = self.orders.entry(order.account.0).or_insert(0);
                    *count += 1;
                    prop_assert!(*count <= self.config.per_account_limit, "over the limit");
                }
                Event::Reoffered { .. } | Event::SoldOut { .. } | Event::Ended { .. } => {}
            }
        }
        Ok(())
    }

    fn check(&self, sale: &Sale) -> Result<(), TestCaseError> {
        let mut held_total = 0;
        for (v, variant) in self.config.variants.iter().enumerate() {
            let v8 = v as u8;
            let (available, held, sold) = (sale.available(v8), sale.held(v8), sale.sold(v8));
            prop_assert_eq!(
                available + held + sold,
                variant.stock,
                "units not conserved"
            );
            prop_assert_eq!(sold, self.sold[v]);
            prop_assert_eq!(
                held as usize,
                self.holds.values().filter(|&&h| h == v8).count()
            );
            held_total += held;
        }
        let c = sale.counters();
        prop_assert_eq!(c.held, held_total);
        prop_assert_eq!(c.sold, self.sold.iter().sum::<u32>());
        prop_assert_eq!(c.orders, c.sold);
        prop_assert!(c.paying <= c.held);
        prop_assert_eq!(c.registrations as usize, self.registered.len());
        if self.now >= START {
            let pre: Vec<u32> = self
                .tickets
                .iter()
                .filter(|(_, (_, early))| *early)
                .map(|(&t, _)| t)
                .collect();
            prop_assert_eq!(&sale.pre_queue_tickets(), &pre);
            if self.config.variants.len() == 1 {
                // One variant: the line is strict, so admissions follow the draw, then arrivals.
                let mut expected = shuffle_tickets(&self.config.seed, &pre);
                expected.extend(
                    self.tickets
                        .iter()
                        .filter(|(_, (_, early))| !*early)
                        .map(|(&t, _)| t),
                );
                let n = self.admitted_tickets.len();
                prop_assert!(n <= expected.len());
                prop_assert_eq!(
                    &self.admitted_tickets[..],
                    &expected[..n],
                    "admission order"
                );
            }
        }
        Ok(())
    }

    /// Runs past the end and settles open payments: every hold must then have ended.
    fn finish(&mut self, sale: &mut Sale) -> Result<(), TestCaseError> {
        self.now = self.now.max(END) + 1;
        sale.advance(self.now);
        let open: Vec<(u32, u64)> = self
            .begun
            .keys()
            .filter(|k| !self.settled.contains_key(k))
            .copied()
            .collect();
        for (i, (a, key)) in open.into_iter().enumerate() {
            let _ = sale.settle_payment(AccountId(a), key, i % 2 == 0, self.now);
        }
        self.absorb_events(sale)?;
        self.check(sale)?;
        prop_assert!(
            self.holds.is_empty(),
            "holds left after the end: {:?}",
            self.holds
        );
        prop_assert_eq!(sale.counters().held, 0);
        prop_assert_eq!(sale.phase(self.now), Phase::Ended);
        check_poll_timeout(sale)?;
        let record = sale.draw_record(self.now);
        prop_assert_eq!(&record.admitted, &self.admitted_tickets);
        let verdict = fair_draw::verify(&record, None);
        prop_assert!(verdict.is_verified(), "{}: {:?}", verdict, record);
        tampering_is_detected(&record)
    }
}

/// What callers can see of a sale at the time it has reached, after ticking it at `ticks`.
#[derive(Debug, PartialEq)]
struct Seen {
    phase: Phase,
    events: Vec<Event>,
    counters: Counters,
    stock: Vec<(u32, u32, u32)>,
    statuses: Vec<ShopperStatus>,
    record: DrawRecord,
}

fn seen_after(sale: &Sale, ticks: &[Millis]) -> Seen {
    let mut sale = sale.clone();
    for &at in ticks {
        sale.advance(at);
    }
    let now = sale.now();
    Seen {
        phase: sale.phase(now),
        events: std::iter::from_fn(|| sale.poll_event()).collect(),
        counters: sale.counters(),
        stock: (0..sale.config().variants.len() as u8)
            .map(|v| (sale.available(v), sale.held(v), sale.sold(v)))
            .collect(),
        statuses: (0..ACCOUNTS)
            .map(|a| sale.status(AccountId(a), now))
            .collect(),
        record: sale.draw_record(now),
    }
}

/// `poll_timeout` names the first time a tick changes what callers see: ticks before it
/// change nothing, a tick at it changes something, and with `None` no tick ever does.
fn check_poll_timeout(sale: &Sale) -> Result<(), TestCaseError> {
    let now = sale.now();
    let unchanged = seen_after(sale, &[]);
    match sale.poll_timeout() {
        Some(due) => {
            prop_assert!(due > now, "due at {} with the sale at {}", due, now);
            let before = [now + (due - now) / 2, due - 1];
            prop_assert_eq!(
                &seen_after(sale, &before),
                &unchanged,
                "changed before {}",
                due
            );
            prop_assert_ne!(&seen_after(sale, &[due]), &unchanged, "nothing at {}", due);
        }
        None => prop_assert_eq!(&seen_after(sale, &[Millis::MAX]), &unchanged),
    }
    Ok(())
}

/// Every way of tampering that changes who was let in before whom fails the check.
fn tampering_is_detected(record: &DrawRecord) -> Result<(), TestCaseError> {
    let other_seed = sha256_hex(record.seed.as_deref().unwrap_or_default().as_bytes());
    let forged = DrawRecord {
        seed: Some(other_seed),
        operator_actions: vec![],
        ..record.clone()
    };
    let verdict = fair_draw::verify(&forged, None);
    prop_assert!(
        matches!(verdict, Verdict::Failed(Failure::SeedMismatch { .. })),
        "{}",
        verdict
    );

    // Admissions at their turn (not from a waitlist): these follow the draw exactly.
    let in_turn: Vec<usize> = (0..record.admitted.len())
        .filter(|&i| !record.waitlisted.contains(&record.admitted[i]))
        .collect();
    if let [first, .., last] = in_turn[..] {
        let mut swapped = record.clone();
        swapped.admitted.swap(first, last);
        prop_assert_eq!(
            fair_draw::verify(&swapped, None),
            Verdict::Failed(Failure::Mismatch {
                admission: first + 1,
                expected: Some(record.admitted[first]),
                published: record.admitted[last],
            })
        );
    }

    // A checked-in ticket below the last one, dropped, is in no possible order.
    let last_checked_in = record.checked_in.last().copied().unwrap_or(0);
    let droppable = in_turn
        .iter()
        .map(|&i| record.admitted[i])
        .find(|t| *t < last_checked_in);
    if let Some(ticket) = droppable {
        let mut dropped = record.clone();
        dropped.checked_in.retain(|&t| t != ticket);
        let verdict = fair_draw::verify(&dropped, None);
        prop_assert!(matches!(verdict, Verdict::Failed(_)), "{}", verdict);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn random_sales_keep_every_invariant(config in sale_config(), cmds in prop::collection::vec(cmd(), 1..80)) {
        let mut sale = Sale::new(config.clone()).unwrap();
        let mut model = Model::new(config);
        for cmd in &cmds {
            model.apply(&mut sale, cmd)?;
        }
        model.finish(&mut sale)?;
    }

    /// A busy start: everyone registers and joins, so admissions, expiries and sell-outs happen.
    #[test]
    fn crowded_sales_keep_every_invariant(
        config in sale_config(),
        joins in prop::collection::vec((0u8..2, any::<bool>(), 0u64..4_000), ACCOUNTS as usize),
        cmds in prop::collection::vec(cmd(), 1..80),
    ) {
        let mut sale = Sale::new(config.clone()).unwrap();
        let mut model = Model::new(config);
        model.now = OPENS;
        for a in 0..ACCOUNTS {
            model.apply(&mut sale, &Cmd::Register(a))?;
        }
        let mut order: Vec<(u64, u32, u8, bool)> =
            joins.iter().enumerate().map(|(a, &(v, o, t))| (t, a as u32, v, o)).collect();
        order.sort();
        for (t, a, v, o) in order {
            let target = CLOSES + t;
            model.apply(&mut sale, &Cmd::Advance(target.saturating_sub(model.now)))?;
            model.apply(&mut sale, &Cmd::Join(a, v, o))?;
        }
        for cmd in &cmds {
            model.apply(&mut sale, cmd)?;
        }
        model.finish(&mut sale)?;
    }
}

#[test]
fn case_count_follows_the_environment() {
    let expected = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    assert_eq!(ProptestConfig::default().cases, expected);
}
