//! How it ended for the shopper, and for the sale: with the numbers and the proof of the draw.
use leptos::prelude::*;

use crate::api::{DrawRecord, ShopperStatus};
use crate::components::Stat;
use crate::format;
use crate::i18n::{fill, Words};
use crate::sale_state::SaleState;
use fair_draw::Verdict;

use super::before::NextDrop;
use super::data::SaleData;
use super::screen::StateSection;

pub fn order_confirmed(data: SaleData) -> AnyView {
    let order = move || data.me.get().and_then(|m| m.order);
    let variant = move |english: &str| {
        let language = data.locale().tag();
        data.detail.with(|d| match d {
            Some(d) => d.variant_name_in(english, language).to_string(),
            None => english.to_string(),
        })
    };
    view! {
        <StateSection data state=SaleState::OrderConfirmed title=|t| t.order_confirmed>
            {move || order().map(|o| view! {
                <p class="big-figure">{data.t().order_word} <strong data-testid="order-number">{o.number.clone()}</strong></p>
                <p>{fill(data.t().ships_to, &[&format!("{} · {} · {}", o.product, variant(&o.variant), format::money(o.price_cents, &o.currency, data.locale())), &format::destination(&o.address)])}</p>
                <p><a href=format!("/orders/{}", o.number)>{data.t().see_the_order}</a> " · " <a href="/account">{data.t().all_my_orders}</a></p>
            })}
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn sold_out(data: SaleData) -> AnyView {
    view! {
        <StateSection data state=SaleState::SoldOut title=|t| t.sold_out>
            {move || match data.status() {
                Some(ShopperStatus::SoldOut { position, stock, sold_out_at, .. }) => {
                    let after = data.detail.get().map(|d| sold_out_at.saturating_sub(d.summary.starts_at)).unwrap_or_default();
                    let (t, locale) = (data.t(), data.locale());
                    view! {
                        <p>{fill(t.sold_out_explained, &[&format::count(stock as u64, locale), &format::duration(after, t)])}</p>
                        <dl class="facts">
                            <Stat label=|t| t.where_you_stood value=format::count(position as u64, locale) testid="queue-position"/>
                            <Stat label=|t| t.units_in_the_batch value=format::count(stock as u64, locale)/>
                            <Stat label=|t| t.sold_out_after value=format::duration(after, t)/>
                        </dl>
                        <p>{t.sold_out_sorry}</p>
                        <NextDrop data/>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <Report data/>
        </StateSection>
    }.into_any()
}

pub fn hold_expired(data: SaleData) -> AnyView {
    view! {
        <StateSection data state=SaleState::HoldExpired title=|t| t.hold_ran_out_title>
            <p>{data.t().hold_ran_out}</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }
    .into_any()
}

pub fn sale_ended(data: SaleData) -> AnyView {
    view! {
        <StateSection data state=SaleState::SaleEnded title=|t| t.sale_ended_title>
            <p>{move || match data.status() {
                Some(ShopperStatus::Missed) => data.t().missed_the_queue,
                Some(ShopperStatus::NotRegistered) | None => data.t().did_not_take_part,
                _ => data.t().sale_is_over,
            }}</p>
            <NextDrop data/>
            <Report data/>
        </StateSection>
    }
    .into_any()
}

/// The post-sale report and the check anyone can run: the store's published draw record, to
/// download and to verify here against its own fingerprint and seed, the fingerprint this page
/// showed before the start and the place it showed the shopper in line.
#[component]
fn Report(data: SaleData) -> impl IntoView {
    let verdict = RwSignal::new(None::<String>);
    let verify = move || {
        let Some(record) = data.draw.get_untracked() else {
            return;
        };
        let locale = data.locale();
        verdict.set(Some(check_draw(
            &record,
            data.fingerprint_shown().as_deref(),
            data.place_shown(),
            locale.words(),
            &|n| format::count(n, locale),
        )));
    };
    let download = move || {
        data.draw.with(|d| {
            d.as_ref().map(|record| {
                let json = crate::json::to_string(record);
                (
                    format!(
                        "data:application/json;charset=utf-8,{}",
                        js_sys::encode_uri_component(&json)
                    ),
                    format!("draw-{}.json", record.sale_id),
                )
            })
        })
    };
    view! {
        {move || data.report.get().map(|r| { let (t, locale) = (data.t(), data.locale()); view! {
            <section class="report" aria-label=t.sale_report>
                <h3>{if r.seed_hex.is_some() { t.sale_in_numbers } else { t.sale_so_far }}</h3>
                <dl class="facts">
                    <Stat label=|t| t.registered value=format::count(r.registrants as u64, locale)/>
                    <Stat label=|t| t.came_to_buy value=format::count(r.arrivals as u64, locale)/>
                    <Stat label=|t| t.units value=format::count(r.units as u64, locale)/>
                    <Stat label=|t| t.sold value=format::count(r.sold as u64, locale)/>
                    <Stat label=|t| t.sold_out_after value=r.sold_out_ms.map_or_else(
                        || if r.seed_hex.is_some() { t.did_not_sell_out.into() } else { t.still_on_sale.into() },
                        |ms| format::duration(ms, t))/>
                    <Stat label=|t| t.holds_ran_out value=format::count(r.holds_expired as u64, locale)/>
                    <Stat label=|t| t.units_offered_again value=format::count(r.reoffered as u64, locale)/>
                    <Stat label=|t| t.in_waiting_room value=format::count(r.pre_queue_len as u64, locale)/>
                </dl>
                <p class="commitment">{t.fingerprint_published} <code>{r.commitment_hex.clone()}</code></p>
                {match r.seed_hex.clone() {
                    Some(seed) => view! {
                        <p class="commitment">{t.seed_revealed} <code data-testid="seed">{seed}</code></p>
                        {move || download().map(|(href, name)| view! {
                            <p>
                                <button class="button" data-testid="verify" on:click=move |_| verify()>{t.verify_draw}</button>
                                " "
                                <a class="button" data-testid="draw-download" href=href download=name>{t.download_draw}</a>
                            </p>
                            <p class="hint">{t.record_lists}<code>"scripts/verify-draw"</code>{t.checks_it_outside}<code>"docs/fair-draw.md"</code>{t.method_in}</p>
                        })}
                        <p class="verdict" role="status" data-testid="verdict">{move || verdict.get()}</p>
                    }.into_any(),
                    None => view! { <p class="hint">{t.seed_revealed_at_end}</p> }.into_any(),
                }}
            </section>
        }})}
    }
}

/// The verdict on the store's published draw `record`, in the shopper's language (`t`, with
/// `count` writing numbers the language's way): first, that its fingerprint is the one this
/// page showed before the start (if it showed one), then [`fair_draw::verify`] against the
/// record's seed and the `(ticket, place)` this page showed the shopper in line. A failure
/// names the first ticket (or fingerprint) that differs.
pub fn check_draw(
    record: &DrawRecord,
    fingerprint_shown: Option<&str>,
    place_shown: Option<(u32, u32)>,
    t: &Words,
    count: &dyn Fn(u64) -> String,
) -> String {
    if let Some(shown) = fingerprint_shown {
        if !shown.eq_ignore_ascii_case(&record.fingerprint) {
            return fill(t.draw_fingerprint_changed, &[shown, &record.fingerprint]);
        }
    }
    let verdict = fair_draw::verify(record, place_shown);
    let mut said = verdict_in(&verdict, t, count);
    if verdict.is_verified() && fingerprint_shown.is_some() {
        said.push_str(t.draw_fingerprint_as_shown);
    }
    said
}

/// [`Verdict`] as a sentence in the language of `t`, from its fields rather than the crate's
/// English `Display` (which `scripts/verify-draw` prints): the same facts in either language.
pub fn verdict_in(verdict: &Verdict, t: &Words, count: &dyn Fn(u64) -> String) -> String {
    use fair_draw::Failure::*;
    let n = |n: u32| n.to_string();
    let nth = |n: usize| count(n as u64);
    let ticket_or_none = |ticket: Option<u32>| {
        ticket.map_or_else(
            || t.draw_no_ticket.into(),
            |x| fill(t.draw_ticket, &[&n(x)]),
        )
    };
    let (sentence, facts) = match verdict {
        Verdict::Verified { admissions, shown } => {
            let text = match admissions {
                1 => t.draw_verified_one,
                _ => t.draw_verified,
            };
            let mut said = fill(text, &[&nth(*admissions)]);
            if let Some((ticket, place)) = shown {
                said.push_str(&fill(t.draw_place_as_shown, &[&n(*ticket), &n(*place)]));
            }
            return said;
        }
        Verdict::AwaitingSeed => (t.draw_awaiting_seed, vec![]),
        Verdict::Failed(failure) => match failure {
            BadFingerprint => (t.draw_bad_fingerprint, vec![]),
            CheckedInNotAscending { position } => {
                (t.draw_not_ascending, vec![position.to_string()])
            }
            AdmittedTwice { ticket } => (t.draw_admitted_twice, vec![n(*ticket)]),
            ListedTwice { ticket } => (t.draw_listed_twice, vec![n(*ticket)]),
            BadSeed => (t.draw_bad_seed, vec![]),
            SeedMismatch { hashed } => (t.draw_seed_mismatch, vec![hashed.clone()]),
            Mismatch {
                admission,
                expected,
                published,
            } => (
                t.draw_mismatch,
                vec![nth(*admission), ticket_or_none(*expected), n(*published)],
            ),
            NotInWaitingRoom { ticket } => (t.draw_not_in_room, vec![n(*ticket)]),
            AdmittedBeforeTurn { ticket, admission } => {
                (t.draw_before_turn, vec![n(*ticket), nth(*admission)])
            }
            TurnNotReached { ticket } => (t.draw_turn_not_reached, vec![n(*ticket)]),
            ShownPlace {
                ticket,
                place,
                drawn,
            } => (
                t.draw_shown_place,
                vec![n(*place), n(*ticket), ticket_or_none(*drawn)],
            ),
        },
    };
    let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
    fill(sentence, &facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    /// Numbers as the tests write them (the page uses `Intl`, which needs a browser).
    fn plain(n: u64) -> String {
        n.to_string()
    }

    fn check_draw(r: &DrawRecord, fingerprint: Option<&str>, place: Option<(u32, u32)>) -> String {
        super::check_draw(r, fingerprint, place, &EN, &plain)
    }

    fn record() -> DrawRecord {
        let seed = [3; 32];
        let checked_in = vec![1, 2, 3, 4, 5];
        let admitted = fair_draw::shuffle_tickets(&seed, &checked_in);
        DrawRecord {
            sale_id: "s".into(),
            fingerprint: fair_draw::sha256_hex(&seed),
            checked_in,
            admitted,
            waitlisted: vec![],
            turned_away: vec![],
            seed: Some(fair_draw::to_hex(&seed)),
            operator_actions: vec![],
        }
    }

    #[test]
    fn a_genuine_record_verifies_with_the_place_and_fingerprint_shown() {
        let r = record();
        let (ticket, fingerprint) = (r.admitted[2], r.fingerprint.clone());
        assert_eq!(
            check_draw(&r, Some(&fingerprint), Some((ticket, 3))),
            format!("Verified: 5 admissions follow the draw. Ticket {ticket} is at place 3, as shown. The fingerprint is the one shown before the start.")
        );
    }

    #[test]
    fn a_swapped_admission_names_the_ticket_the_draw_puts_there() {
        let mut r = record();
        let (first, second) = (r.admitted[0], r.admitted[1]);
        r.admitted.swap(0, 1);
        assert_eq!(check_draw(&r, None, None), format!("Mismatch at admission 1: the draw puts ticket {first} there, the store admitted ticket {second}."));
    }

    #[test]
    fn another_place_than_the_one_shown_fails() {
        let r = record();
        let ticket = r.admitted[0];
        assert_eq!(check_draw(&r, None, Some((ticket, 2))), format!("Mismatch at place 2: the page showed ticket {ticket}, the draw puts ticket {} there.", r.admitted[1]));
    }

    #[test]
    fn a_fingerprint_changed_since_the_start_fails_first() {
        let r = record();
        let shown = "0".repeat(64);
        assert_eq!(
            check_draw(&r, Some(&shown), None),
            format!("The fingerprint shown before the start, {shown}, is not the one in the published draw record, {}.", r.fingerprint)
        );
    }

    #[test]
    fn the_verdict_reads_in_chinese_with_the_same_facts() {
        let r = record();
        let (ticket, fingerprint) = (r.admitted[2], r.fingerprint.clone());
        assert_eq!(
            super::check_draw(&r, Some(&fingerprint), Some((ticket, 3)), &ZH, &plain),
            format!("核验通过：5 次入场符合抽签。号码 {ticket} 在第 3 位，与页面显示的一致。指纹与开售前显示的一致。")
        );
        let mut swapped = r.clone();
        let (first, second) = (r.admitted[0], r.admitted[1]);
        swapped.admitted.swap(0, 1);
        assert_eq!(
            super::check_draw(&swapped, None, None, &ZH, &plain),
            format!("第 1 次入场不符：抽签排在这里的是号码 {first}，商店放行的是号码 {second}。")
        );
    }

    #[test]
    fn every_verdict_says_in_english_what_the_crate_says() {
        use fair_draw::Failure::*;
        let failures = [
            BadFingerprint,
            CheckedInNotAscending { position: 4 },
            AdmittedTwice { ticket: 7 },
            ListedTwice { ticket: 8 },
            BadSeed,
            SeedMismatch {
                hashed: "ab".repeat(32),
            },
            Mismatch {
                admission: 3,
                expected: Some(9),
                published: 10,
            },
            Mismatch {
                admission: 3,
                expected: None,
                published: 10,
            },
            NotInWaitingRoom { ticket: 11 },
            AdmittedBeforeTurn {
                ticket: 12,
                admission: 5,
            },
            TurnNotReached { ticket: 13 },
            ShownPlace {
                ticket: 14,
                place: 2,
                drawn: Some(15),
            },
            ShownPlace {
                ticket: 14,
                place: 0,
                drawn: None,
            },
        ];
        let verdicts = failures.into_iter().map(Verdict::Failed).chain([
            Verdict::AwaitingSeed,
            Verdict::Verified {
                admissions: 1,
                shown: None,
            },
            Verdict::Verified {
                admissions: 288,
                shown: Some((5, 6)),
            },
        ]);
        for verdict in verdicts {
            assert_eq!(verdict_in(&verdict, &EN, &plain), verdict.to_string());
            let zh = verdict_in(&verdict, &ZH, &plain);
            assert!(
                !zh.contains('{') && zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
    }
}
