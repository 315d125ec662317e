//! The rules a drop must meet, shared by the operator's form (a sentence beside each field as
//! it is typed) and the store (which never trusts a client): [`check_drop`] for what a drop
//! may be, [`check_change`] for what may change once shoppers can see it.
use std::fmt;

use base64::Engine as _;

use crate::operator::{Drop, DropVariant};
use crate::Millis;

/// The images the shop ships, which a drop may use by path.
pub const SHIPPED_IMAGES: [&str; 3] = [
    "/public/img/k7.svg",
    "/public/img/k7-pro.svg",
    "/public/img/k6-lite.svg",
];
/// The largest uploaded image, in bytes (before base64).
pub const MAX_IMAGE_BYTES: usize = 200 * 1024;
pub const MAX_VARIANTS: usize = 8;
/// Longest product name and tagline, in characters; the description may be ten times this.
pub const MAX_LINE_CHARS: usize = 120;
pub const HOLD_SECONDS: (u64, u64) = (30, 1_800);
pub const MAX_EXTENSION_SECONDS: u64 = 600;
pub const MAX_PER_ACCOUNT: u32 = 10;
pub const MAX_ADMISSION_PER_SECOND: u32 = 10_000;

/// A text field of a drop, as the form and its problems name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Product,
    ProductZh,
    Tagline,
    TaglineZh,
    Description,
    DescriptionZh,
}

impl TextField {
    pub const ALL: [TextField; 6] = [
        TextField::Product,
        TextField::ProductZh,
        TextField::Tagline,
        TextField::TaglineZh,
        TextField::Description,
        TextField::DescriptionZh,
    ];

    /// The form field's name (and the drop's JSON field).
    pub fn key(self) -> &'static str {
        match self {
            TextField::Product => "product",
            TextField::ProductZh => "product_zh-CN",
            TextField::Tagline => "tagline",
            TextField::TaglineZh => "tagline_zh-CN",
            TextField::Description => "description",
            TextField::DescriptionZh => "description_zh-CN",
        }
    }

    pub fn of(self, drop: &Drop) -> &str {
        match self {
            TextField::Product => &drop.product,
            TextField::ProductZh => &drop.product_zh_cn,
            TextField::Tagline => &drop.tagline,
            TextField::TaglineZh => &drop.tagline_zh_cn,
            TextField::Description => &drop.description,
            TextField::DescriptionZh => &drop.description_zh_cn,
        }
    }

    pub fn max_chars(self) -> usize {
        match self {
            TextField::Description | TextField::DescriptionZh => MAX_LINE_CHARS * 10,
            _ => MAX_LINE_CHARS,
        }
    }
}

/// A variant's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariantField {
    Id,
    Name,
    NameZh,
    Colour,
    Stock,
    Price,
}

impl VariantField {
    pub fn key(self) -> &'static str {
        match self {
            VariantField::Id => "id",
            VariantField::Name => "name",
            VariantField::NameZh => "name_zh-CN",
            VariantField::Colour => "colour",
            VariantField::Stock => "stock",
            VariantField::Price => "price",
        }
    }
}

/// What is wrong with a drop, field by field. `Display` is the store's English sentence;
/// the operator's page says the same in its own language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropProblem {
    /// The id is not 3 to 40 of a–z, 0–9 and `-`.
    IdShape,
    /// Another drop has this id.
    IdTaken,
    TextMissing(TextField),
    TextTooLong(TextField, usize),
    /// Neither a shipped image nor a `data:` URL.
    ImageUnknown,
    /// A `data:` URL of another type than SVG, PNG or WebP, or not base64.
    ImageType,
    /// The bytes are not the image the URL says they are.
    ImageNotWhatItSays,
    ImageTooBig(usize),
    Currency,
    NoVariants,
    TooManyVariants(usize),
    /// The variant (0-based) and the field.
    Variant(usize, VariantField),
    /// A second variant with the id of an earlier one.
    VariantIdRepeated(usize),
    /// Registration must open before it closes, and close no later than the start.
    RegistrationOrder,
    /// The start must come before the end.
    EndBeforeStart,
    /// A new drop's start is in the past.
    StartPassed,
    HoldLength,
    Extension,
    PerAccount,
    AdmissionRate,
}

impl DropProblem {
    /// The form field the problem is about: `variants.{i}.{field}` for a variant's.
    pub fn field(&self) -> String {
        match self {
            DropProblem::IdShape | DropProblem::IdTaken => "id".into(),
            DropProblem::TextMissing(f) | DropProblem::TextTooLong(f, _) => f.key().into(),
            DropProblem::ImageUnknown
            | DropProblem::ImageType
            | DropProblem::ImageNotWhatItSays
            | DropProblem::ImageTooBig(_) => "image".into(),
            DropProblem::Currency => "currency".into(),
            DropProblem::NoVariants | DropProblem::TooManyVariants(_) => "variants".into(),
            DropProblem::Variant(i, f) => format!("variants.{i}.{}", f.key()),
            DropProblem::VariantIdRepeated(i) => format!("variants.{i}.id"),
            DropProblem::RegistrationOrder => "registration_closes".into(),
            DropProblem::EndBeforeStart => "ends_at".into(),
            DropProblem::StartPassed => "starts_at".into(),
            DropProblem::HoldLength => "hold_seconds".into(),
            DropProblem::Extension => "hold_extension_seconds".into(),
            DropProblem::PerAccount => "per_account_limit".into(),
            DropProblem::AdmissionRate => "admission_per_second".into(),
        }
    }
}

impl fmt::Display for DropProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IdShape => write!(f, "The address needs 3 to 40 characters: lowercase letters, digits and dashes."),
            Self::IdTaken => write!(f, "Another drop already has this address: choose another."),
            Self::TextMissing(field) => write!(f, "Write the {}.", field.key()),
            Self::TextTooLong(field, n) => write!(
                f,
                "The {} is {n} characters; keep it to {}.",
                field.key(),
                field.max_chars()
            ),
            Self::ImageUnknown => write!(f, "Choose one of the shop's images or upload an SVG, PNG or WebP."),
            Self::ImageType => write!(f, "Upload the image as SVG, PNG or WebP."),
            Self::ImageNotWhatItSays => write!(f, "The file is not the image its name says: save it again as SVG, PNG or WebP."),
            Self::ImageTooBig(bytes) => write!(
                f,
                "The image is {} KB; upload one of at most {} KB.",
                bytes.div_ceil(1024),
                MAX_IMAGE_BYTES / 1024
            ),
            Self::Currency => write!(f, "Write the currency as its three-letter code, for example CNY or EUR."),
            Self::NoVariants => write!(f, "Add at least one variant."),
            Self::TooManyVariants(n) => write!(f, "That is {n} variants; a drop has at most {MAX_VARIANTS}."),
            Self::Variant(i, field) => write!(
                f,
                "Variant {}: {}",
                i + 1,
                match field {
                    VariantField::Id => "give it an id of lowercase letters, digits and dashes.",
                    VariantField::Name => "write its name in English.",
                    VariantField::NameZh => "write its name in Chinese.",
                    VariantField::Colour => "give its colour as #rrggbb, for example #2f343c.",
                    VariantField::Stock => "its stock must be at least 1.",
                    VariantField::Price => "its price must be more than 0.",
                }
            ),
            Self::VariantIdRepeated(i) => write!(f, "Variant {}: another variant has this id.", i + 1),
            Self::RegistrationOrder => write!(f, "Registration must open before it closes, and close no later than the start."),
            Self::EndBeforeStart => write!(f, "The sale must end after it starts."),
            Self::StartPassed => write!(f, "The start has passed: choose a time to come."),
            Self::HoldLength => write!(
                f,
                "A hold lasts {} to {} seconds.",
                HOLD_SECONDS.0, HOLD_SECONDS.1
            ),
            Self::Extension => write!(f, "An extension lasts 1 to {MAX_EXTENSION_SECONDS} seconds, or leave it empty for none."),
            Self::PerAccount => write!(f, "Each account may buy 1 to {MAX_PER_ACCOUNT} units."),
            Self::AdmissionRate => write!(f, "Admit 1 to {MAX_ADMISSION_PER_SECOND} shoppers a second."),
        }
    }
}

fn slug(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// What is wrong with an image as a drop names it: a shipped path, or a `data:` URL.
fn image_problem(image: &str) -> Option<DropProblem> {
    if SHIPPED_IMAGES.contains(&image) {
        return None;
    }
    let Some(rest) = image.strip_prefix("data:") else {
        return Some(DropProblem::ImageUnknown);
    };
    let Some((media_type, data)) = rest.split_once(";base64,") else {
        return Some(DropProblem::ImageType);
    };
    if !["image/svg+xml", "image/png", "image/webp"].contains(&media_type) {
        return Some(DropProblem::ImageType);
    }
    // Four base64 characters carry three bytes: a size check before decoding anything.
    let size = data.len() / 4 * 3;
    if size > MAX_IMAGE_BYTES + 2 {
        return Some(DropProblem::ImageTooBig(size));
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) else {
        return Some(DropProblem::ImageType);
    };
    if bytes.len() > MAX_IMAGE_BYTES {
        return Some(DropProblem::ImageTooBig(bytes.len()));
    }
    let is = match media_type {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
            let text = text.trim_start_matches('\u{feff}').trim_start();
            text.starts_with("<svg") || text.starts_with("<?xml")
        }
    };
    (!is).then_some(DropProblem::ImageNotWhatItSays)
}

fn variant_problems(i: usize, v: &DropVariant, earlier: &[DropVariant]) -> Vec<DropProblem> {
    let mut problems = Vec::new();
    if !slug(&v.id, 40) {
        problems.push(DropProblem::Variant(i, VariantField::Id));
    } else if earlier.iter().any(|e| e.id == v.id) {
        problems.push(DropProblem::VariantIdRepeated(i));
    }
    if v.name.trim().is_empty() || v.name.chars().count() > MAX_LINE_CHARS {
        problems.push(DropProblem::Variant(i, VariantField::Name));
    }
    if v.name_zh_cn.trim().is_empty() || v.name_zh_cn.chars().count() > MAX_LINE_CHARS {
        problems.push(DropProblem::Variant(i, VariantField::NameZh));
    }
    if !colour(&v.colour) {
        problems.push(DropProblem::Variant(i, VariantField::Colour));
    }
    if v.stock == 0 {
        problems.push(DropProblem::Variant(i, VariantField::Stock));
    }
    if v.price_cents == 0 {
        problems.push(DropProblem::Variant(i, VariantField::Price));
    }
    problems
}

/// Everything wrong with `drop` as a drop on its own, in the form's order; empty when it may
/// be saved. A new drop must also start later ([`check_new_drop`]); a change to a public one
/// must also keep to [`check_change`].
pub fn check_drop(drop: &Drop) -> Vec<DropProblem> {
    let mut problems = Vec::new();
    if !(3..=40).contains(&drop.id.len()) || !slug(&drop.id, 40) {
        problems.push(DropProblem::IdShape);
    }
    for field in TextField::ALL {
        let text = field.of(drop);
        let chars = text.chars().count();
        if text.trim().is_empty() {
            problems.push(DropProblem::TextMissing(field));
        } else if chars > field.max_chars() {
            problems.push(DropProblem::TextTooLong(field, chars));
        }
    }
    problems.extend(image_problem(&drop.image));
    if drop.currency.len() != 3 || !drop.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        problems.push(DropProblem::Currency);
    }
    match drop.variants.len() {
        0 => problems.push(DropProblem::NoVariants),
        n if n > MAX_VARIANTS => problems.push(DropProblem::TooManyVariants(n)),
        _ => {}
    }
    for (i, variant) in drop.variants.iter().enumerate() {
        problems.extend(variant_problems(i, variant, &drop.variants[..i]));
    }
    if drop.registration_opens >= drop.registration_closes
        || drop.registration_closes > drop.starts_at
    {
        problems.push(DropProblem::RegistrationOrder);
    }
    if drop.ends_at <= drop.starts_at {
        problems.push(DropProblem::EndBeforeStart);
    }
    if !(HOLD_SECONDS.0..=HOLD_SECONDS.1).contains(&drop.hold_seconds) {
        problems.push(DropProblem::HoldLength);
    }
    if drop
        .hold_extension_seconds
        .is_some_and(|s| s == 0 || s > MAX_EXTENSION_SECONDS)
    {
        problems.push(DropProblem::Extension);
    }
    if !(1..=MAX_PER_ACCOUNT).contains(&drop.per_account_limit) {
        problems.push(DropProblem::PerAccount);
    }
    if !(1..=MAX_ADMISSION_PER_SECOND).contains(&drop.admission_per_second) {
        problems.push(DropProblem::AdmissionRate);
    }
    problems
}

/// Everything wrong with a new drop: [`check_drop`], and a start still to come at `now`.
pub fn check_new_drop(drop: &Drop, now: Millis) -> Vec<DropProblem> {
    let mut problems = check_drop(drop);
    if drop.starts_at <= now {
        problems.push(DropProblem::StartPassed);
    }
    problems
}

/// A change the store refuses once a drop is public (registration has opened).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// A variant's stock below what is held and sold of it: the variant, and that many.
    StockBelowTaken { variant: usize, taken: u32 },
    /// Variants added, removed or reordered, or a price, currency or id changed: shoppers
    /// registered for what was announced.
    Fixed(&'static str),
    /// A schedule moved earlier: it may only move later.
    ScheduleEarlier,
    /// The schedule changed after the start.
    ScheduleAfterStart,
    /// A schedule move after the draw's fingerprint was published: it would change who is
    /// in the draw.
    DrawPublished,
    /// A schedule move without a note for the registered shoppers.
    NoteNeeded,
}

impl fmt::Display for ChangeRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StockBelowTaken { variant, taken } => write!(
                f,
                "Variant {}: {taken} units are already held or sold, so its stock cannot go below {taken}.",
                variant + 1
            ),
            Self::Fixed(what) => write!(f, "The {what} cannot change once registration has opened: shoppers registered for what was announced."),
            Self::ScheduleEarlier => write!(f, "Once registration has opened the schedule may only move later."),
            Self::ScheduleAfterStart => write!(f, "The schedule cannot change after the start."),
            Self::DrawPublished => write!(f, "The draw's fingerprint is published: moving the schedule now would change who is in the draw."),
            Self::NoteNeeded => write!(f, "Tell registered shoppers why the time moves, in both languages."),
        }
    }
}

/// What the drop's variants have held or sold, and where the sale stands, for [`check_change`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    /// Held + sold, by variant.
    pub by_variant: Vec<u32>,
    pub fingerprint_published: bool,
    pub started: bool,
}

/// What a public drop may not become: checked after [`check_drop`] passes on `new`.
/// `note_given` says whether the change came with a note for shoppers.
pub fn check_change(old: &Drop, new: &Drop, taken: &Taken, note_given: bool) -> Vec<ChangeRefusal> {
    let mut refusals = Vec::new();
    let ids = |d: &Drop| d.variants.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
    let prices = |d: &Drop| d.variants.iter().map(|v| v.price_cents).collect::<Vec<_>>();
    if old.id != new.id {
        refusals.push(ChangeRefusal::Fixed("address"));
    }
    if old.currency != new.currency {
        refusals.push(ChangeRefusal::Fixed("currency"));
    }
    if ids(old) != ids(new) {
        refusals.push(ChangeRefusal::Fixed("list of variants"));
    } else {
        if prices(old) != prices(new) {
            refusals.push(ChangeRefusal::Fixed("price"));
        }
        for (variant, (v, taken)) in new.variants.iter().zip(&taken.by_variant).enumerate() {
            if v.stock < *taken {
                refusals.push(ChangeRefusal::StockBelowTaken {
                    variant,
                    taken: *taken,
                });
            }
        }
    }
    if old.per_account_limit != new.per_account_limit {
        refusals.push(ChangeRefusal::Fixed("limit per account"));
    }
    if old.hold_seconds != new.hold_seconds
        || old.hold_extension_seconds != new.hold_extension_seconds
    {
        refusals.push(ChangeRefusal::Fixed("hold length"));
    }
    let schedule = |d: &Drop| {
        [
            d.registration_opens,
            d.registration_closes,
            d.starts_at,
            d.ends_at,
        ]
    };
    let (was, will) = (schedule(old), schedule(new));
    if was != will {
        if taken.started {
            refusals.push(ChangeRefusal::ScheduleAfterStart);
        } else if taken.fingerprint_published {
            refusals.push(ChangeRefusal::DrawPublished);
        } else if was.iter().zip(&will).any(|(w, n)| n < w) {
            refusals.push(ChangeRefusal::ScheduleEarlier);
        } else if !note_given {
            refusals.push(ChangeRefusal::NoteNeeded);
        }
    }
    refusals
}
