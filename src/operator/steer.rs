//! Steering a live sale: pause and resume the line, change the admission rate, post or take
//! down an announcement, end the sale early. Each is one `POST …/steer` with an idempotency
//! key (the client adds it to every call that changes state), answered with the sale as it is.
use leptos::prelude::*;

use super::console::use_console;
use super::drops::NoteFields;
use super::fields::whole;
use crate::api::operator::{LiveSale, Note, Steer};
use crate::api::{Method, Phase};
use crate::i18n::fill;

fn both_languages(note: &Note) -> bool {
    !note.en.trim().is_empty() && !note.zh_cn.trim().is_empty()
}

#[component]
pub fn Steering(id: String, live: RwSignal<Option<LiveSale>>) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let path = StoredValue::new(format!("/api/operator/sales/{id}/steer"));
    let steer = move |action: Steer| {
        if console.preview || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let path = path.get_value();
        leptos::task::spawn_local(async move {
            let body = crate::json::to_string(&action);
            let answer = console
                .call::<LiveSale>(Method::Post, &path, Some(body))
                .await;
            busy.set(false);
            match answer {
                Ok(now) => {
                    problem.set(None);
                    live.set(Some(now));
                }
                Err(e) => problem.set(Some(console.say(&e))),
            }
        });
    };
    let field = move |f: fn(&LiveSale) -> bool| move || live.with(|l| l.as_ref().is_some_and(f));
    let paused = field(|l| l.news.paused_since.is_some());
    let over = field(|l| l.phase == Phase::Ended);
    let rate = RwSignal::new(
        live.with_untracked(|l| l.as_ref().map(|l| l.admission_per_second.to_string()))
            .unwrap_or_default(),
    );
    let announcement = RwSignal::new(Note::default());
    let ending = RwSignal::new(false);
    let end_note = RwSignal::new(Note::default());
    let shown = move || {
        live.with(|l| {
            l.as_ref()
                .and_then(|l| l.news.announcement.as_ref())
                .map(|n| n.in_language(console.locale().tag()).to_owned())
        })
    };
    let disabled = move || busy.get() || over();
    view! {
        <section class="card form steering" data-testid="steering">
            <h2>{w.steering}</h2>
            <div class="row">
                {move || match paused() {
                    true => view! { <button type="button" class="button primary" data-testid="resume" disabled=disabled on:click=move |_| steer(Steer::Resume)>{w.resume}</button> }.into_any(),
                    false => view! { <button type="button" class="button" data-testid="pause" disabled=disabled on:click=move |_| steer(Steer::Pause)>{w.pause}</button> }.into_any(),
                }}
            </div>
            <form class="row" novalidate on:submit=move |ev| {
                ev.prevent_default();
                steer(Steer::Rate { per_second: whole(&rate.get_untracked()).min(u32::MAX.into()) as u32 });
            }>
                <label for="steer-rate">{w.f_rate}</label>
                <input id="steer-rate" inputmode="numeric" bind:value=rate/>
                <button type="submit" class="button" disabled=disabled>{w.set_rate}</button>
            </form>
            <h3>{w.announcement}</h3>
            {move || shown().map(|text| view! {
                <p class="notice notice-demo" data-testid="announcement-shown">{fill(w.shown_now, &[&text])}
                    <button type="button" class="link" disabled=disabled
                        on:click=move |_| steer(Steer::Announce { note: Note::default() })>{w.take_down}</button>
                </p>
            })}
            <NoteFields note=announcement prefix="announce"/>
            <button type="button" class="button" disabled=disabled on:click=move |_| {
                let note = announcement.get_untracked();
                if !both_languages(&note) {
                    return problem.set(Some(w.note_both.into()));
                }
                steer(Steer::Announce { note });
            }>{w.post}</button>
            <h3>{w.end_early}</h3>
            {move || match ending.get() {
                false => view! {
                    <button type="button" class="button danger" disabled=disabled on:click=move |_| ending.set(true)>{w.end_early}</button>
                }.into_any(),
                true => view! {
                    <div role="group" data-testid="end-early">
                        <p class="hint">{w.end_explain}</p>
                        <NoteFields note=end_note prefix="end-note"/>
                        <div class="row">
                            <button type="button" class="button danger" disabled=disabled on:click=move |_| {
                                let note = end_note.get_untracked();
                                if !both_languages(&note) {
                                    return problem.set(Some(w.note_both.into()));
                                }
                                ending.set(false);
                                steer(Steer::End { note });
                            }>{w.end_confirm}</button>
                            <button type="button" class="button" on:click=move |_| ending.set(false)>{w.keep}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
            <p class="form-error" role="alert" data-testid="steer-problem">{move || problem.get()}</p>
        </section>
    }
}
