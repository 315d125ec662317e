use leptos::prelude::*;

use crate::api::operator::SaleNews;
use crate::format::{clock_time, when};
use crate::i18n::fill;
use crate::shop::use_shop;

/// What the operator did that every shopper of the sale should know: a paused line (their
/// place is kept), an announcement, a moved start with its reason, an early end or a
/// cancellation with its note. Nothing when the sale has no news.
#[component]
pub fn SaleNewsNotice(
    #[prop(into)] news: Signal<SaleNews>,
    #[prop(into)] starts_at: Signal<u64>,
    #[prop(into)] now: Signal<Option<f64>>,
) -> impl IntoView {
    let shop = use_shop();
    let (t, locale) = (shop.words(), shop.locale.get_untracked());
    let now = move || now.get().unwrap_or_default() as u64;
    let said = move |note: &crate::api::operator::Note| note.in_language(locale.tag()).to_owned();
    move || {
        let news = news.get();
        let paused = news.paused_since.map(|at| view! {
            <p class="notice notice-network" role="status" data-testid="news-paused">{fill(t.news_paused, &[&clock_time(at, locale)])}</p>
        });
        let announcement = news.announcement.as_ref().filter(|n| !n.is_empty()).map(|note| view! {
            <p class="notice notice-demo" role="status" data-testid="news-announcement">{fill(t.news_announcement, &[&said(note)])}</p>
        });
        let rescheduled = news.rescheduled.as_ref().map(|moved| view! {
            <p class="notice notice-demo" data-testid="news-rescheduled">
                {fill(t.news_rescheduled, &[&when(starts_at.get(), now(), locale), &when(moved.was_starts_at, now(), locale), &said(&moved.note)])}
            </p>
        });
        let stopped = news.stopped.as_ref().map(|stop| {
            let sentence = match stop.before_start {
                true => fill(t.news_cancelled, &[&said(&stop.note)]),
                false => fill(t.news_ended_early, &[&clock_time(stop.at, locale), &said(&stop.note)]),
            };
            view! { <p class="notice notice-network" role="status" data-testid="news-stopped">{sentence}</p> }
        });
        (!news.is_quiet()).then(|| view! {
            <div class="sale-news" data-testid="sale-news">{stopped}{paused}{announcement}{rescheduled}</div>
        })
    }
}
