//! A sale as its operator watches and steers it: the live figures, pause, resume, rate, end
//! and announcement, the news every shopper of the sale sees, and the orders as CSV.
use store_contract::operator::{LiveSale, LiveVariant, SaleNews, Steer, Stopped};
use store_contract::*;

use crate::answer::{json, Answer};
use crate::store::Store;
use crate::views;
use crate::world::Operation;
use sale_engine::{Millis, Steering};

/// Sales over this much store time set the rate a sell-out is projected from.
const RECENT_MS: Millis = 60_000;

fn steer_refused(message: impl Into<String>) -> ApiError {
    ApiError::new(409, ErrorCode::SteerRefused, message)
}

/// One sale's live figures, as the operator's console shows them, without the moment they
/// were read (so two reads of an unchanged sale are equal): for `/metrics`.
#[derive(Clone, Debug, PartialEq)]
pub struct SaleFigures {
    pub id: String,
    pub phase: Phase,
    pub counters: Counters,
    pub checked_in: u32,
    pub admitted: u32,
    pub turned_away: u32,
    pub refusals: u32,
    pub admission_per_second: u32,
    pub paused: bool,
    pub variants: Vec<LiveVariant>,
}

impl Store {
    /// Every sale's live figures as of `now`, for an operator's charts (`/metrics`).
    pub fn figures(&self, now: Millis) -> Vec<SaleFigures> {
        (0..self.worlds.len())
            .map(|w| {
                let live = self.live(w, now);
                SaleFigures {
                    id: live.id,
                    phase: live.phase,
                    counters: live.counters,
                    checked_in: live.checked_in,
                    admitted: live.admitted,
                    turned_away: live.turned_away,
                    refusals: live.refusals,
                    admission_per_second: live.admission_per_second,
                    paused: live.news.paused_since.is_some(),
                    variants: live.variants,
                }
            })
            .collect()
    }

    /// What every shopper of sale `w` is told: the operator's news and the engine's pause.
    pub(crate) fn news_of(&self, w: usize) -> SaleNews {
        let world = &self.worlds[w];
        let mut news = self
            .saved
            .operator
            .news
            .get(world.id())
            .cloned()
            .unwrap_or_default();
        news.paused_since = world
            .sale
            .paused_since()
            .filter(|_| world.sale.ended_early_at().is_none() && news.stopped.is_none());
        news
    }

    pub(crate) fn live(&self, w: usize, now: Millis) -> LiveSale {
        let sale = &self.worlds[w].sale;
        let config = sale.config();
        let (turns, turned_away) = sale.turns();
        let counters = sale.counters();
        let recent = sale
            .orders()
            .iter()
            .rev()
            .take_while(|o| o.at + RECENT_MS > now)
            .count() as u64;
        let left = u64::from(counters.available + counters.held - counters.paying);
        let projected_sell_out = (recent > 0 && left > 0)
            .then(|| now + left * RECENT_MS / recent)
            .filter(|&at| at < config.ends_at && sale.phase(now) == sale_engine::Phase::Live);
        LiveSale {
            id: config.id.clone(),
            now,
            phase: views::phase(sale.phase(now)),
            counters: views::counters(counters),
            checked_in: sale.pre_queue_len(),
            admitted: turns,
            turned_away,
            refusals: self
                .saved
                .operator
                .refusals
                .get(&config.id)
                .copied()
                .unwrap_or(0),
            variants: config
                .variants
                .iter()
                .enumerate()
                .map(|(i, v)| LiveVariant {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    stock: v.stock,
                    held: sale.held(i as u8),
                    sold: sale.sold(i as u8),
                    available: sale.available(i as u8),
                })
                .collect(),
            admission_per_second: sale.admission_per_second(),
            projected_sell_out,
            news: self.news_of(w),
            actions: sale.operator_actions().to_vec(),
            nodes: Vec::new(),
        }
    }

    pub(crate) fn steer(&mut self, w: usize, steer: Steer, now: Millis) -> Answer {
        let id = self.worlds[w].id().to_string();
        if now < self.worlds[w].sale.config().registration_opens {
            return Err(steer_refused(
                "The drop is not public yet: change it instead of steering it.",
            ));
        }
        let operation = match &steer {
            Steer::Pause => Operation::Steer(Steering::Pause),
            Steer::Resume => Operation::Steer(Steering::Resume),
            Steer::Rate { per_second } => {
                let range = 1..=store_contract::drop_rules::MAX_ADMISSION_PER_SECOND;
                if !range.contains(per_second) {
                    return Err(steer_refused(format!(
                        "Admit between 1 and {} shoppers a second.",
                        range.end()
                    )));
                }
                Operation::Steer(Steering::Rate(*per_second))
            }
            Steer::End { .. } => Operation::Steer(Steering::End),
            Steer::Announce { note } => Operation::Record {
                action: "announce".into(),
                detail: Some(if note.is_empty() {
                    "taken down".into()
                } else {
                    note.en.clone()
                }),
            },
        };
        if matches!(steer, Steer::Announce { .. })
            && self.worlds[w].sale.phase(now) == sale_engine::Phase::Ended
        {
            return Err(steer_refused("The sale has ended."));
        }
        let logged = self.worlds[w]
            .operate(operation, now)
            .map_err(|e| steer_refused(e.to_string()))?;
        self.saved.log.push(logged);
        let news = self.saved.operator.news.entry(id).or_default();
        match steer {
            Steer::End { note } => {
                news.stopped = Some(Stopped {
                    at: now,
                    before_start: false,
                    note,
                })
            }
            Steer::Announce { note } => {
                news.announcement = (!note.is_empty()).then_some(note);
            }
            _ => {}
        }
        json(&self.live(w, now))
    }

    /// The sale's orders as CSV (RFC 4180), oldest first.
    pub(crate) fn orders_csv(&self, w: usize) -> String {
        let id = self.worlds[w].id();
        let mut csv = String::from(
            "number,variant,price,currency,time,name,address,district,city,province,postcode,market\r\n",
        );
        for order in self.saved.payments.orders_in(id) {
            let a = &order.address;
            let price = format!("{}.{:02}", order.price_cents / 100, order.price_cents % 100);
            let market = match a.market {
                Market::China => "CN",
                Market::International => "international",
            };
            let fields = [
                order.number.as_str(),
                &order.variant,
                &price,
                &order.currency,
                &iso_time(order.at_ms),
                &a.name,
                &a.line1,
                &a.district,
                &a.city,
                &a.province,
                &a.postcode,
                market,
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            csv.push_str(&row.join(","));
            csv.push_str("\r\n");
        }
        csv
    }
}

/// A CSV field as RFC 4180 has it: quoted when it holds a comma, a quote or a line break,
/// with quotes doubled. A field a spreadsheet would read as a formula (`=`, `+`, `-`, `@`)
/// gets a leading apostrophe, so an address cannot run code in the operator's spreadsheet.
pub fn csv_field(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Store time as ISO 8601 in UTC with milliseconds: `2026-12-05T10:02:13.250Z`.
pub fn iso_time(ms: Millis) -> String {
    let (days, rest) = (ms / 86_400_000, ms % 86_400_000);
    // Howard Hinnant's days-to-civil, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1_000 % 60,
        rest % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_796_464_933_250), "2026-12-05T10:02:13.250Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }
}
