//! One sale inside the demo store: the engine, its simulated crowd, and the shopper actions
//! logged against it. Store time advances in fixed ticks and every action is stamped with the
//! tick it was applied at, so replaying the log over a fresh crowd rebuilds the same sale
//! exactly: that is how a stopped worker, a reload or a corrupt cache recovers without storing
//! the crowd.
use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use sale_engine::{
    AccountId, Crowd, CrowdConfig, Event, Millis, OperatorAction, Preference, Progress, Sale,
    SaleConfig, SaleError, Schedule, Settlement, SteerRefusal, Steering, Variant,
};
use store_contract::demo::DemoSettings;

use crate::catalog::CatalogSale;

/// Store time advances in steps of this many ms; actions take effect at a step's end.
pub const TICK_MS: Millis = 100;
/// Crowd work done between two looks at the time budget.
const STEPS_PER_CHECK: u32 = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    Register,
    Cancel,
    Join(Preference),
    Prefer(Preference),
    Extend,
    BeginCheckout {
        key: u64,
        request_hash: u64,
    },
    Settle {
        key: u64,
        approved: bool,
    },
    /// The operator's, logged and replayed like a shopper's.
    Operate(Operation),
}

/// What an operator does to a sale's engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Operation {
    Steer(Steering),
    Restock {
        variant: u8,
        stock: u32,
    },
    Reschedule(Schedule),
    /// An action the engine only keeps (an announcement, new texts).
    Record {
        action: String,
        detail: Option<String>,
    },
}

/// A shopper's action as the store applied it: the log that persists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedAction {
    pub sale: String,
    pub tick: Millis,
    pub account: u32,
    pub action: Action,
}

pub struct SaleWorld {
    pub sale: Sale,
    crowd: Crowd,
    crowd_size: u32,
    /// Store time up to which the crowd has been run and the log applied.
    pub tick: Millis,
    tick_in_progress: bool,
    crowd_registered: bool,
    /// Logged actions not yet replayed (a rebuilt world replays them as it catches up): once
    /// applied, an action lives only in the store's saved log.
    pending: VecDeque<LoggedAction>,
    events: Vec<Event>,
    /// By account: looked up on every shopper's status poll, so no scan over the crowd.
    registration_numbers: HashMap<u32, u32>,
    /// By account: the first ticket each account took.
    tickets: HashMap<u32, u32>,
    /// Logged actions that failed when replayed (see [`SaleWorld::replay_failures`]).
    replay_failures: u32,
}

/// The engine's sale built from the catalog, the demo's first-open moment, its settings and the
/// sale's secret draw seed.
pub fn sale_config(
    item: &CatalogSale,
    base_ms: Millis,
    settings: &DemoSettings,
    draw_seed: [u8; 32],
) -> SaleConfig {
    let at = |minutes: f64| (base_ms as f64 + minutes * 60_000.0).max(0.0) as Millis;
    let catalog_units: u32 = item.variants.iter().map(|v| v.stock).sum::<u32>().max(1);
    let units = settings.stock.unwrap_or(catalog_units);
    let mut variants: Vec<Variant> = item
        .variants
        .iter()
        .map(|v| Variant {
            id: v.id.clone(),
            name: v.name.clone(),
            stock: (v.stock as u64 * units as u64 / catalog_units as u64) as u32,
            price_cents: v.price_cents,
        })
        .collect();
    // A small stock can round a variant down to nothing, which the engine refuses: then every
    // variant gets one unit first and the rest is split in proportion. (A stock below the
    // number of variants is refused before this, by `Store::check_stock`.)
    let few = variants.len() as u32;
    if variants.iter().any(|v| v.stock == 0) && units >= few {
        for (variant, item) in variants.iter_mut().zip(&item.variants) {
            variant.stock =
                1 + (item.stock as u64 * (units - few) as u64 / catalog_units as u64) as u32;
        }
    }
    // Rounding down may lose a few units; they go to the first variant so the total is exact.
    let shortfall = units.saturating_sub(variants.iter().map(|v| v.stock).sum::<u32>());
    variants[0].stock += shortfall;
    SaleConfig {
        id: item.id.clone(),
        product: item.product.clone(),
        variants,
        registration_opens: at(item.schedule.registration_opens_min),
        registration_closes: at(item.schedule.registration_closes_min),
        starts_at: at(item.schedule.starts_min),
        ends_at: at(item.schedule.ends_min),
        per_account_limit: item.per_account_limit,
        admission_per_second: item.admission_per_second,
        hold_ms: settings.hold_s.unwrap_or(item.hold_seconds) * 1_000,
        hold_extension_ms: item.hold_extension_seconds.map(|s| s * 1_000),
        seed: draw_seed,
    }
}

impl SaleWorld {
    pub fn new(config: SaleConfig, crowd_size: u32, seed: u64) -> Result<Self, String> {
        let crowd = Crowd::new(
            CrowdConfig {
                shoppers: crowd_size,
                seed,
                early_fraction: 0.3,
                checkout_success: 0.85,
                checkout_ms: (20_000, 90_000),
                abandon_fraction: 0.1,
                first_account: 0,
            },
            &config,
        );
        let first_tick = config.registration_opens.div_ceil(TICK_MS) * TICK_MS;
        let mut sale = Sale::new(config).map_err(|e| e.to_string())?;
        // Room for the whole crowd now, while the demo is being set up, rather than in one
        // long allocation inside a time slice.
        sale.reserve(crowd_size as usize + 1_024);
        Ok(Self {
            sale,
            crowd,
            crowd_size,
            tick: first_tick.saturating_sub(TICK_MS),
            tick_in_progress: false,
            crowd_registered: false,
            pending: VecDeque::new(),
            events: Vec::new(),
            registration_numbers: HashMap::new(),
            tickets: HashMap::new(),
            replay_failures: 0,
        })
    }

    pub fn id(&self) -> &str {
        &self.sale.config().id
    }

    /// The engine's id for the demo's `index`-th real account: after the crowd's ids.
    pub fn account(&self, index: u32) -> AccountId {
        AccountId(self.crowd_size + index)
    }

    /// Runs the crowd and the log forward to `target` (rounded down to a tick). Returns false if
    /// `out_of_time` said stop first; calling again resumes exactly where it stopped.
    pub fn catch_up(&mut self, target: Millis, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let target = target / TICK_MS * TICK_MS;
        while self.tick_in_progress || self.tick < target {
            if !self.tick_in_progress {
                self.tick += TICK_MS;
                self.tick_in_progress = true;
            }
            while !self.crowd_registered && self.tick >= self.sale.config().registration_opens {
                match self
                    .crowd
                    .register_some(&mut self.sale, self.tick, STEPS_PER_CHECK)
                {
                    Progress::Done => self.crowd_registered = true,
                    Progress::MoreWork if out_of_time() => return false,
                    Progress::MoreWork => {}
                }
            }
            match self
                .crowd
                .run_until(&mut self.sale, self.tick, STEPS_PER_CHECK, &mut self.events)
            {
                Progress::MoreWork => {
                    self.events.clear();
                    if out_of_time() {
                        return false;
                    }
                    continue;
                }
                Progress::Done => self.events.clear(),
            }
            self.tick_in_progress = false;
            while let Some(logged) = self.pending.pop_front_if(|logged| logged.tick <= self.tick) {
                // A logged action succeeded when it was first applied, so with the same settings
                // replaying it succeeds again; under other settings it may not, which is counted
                // so that a settings change that would undo it can be refused.
                if self
                    .apply(logged.account, &logged.action, logged.tick)
                    .is_err()
                {
                    self.replay_failures += 1;
                }
            }
            if out_of_time() && (self.tick_in_progress || self.tick < target) {
                return false;
            }
        }
        true
    }

    /// Applies a new action now (after a full catch-up) and logs it if it took effect.
    /// Answers the settlement when the action settled a payment.
    pub fn act(
        &mut self,
        account: u32,
        action: Action,
        now: Millis,
    ) -> Result<(Option<Settlement>, LoggedAction), SaleError> {
        self.catch_up(now, &mut || false);
        let outcome = self.apply(account, &action, self.tick)?;
        let logged = LoggedAction {
            sale: self.id().to_string(),
            tick: self.tick,
            account,
            action,
        };
        Ok((outcome, logged))
    }

    /// Applies an operator's operation now (after a full catch-up); the entry to log comes
    /// back when it took effect.
    pub fn operate(
        &mut self,
        operation: Operation,
        now: Millis,
    ) -> Result<LoggedAction, SteerRefusal> {
        self.catch_up(now, &mut || false);
        self.operation(&operation, self.tick)?;
        Ok(LoggedAction {
            sale: self.id().to_string(),
            tick: self.tick,
            account: 0,
            action: Action::Operate(operation),
        })
    }

    fn operation(&mut self, operation: &Operation, now: Millis) -> Result<(), SteerRefusal> {
        let sale = &mut self.sale;
        match operation {
            Operation::Steer(steering) => sale.steer(*steering, now),
            Operation::Restock { variant, stock } => sale.restock(*variant, *stock, now),
            Operation::Reschedule(schedule) => sale.reschedule(*schedule, now),
            Operation::Record { action, detail } => {
                sale.record_action(OperatorAction {
                    at: now.max(sale.now()),
                    action: action.clone(),
                    detail: detail.clone(),
                });
                Ok(())
            }
        }
    }

    /// How many logged actions failed when replayed so far: none unless the world was rebuilt
    /// under other settings than the ones the actions were taken under.
    pub fn replay_failures(&self) -> u32 {
        self.replay_failures
    }

    /// Queues logged actions for replay (a rebuilt world replays them as it catches up).
    pub fn load_log(&mut self, log: impl Iterator<Item = LoggedAction>) {
        let id = &self.sale.config().id;
        self.pending.extend(log.filter(|a| a.sale == *id));
    }

    fn apply(
        &mut self,
        account: u32,
        action: &Action,
        now: Millis,
    ) -> Result<Option<Settlement>, SaleError> {
        let id = self.account(account);
        let sale = &mut self.sale;
        let outcome = match *action {
            Action::Register => {
                let number = sale.register(id, now)?;
                self.registration_numbers.insert(account, number);
                None
            }
            Action::Cancel => {
                sale.cancel_registration(id, now)?;
                self.registration_numbers.remove(&account);
                None
            }
            Action::Join(preference) => {
                let ticket = sale.join(id, preference, now)?;
                self.tickets.entry(account).or_insert(ticket);
                None
            }
            Action::Prefer(preference) => sale.set_preference(id, preference, now).map(|_| None)?,
            Action::Extend => sale.extend_hold(id, now).map(|_| None)?,
            Action::BeginCheckout { key, request_hash } => sale
                .begin_checkout(id, key, request_hash, now)
                .map(|_| None)?,
            Action::Settle { key, approved } => Some(sale.settle_payment(id, key, approved, now)?),
            // Only whether a replayed operation failed counts (see `replay_failures`).
            Action::Operate(ref operation) => {
                self.operation(operation, now)
                    .map_err(|_| SaleError::SaleEnded)?;
                None
            }
        };
        // Events stay queued in the engine: the crowd reads them on its next run.
        Ok(outcome)
    }

    pub fn registration_number(&self, account: u32) -> Option<u32> {
        self.registration_numbers.get(&account).copied()
    }

    pub fn ticket(&self, account: u32) -> Option<u32> {
        self.tickets.get(&account).copied()
    }

    pub fn memory_bytes(&self) -> usize {
        self.sale.memory_bytes() + self.crowd.memory_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalog, Store};

    fn catalog() -> Catalog {
        Catalog::parse(include_str!("../../../public/catalog.json"))
            .expect("the shipped catalog parses")
    }

    #[test]
    fn a_small_stock_still_gives_every_variant_a_unit() {
        let catalog = catalog();
        let item = catalog
            .sales
            .iter()
            .max_by_key(|s| s.variants.len())
            .expect("a sale");
        for stock in item.variants.len() as u32..=8 {
            let settings = DemoSettings {
                stock: Some(stock),
                ..DemoSettings::default()
            };
            let config = sale_config(item, 0, &settings, [0; 32]);
            let split: Vec<u32> = config.variants.iter().map(|v| v.stock).collect();
            assert!(
                split.iter().all(|s| *s > 0),
                "stock={stock} split as {split:?}"
            );
            assert_eq!(split.iter().sum::<u32>(), stock);
            assert!(Sale::new(config).is_ok(), "stock={stock}");
        }
    }

    #[test]
    fn a_stock_smaller_than_the_variants_is_refused_with_a_sentence() {
        const NOW: f64 = 1_800_000_000_000.0;
        let mut store = Store::open(catalog(), None, NOW, [7; 32]);
        let refused = store
            .reset(
                DemoSettings {
                    stock: Some(2),
                    ..DemoSettings::default()
                },
                NOW,
            )
            .unwrap_err();
        assert!(
            refused.contains("stock=2") && refused.contains("3 variants"),
            "{refused}"
        );
        assert_eq!(
            store.settings().stock,
            None,
            "the demo keeps its own settings"
        );
    }

    #[test]
    fn a_skew_change_that_would_turn_the_clock_back_is_refused_with_a_sentence() {
        use store_contract::{Method, StoreRequest};
        const NOW: f64 = 1_800_000_000_000.0;
        let mut store = Store::open(catalog(), None, NOW, [7; 32]);
        store
            .reset(
                DemoSettings {
                    skew_ms: 60_000,
                    ..DemoSettings::default()
                },
                NOW,
            )
            .unwrap();
        let before = store.now(NOW);
        let smaller = DemoSettings {
            skew_ms: -2_400,
            ..DemoSettings::default()
        };
        let request = StoreRequest {
            method: Method::Put,
            path: "/api/dev/settings".into(),
            bearer: None,
            idempotency_key: Some("skew".into()),
            body: Some(serde_json::to_string(&smaller).unwrap()),
        };
        let answer = store.handle(&request, NOW);
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert!(
            answer.body.contains("only moves forward"),
            "{}",
            answer.body
        );
        assert_eq!(
            (store.settings().skew_ms, store.now(NOW)),
            (60_000, before),
            "nothing changed"
        );
    }
}
