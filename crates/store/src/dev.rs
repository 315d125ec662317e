//! The demo's controls (`/api/dev/*`): codes for many numbers, the settings, the clock and
//! the state the dev panel shows. A production store answers none of them.
use store_contract::demo::{
    ClockChange, CodesRequest, DemoSettings, DevSale, DevState, IssuedCode, MAX_CODES_AT_ONCE,
};
use store_contract::*;

use crate::answer::{body, json, Answer};
use crate::routes::Route;
use crate::store::Store;
use crate::views;
use sale_engine::Millis;

impl Store {
    /// Answers one of the `/api/dev/*` routes.
    pub(crate) fn dev_answer(
        &mut self,
        route: Route,
        request: &StoreRequest,
        now: Millis,
        real_now: f64,
    ) -> Answer {
        match route {
            Route::DevInbox => json(&self.saved.sign_in.inbox()),
            Route::DevCodes => json(&self.issue_codes(body(request)?, now)?),
            Route::DevState => json(&self.dev_state(now)),
            Route::DevNotices => json(&self.notices),
            Route::DevReset => {
                let settings = body::<Option<DemoSettings>>(request)?
                    .unwrap_or_else(|| self.saved.settings.clone());
                self.reset(settings, real_now)
                    .map_err(|e| ApiError::new(422, ErrorCode::BadSettings, e))?;
                json(&self.dev_state(self.now(real_now)))
            }
            Route::DevSettings => {
                let settings: DemoSettings = body(request)?;
                self.change_settings(settings, real_now)
                    .map_err(|e| ApiError::new(422, ErrorCode::BadSettings, e))?;
                json(&self.dev_state(self.now(real_now)))
            }
            Route::DevClock => {
                let change: ClockChange = body(request)?;
                if let Some(speed) = change.speed {
                    let speed = speed.clamp(1.0, 60.0);
                    self.saved.clock.set_speed(real_now, speed);
                    self.saved.settings.speed = speed;
                }
                if let Some(to) = change.jump_to_ms {
                    self.saved.clock.jump_to(real_now, to as f64);
                }
                json(&self.dev_state(self.now(real_now)))
            }
            _ => unreachable!("only dev routes come here"),
        }
    }

    /// Sends a code to each number as `POST /api/auth/code` would, and answers with the codes
    /// (the demo's inbox keeps only the last few texts).
    fn issue_codes(
        &mut self,
        request: CodesRequest,
        now: Millis,
    ) -> Result<Vec<IssuedCode>, ApiError> {
        if request.phones.len() > MAX_CODES_AT_ONCE {
            return Err(ApiError::new(
                400,
                ErrorCode::BadRequest,
                format!(
                    "{} numbers are more than one call takes: send at most {MAX_CODES_AT_ONCE}.",
                    request.phones.len()
                ),
            ));
        }
        let random = self.saved.random;
        Ok(request
            .phones
            .into_iter()
            .map(|phone| {
                let asked = CodeRequest {
                    phone: phone.clone(),
                    language: None,
                };
                match self.saved.sign_in.send_code(asked, now, &random) {
                    Ok(sent) => IssuedCode {
                        code: self.saved.sign_in.code_for(&sent.phone),
                        phone: sent.phone,
                        error: None,
                    },
                    Err(error) => IssuedCode {
                        phone,
                        code: None,
                        error: Some(error),
                    },
                }
            })
            .collect())
    }

    /// Every variant of every sale needs a unit: a stock below a sale's number of variants is
    /// refused with a sentence (the range a URL modifier accepts cannot know the catalog).
    pub(crate) fn check_stock(&self, settings: &DemoSettings) -> Result<(), String> {
        let Some(stock) = settings.stock else {
            return Ok(());
        };
        match self
            .catalog
            .sales
            .iter()
            .find(|s| (stock as usize) < s.variants.len())
        {
            Some(sale) => Err(format!(
                "stock={stock} is too few: {} has {} variants, and each needs at least one unit.",
                sale.product,
                sale.variants.len()
            )),
            None => Ok(()),
        }
    }

    fn change_settings(&mut self, settings: DemoSettings, real_now: f64) -> Result<(), String> {
        settings.validate()?;
        self.check_stock(&settings)?;
        let old = self.saved.settings.clone();
        if settings.seed != old.seed {
            return Err(
                "The seed is chosen when the demo starts: reset the demo to change it.".into(),
            );
        }
        // Turning the store clock back would rewrite the sales' past, which the store never does;
        // saying so beats saving a skew the clock does not have.
        if settings.skew_ms < old.skew_ms {
            return Err(format!(
                "The store clock only moves forward, so its skew can only grow from {} ms; reset the demo to start with a smaller one.",
                old.skew_ms
            ));
        }
        if settings.speed != old.speed {
            self.saved.clock.set_speed(real_now, settings.speed);
        }
        if settings.skew_ms != old.skew_ms {
            let now = self.saved.clock.now(real_now);
            self.saved
                .clock
                .jump_to(real_now, now + (settings.skew_ms - old.skew_ms) as f64);
        }
        self.saved.settings = settings;
        if (
            self.saved.settings.crowd,
            self.saved.settings.stock,
            self.saved.settings.hold_s,
        ) != (old.crowd, old.stock, old.hold_s)
        {
            if let Err(problem) = self
                .build_worlds()
                .and_then(|()| self.replays_cleanly(real_now))
            {
                self.saved.settings = old;
                self.build_worlds()
                    .expect("the previous settings still build");
                return Err(problem);
            }
        }
        Ok(())
    }

    /// Replays every sale's log up to now and answers whether each logged action took effect
    /// again: a settings change must not silently undo holds and checkouts whose orders stay.
    fn replays_cleanly(&mut self, real_now: f64) -> Result<(), String> {
        let now = self.now(real_now);
        let mut undone = 0;
        for world in &mut self.worlds {
            world.catch_up(now, &mut || false);
            undone += world.replay_failures();
        }
        match undone {
            0 => Ok(()),
            n => Err(format!(
                "These settings would undo {n} thing{} shoppers already did (a registration, a place in line, a hold or a checkout); reset the demo to start with them.",
                if n == 1 { "" } else { "s" }
            )),
        }
    }

    fn dev_state(&self, now: Millis) -> DevState {
        DevState {
            store_now_ms: now,
            settings: self.saved.settings.clone(),
            replayable: self.saved.settings.seed.is_some(),
            opened_in_ms: self.opened_in_ms,
            sales: self
                .worlds
                .iter()
                .map(|w| DevSale {
                    id: w.id().to_string(),
                    phase: views::phase(w.sale.phase(now)),
                    registration_closes: w.sale.config().registration_closes,
                    starts_at: w.sale.config().starts_at,
                    counters: views::counters(w.sale.counters()),
                    engine_bytes: w.memory_bytes(),
                })
                .collect(),
        }
    }
}
