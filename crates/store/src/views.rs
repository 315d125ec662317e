//! What the store answers with: the engine's state translated into the contract's words. The
//! contract is the app's; the engine's types stay inside the store.
use sale_engine as engine;
use store_contract as contract;
use store_contract::{
    ApiError, Counters, Hold, Phase, SaleDetail, SaleReport, SaleSummary, ShopperStatus,
    VariantView,
};

use crate::catalog::CatalogSale;
use crate::world::SaleWorld;
use sale_engine::{Millis, SaleConfig};

pub fn phase(phase: engine::Phase) -> Phase {
    match phase {
        engine::Phase::Announced => Phase::Announced,
        engine::Phase::RegistrationOpen => Phase::RegistrationOpen,
        engine::Phase::RegistrationClosed => Phase::RegistrationClosed,
        engine::Phase::Live => Phase::Live,
        engine::Phase::Ended => Phase::Ended,
    }
}

pub fn preference(preference: contract::Preference) -> engine::Preference {
    engine::Preference {
        variant: preference.variant,
        accept_other_variant: preference.accept_other_variant,
    }
}

fn hold(hold: engine::Hold) -> Hold {
    Hold {
        variant: hold.variant,
        deadline: hold.deadline,
        extended: hold.extended,
        paying: hold.paying,
    }
}

/// The soonest a shopper is asked to poll again (ms): someone about to be admitted, holding a
/// unit or paying.
pub const POLL_SOON_MS: u64 = 1_000;
/// The longest a shopper waits between polls: news of the line (a place moving, stock gone)
/// reaches the back of a long line within this.
pub const POLL_SELDOM_MS: u64 = 30_000;

/// When a shopper should ask again (ms of store time), from where they stand once the sale
/// is live. Places move by admissions, so a shopper polls about four times in the wait the
/// store estimates for them: the line's front and anyone holding or paying ask every second,
/// a shopper a million places back every 30 s instead of every second, and a shopper whose
/// part is over every 30 s. Before the start nothing moves but the clock, which the page keeps
/// itself: a shopper asks about four times in what is left until the schedule's next moment
/// (registration opening or closing, the start), at most every 30 s, and never later than that
/// moment, so the close of registration, the check-in and the start show at once.
pub fn poll_after(status: &ShopperStatus, paying: bool, now: Millis, schedule: &SaleConfig) -> u64 {
    if paying {
        return POLL_SOON_MS;
    }
    if now < schedule.starts_at {
        let next = [schedule.registration_opens, schedule.registration_closes]
            .into_iter()
            .filter(|moment| *moment > now)
            .fold(schedule.starts_at, Millis::min);
        let until = next - now;
        let key = match status {
            ShopperStatus::Registered { number } => *number,
            ShopperStatus::PreQueue { ticket, .. } => *ticket,
            _ => 0,
        };
        return spread((until / 4).clamp(POLL_SOON_MS, POLL_SELDOM_MS), key).min(until);
    }
    match status {
        ShopperStatus::Waiting {
            ticket,
            position,
            estimated_wait_ms,
            ..
        } => {
            // Without an estimate (more ahead than units left, or the line paused), a place
            // is taken as a millisecond of wait: the rate of a sale admitting a thousand
            // shoppers a second.
            let wait = estimated_wait_ms.unwrap_or(u64::from(*position));
            spread((wait / 4).clamp(POLL_SOON_MS, POLL_SELDOM_MS), *ticket)
        }
        // Units come back from holds that expire at any moment: the front of the waitlist
        // must hear at once, the rest as a waiting line would.
        ShopperStatus::Waitlisted {
            ticket, position, ..
        } => spread(
            (u64::from(*position) * 10).clamp(POLL_SOON_MS, POLL_SELDOM_MS),
            *ticket,
        ),
        ShopperStatus::Registered { .. }
        | ShopperStatus::PreQueue { .. }
        | ShopperStatus::Holding { .. } => POLL_SOON_MS,
        ShopperStatus::HoldExpired { ticket } | ShopperStatus::SoldOut { ticket, .. } => {
            spread(POLL_SELDOM_MS, *ticket)
        }
        ShopperStatus::NotRegistered | ShopperStatus::Ordered { .. } | ShopperStatus::Missed => {
            POLL_SELDOM_MS
        }
    }
}

/// `ms` moved by up to a quarter either way, by ticket: a crowd that got its answers in the
/// same second does not come back in the same second. The line's front keeps its second.
fn spread(ms: u64, ticket: u32) -> u64 {
    if ms <= POLL_SOON_MS {
        return ms;
    }
    let quarter = ms / 4;
    let offset = u64::from(ticket).wrapping_mul(0x9E37_79B9) % (2 * quarter + 1);
    (ms - quarter + offset).max(POLL_SOON_MS)
}

pub fn status(status: engine::ShopperStatus) -> ShopperStatus {
    use engine::ShopperStatus as S;
    match status {
        S::NotRegistered => ShopperStatus::NotRegistered,
        S::Registered { number } => ShopperStatus::Registered { number },
        S::PreQueue {
            number,
            ticket,
            pre_queue_len,
        } => ShopperStatus::PreQueue {
            number,
            ticket,
            pre_queue_len,
        },
        S::Waiting {
            ticket,
            place,
            position,
            ahead,
            estimated_wait_ms,
            odds,
        } => ShopperStatus::Waiting {
            ticket,
            place,
            position,
            ahead,
            estimated_wait_ms,
            odds,
        },
        S::Waitlisted {
            ticket,
            position,
            ahead,
            held_elsewhere,
            odds,
        } => ShopperStatus::Waitlisted {
            ticket,
            position,
            ahead,
            held_elsewhere,
            odds,
        },
        S::Holding { hold: h } => ShopperStatus::Holding { hold: hold(h) },
        S::Ordered { order } => ShopperStatus::Ordered {
            order: contract::Purchase {
                number: order.number,
                variant: order.variant,
                price_cents: order.price_cents,
                at: order.at,
            },
        },
        S::HoldExpired { ticket } => ShopperStatus::HoldExpired { ticket },
        S::SoldOut {
            ticket,
            position,
            stock,
            sold_out_at,
        } => ShopperStatus::SoldOut {
            ticket,
            position,
            stock,
            sold_out_at,
        },
        S::Missed => ShopperStatus::Missed,
    }
}

pub fn counters(c: engine::Counters) -> Counters {
    Counters {
        registrations: c.registrations,
        arrivals: c.arrivals,
        in_line: c.in_line,
        available: c.available,
        held: c.held,
        paying: c.paying,
        sold: c.sold,
        holds_expired: c.holds_expired,
        reoffered: c.reoffered,
        orders: c.orders,
    }
}

pub fn report(r: engine::SaleReport) -> SaleReport {
    SaleReport {
        sale_id: r.sale_id,
        registrants: r.registrants,
        arrivals: r.arrivals,
        pre_queue_len: r.pre_queue_len,
        units: r.units,
        sold: r.sold,
        sold_out_ms: r.sold_out_ms,
        holds_expired: r.holds_expired,
        reoffered: r.reoffered,
        orders: r.orders,
        commitment_hex: r.commitment_hex,
        seed_hex: r.seed_hex,
        variants: r
            .variants
            .into_iter()
            .map(|v| contract::VariantReport {
                id: v.id,
                stock: v.stock,
                sold: v.sold,
            })
            .collect(),
    }
}

/// The engine's refusal as the contract's error: a stable code and the engine's sentence.
pub fn refusal(error: engine::SaleError) -> ApiError {
    use engine::SaleError::*;
    let status = match error {
        NotRegistered | NoHold | NotInQueue | NoPaymentInFlight => 404,
        IdempotencyKeyReused => 422,
        _ => 409,
    };
    ApiError::new(status, error.code(), error.to_string())
}

pub fn summary(item: &CatalogSale, world: &SaleWorld, now: Millis) -> SaleSummary {
    let (sale, config) = (&world.sale, world.sale.config());
    SaleSummary {
        id: item.id.clone(),
        product: item.product.clone(),
        tagline: item.tagline.clone(),
        tagline_zh_cn: item.tagline_zh_cn.clone(),
        image: item.image.clone(),
        from_price_cents: config
            .variants
            .iter()
            .map(|v| v.price_cents)
            .min()
            .unwrap_or(0),
        currency: item.currency.clone(),
        units: config.variants.iter().map(|v| v.stock).sum(),
        registration_opens: config.registration_opens,
        registration_closes: config.registration_closes,
        starts_at: config.starts_at,
        ends_at: config.ends_at,
        phase: phase(sale.phase(now)),
        registrants: sale.counters().registrations,
    }
}

pub fn detail(item: &CatalogSale, world: &SaleWorld, now: Millis) -> SaleDetail {
    let (sale, config) = (&world.sale, world.sale.config());
    SaleDetail {
        summary: summary(item, world, now),
        description: item.description.clone(),
        variants: config
            .variants
            .iter()
            .zip(&item.variants)
            .enumerate()
            .map(|(i, (v, c))| VariantView {
                index: i as u8,
                id: v.id.clone(),
                name: v.name.clone(),
                name_zh_cn: c.name_zh_cn.clone(),
                colour: c.colour.clone(),
                price_cents: v.price_cents,
                stock: v.stock,
                available: sale.available(i as u8),
            })
            .collect(),
        per_account_limit: config.per_account_limit,
        admission_per_second: config.admission_per_second,
        hold_ms: config.hold_ms,
        hold_extension_ms: config.hold_extension_ms,
        commitment: (now >= config.registration_closes).then(|| sale.commitment_hex()),
        seed: sale.revealed_seed_hex(now),
        counters: counters(sale.counters()),
        pre_queue_tickets: if now >= config.starts_at {
            sale.pre_queue_tickets()
        } else {
            vec![]
        },
        news: Default::default(),
    }
}

#[cfg(test)]
mod poll_tests {
    use super::*;

    fn waiting(position: u32, estimated_wait_ms: Option<u64>) -> ShopperStatus {
        ShopperStatus::Waiting {
            ticket: 1,
            place: position,
            position,
            ahead: position - 1,
            estimated_wait_ms,
            odds: 0.5,
        }
    }

    #[test]
    fn the_back_of_a_long_line_asks_seldom_and_its_front_every_second() {
        let live = |status: &ShopperStatus| poll_after(status, false, 400_000, &schedule());
        let about = |ms: u64| ms - ms / 4..=ms + ms / 4;
        let far_back = live(&waiting(400_000, Some(400_000_000)));
        assert!(about(POLL_SELDOM_MS).contains(&far_back), "{far_back}");
        assert_eq!(live(&waiting(2, Some(200))), POLL_SOON_MS);
        let middle = live(&waiting(40_000, Some(40_000)));
        assert!(
            about(10_000).contains(&middle),
            "a quarter of the wait: {middle}"
        );
        let unknown = live(&waiting(400_000, None));
        assert!(
            about(POLL_SELDOM_MS).contains(&unknown),
            "no estimate yet: {unknown}"
        );
        let done = ShopperStatus::Missed;
        assert_eq!(live(&done), POLL_SELDOM_MS);
    }

    #[test]
    fn a_crowd_answered_together_comes_back_spread_out() {
        let hints: std::collections::BTreeSet<u64> = (0..1_000)
            .map(|ticket| spread(POLL_SELDOM_MS, ticket))
            .collect();
        assert!(hints.len() > 900, "{} distinct of 1,000", hints.len());
        let (first, last) = (hints.first().unwrap(), hints.last().unwrap());
        assert!(*first < 23_000 && *last > 37_000, "{first}..{last}");
    }

    /// Registration opens at 0, closes at 200 s, the sale starts at 300 s.
    fn schedule() -> SaleConfig {
        SaleConfig {
            id: "k7".into(),
            product: "K7".into(),
            variants: vec![engine::Variant {
                id: "graphite".into(),
                name: "Graphite".into(),
                stock: 10,
                price_cents: 29_900,
            }],
            registration_opens: 0,
            registration_closes: 200_000,
            starts_at: 300_000,
            ends_at: 900_000,
            per_account_limit: 1,
            admission_per_second: 100,
            hold_ms: 120_000,
            hold_extension_ms: None,
            seed: [7; 32],
        }
    }

    #[test]
    fn while_paying_everyone_asks_every_second() {
        let far_back = waiting(400_000, Some(400_000_000));
        assert_eq!(
            poll_after(&far_back, true, 400_000, &schedule()),
            POLL_SOON_MS
        );
    }

    #[test]
    fn before_the_start_a_shopper_asks_seldom_but_never_after_the_next_moment() {
        let registered = ShopperStatus::Registered { number: 7 };
        let checked_in = ShopperStatus::PreQueue {
            number: 7,
            ticket: 3,
            pre_queue_len: 10,
        };
        let before = |status: &ShopperStatus, now| poll_after(status, false, now, &schedule());
        let far = before(&registered, 10_000);
        assert!(
            (22_500..=37_500).contains(&far),
            "far from any moment: {far}"
        );
        assert!(
            before(&registered, 190_000) <= 10_000,
            "registration closes in 10 s"
        );
        assert_eq!(before(&registered, 199_500), 500, "closes in 500 ms");
        assert_eq!(before(&checked_in, 296_000), POLL_SOON_MS, "starts in 4 s");
        assert_eq!(before(&checked_in, 299_900), 100, "starts in 100 ms");
    }
}
