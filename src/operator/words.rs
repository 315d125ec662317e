//! The console's texts: one `&'static str` per text, and one static [`Words`] per language
//! (`english.rs`, `chinese.rs`), so a text written in one language and not the other does not
//! compile. They live in the console's module, not in the shopper's first load; the console
//! follows the shop's language ([`super::words_in`]).
use store_contract::drop_rules::{
    ChangeRefusal, DropProblem, TextField, VariantField, HOLD_SECONDS, MAX_ADMISSION_PER_SECOND,
    MAX_EXTENSION_SECONDS, MAX_IMAGE_BYTES, MAX_PER_ACCOUNT, MAX_VARIANTS,
};
use store_contract::Phase;

use crate::i18n::fill;

pub struct Words {
    pub console: &'static str,
    pub sign_in_title: &'static str,
    pub key_label: &'static str,
    pub key_hint: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_out: &'static str,
    pub key_missing: &'static str,
    pub wrong_key: &'static str,
    pub wrong_key_plain: &'static str,
    pub locked: &'static str,
    pub not_operator: &'static str,
    pub session_ended: &'static str,
    pub loading: &'static str,
    pub could_not_load: &'static str,

    pub drops: &'static str,
    pub new_drop: &'static str,
    pub no_drops: &'static str,
    pub col_drop: &'static str,
    pub col_phase: &'static str,
    pub col_start: &'static str,
    pub col_sold: &'static str,
    pub col_registrants: &'static str,
    pub col_actions: &'static str,
    pub announced: &'static str,
    pub registration_open: &'static str,
    pub registration_closed: &'static str,
    pub live: &'static str,
    pub ended: &'static str,
    pub stopped: &'static str,
    pub paused: &'static str,
    pub edit: &'static str,
    pub duplicate: &'static str,
    pub cancel_drop: &'static str,
    pub open_live: &'static str,
    pub cancel_title: &'static str,
    pub cancel_explain: &'static str,
    pub note_en: &'static str,
    pub note_zh: &'static str,
    pub note_both: &'static str,
    pub confirm_cancel: &'static str,
    pub keep: &'static str,
    pub back: &'static str,

    pub form_new: &'static str,
    pub form_edit: &'static str,
    pub form_duplicate: &'static str,
    pub f_id: &'static str,
    pub f_product: &'static str,
    pub f_product_zh: &'static str,
    pub f_tagline: &'static str,
    pub f_tagline_zh: &'static str,
    pub f_description: &'static str,
    pub f_description_zh: &'static str,
    pub f_image: &'static str,
    pub upload: &'static str,
    pub uploaded: &'static str,
    pub f_currency: &'static str,
    pub variants: &'static str,
    pub variant_n: &'static str,
    pub add_variant: &'static str,
    pub remove: &'static str,
    pub v_id: &'static str,
    pub v_name: &'static str,
    pub v_name_zh: &'static str,
    pub v_colour: &'static str,
    pub v_stock: &'static str,
    pub v_price: &'static str,
    pub schedule: &'static str,
    pub f_opens: &'static str,
    pub f_closes: &'static str,
    pub f_starts: &'static str,
    pub f_ends: &'static str,
    pub time_zone_hint: &'static str,
    pub rules: &'static str,
    pub f_hold: &'static str,
    pub f_extension: &'static str,
    pub f_per_account: &'static str,
    pub f_rate: &'static str,
    pub move_note: &'static str,
    pub create: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub has_problems: &'static str,
    pub store_refused: &'static str,

    pub n_product: &'static str,
    pub n_product_zh: &'static str,
    pub n_tagline: &'static str,
    pub n_tagline_zh: &'static str,
    pub n_description: &'static str,
    pub n_description_zh: &'static str,
    pub p_id_shape: &'static str,
    pub p_id_taken: &'static str,
    pub p_text_missing: &'static str,
    pub p_text_too_long: &'static str,
    pub p_image_unknown: &'static str,
    pub p_image_type: &'static str,
    pub p_image_not: &'static str,
    pub p_image_big: &'static str,
    pub p_currency: &'static str,
    pub p_no_variants: &'static str,
    pub p_too_many: &'static str,
    pub p_v_id: &'static str,
    pub p_v_name: &'static str,
    pub p_v_name_zh: &'static str,
    pub p_v_colour: &'static str,
    pub p_v_stock: &'static str,
    pub p_v_price: &'static str,
    pub p_v_repeated: &'static str,
    pub p_registration_order: &'static str,
    pub p_end_before_start: &'static str,
    pub p_start_passed: &'static str,
    pub p_hold: &'static str,
    pub p_extension: &'static str,
    pub p_per_account: &'static str,
    pub p_rate: &'static str,
    pub r_fixed: &'static str,
    pub r_address: &'static str,
    pub r_currency: &'static str,
    pub r_variants: &'static str,
    pub r_price: &'static str,
    pub r_limit: &'static str,
    pub r_hold: &'static str,
    pub r_stock: &'static str,
    pub r_earlier: &'static str,
    pub r_after_start: &'static str,
    pub r_draw: &'static str,
    pub r_note: &'static str,

    pub live_title: &'static str,
    pub registered: &'static str,
    pub checked_in: &'static str,
    pub in_line: &'static str,
    pub admitted: &'static str,
    pub admitted_per_minute: &'static str,
    pub holding: &'static str,
    pub paying: &'static str,
    pub sold: &'static str,
    pub stock_left: &'static str,
    pub sell_out: &'static str,
    pub no_sell_out: &'static str,
    pub refusals: &'static str,
    pub turned_away: &'static str,
    pub rate: &'static str,
    pub per_second: &'static str,
    pub paused_since: &'static str,
    pub running: &'static str,
    pub stock_by_variant: &'static str,
    pub stock_bar: &'static str,
    pub chart_admissions: &'static str,
    pub legend_admitted: &'static str,
    pub legend_sold: &'static str,
    pub chart_queue: &'static str,
    pub chart_empty: &'static str,
    pub nodes: &'static str,
    pub node_applied: &'static str,
    pub node_lag: &'static str,
    pub node_p99: &'static str,
    pub steering: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub set_rate: &'static str,
    pub end_early: &'static str,
    pub end_explain: &'static str,
    pub end_confirm: &'static str,
    pub announcement: &'static str,
    pub post: &'static str,
    pub take_down: &'static str,
    pub shown_now: &'static str,
    pub actions: &'static str,
    pub no_actions: &'static str,
    pub report: &'static str,
    pub draw_record: &'static str,
    pub orders_csv: &'static str,
    pub live_unreadable: &'static str,
    pub a_pause: &'static str,
    pub a_resume: &'static str,
    pub a_rate: &'static str,
    pub a_end: &'static str,
    pub a_announce: &'static str,
    pub a_stock: &'static str,
    pub a_schedule: &'static str,
    pub a_texts: &'static str,
    pub a_cancel: &'static str,
}

impl Words {
    pub fn phase(&self, phase: Phase) -> &'static str {
        match phase {
            Phase::Announced => self.announced,
            Phase::RegistrationOpen => self.registration_open,
            Phase::RegistrationClosed => self.registration_closed,
            Phase::Live => self.live,
            Phase::Ended => self.ended,
        }
    }

    fn text_field(&self, field: TextField) -> &'static str {
        match field {
            TextField::Product => self.n_product,
            TextField::ProductZh => self.n_product_zh,
            TextField::Tagline => self.n_tagline,
            TextField::TaglineZh => self.n_tagline_zh,
            TextField::Description => self.n_description,
            TextField::DescriptionZh => self.n_description_zh,
        }
    }

    /// What is wrong with a field of the drop, in the console's language.
    pub fn problem(&self, problem: &DropProblem) -> String {
        let n = |x: usize| x.to_string();
        match problem {
            DropProblem::IdShape => self.p_id_shape.into(),
            DropProblem::IdTaken => self.p_id_taken.into(),
            DropProblem::TextMissing(f) => fill(self.p_text_missing, &[self.text_field(*f)]),
            DropProblem::TextTooLong(f, chars) => fill(
                self.p_text_too_long,
                &[self.text_field(*f), &n(*chars), &n(f.max_chars())],
            ),
            DropProblem::ImageUnknown => self.p_image_unknown.into(),
            DropProblem::ImageType => self.p_image_type.into(),
            DropProblem::ImageNotWhatItSays => self.p_image_not.into(),
            DropProblem::ImageTooBig(bytes) => fill(
                self.p_image_big,
                &[&n(bytes.div_ceil(1024)), &n(MAX_IMAGE_BYTES / 1024)],
            ),
            DropProblem::Currency => self.p_currency.into(),
            DropProblem::NoVariants => self.p_no_variants.into(),
            DropProblem::TooManyVariants(count) => {
                fill(self.p_too_many, &[&n(*count), &n(MAX_VARIANTS)])
            }
            DropProblem::Variant(i, field) => fill(
                match field {
                    VariantField::Id => self.p_v_id,
                    VariantField::Name => self.p_v_name,
                    VariantField::NameZh => self.p_v_name_zh,
                    VariantField::Colour => self.p_v_colour,
                    VariantField::Stock => self.p_v_stock,
                    VariantField::Price => self.p_v_price,
                },
                &[&n(i + 1)],
            ),
            DropProblem::VariantIdRepeated(i) => fill(self.p_v_repeated, &[&n(i + 1)]),
            DropProblem::RegistrationOrder => self.p_registration_order.into(),
            DropProblem::EndBeforeStart => self.p_end_before_start.into(),
            DropProblem::StartPassed => self.p_start_passed.into(),
            DropProblem::HoldLength => fill(
                self.p_hold,
                &[&HOLD_SECONDS.0.to_string(), &HOLD_SECONDS.1.to_string()],
            ),
            DropProblem::Extension => fill(self.p_extension, &[&MAX_EXTENSION_SECONDS.to_string()]),
            DropProblem::PerAccount => fill(self.p_per_account, &[&MAX_PER_ACCOUNT.to_string()]),
            DropProblem::AdmissionRate => {
                fill(self.p_rate, &[&MAX_ADMISSION_PER_SECOND.to_string()])
            }
        }
    }

    /// Why a public drop may not take a change, in the console's language.
    pub fn refusal(&self, refusal: &ChangeRefusal) -> String {
        match refusal {
            ChangeRefusal::StockBelowTaken { variant, taken } => fill(
                self.r_stock,
                &[&(variant + 1).to_string(), &taken.to_string()],
            ),
            ChangeRefusal::Fixed(what) => fill(self.r_fixed, &[self.fixed(what)]),
            ChangeRefusal::ScheduleEarlier => self.r_earlier.into(),
            ChangeRefusal::ScheduleAfterStart => self.r_after_start.into(),
            ChangeRefusal::DrawPublished => self.r_draw.into(),
            ChangeRefusal::NoteNeeded => self.r_note.into(),
        }
    }

    /// The name of a fixed part of a drop, as [`ChangeRefusal::Fixed`] gives it in English.
    fn fixed(&self, what: &str) -> &'static str {
        match what {
            "address" => self.r_address,
            "currency" => self.r_currency,
            "list of variants" => self.r_variants,
            "price" => self.r_price,
            "limit per account" => self.r_limit,
            _ => self.r_hold,
        }
    }

    /// An operator action's name, as the store's log names it (a newer one as it is).
    pub fn action(&self, action: &str) -> String {
        String::from(match action {
            "pause" => self.a_pause,
            "resume" => self.a_resume,
            "rate" => self.a_rate,
            "end" => self.a_end,
            "announce" => self.a_announce,
            "stock" => self.a_stock,
            "schedule" => self.a_schedule,
            "texts" => self.a_texts,
            "cancel" => self.a_cancel,
            other => other,
        })
    }
}
