use leptos::prelude::*;

use super::console::{use_console, Screen};
use crate::api::operator::{DropRow, Note};
use crate::api::{Method, Phase};
use crate::i18n::fill;

/// The operator's drops, fetched afresh whenever one of them changed.
#[component]
pub fn Drops() -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let changed = RwSignal::new(0u32);
    let rows = RwSignal::new(None::<Result<Vec<DropRow>, String>>);
    Effect::new(move |_| {
        changed.track();
        leptos::task::spawn_local(async move {
            let answer = console
                .call::<Vec<DropRow>>(Method::Get, "/api/operator/sales", None)
                .await;
            rows.set(Some(answer.map_err(|e| console.say(&e))));
        });
    });
    view! {
        {move || match rows.get() {
            None => view! { <p class="loading">{w.loading}</p> }.into_any(),
            Some(Err(problem)) => view! { <p class="form-error" role="alert">{fill(w.could_not_load, &[&problem])}</p> }.into_any(),
            Some(Ok(rows)) => view! { <DropTable rows changed/> }.into_any(),
        }}
    }
}

/// Whether a drop may still be cancelled: before its start, and not stopped already.
fn cancellable(row: &DropRow) -> bool {
    row.stopped_at.is_none()
        && matches!(
            row.phase,
            Phase::Announced | Phase::RegistrationOpen | Phase::RegistrationClosed
        )
}

/// The list of drops with what the operator can do to each; `changed` goes up when one changed.
#[component]
pub fn DropTable(rows: Vec<DropRow>, changed: RwSignal<u32>) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let locale = console.locale();
    let count = move |n: u32| crate::format::count(n.into(), locale);
    let cancelling = RwSignal::new(None::<String>);
    let empty = rows.is_empty();
    let rows = rows
        .into_iter()
        .map(|row| {
            let id = row.id.clone();
            let (edit, duplicate, live, cancel) = (id.clone(), id.clone(), id.clone(), id.clone());
            let state = if row.stopped_at.is_some() {
                w.stopped.to_string()
            } else if row.paused {
                format!("{} · {}", w.phase(row.phase), w.paused)
            } else {
                w.phase(row.phase).to_string()
            };
            let share = f64::from(row.sold) / f64::from(row.units.max(1));
            view! {
                <tr data-drop=id.clone()>
                    <th scope="row">{row.product.clone()}<br/><code>{id.clone()}</code></th>
                    <td data-testid="drop-phase">{state}</td>
                    <td>{console.when(row.starts_at)}</td>
                    <td>
                        {format!("{} / {}", count(row.sold), count(row.units))}
                        <span class="meter" aria-hidden="true"><span style=format!("width:{:.0}%", share * 100.0)></span></span>
                    </td>
                    <td>{count(row.registrants)}</td>
                    <td class="row">
                        <button type="button" class="link" on:click=move |_| console.screen.set(Screen::Edit(edit.clone()))>{w.edit}</button>
                        <button type="button" class="link" on:click=move |_| console.screen.set(Screen::Duplicate(duplicate.clone()))>{w.duplicate}</button>
                        <button type="button" class="link" on:click=move |_| console.screen.set(Screen::Live(live.clone()))>{w.open_live}</button>
                        {cancellable(&row).then(|| view! {
                            <button type="button" class="link danger" on:click=move |_| cancelling.set(Some(cancel.clone()))>{w.cancel_drop}</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="row operator-bar">
            <h2>{w.drops}</h2>
            <button type="button" class="button primary" data-testid="new-drop" on:click=move |_| console.screen.set(Screen::New)>{w.new_drop}</button>
        </div>
        {if empty {
            view! { <p class="empty" data-testid="no-drops">{w.no_drops}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="drops">
                        <thead><tr>
                            <th scope="col">{w.col_drop}</th><th scope="col">{w.col_phase}</th><th scope="col">{w.col_start}</th>
                            <th scope="col">{w.col_sold}</th><th scope="col">{w.col_registrants}</th><th scope="col">{w.col_actions}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {move || cancelling.get().map(|id| view! { <CancelDrop id cancelling changed/> })}
    }
}

/// Cancelling a drop before its start: registered shoppers are told why, in both languages.
#[component]
fn CancelDrop(
    id: String,
    cancelling: RwSignal<Option<String>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let note = RwSignal::new(Note::default());
    let problem = RwSignal::new(None::<String>);
    let path = format!("/api/operator/sales/{id}");
    let confirm = move |_| {
        let written = note.get_untracked();
        if written.en.trim().is_empty() || written.zh_cn.trim().is_empty() {
            return problem.set(Some(w.note_both.into()));
        }
        if console.preview {
            return;
        }
        let path = path.clone();
        leptos::task::spawn_local(async move {
            let body = crate::json::to_string(&written);
            match console
                .call::<DropRow>(Method::Delete, &path, Some(body))
                .await
            {
                Ok(_) => {
                    cancelling.set(None);
                    changed.update(|n| *n += 1);
                }
                Err(e) => problem.set(Some(console.say(&e))),
            }
        });
    };
    view! {
        <div class="card form" role="dialog" aria-labelledby="cancel-title" data-testid="cancel-drop">
            <h2 id="cancel-title">{fill(w.cancel_title, &[&id])}</h2>
            <p class="hint">{w.cancel_explain}</p>
            <NoteFields note prefix="cancel-note"/>
            <p class="form-error" role="alert">{move || problem.get()}</p>
            <div class="row">
                <button type="button" class="button danger" on:click=confirm>{w.confirm_cancel}</button>
                <button type="button" class="button" on:click=move |_| cancelling.set(None)>{w.keep}</button>
            </div>
        </div>
    }
}

/// A note in both languages: English and Chinese, each its own field.
#[component]
pub fn NoteFields(note: RwSignal<Note>, prefix: &'static str) -> impl IntoView {
    let w = use_console().w();
    let (en, zh) = (format!("{prefix}-en"), format!("{prefix}-zh"));
    view! {
        <label for=en.clone()>{w.note_en}</label>
        <textarea id=en rows="2" lang="en" prop:value=note.get_untracked().en
            on:input=move |ev| note.update(|n| n.en = event_target_value(&ev))></textarea>
        <label for=zh.clone()>{w.note_zh}</label>
        <textarea id=zh rows="2" lang="zh-CN" prop:value=note.get_untracked().zh_cn
            on:input=move |ev| note.update(|n| n.zh_cn = event_target_value(&ev))></textarea>
    }
}
