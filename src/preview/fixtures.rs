//! Made-up but believable data for every screen, so a designer sees each state at once.
use crate::api::*;
use crate::sale_state::SaleState;

/// The instant every fixture is seen at: a whole store second, 14:00:00 UTC on a fixed day.
pub const NOW: u64 = 1_795_442_400_000;
const MINUTE: u64 = 60_000;
/// The preview sale's draw seed, revealed in the ended fixtures, and its SHA-256: the pair
/// must agree, or the preview's Verify would report a tampered draw.
const SEED: &str = "4f1c2a9e0b7d3c5a8e6f1d2c3b4a59687766554433221100ffeeddccbbaa9988";
const FINGERPRINT: &str = "e049e42c7eeb2ca2b55551edeae0bb5123c8753272231fa3d617d8c059ac714f";
/// The report's story: 912 in the waiting room, 250 sold, 38 holds ran out and their units
/// went to the next in line, so 288 shoppers were admitted, all at their turn.
const CHECKED_IN: u32 = 912;
const ADMITTED: usize = 250 + 38;

fn detail(phase: Phase) -> SaleDetail {
    let (opens, closes, starts) = match phase {
        Phase::Announced => (NOW + 120 * MINUTE, NOW + 240 * MINUTE, NOW + 250 * MINUTE),
        Phase::RegistrationOpen => (NOW - MINUTE, NOW + 112_000, NOW + 172_000),
        Phase::RegistrationClosed => (NOW - 3 * MINUTE, NOW - 10_000, NOW + 47_000),
        Phase::Live => (NOW - 5 * MINUTE, NOW - 2 * MINUTE, NOW - 19_000),
        Phase::Ended => (NOW - 120 * MINUTE, NOW - 62 * MINUTE, NOW - 60 * MINUTE),
    };
    let revealed = phase == Phase::Ended;
    let variant = |index: u8,
                   id: &str,
                   [name, name_zh_cn]: [&str; 2],
                   colour: &str,
                   stock: u32,
                   available: u32,
                   price_cents: u32| VariantView {
        index,
        id: id.into(),
        name: name.into(),
        name_zh_cn: Some(name_zh_cn.into()),
        colour: colour.into(),
        price_cents,
        stock,
        available,
    };
    let selling = matches!(phase, Phase::Live);
    SaleDetail {
        summary: SaleSummary {
            id: "k7-first-drop".into(),
            product: "Kestrel K7".into(),
            tagline: "6.4″ OLED, 5,000 mAh, 50 MP. The first batch, for registered shoppers only."
                .into(),
            tagline_zh_cn: Some(
                "6.4 英寸 OLED，5000 mAh，5000 万像素。首批，仅限已登记的顾客。".into(),
            ),
            image: "/public/img/k7.svg".into(),
            from_price_cents: 199_900,
            currency: "CNY".into(),
            units: 250,
            registration_opens: opens,
            registration_closes: closes,
            starts_at: starts,
            ends_at: starts + 30 * MINUTE,
            phase,
            registrants: 3_128,
        },
        description: "The K7 is our everyday flagship.".into(),
        variants: vec![
            variant(
                0,
                "k7-8-256-graphite",
                ["8 GB + 256 GB · Graphite", "8 GB + 256 GB · 石墨黑"],
                "#2f343c",
                120,
                if selling { 31 } else { 120 },
                199_900,
            ),
            variant(
                1,
                "k7-8-256-glacier",
                ["8 GB + 256 GB · Glacier", "8 GB + 256 GB · 冰川蓝"],
                "#b9d3e6",
                80,
                if selling { 12 } else { 80 },
                199_900,
            ),
            variant(
                2,
                "k7-12-512-ember",
                ["12 GB + 512 GB · Ember", "12 GB + 512 GB · 余烬橙"],
                "#d8643c",
                50,
                if selling { 0 } else { 50 },
                259_900,
            ),
        ],
        per_account_limit: 1,
        admission_per_second: 25,
        hold_ms: 180_000,
        hold_extension_ms: Some(60_000),
        commitment: (phase != Phase::Announced && phase != Phase::RegistrationOpen)
            .then(|| FINGERPRINT.into()),
        seed: revealed.then(|| SEED.into()),
        counters: Counters {
            registrations: 3_128,
            arrivals: 2_904,
            available: if selling { 43 } else { 250 },
            held: 61,
            sold: 146,
            ..Counters::default()
        },
        pre_queue_tickets: (1..=912).collect(),
        news: Default::default(),
    }
}

/// The draw record the store publishes after the end, consistent with the seed and the report.
fn draw_record() -> DrawRecord {
    let seed = fair_draw::seed_from_hex(SEED).expect("64 hex digits");
    let checked_in: Vec<u32> = (1..=CHECKED_IN).collect();
    let admitted = fair_draw::shuffle_tickets(&seed, &checked_in)[..ADMITTED].to_vec();
    DrawRecord {
        sale_id: "k7-first-drop".into(),
        fingerprint: FINGERPRINT.into(),
        checked_in,
        admitted,
        waitlisted: vec![],
        turned_away: vec![],
        seed: Some(SEED.into()),
        operator_actions: vec![],
    }
}

fn me(status: ShopperStatus) -> Option<ShopperView> {
    Some(ShopperView {
        sale_id: "k7-first-drop".into(),
        status,
        registration_number: Some(3_127),
        ticket: Some(604),
        payment: None,
        order: None,
        poll_after_ms: None,
        news: Default::default(),
    })
}

fn hold(paying: bool) -> ShopperStatus {
    ShopperStatus::Holding {
        hold: Hold {
            variant: 0,
            deadline: NOW + 167_000,
            extended: false,
            paying,
        },
    }
}

fn report(sold_out_after: Option<u64>) -> SaleReport {
    SaleReport {
        sale_id: "k7-first-drop".into(),
        registrants: 3_128,
        arrivals: 2_904,
        pre_queue_len: 912,
        units: 250,
        sold: 250,
        sold_out_ms: sold_out_after,
        holds_expired: 38,
        reoffered: 38,
        orders: 250,
        commitment_hex: FINGERPRINT.into(),
        seed_hex: Some(SEED.into()),
        variants: vec![VariantReport {
            id: "k7-8-256-graphite".into(),
            stock: 120,
            sold: 120,
        }],
    }
}

/// The sale, the shopper, the report, the draw record and whether the checkout form is open,
/// for one state.
pub fn sale_fixture(
    state: SaleState,
) -> (
    SaleDetail,
    Option<ShopperView>,
    Option<SaleReport>,
    Option<DrawRecord>,
    bool,
) {
    let (detail, me, report, checkout_open) = screen(state);
    let draw = (detail.summary.phase == Phase::Ended).then(draw_record);
    (detail, me, report, draw, checkout_open)
}

/// A delivery address as the gallery's language writes one (a Chinese address in Chinese).
fn address() -> Address {
    use leptos::prelude::{use_context, GetUntracked};
    let market = use_context::<crate::shop::Shop>().map_or(Market::International, |shop| {
        shop.locale.get_untracked().market()
    });
    match market {
        Market::International => Address {
            name: "Ada Lovelace".into(),
            line1: "12 St James's Square".into(),
            city: "London".into(),
            postcode: "SW1Y 4JH".into(),
            ..Default::default()
        },
        Market::China => Address {
            name: "王小明".into(),
            province: "北京市".into(),
            city: "北京市".into(),
            district: "海淀区".into(),
            line1: "中关村大街 27 号".into(),
            market,
            ..Default::default()
        },
    }
}

fn screen(state: SaleState) -> (SaleDetail, Option<ShopperView>, Option<SaleReport>, bool) {
    use SaleState::*;
    let order = OrderView {
        number: "KS-100146".into(),
        sale_id: "k7-first-drop".into(),
        product: "Kestrel K7".into(),
        variant: "8 GB + 256 GB · Graphite".into(),
        price_cents: 199_900,
        currency: "CNY".into(),
        at_ms: NOW - 20_000,
        address: address(),
    };
    let not_registered = || {
        me(ShopperStatus::NotRegistered).map(|m| ShopperView {
            registration_number: None,
            ticket: None,
            ..m
        })
    };
    match state {
        Announced => (detail(Phase::Announced), None, None, false),
        RegistrationOpen => (
            detail(Phase::RegistrationOpen),
            not_registered(),
            None,
            false,
        ),
        Registered => (
            detail(Phase::RegistrationOpen),
            me(ShopperStatus::Registered { number: 3_127 }),
            None,
            false,
        ),
        RegistrationClosed => (detail(Phase::Live), not_registered(), None, false),
        PreQueue => (
            detail(Phase::RegistrationClosed),
            me(ShopperStatus::PreQueue {
                number: 3_127,
                ticket: 604,
                pre_queue_len: 912,
            }),
            None,
            false,
        ),
        LiveQueue => (
            detail(Phase::Live),
            me(ShopperStatus::Waiting {
                ticket: 604,
                place: 288 + 214,
                position: 214,
                ahead: 213,
                estimated_wait_ms: Some(8_520),
                odds: 0.93,
            }),
            None,
            false,
        ),
        Waitlist => {
            let mut d = detail(Phase::Live);
            d.counters.available = 0;
            d.variants.iter_mut().for_each(|v| v.available = 0);
            (
                d,
                me(ShopperStatus::Waitlisted {
                    ticket: 604,
                    position: 41,
                    ahead: 40,
                    held_elsewhere: 57,
                    odds: 0.34,
                }),
                None,
                false,
            )
        }
        YourTurn => (detail(Phase::Live), me(hold(false)), None, false),
        Checkout => (detail(Phase::Live), me(hold(false)), None, true),
        PaymentPending => {
            let mut view = me(hold(true)).expect("a shopper");
            view.payment = Some(PaymentView {
                state: PaymentState::Pending,
                method: PaymentMethod::CardSlow,
                message: "Waiting for your bank. Your unit stays held until it answers.".into(),
            });
            (detail(Phase::Live), Some(view), None, false)
        }
        OrderConfirmed => {
            let mut view = me(ShopperStatus::Ordered {
                order: Purchase {
                    number: 146,
                    variant: 0,
                    price_cents: 199_900,
                    at: NOW - 20_000,
                },
            })
            .expect("a shopper");
            view.order = Some(order);
            (detail(Phase::Live), Some(view), Some(report(None)), false)
        }
        SoldOut => (
            detail(Phase::Ended),
            me(ShopperStatus::SoldOut {
                ticket: 2_210,
                position: 1_840,
                stock: 250,
                sold_out_at: NOW - 60 * MINUTE + 86_000,
            }),
            Some(report(Some(86_000))),
            false,
        ),
        HoldExpired => (
            detail(Phase::Live),
            me(ShopperStatus::HoldExpired { ticket: 604 }),
            Some(report(None)),
            false,
        ),
        SaleEnded => (
            detail(Phase::Ended),
            me(ShopperStatus::NotRegistered),
            Some(report(Some(86_000))),
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/preview/sold-out` and `/preview/sale-ended` show Verify: their seed, fingerprint and
    /// record must agree with each other and with the sale and report on the same screen.
    #[test]
    fn the_ended_fixtures_publish_a_draw_that_verifies() {
        for state in [SaleState::SoldOut, SaleState::SaleEnded] {
            let (detail, _, report, draw, _) = sale_fixture(state);
            let (report, draw) = (report.expect("a report"), draw.expect("a draw record"));
            assert_eq!(
                fair_draw::sha256_hex(&fair_draw::seed_from_hex(SEED).unwrap()),
                FINGERPRINT
            );
            assert_eq!(detail.commitment.as_deref(), Some(FINGERPRINT));
            assert_eq!(report.commitment_hex, FINGERPRINT);
            assert_eq!(draw.seed, detail.seed);
            assert_eq!(draw.seed, report.seed_hex);
            assert_eq!(draw.checked_in.len() as u32, report.pre_queue_len);
            assert_eq!(
                fair_draw::verify(&draw, None).to_string(),
                "Verified: 288 admissions follow the draw."
            );
        }
    }
}
