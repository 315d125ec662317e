//! The operator's screens for the gallery: an empty console, a form with problems, a live
//! sale, a paused line and an ended sale, from made-up but believable figures.
use leptos::prelude::*;

use super::fixtures::NOW;
use crate::api::operator::{
    Drop, DropVariant, LiveSale, LiveVariant, NodeFigures, Note, OperatorAction, SaleNews, Stopped,
};
use crate::api::{Counters, Phase};
use crate::operator::{
    add_console_style, words_in, Console, DropForm, DropTable, FormMode, LiveFigures, Sample,
    Steering,
};
use crate::shop::use_shop;

const MINUTE: u64 = 60_000;

/// The operator's screens, in the gallery's order.
pub const SCREENS: [&str; 5] = [
    "operator-empty",
    "operator-form-problems",
    "operator-live",
    "operator-paused",
    "operator-ended",
];

/// A screen's title in the console's words; `None` for a name that is not one of these.
pub fn title(name: &str) -> Option<String> {
    let w = words_in(use_shop().locale.get_untracked());
    let what = match name {
        "operator-empty" => w.no_drops,
        "operator-form-problems" => w.form_new,
        "operator-live" => w.live,
        "operator-paused" => w.paused,
        "operator-ended" => w.ended,
        _ => return None,
    };
    Some(format!("{} · {what}", w.console))
}

/// One of the operator's screens from its fixture; `None` for a name that is not one.
pub fn render(name: &str) -> Option<AnyView> {
    let title = title(name)?;
    let shop = use_shop();
    // The gallery's console sends nothing: its buttons change no store.
    provide_context(Console::new(shop, Some("preview".into()), true));
    add_console_style();
    let screen = match name {
        "operator-empty" => view! { <DropTable rows=vec![] changed=RwSignal::new(0)/> }.into_any(),
        "operator-form-problems" => view! {
            <DropForm mode=FormMode::New start=drop_with_problems() original=None row=None show_all=true/>
        }
        .into_any(),
        "operator-live" => live_screen(live_sale(Phase::Live, SaleNews::default())),
        "operator-paused" => live_screen(live_sale(Phase::Live, paused())),
        _ => live_screen(live_sale(Phase::Ended, ended())),
    };
    Some(
        view! {
            <section class="operator-preview" data-state=name.to_owned()>
                <h2>{title}</h2>
                {screen}
            </section>
        }
        .into_any(),
    )
}

fn live_screen(live: LiveSale) -> AnyView {
    let samples = samples(&live);
    let id = live.id.clone();
    let steered = RwSignal::new(Some(live.clone()));
    view! {
        <LiveFigures live=Signal::stored(live) samples=Signal::stored(samples)/>
        <Steering id live=steered/>
    }
    .into_any()
}

/// A drop as an operator might have half typed it.
fn drop_with_problems() -> Drop {
    Drop {
        id: "K8 drop".into(),
        product: "Kestrel K8".into(),
        tagline: "The K8, first batch.".into(),
        description: "Our next flagship.".into(),
        description_zh_cn: "我们的下一代旗舰。".into(),
        image: "/public/img/k7.svg".into(),
        currency: "yuan".into(),
        variants: vec![DropVariant {
            id: "k8-black".into(),
            name: "Black".into(),
            name_zh_cn: String::new(),
            colour: "black".into(),
            stock: 0,
            price_cents: 299_900,
        }],
        registration_opens: NOW + 120 * MINUTE,
        registration_closes: NOW + 60 * MINUTE,
        starts_at: NOW + 180 * MINUTE,
        ends_at: NOW + 170 * MINUTE,
        hold_seconds: 5,
        hold_extension_seconds: Some(60),
        per_account_limit: 1,
        admission_per_second: 50,
        ..Drop::default()
    }
}

fn note(en: &str, zh_cn: &str) -> Note {
    Note {
        en: en.into(),
        zh_cn: zh_cn.into(),
    }
}

fn paused() -> SaleNews {
    SaleNews {
        paused_since: Some(NOW - 47_000),
        announcement: Some(note(
            "A payment provider is slow: the line waits a minute, and everyone keeps their place.",
            "支付服务较慢：排队暂停一分钟，每个人的位置保持不变。",
        )),
        ..SaleNews::default()
    }
}

fn ended() -> SaleNews {
    SaleNews {
        stopped: Some(Stopped {
            at: NOW - 2 * MINUTE,
            before_start: false,
            note: note(
                "The last units were found damaged in the warehouse.",
                "最后一批货在仓库中发现损坏。",
            ),
        }),
        ..SaleNews::default()
    }
}

fn live_sale(phase: Phase, news: SaleNews) -> LiveSale {
    let variant = |id: &str, name: &str, stock, sold, held| LiveVariant {
        id: id.into(),
        name: name.into(),
        stock,
        held,
        sold,
        available: stock - sold - held,
    };
    let ended = phase == Phase::Ended;
    let action = |minutes_ago: u64, action: &str, detail: Option<&str>| OperatorAction {
        at: NOW - minutes_ago * MINUTE,
        action: action.into(),
        detail: detail.map(Into::into),
    };
    let mut actions = vec![
        action(9, "rate", Some("20 → 5")),
        action(6, "stock", Some("k7-8-256-glacier 60 → 80")),
    ];
    if news.paused_since.is_some() {
        actions.push(action(1, "pause", None));
        actions.push(action(1, "announce", None));
    }
    if ended {
        actions.push(action(2, "end", None));
    }
    LiveSale {
        id: "k7-first-drop".into(),
        now: NOW,
        phase,
        counters: Counters {
            registrations: 3_128,
            arrivals: 2_950,
            in_line: if ended { 0 } else { 612 },
            available: 43,
            held: if ended { 0 } else { 18 },
            paying: if ended { 0 } else { 6 },
            sold: 189,
            holds_expired: 12,
            reoffered: 12,
            orders: 189,
        },
        checked_in: 912,
        admitted: 250,
        turned_away: 0,
        refusals: 41,
        variants: vec![
            variant("k7-8-256-graphite", "8 GB + 256 GB · Graphite", 120, 101, 9),
            variant("k7-8-256-glacier", "8 GB + 256 GB · Glacier", 80, 62, 6),
            variant("k7-12-512-graphite", "12 GB + 512 GB · Graphite", 50, 26, 3),
        ],
        admission_per_second: 5,
        projected_sell_out: (!ended).then_some(NOW + 4 * MINUTE),
        news,
        actions,
        nodes: ["node-a", "node-b", "node-c"]
            .iter()
            .enumerate()
            .map(|(i, name)| NodeFigures {
                name: (*name).into(),
                applied: 48_211 - i as u64 * 3,
                lag_ms: i as u64 * 4,
                p99_ms: 7.5 + i as f64 * 1.5,
            })
            .collect(),
    }
}

/// Ten minutes of samples ending at the fixture's figures: a line that drains steadily, with
/// admissions and sales in bursts as holds end.
fn samples(live: &LiveSale) -> Vec<Sample> {
    let last = Sample::of(live);
    (0..600u32)
        .map(|back| {
            let ago = 600 - back;
            let wave = (back * 7 % 11) / 5;
            Sample {
                at: NOW - u64::from(ago) * 1_000,
                admitted: last.admitted.saturating_sub(ago * 2 / 5 + wave),
                sold: last.sold.saturating_sub(ago * 3 / 10 + wave),
                in_line: last.in_line + ago * 2 / 3,
            }
        })
        .chain(std::iter::once(last))
        .collect()
}
