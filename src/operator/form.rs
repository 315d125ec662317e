//! The drop form: making a drop, changing one, or a new one from another. Every field is
//! checked as it is typed by the rules the store applies (`drop_rules`), what is typed is kept
//! as a draft until the store has taken it, and on a public drop what shoppers registered for
//! is shown read-only with the reason.
use std::collections::HashSet;

use leptos::prelude::*;

use super::console::{use_console, BackToDrops, Console, Screen};
use super::drops::NoteFields;
use super::fields::{
    cents, field, image_picker, local_input, price_text, problem_line, store_instant, time_zone,
    whole, FormState, Kind,
};
use crate::api::drop_rules::{
    check_change, check_drop, check_new_drop, ChangeRefusal, Taken, SHIPPED_IMAGES,
};
use crate::api::operator::{Drop, DropChange, DropRow, DropVariant, Note};
use crate::api::{Method, Phase};
use crate::i18n::fill;

/// What the form does with the drop.
#[derive(Clone, Debug, PartialEq)]
pub enum FormMode {
    New,
    Edit(String),
    /// A new drop, starting from the one with this id.
    Duplicate(String),
}

impl FormMode {
    /// Where the form's draft is kept.
    fn draft_key(&self) -> String {
        match self {
            FormMode::New => "draft.operator.new".into(),
            FormMode::Edit(id) => format!("draft.operator.edit.{id}"),
            FormMode::Duplicate(id) => format!("draft.operator.duplicate.{id}"),
        }
    }
}

const MINUTE: u64 = 60_000;

/// A new drop as the form starts it: the shop's first image, one variant, and a schedule an
/// hour from now, whole minutes.
fn template(now: u64) -> Drop {
    let at = (now / MINUTE + 60) * MINUTE;
    Drop {
        image: SHIPPED_IMAGES[0].into(),
        currency: "CNY".into(),
        variants: vec![new_variant()],
        registration_opens: at,
        registration_closes: at + 60 * MINUTE,
        starts_at: at + 70 * MINUTE,
        ends_at: at + 100 * MINUTE,
        hold_seconds: 180,
        hold_extension_seconds: Some(60),
        per_account_limit: 1,
        admission_per_second: 50,
        ..Drop::default()
    }
}

fn new_variant() -> DropVariant {
    DropVariant {
        colour: "#2f343c".into(),
        ..DropVariant::default()
    }
}

/// The drop (and, to change one, its row) from the store, then the form, a saved draft first.
#[component]
pub fn FormLoader(mode: FormMode) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let loaded = RwSignal::new(None::<Result<(Option<Drop>, Option<DropRow>), String>>);
    let asked = mode.clone();
    leptos::task::spawn_local(async move {
        let id = match &asked {
            FormMode::New => return loaded.set(Some(Ok((None, None)))),
            FormMode::Edit(id) | FormMode::Duplicate(id) => id.clone(),
        };
        let drop = console
            .call::<Drop>(Method::Get, &format!("/api/operator/sales/{id}"), None)
            .await;
        let rows = console
            .call::<Vec<DropRow>>(Method::Get, "/api/operator/sales", None)
            .await;
        loaded.set(Some(match (drop, rows) {
            (Ok(drop), Ok(rows)) => Ok((Some(drop), rows.into_iter().find(|r| r.id == id))),
            (Err(e), _) | (_, Err(e)) => Err(console.say(&e)),
        }));
    });
    view! {
        <BackToDrops/>
        {move || match loaded.get() {
            None => view! { <p class="loading">{w.loading}</p> }.into_any(),
            Some(Err(problem)) => view! { <p class="form-error" role="alert">{fill(w.could_not_load, &[&problem])}</p> }.into_any(),
            Some(Ok((stored, row))) => {
                let start = start_of(console, &mode, stored.clone());
                let original = matches!(mode, FormMode::Edit(_)).then_some(stored).flatten();
                view! { <DropForm mode=mode.clone() start original row/> }.into_any()
            }
        }}
    }
}

/// What the form starts with: the draft of this form if there is one, else the drop.
fn start_of(console: Console, mode: &FormMode, stored: Option<Drop>) -> Drop {
    let draft = console
        .shop()
        .storage()
        .get(&mode.draft_key())
        .and_then(|raw| crate::json::from_str::<Drop>(&raw).ok());
    draft.unwrap_or_else(|| match (mode, stored) {
        (FormMode::Duplicate(_), Some(from)) => Drop {
            id: format!("{}-2", from.id.chars().take(38).collect::<String>()),
            ..from
        },
        (_, Some(drop)) => drop,
        (_, None) => template(console.store_now()),
    })
}

/// Why a field of a public drop cannot change, if it cannot.
fn fixed_reason(w: &super::words::Words, public: bool, what: &'static str) -> Option<String> {
    public.then(|| w.refusal(&ChangeRefusal::Fixed(what)))
}

/// The form. `original` is the drop as the store has it (to change it), `row` its place in the
/// list (whether shoppers can see it yet). `show_all` shows every problem at once (the preview).
#[component]
pub fn DropForm(
    mode: FormMode,
    start: Drop,
    original: Option<Drop>,
    row: Option<DropRow>,
    #[prop(optional)] show_all: bool,
) -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let shop = console.shop();
    let editing = matches!(mode, FormMode::Edit(_));
    let public = editing && row.as_ref().is_some_and(|r| r.public);
    let started = row
        .as_ref()
        .is_some_and(|r| matches!(r.phase, Phase::Live | Phase::Ended));
    let fingerprint = row.as_ref().is_some_and(|r| r.fingerprint_published);
    let drop = RwSignal::new(start);
    let note_key = format!("{}.note", mode.draft_key());
    let note = RwSignal::new(
        shop.storage()
            .get(&note_key)
            .and_then(|raw| crate::json::from_str::<Note>(&raw).ok())
            .unwrap_or_default(),
    );
    let problems = Memo::new(move |_| {
        drop.with(|d| match editing {
            true => check_drop(d),
            false => check_new_drop(d, console.store_now()),
        })
    });
    let form = FormState {
        drop,
        problems,
        touched: RwSignal::new(HashSet::new()),
        show_all: RwSignal::new(show_all),
        w,
    };
    // Nothing typed is lost: a reload, a failed call or a switch of language finds it again.
    let draft_key = mode.draft_key();
    let saving_draft = !console.preview;
    Effect::new(move |first: Option<()>| {
        let (typed, written) = (drop.get(), note.get());
        if saving_draft && first.is_some() {
            shop.storage()
                .set(&draft_key, &crate::json::to_string(&typed));
            shop.storage()
                .set(&note_key, &crate::json::to_string(&written));
        }
    });
    let schedule = |d: &Drop| {
        [
            d.registration_opens,
            d.registration_closes,
            d.starts_at,
            d.ends_at,
        ]
    };
    let was = original.clone();
    let moved = Memo::new(move |_| {
        public
            && was
                .as_ref()
                .is_some_and(|o| drop.with(|d| schedule(d) != schedule(o)))
    });
    let was = original.clone();
    let refusals = Memo::new(move |_| match (&was, public) {
        (Some(old), true) => drop.with(|d| {
            let taken = Taken {
                by_variant: vec![0; d.variants.len()],
                fingerprint_published: fingerprint,
                started,
            };
            let noted = note.with(|n| !n.en.trim().is_empty() && !n.zh_cn.trim().is_empty());
            check_change(old, d, &taken, noted)
        }),
        _ => vec![],
    });
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let title = match &mode {
        FormMode::New => w.form_new.to_string(),
        FormMode::Edit(id) => fill(w.form_edit, &[id]),
        FormMode::Duplicate(id) => fill(w.form_duplicate, &[id]),
    };
    let save_mode = mode.clone();
    let save = move || {
        form.show_all.set(true);
        let count = problems.with_untracked(Vec::len);
        if count > 0 {
            return outcome.set(Some(fill(w.has_problems, &[&count.to_string()])));
        }
        if let Some(refusal) = refusals.with_untracked(|r| r.first().map(|r| w.refusal(r))) {
            return outcome.set(Some(refusal));
        }
        if console.preview || busy.get_untracked() {
            return;
        }
        outcome.set(None);
        busy.set(true);
        let (mode, typed, written) = (
            save_mode.clone(),
            drop.get_untracked(),
            note.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let answer = match &mode {
                FormMode::Edit(id) => {
                    let change = DropChange {
                        drop: typed,
                        note: written,
                    };
                    let body = crate::json::to_string(&change);
                    let path = format!("/api/operator/sales/{id}");
                    console
                        .call::<DropRow>(Method::Put, &path, Some(body))
                        .await
                }
                _ => {
                    let body = crate::json::to_string(&typed);
                    console
                        .call::<DropRow>(Method::Post, "/api/operator/sales", Some(body))
                        .await
                }
            };
            busy.set(false);
            match answer {
                Ok(_) => {
                    let storage = console.shop().storage();
                    storage.remove(&mode.draft_key());
                    storage.remove(&format!("{}.note", mode.draft_key()));
                    console.screen.set(Screen::Drops);
                }
                // The form keeps what was typed; the store's sentence says what to change.
                Err(e) => outcome.set(Some(console.say(&e))),
            }
        });
    };
    let fixed = move |what| fixed_reason(w, public, what);
    let schedule_fixed = public
        .then(|| match (started, fingerprint) {
            (true, _) => Some(w.refusal(&ChangeRefusal::ScheduleAfterStart)),
            (false, true) => Some(w.refusal(&ChangeRefusal::DrawPublished)),
            _ => None,
        })
        .flatten();
    let offset = console
        .shop()
        .client()
        .store_now()
        .map_or(0.0, |store| store - crate::device::real_now());
    let time = move |key: &str, label, get: fn(&Drop) -> u64, set: fn(&mut Drop, u64)| {
        field(
            form,
            key.into(),
            label,
            Kind::Time,
            move |d| local_input(get(d), offset),
            move |d, text| set(d, store_instant(&text, offset)),
            schedule_fixed.clone(),
        )
    };
    let text =
        |key: &str, label, long, get: fn(&Drop) -> &String, set: fn(&mut Drop) -> &mut String| {
            field(
                form,
                key.into(),
                label,
                if long { Kind::Long } else { Kind::Text },
                move |d| get(d).clone(),
                move |d, text| *set(d) = text,
                None,
            )
        };
    view! {
        <form class="card form drop-form" novalidate data-state="operator-form"
            on:submit=move |ev| { ev.prevent_default(); save(); }>
            <h2>{title}</h2>
            {field(form, "id".into(), w.f_id, Kind::Text, |d| d.id.clone(), |d, t| d.id = t.trim().into(), fixed("address"))}
            <div class="field-pair">
                {text("product", w.f_product, false, |d| &d.product, |d| &mut d.product)}
                {text("product_zh-CN", w.f_product_zh, false, |d| &d.product_zh_cn, |d| &mut d.product_zh_cn)}
                {text("tagline", w.f_tagline, false, |d| &d.tagline, |d| &mut d.tagline)}
                {text("tagline_zh-CN", w.f_tagline_zh, false, |d| &d.tagline_zh_cn, |d| &mut d.tagline_zh_cn)}
                {text("description", w.f_description, true, |d| &d.description, |d| &mut d.description)}
                {text("description_zh-CN", w.f_description_zh, true, |d| &d.description_zh_cn, |d| &mut d.description_zh_cn)}
            </div>
            {image_picker(form)}
            {field(form, "currency".into(), w.f_currency, Kind::Text, |d| d.currency.clone(), |d, t| d.currency = t.trim().into(), fixed("currency"))}
            <Variants form public/>
            <fieldset class="field-pair">
                <legend>{w.schedule}</legend>
                <p class="hint">{fill(w.time_zone_hint, &[&time_zone()])}</p>
                {time("registration_opens", w.f_opens, |d| d.registration_opens, |d, t| d.registration_opens = t)}
                {time("registration_closes", w.f_closes, |d| d.registration_closes, |d, t| d.registration_closes = t)}
                {time("starts_at", w.f_starts, |d| d.starts_at, |d, t| d.starts_at = t)}
                {time("ends_at", w.f_ends, |d| d.ends_at, |d, t| d.ends_at = t)}
            </fieldset>
            {move || moved.get().then(|| view! {
                <fieldset class="move-note" data-testid="move-note">
                    <legend>{w.move_note}</legend>
                    <NoteFields note prefix="move-note"/>
                </fieldset>
            })}
            <p id="f-schedule-problem" class="field-problem" data-testid="change-refusals">
                {move || refusals.with(|r| r.iter().map(|r| w.refusal(r)).collect::<Vec<_>>().join(" "))}
            </p>
            <fieldset class="field-pair">
                <legend>{w.rules}</legend>
                {field(form, "hold_seconds".into(), w.f_hold, Kind::Number, |d| d.hold_seconds.to_string(), |d, t| d.hold_seconds = whole(&t), fixed("hold length"))}
                {field(form, "hold_extension_seconds".into(), w.f_extension, Kind::Number,
                    |d| d.hold_extension_seconds.map(|s| s.to_string()).unwrap_or_default(),
                    |d, t| d.hold_extension_seconds = (!t.trim().is_empty()).then(|| whole(&t)), fixed("hold length"))}
                {field(form, "per_account_limit".into(), w.f_per_account, Kind::Number, |d| d.per_account_limit.to_string(), |d, t| d.per_account_limit = whole(&t).min(u32::MAX.into()) as u32, fixed("limit per account"))}
                {field(form, "admission_per_second".into(), w.f_rate, Kind::Number, |d| d.admission_per_second.to_string(), |d, t| d.admission_per_second = whole(&t).min(u32::MAX.into()) as u32, None)}
            </fieldset>
            <p class="form-error" role="alert" data-testid="form-outcome">{move || outcome.get()}</p>
            <button class="button primary" type="submit" data-testid="save-drop" disabled=move || busy.get()>
                {move || match (busy.get(), editing) { (true, _) => w.saving, (false, true) => w.save, (false, false) => w.create }}
            </button>
        </form>
    }
}

/// The drop's variants, each a row of fields; added and removed only before the drop is public.
#[component]
fn Variants(form: FormState, public: bool) -> impl IntoView {
    let w = form.w;
    let count = Memo::new(move |_| form.drop.with(|d| d.variants.len()));
    let list_fixed = public.then(|| w.refusal(&ChangeRefusal::Fixed("list of variants")));
    let price_fixed = public.then(|| w.refusal(&ChangeRefusal::Fixed("price")));
    let list_fixed_line = list_fixed.clone();
    let row = move |i: usize| {
        let key = move |name: &str| format!("variants.{i}.{name}");
        let variant = move |d: &Drop| d.variants.get(i).cloned().unwrap_or_default();
        let edit = move |d: &mut Drop, change: &dyn Fn(&mut DropVariant)| {
            if let Some(v) = d.variants.get_mut(i) {
                change(v);
            }
        };
        let swatch = move || {
            form.drop.with(|d| {
                d.variants
                    .get(i)
                    .map(|v| format!("background:{}", v.colour))
            })
        };
        view! {
            <fieldset class="drop-variant" data-variant=i>
                <legend>{fill(w.variant_n, &[&(i + 1).to_string()])}</legend>
                {field(form, key("id"), w.v_id, Kind::Text, move |d| variant(d).id, move |d, t| edit(d, &|v| v.id = t.trim().into()), list_fixed.clone())}
                {field(form, key("name"), w.v_name, Kind::Text, move |d| variant(d).name, move |d, t| edit(d, &|v| v.name = t.clone()), None)}
                {field(form, key("name_zh-CN"), w.v_name_zh, Kind::Text, move |d| variant(d).name_zh_cn, move |d, t| edit(d, &|v| v.name_zh_cn = t.clone()), None)}
                <div class="row">
                    <span class="swatch" aria-hidden="true" style=swatch></span>
                    {field(form, key("colour"), w.v_colour, Kind::Text, move |d| variant(d).colour, move |d, t| edit(d, &|v| v.colour = t.trim().into()), None)}
                </div>
                {field(form, key("stock"), w.v_stock, Kind::Number, move |d| variant(d).stock.to_string(), move |d, t| edit(d, &|v| v.stock = whole(&t).min(u32::MAX.into()) as u32), None)}
                {field(form, key("price"), w.v_price, Kind::Number, move |d| price_text(variant(d).price_cents), move |d, t| edit(d, &|v| v.price_cents = cents(&t)), price_fixed.clone())}
                {(!public).then(|| view! {
                    <button type="button" class="link danger" on:click=move |_| form.drop.update(|d| { d.variants.remove(i); })>{w.remove}</button>
                })}
            </fieldset>
        }
    };
    view! {
        <fieldset class="variants" id="f-variants" aria-describedby="f-variants-problem"
            aria-invalid=move || form.problem_shown("variants").to_string()>
            <legend>{w.variants}</legend>
            {move || (0..count.get()).map(&row).collect_view()}
            {problem_line(form, "variants")}
            {list_fixed_line.map(|why| view! { <p class="hint fixed">{why}</p> })}
            {(!public).then(|| view! {
                <button type="button" class="button" data-testid="add-variant"
                    on:click=move |_| form.drop.update(|d| d.variants.push(new_variant()))>{w.add_variant}</button>
            })}
        </fieldset>
    }
}
