//! The operator's drops: the list, a new drop, a change and a cancellation, checked by the
//! contract's drop rules. A drop the operator made becomes a sale like the catalog's, with no
//! simulated crowd; changes to a public one reach its engine as logged operations, so a replay
//! rebuilds it exactly.
use store_contract::drop_rules::{
    check_change, check_drop, check_new_drop, ChangeRefusal, DropProblem, Taken,
};
use store_contract::operator::{Drop, DropChange, DropRow, Note, Rescheduled, Stopped};
use store_contract::*;

use crate::answer::{body, json, Answer};
use crate::drop_config::{config_of, drop_of, item_of};
use crate::operator::MadeDrop;
use crate::routes::OperatorCall;
use crate::sign_in::TokenHash;
use crate::store::Store;
use crate::views;
use crate::world::{Operation, SaleWorld, TICK_MS};
use sale_engine::{Millis, Steering};

/// 422 `invalid_drop`: every problem's sentence, and the first one's field as the subject.
fn invalid(problems: &[DropProblem]) -> ApiError {
    let message = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let error = ApiError::new(422, ErrorCode::InvalidDrop, message);
    match problems.first() {
        Some(first) => error.about(first.field()),
        None => error,
    }
}

fn change_refused(message: impl Into<String>) -> ApiError {
    ApiError::new(409, ErrorCode::ChangeRefused, message)
}

fn refusals(refusals: &[ChangeRefusal]) -> ApiError {
    change_refused(
        refusals
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

impl Store {
    /// Answers one of the `/api/operator/*` routes.
    pub(crate) fn operator_answer(
        &mut self,
        call: OperatorCall,
        request: &StoreRequest,
        session: Option<TokenHash>,
        now: Millis,
    ) -> Answer {
        let random = self.saved.random;
        match call {
            OperatorCall::Session => {
                return json(&self.saved.operator.sign_in(body(request)?, now, &random)?)
            }
            OperatorCall::Key => {
                self.saved.operator.set_key(body(request)?)?;
                return Ok("{}".into());
            }
            _ => self.saved.operator.check(session, &self.saved.sign_in)?,
        }
        match call {
            OperatorCall::Session | OperatorCall::Key => unreachable!("answered above"),
            OperatorCall::Sales => {
                let rows: Vec<DropRow> = (0..self.worlds.len())
                    .map(|w| {
                        self.worlds[w].catch_up(now, &mut || false);
                        self.drop_row(w, now)
                    })
                    .collect();
                json(&rows)
            }
            OperatorCall::Create => self.create_drop(body(request)?, now),
            OperatorCall::Drop(id) => {
                let w = self.world(&id, now)?;
                json(&self.drop_at(w))
            }
            OperatorCall::Change(id) => {
                let w = self.world(&id, now)?;
                self.change_drop(w, body(request)?, now)
            }
            OperatorCall::Cancel(id) => {
                let w = self.world(&id, now)?;
                let note = body::<Option<Note>>(request)?.unwrap_or_default();
                self.cancel_drop(w, note, now)
            }
            OperatorCall::Live(id) => {
                let w = self.world(&id, now)?;
                json(&self.live(w, now))
            }
            OperatorCall::Steer(id) => {
                let w = self.world(&id, now)?;
                self.steer(w, body(request)?, now)
            }
            OperatorCall::Orders(id) => {
                let w = self.world(&id, now)?;
                Ok(self.orders_csv(w))
            }
        }
    }

    /// The world of a drop the operator made, with the saved log queued for replay.
    pub(crate) fn made_world(&self, made: &MadeDrop) -> Result<SaleWorld, String> {
        let (random, id) = (&self.saved.random, &made.base.id);
        let config = config_of(&made.base, random.draw_seed(id));
        let mut world = SaleWorld::new(config, 0, random.crowd_seed(id))?;
        world.load_log(self.saved.log.iter().cloned());
        Ok(world)
    }

    /// The drop as it reads now.
    pub(crate) fn drop_at(&self, w: usize) -> Drop {
        let world = &self.worlds[w];
        match self.saved.operator.made(world.id()) {
            Some(made) => made.current.clone(),
            None => drop_of(
                &self.items[w],
                world.sale.config(),
                world.sale.admission_per_second(),
            ),
        }
    }

    fn drop_row(&self, w: usize, now: Millis) -> DropRow {
        let (sale, config) = (&self.worlds[w].sale, self.worlds[w].sale.config());
        DropRow {
            id: config.id.clone(),
            product: self.items[w].product.clone(),
            phase: views::phase(sale.phase(now)),
            registration_opens: config.registration_opens,
            starts_at: config.starts_at,
            units: config.units() as u32,
            sold: sale.counters().sold,
            registrants: sale.counters().registrations,
            public: now >= config.registration_opens,
            fingerprint_published: now >= config.registration_closes,
            paused: sale.paused_since().is_some(),
            stopped_at: self
                .saved
                .operator
                .news
                .get(&config.id)
                .and_then(|news| news.stopped.as_ref())
                .map(|stopped| stopped.at),
        }
    }

    fn create_drop(&mut self, mut drop: Drop, now: Millis) -> Answer {
        // A drop whose registration would already be open opens it now: its sale is not
        // run through a past nobody could take part in.
        let opens_now = now.div_ceil(TICK_MS) * TICK_MS;
        if drop.registration_opens < opens_now && opens_now < drop.registration_closes {
            drop.registration_opens = opens_now;
        }
        let problems = check_new_drop(&drop, now);
        if !problems.is_empty() {
            return Err(invalid(&problems));
        }
        if self.worlds.iter().any(|w| w.id() == drop.id) {
            return Err(ApiError::new(
                409,
                ErrorCode::DropExists,
                DropProblem::IdTaken.to_string(),
            )
            .about(drop.id.clone()));
        }
        let made = MadeDrop {
            base: drop.clone(),
            current: drop.clone(),
        };
        let world = self
            .made_world(&made)
            .map_err(|e| ApiError::new(422, ErrorCode::InvalidDrop, e))?;
        self.saved.operator.drops.push(made);
        self.worlds.push(world);
        self.items.push(item_of(&drop));
        let w = self.worlds.len() - 1;
        self.worlds[w].catch_up(now, &mut || false);
        json(&self.drop_row(w, now))
    }

    fn change_drop(&mut self, w: usize, change: DropChange, now: Millis) -> Answer {
        let id = self.worlds[w].id().to_string();
        let Some(made) = self.saved.operator.made(&id).cloned() else {
            return Err(change_refused(
                "The catalog's drops change in public/catalog.json; steer or cancel them here.",
            ));
        };
        let DropChange { drop: new, note } = change;
        if new.id != id {
            return Err(refusals(&[ChangeRefusal::Fixed("address")]));
        }
        if self.stopped(&id) {
            return Err(change_refused(
                "The drop was stopped: it cannot change any more.",
            ));
        }
        let sale = &self.worlds[w].sale;
        if now < sale.config().registration_opens {
            let problems = check_new_drop(&new, now);
            if !problems.is_empty() {
                return Err(invalid(&problems));
            }
            let made = MadeDrop {
                base: new.clone(),
                current: new.clone(),
            };
            let world = self
                .made_world(&made)
                .map_err(|e| ApiError::new(422, ErrorCode::InvalidDrop, e))?;
            let i = self.made_index(&id);
            self.saved.operator.drops[i] = made;
            self.worlds[w] = world;
            self.items[w] = item_of(&new);
            return json(&self.drop_row(w, now));
        }
        let problems = check_drop(&new);
        if !problems.is_empty() {
            return Err(invalid(&problems));
        }
        let taken = Taken {
            by_variant: (0..new.variants.len() as u8)
                .map(|v| sale.held(v) + sale.sold(v))
                .collect(),
            fingerprint_published: now >= sale.config().registration_closes,
            started: now >= sale.config().starts_at,
        };
        let old = made.current;
        let refused = check_change(&old, &new, &taken, !note.is_empty());
        if !refused.is_empty() {
            return Err(refusals(&refused));
        }
        let mut operations = Vec::new();
        for (i, (was, will)) in old.variants.iter().zip(&new.variants).enumerate() {
            if was.stock != will.stock {
                operations.push(Operation::Restock {
                    variant: i as u8,
                    stock: will.stock,
                });
            }
        }
        let schedule = |d: &Drop| sale_engine::Schedule {
            registration_opens: d.registration_opens,
            registration_closes: d.registration_closes,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
        };
        let moved = schedule(&old) != schedule(&new);
        if moved {
            operations.push(Operation::Reschedule(schedule(&new)));
        }
        if old.admission_per_second != new.admission_per_second {
            operations.push(Operation::Steer(Steering::Rate(new.admission_per_second)));
        }
        let texts = Drop {
            variants: vec![],
            ..old.clone()
        } != Drop {
            variants: vec![],
            ..new.clone()
        } || old.variants.iter().zip(&new.variants).any(|(a, b)| {
            (&a.name, &a.name_zh_cn, &a.colour) != (&b.name, &b.name_zh_cn, &b.colour)
        });
        if texts {
            operations.push(Operation::Record {
                action: "texts".into(),
                detail: None,
            });
        }
        for operation in operations {
            let logged = self.worlds[w]
                .operate(operation, now)
                .map_err(|e| change_refused(e.to_string()))?;
            self.saved.log.push(logged);
        }
        if moved {
            self.saved
                .operator
                .news
                .entry(id.clone())
                .or_default()
                .rescheduled = Some(Rescheduled {
                was_starts_at: old.starts_at,
                note,
            });
        }
        let i = self.made_index(&id);
        self.saved.operator.drops[i].current = new.clone();
        self.items[w] = item_of(&new);
        json(&self.drop_row(w, now))
    }

    fn cancel_drop(&mut self, w: usize, note: Note, now: Millis) -> Answer {
        let logged = self.worlds[w]
            .operate(Operation::Steer(Steering::Cancel), now)
            .map_err(|e| change_refused(e.to_string()))?;
        self.saved.log.push(logged);
        let id = self.worlds[w].id().to_string();
        self.saved.operator.news.entry(id).or_default().stopped = Some(Stopped {
            at: now,
            before_start: true,
            note,
        });
        json(&self.drop_row(w, now))
    }

    fn made_index(&self, id: &str) -> usize {
        self.saved
            .operator
            .drops
            .iter()
            .position(|d| d.base.id == id)
            .expect("a drop the operator made")
    }

    pub(crate) fn stopped(&self, id: &str) -> bool {
        self.saved
            .operator
            .news
            .get(id)
            .is_some_and(|news| news.stopped.is_some())
    }
}
