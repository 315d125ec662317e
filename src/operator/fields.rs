//! The drop form's fields: each with its label, the sentence for its problem beside it
//! (`aria-invalid`, `aria-describedby`) and, on a public drop, why it cannot change.
use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsValue};

use super::js::{call, construct, get};
use super::words::Words;
use crate::api::drop_rules::{DropProblem, SHIPPED_IMAGES};
use crate::api::operator::Drop;

/// What every field of one form shares: the drop as typed, its problems, and which fields the
/// operator has touched (a field's problem shows once it was typed in, every one after a try
/// to save).
#[derive(Clone, Copy)]
pub struct FormState {
    pub drop: RwSignal<Drop>,
    pub problems: Memo<Vec<DropProblem>>,
    pub touched: RwSignal<HashSet<String>>,
    pub show_all: RwSignal<bool>,
    pub w: &'static Words,
}

impl FormState {
    /// The sentences for the problems of the field `key`, once they are to be shown.
    fn problem_of(self, key: &str) -> Option<String> {
        if !self.show_all.get() && !self.touched.with(|t| t.contains(key)) {
            return None;
        }
        let sentences: Vec<String> = self.problems.with(|problems| {
            problems
                .iter()
                .filter(|p| p.field() == key)
                .map(|p| self.w.problem(p))
                .collect()
        });
        (!sentences.is_empty()).then(|| sentences.join(" "))
    }

    /// Whether a problem of the field `key` is shown.
    pub fn problem_shown(self, key: &str) -> bool {
        self.problem_of(key).is_some()
    }

    fn touch(self, key: &str) {
        if self.touched.with_untracked(|t| !t.contains(key)) {
            self.touched.update(|t| {
                t.insert(key.to_owned());
            });
        }
    }
}

/// The element id of the field `key`: `variants.0.price` is `f-variants-0-price`.
pub fn field_id(key: &str) -> String {
    format!("f-{}", key.replace('.', "-"))
}

/// How a field is typed in.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Text,
    Long,
    Number,
    Time,
}

/// One field of the drop: `get` reads its text from the drop, `set` writes what is typed back.
/// The input shows what was typed; the drop keeps what it means. `fixed` says why a public
/// drop's field cannot change, and makes it read-only.
pub fn field(
    form: FormState,
    key: String,
    label: &'static str,
    kind: Kind,
    get: impl Fn(&Drop) -> String,
    set: impl Fn(&mut Drop, String) + Send + Sync + 'static,
    fixed: Option<String>,
) -> impl IntoView {
    let id = field_id(&key);
    let problem_id = format!("{id}-problem");
    let fixed_id = format!("{id}-fixed");
    let described = match fixed {
        Some(_) => format!("{problem_id} {fixed_id}"),
        None => problem_id.clone(),
    };
    let initial = form.drop.with_untracked(|d| get(d));
    let readonly = fixed.is_some();
    let problem_key = key.clone();
    let problem = Memo::new(move |_| form.problem_of(&problem_key));
    let on_input = move |ev: leptos::ev::Event| {
        form.touch(&key);
        let text = event_target_value(&ev);
        form.drop.update(|d| set(d, text));
    };
    let input = match kind {
        Kind::Long => view! {
            <textarea id=id.clone() rows="3" prop:value=initial readonly=readonly
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=described on:input=on_input></textarea>
        }
        .into_any(),
        _ => view! {
            <input id=id.clone() prop:value=initial readonly=readonly
                type=match kind { Kind::Time => "datetime-local", _ => "text" }
                inputmode=(kind == Kind::Number).then_some("decimal")
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=described on:input=on_input/>
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {fixed.map(|why| view! { <p id=fixed_id class="hint fixed">{why}</p> })}
            <p id=problem_id class="field-problem">{move || problem.get()}</p>
        </div>
    }
}

/// A field's problem that belongs to no one input (the list of variants).
pub fn problem_line(form: FormState, key: &'static str) -> impl IntoView {
    view! { <p id=format!("{}-problem", field_id(key)) class="field-problem">{move || form.problem_of(key)}</p> }
}

/// A whole number as typed: anything else is 0, which the rules refuse with their sentence.
pub fn whole(text: &str) -> u64 {
    text.trim().parse().unwrap_or(0)
}

/// A price as typed ("1999.00") in cents; anything else is 0.
pub fn cents(text: &str) -> u32 {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map_or(0, |x| (x * 100.0).round().min(f64::from(u32::MAX)) as u32)
}

/// Cents as a price field shows them: "1999.00".
pub fn price_text(cents: u32) -> String {
    if cents == 0 {
        return String::new();
    }
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A store instant as a `datetime-local` value in the device's time zone. `offset` is how far
/// the store clock is ahead of the device's (ms), from the shop's clock sync.
pub fn local_input(store_ms: u64, offset: f64) -> String {
    if store_ms == 0 {
        return String::new();
    }
    // Sweden's way of writing a date and time is ISO 8601's: "2026-12-05 10:02". Through the
    // `Intl` calls the shop already makes, rather than five Date getters each of which would
    // add its glue to every shopper's first load.
    let options = js_sys::Object::new();
    for (key, value) in [
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&"sv-SE".into()), &options);
    let at = js_sys::Date::new(&JsValue::from_f64(store_ms as f64 - offset));
    format
        .format()
        .call1(&JsValue::UNDEFINED, &at)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
        .replace(' ', "T")
}

/// A `datetime-local` value (the device's time zone) as a store instant; 0 when empty, which
/// the rules refuse with their sentence.
pub fn store_instant(text: &str, offset: f64) -> u64 {
    // The ECMAScript date-time form without an offset reads in the device's time zone.
    let device = js_sys::Date::new(&JsValue::from_str(text)).value_of();
    if text.is_empty() || device.is_nan() {
        return 0;
    }
    (device + offset).round().max(0.0) as u64
}

/// The device's time zone, as the schedule's hint names it ("Europe/London").
pub fn time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    super::js::call(&format, "resolvedOptions", &JsValue::UNDEFINED)
        .and_then(|options| js_sys::Reflect::get(&options, &"timeZone".into()).ok())
        .and_then(|zone| zone.as_string())
        .unwrap_or_default()
}

/// The drop's image: one of the shop's own, or a file read into a `data:` URL here (the
/// rules check its type and size like any field).
pub fn image_picker(form: FormState) -> impl IntoView {
    let w = form.w;
    let image = Memo::new(move |_| form.drop.with(|d| d.image.clone()));
    let problem = Memo::new(move |_| form.problem_of("image"));
    let choose = move |path: &'static str| {
        form.touch("image");
        form.drop.update(|d| d.image = path.into());
    };
    let upload = move |ev: leptos::ev::Event| {
        form.touch("image");
        // `input.files[0]`, read by a FileReader into a `data:` URL.
        let Some(input) = ev.target() else {
            return;
        };
        let file = get(&input, "files").and_then(|files| get(&files, "0"));
        let (Some(file), Some(reader)) = (file, construct("FileReader", &[])) else {
            return;
        };
        let read = reader.clone();
        let loaded = Closure::once_into_js(move || {
            if let Some(url) = get(&read, "result").and_then(|r| r.as_string()) {
                form.drop.update(|d| d.image = url);
            }
        });
        let _ = js_sys::Reflect::set(&reader, &"onload".into(), &loaded);
        call(&reader, "readAsDataURL", &file);
    };
    let shipped = SHIPPED_IMAGES
        .iter()
        .map(|path| {
            view! {
                <label class="image-choice">
                    <input type="radio" name="image" checked=move || image.get() == *path
                        on:change=move |_| choose(path)/>
                    <img src=*path alt="" width="64" height="64"/>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field" id="f-image" aria-invalid=move || problem.with(Option::is_some).to_string()
            aria-describedby="f-image-problem">
            <legend>{w.f_image}</legend>
            <div class="row">
                {shipped}
                {move || image.get().starts_with("data:").then(|| view! {
                    <img class="image-choice" src=image.get() alt=w.uploaded width="64" height="64"/>
                })}
            </div>
            <label for="f-image-upload">{w.upload}</label>
            <input id="f-image-upload" type="file" accept="image/svg+xml,image/png,image/webp" on:change=upload/>
            <p id="f-image-problem" class="field-problem">{move || problem.get()}</p>
        </fieldset>
    }
}
