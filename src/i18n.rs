//! The shop in English and in Simplified Chinese. Every sentence a shopper reads is a field of
//! [`Words`], and each language is one `static` of it: a text added to one language and not the
//! other is a compile error (a struct literal must name every field), so the two can never drift.
//! Sentences with facts in them carry `{0}`, `{1}`… where the facts go ([`fill`]). Numbers,
//! money and dates go through the browser's `Intl` in [`crate::format`]; this module only
//! chooses the words and the language.
//!
//! Why hand-written tables and not leptos_i18n: see the README's "Languages" section (a hard
//! 15 KB budget whose cost can be read off `make build` directly, no build step).
use store_contract::demo::{notice_codes, SettingProblem, StoreNotice};
use store_contract::validation::{AddressProblem, CodeProblem, PhoneProblem, CODE_LENGTH};
use store_contract::{codes, ApiError, Market};

use crate::storage::PageStorage;

/// Where the shopper's choice is remembered.
const LANGUAGE_KEY: &str = "language";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    En,
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The tag in `<html lang>`, `?lang=` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The locale `Intl` formats for: British English writes "Thu 26 Nov" and a 24-hour clock.
    pub fn intl_tag(self) -> &'static str {
        match self {
            Locale::En => "en-GB",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The language's own short name, as the header's switch offers it (short enough for the
    /// header at 360 px; `lang` on the switch tells screen readers how to say it).
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "中文",
        }
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::En => Locale::ZhCn,
            Locale::ZhCn => Locale::En,
        }
    }

    /// A browser language tag the shop speaks: any Chinese reads Simplified Chinese better than
    /// English; any English is English.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first of the browser's languages the shop speaks, English if none.
    pub fn from_languages<'a>(languages: impl IntoIterator<Item = &'a str>) -> Locale {
        languages
            .into_iter()
            .find_map(Locale::parse)
            .unwrap_or_default()
    }

    /// `?lang=` (designers' and scenario links), then the shopper's remembered choice, then
    /// `navigator.languages` on a first visit.
    pub fn chosen(storage: &PageStorage) -> Locale {
        let from_url = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
            .and_then(|params| params.get("lang"))
            .and_then(|tag| Locale::parse(&tag));
        if let Some(locale) = from_url {
            storage.set(LANGUAGE_KEY, locale.tag());
            return locale;
        }
        if let Some(locale) = storage.get(LANGUAGE_KEY).and_then(|t| Locale::parse(&t)) {
            return locale;
        }
        let languages: Vec<String> = web_sys::window()
            .map(|w| w.navigator().languages())
            .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default();
        Locale::from_languages(languages.iter().map(String::as_str))
    }

    /// Remembers a choice the shopper made.
    pub fn remember(self, storage: &PageStorage) {
        storage.set(LANGUAGE_KEY, self.tag());
    }

    /// Tells the browser (screen readers, fonts, spell-checkers) which language the page is in.
    pub fn apply_to_document(self) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", self.tag());
        }
    }

    /// How addresses and phone numbers are written for this language's shoppers.
    pub fn market(self) -> Market {
        match self {
            Locale::En => Market::International,
            Locale::ZhCn => Market::China,
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Locale::En => &EN,
            Locale::ZhCn => &ZH,
        }
    }
}

/// One text of [`Words`], chosen where the language is not known yet (a label, a title).
pub type Text = fn(&Words) -> &'static str;

/// A sentence said now and shown later (a notice): its text and facts, put together in
/// whatever language the page speaks when it shows them.
#[derive(Clone, Debug)]
pub struct Said {
    pub text: Text,
    pub facts: Vec<Fact>,
}

/// A fact in a [`Said`] sentence.
#[derive(Clone, Debug)]
pub enum Fact {
    /// Figures, names and codes: the same in every language.
    Plain(String),
    /// A store's refusal, said as [`Words::store_error`] says it.
    Error(ApiError),
}

impl Said {
    pub fn new(text: Text, facts: impl IntoIterator<Item = String>) -> Said {
        let facts = facts.into_iter().map(Fact::Plain).collect();
        Said { text, facts }
    }

    /// A scenario modifier or demo setting that could not be used.
    pub fn setting_problem(problem: &SettingProblem) -> Said {
        match problem {
            SettingProblem::Unknown { name } => {
                Said::new(|t| t.not_a_setting, [name.clone(), SettingProblem::known()])
            }
            SettingProblem::Ignored {
                name,
                value,
                least,
                most,
                ..
            } => Said::new(
                |t| t.setting_ignored,
                [
                    name.clone(),
                    value.clone(),
                    least.to_string(),
                    most.to_string(),
                ],
            ),
        }
    }

    /// A notice from the demo store, in this language when the page knows its code.
    pub fn store_notice(notice: &StoreNotice) -> Said {
        let detail = notice.detail.clone().unwrap_or_default();
        let text: Text = match notice.code.as_deref() {
            Some(notice_codes::DATA_AFRESH) => |t| t.store_data_afresh,
            Some(notice_codes::SAVE_REFUSED) => |t| t.store_save_refused,
            Some(notice_codes::CANNOT_SAVE) => |t| t.store_cannot_save,
            _ => return Said::new(|_| "{0}", [notice.text.clone()]),
        };
        Said::new(text, [detail])
    }

    /// The sentence in the language of `t`.
    pub fn say(&self, t: &Words) -> String {
        let facts: Vec<String> = self
            .facts
            .iter()
            .map(|fact| match fact {
                Fact::Plain(text) => text.clone(),
                Fact::Error(error) => t.store_error(error),
            })
            .collect();
        let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
        fill((self.text)(t), &facts)
    }
}

/// Declares [`Words`] with one `&'static str` per key, and, for the tests, the list of them.
macro_rules! words {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        /// Every text of the shop, in one language. A fact goes in at `{0}`, `{1}`… ([`fill`]).
        pub struct Words {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Words {
            /// Every text with its key, so a test can hold the languages side by side.
            #[cfg(test)]
            fn texts(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

words! {
    // The frame.
    shop_name,
    /// After the brand in the header ("Kestrel drops").
    brand_suffix,
    main_nav,
    sales,
    my_account,
    sign_in,
    switch_language,
    footer,
    opening_store,
    store_could_not_open,
    reload_to_retry,
    dismiss,
    signed_out,
    retrying,
    store_busy_short,
    no_answer_short,
    store_trouble_short,
    loading,
    page_not_found,
    nothing_here,
    page_does_not_exist,
    sales_page,
    full_stop,

    duration_s,
    duration_min,
    duration_min_s,
    duration_h_min,
    /// A countdown of days: "2 d 03 h".
    days_hours,
    today_at,
    /// Weekday {0}, date {1} and time {2} in the language's order.
    day_date_time,
    percent,
    under_1_percent,
    over_99_percent,

    // Home.
    flash_drops,
    home_lede,
    loading_sales,
    no_drops,
    no_drops_hint,
    badge_announced,
    registration_opens_at,
    badge_registration_open,
    closes_and_starts,
    badge_starting_soon,
    starts_at,
    badge_live,
    live_letting_in,
    badge_ended,
    see_the_report,
    sale_meta,

    // Signing in.
    sign_in_title,
    one_account_per_phone,
    phone_label,
    /// The phone field's example, in the market's country code.
    phone_example,
    sending,
    text_me_a_code,
    enter_the_code,
    sent_to,
    change_number,
    code_label,
    send_new_code,
    phone_empty,
    phone_no_country_code,
    phone_not_a_digit,
    phone_country_code_zero,
    phone_too_few_digits,
    phone_too_many_digits,
    phone_not_a_chinese_mobile,
    code_not_digits,
    code_empty,
    code_wrong_length,
    demo_phone,
    demo_texts,
    waiting_for_text,

    // Account and orders.
    signed_in_as,
    sign_out,
    registrations,
    no_registrations,
    see_the_drops,
    registration_no_short,
    orders,
    no_orders,
    order_title,
    sign_in_to_see_order,
    orders_are_private,
    loading_order,
    order_not_found,
    product,
    paid,
    delivering_to,

    // The sale page.
    sale,
    sale_could_not_load,
    loading_sale,
    ten_seconds_left,
    one_minute_left,
    syncing_clock,
    clock_agrees,
    clock_fast,
    clock_slow,
    clock_synced,
    join_the_queue,
    opens_at,
    announced_title,
    registration_opens_in,
    registration_is_open,
    registration_window,
    only_registered_may_buy,
    registration_has_closed,
    register_for_sale,
    you_are_registered,
    registration_no,
    sale_starts_in,
    sale_is_open,
    have_page_open,
    check_in_advice,
    cancel_registration,
    missed_registration,
    registration_closed_sign_in,
    in_waiting_room_with,
    checking_in,
    waiting_room_title,
    starts_in,
    draw_explained,
    fingerprint_label,
    units_in_batch,
    registered,
    per_account,
    hold_to_check_out,
    next_drop,
    next_registration_open_until,
    next_registration_opens,
    drops_announced_on,
    notify_offer,
    notify_me,
    notify_granted,
    notify_denied,
    notify_unsupported,
    your_choice,
    left_of,
    another_variant_will_do,

    // In line.
    number_in_line,
    sale_is_live,
    your_place,
    place_in_draw,
    your_ticket,
    ahead_of_you,
    estimated_wait,
    unknown,
    chance_of_unit,
    units_left,
    queue_hint,
    drawing_order,
    after_the_draw,
    all_in_carts,
    waitlist_explained,
    may_come_back,

    // A unit in hand.
    held_for,
    hold_ended,
    hold_warning,
    extend_by,
    your_turn_title,
    hold_explained,
    check_out,
    delivery_address,
    full_name,
    street_and_number,
    town_or_city,
    postcode,
    province,
    district,
    address_no_name,
    address_short_street,
    address_no_city,
    address_no_postcode,
    address_bad_postcode,
    address_no_province,
    address_no_district,
    address_bad_chinese_postcode,
    payment_demo_cards,
    card_approves,
    card_declines,
    card_slow,
    pay,
    back,
    waiting_for_bank_title,
    payment_pending,
    payment_declined,
    payment_approved,
    payment_in_flight_hint,
    turn_notice_title,
    turn_notice,
    hold_ending_title,
    hold_ending,
    turn_tab_title,

    // How it ended.
    order_confirmed,
    order_word,
    ships_to,
    see_the_order,
    all_my_orders,
    sold_out,
    sold_out_explained,
    where_you_stood,
    units_in_the_batch,
    sold_out_after,
    sold_out_sorry,
    hold_ran_out_title,
    hold_ran_out,
    sale_ended_title,
    missed_the_queue,
    did_not_take_part,
    sale_is_over,
    sale_report,
    sale_in_numbers,
    sale_so_far,
    came_to_buy,
    units,
    sold,
    did_not_sell_out,
    still_on_sale,
    holds_ran_out,
    units_offered_again,
    in_waiting_room,
    fingerprint_published,
    seed_revealed,
    verify_draw,
    download_draw,
    record_lists,
    checks_it_outside,
    method_in,
    seed_revealed_at_end,

    // The designers' gallery.
    every_screen,
    preview_lede,
    full_size,
    all_screens,
    preview_of,
    sale_screen,
    screen_code_sent,
    screen_wrong_code,
    screen_locked,
    screen_retrying,
    screen_busy,
    screen_no_sales,
    screen_no_orders,

    // The store's refusals, by code.
    /// Follows a refusal that says when to try again (with its own leading space, if any).
    try_again_in,
    store_busy,
    store_unavailable,
    no_answer,
    bad_response,
    sign_in_first,
    wrong_code,
    no_code,
    code_expired,
    code_too_soon,
    number_locked,
    not_registered,
    already_registered,
    registration_not_open,
    queue_not_open,
    sale_not_started,
    already_in_queue,
    not_in_queue,
    on_waitlist,
    limit_reached,
    no_hold,
    hold_expired,
    extension_used,
    no_extension,
    unknown_variant,
    payment_already_in_flight,
    request_conflicts,
    no_payment_in_flight,
    unknown_sale,
    unknown_order,

    // Sentences with the facts the store's structured answers carry.
    wrong_code_tries_left,
    unknown_sale_named,
    unknown_order_numbered,
    store_answered,

    // The draw verifier's verdict.
    draw_verified_one,
    draw_verified,
    draw_place_as_shown,
    draw_fingerprint_as_shown,
    draw_fingerprint_changed,
    draw_awaiting_seed,
    draw_bad_fingerprint,
    draw_not_ascending,
    draw_admitted_twice,
    draw_listed_twice,
    draw_bad_seed,
    draw_seed_mismatch,
    draw_mismatch,
    draw_ticket,
    draw_no_ticket,
    draw_not_in_room,
    draw_before_turn,
    draw_turn_not_reached,
    draw_shown_place,

    // The demo controls and notices about the demo (read by designers and shoppers).
    demo_controls,
    hide,
    store_clock,
    sync,
    sync_detail,
    phase,
    registered_came,
    in_line,
    available_held_paying,
    sold_expired,
    engine_memory,
    kilobytes,
    replayable_run,
    jump_registration_closes,
    jump_ten_seconds,
    jump_start,
    jump_minute,
    clock_speed,
    crowd,
    stock,
    latency,
    faults,
    clock_skew,
    apply,
    reset_demo,
    not_a_setting,
    setting_ignored,
    not_a_preset,
    preset_needs_crowd,
    preset_needs_stock,
    speed_after_registering,
    scenario_not_played,
    scenario_stopped,
    clock_unreadable,
    storage_blocked,
    storage_unreadable,
    storage_full,
    store_data_afresh,
    store_save_refused,
    store_cannot_save,
    no_service_workers,
    store_did_not_start,
    store_start_timeout,
}

/// A sentence with its facts put in: `{0}` is the first fact, `{1}` the second, and so on.
/// Sentences are data rather than one function each, which keeps the wasm small.
pub fn fill(sentence: &str, facts: &[&str]) -> String {
    let mut out = String::with_capacity(sentence.len() + 16);
    let mut rest = sentence;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let fact = after.find('}').and_then(|close| {
            let index = after[..close].parse::<usize>().ok()?;
            Some((facts.get(index).copied().unwrap_or_default(), close))
        });
        match fact {
            Some((fact, close)) => {
                out.push_str(fact);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Words {
    pub fn phone_problem(&self, problem: PhoneProblem) -> String {
        let n = |n: usize| n.to_string();
        match problem {
            PhoneProblem::Empty => self.phone_empty.into(),
            PhoneProblem::NoCountryCode => self.phone_no_country_code.into(),
            PhoneProblem::NotADigit(bad) => fill(self.phone_not_a_digit, &[&bad.to_string()]),
            PhoneProblem::CountryCodeZero => self.phone_country_code_zero.into(),
            PhoneProblem::TooFewDigits(d) => fill(self.phone_too_few_digits, &[&n(d)]),
            PhoneProblem::TooManyDigits(d) => fill(self.phone_too_many_digits, &[&n(d)]),
            PhoneProblem::NotAChineseMobile(d) => fill(self.phone_not_a_chinese_mobile, &[&n(d)]),
        }
    }

    pub fn code_problem(&self, problem: CodeProblem) -> String {
        let length = CODE_LENGTH.to_string();
        match problem {
            CodeProblem::NotDigits => self.code_not_digits.into(),
            CodeProblem::Empty => fill(self.code_empty, &[&length]),
            CodeProblem::WrongLength(typed) => {
                fill(self.code_wrong_length, &[&length, &typed.to_string()])
            }
        }
    }

    pub fn address_problem(&self, problem: AddressProblem) -> &'static str {
        match problem {
            AddressProblem::NoName => self.address_no_name,
            AddressProblem::ShortStreet => self.address_short_street,
            AddressProblem::NoCity => self.address_no_city,
            AddressProblem::NoPostcode => self.address_no_postcode,
            AddressProblem::BadPostcode => self.address_bad_postcode,
            AddressProblem::NoProvince => self.address_no_province,
            AddressProblem::NoDistrict => self.address_no_district,
            AddressProblem::BadChinesePostcode => self.address_bad_chinese_postcode,
        }
    }

    /// The store's refusal as a sentence in this language. The store keeps its stable `code`
    /// and English `message` for API clients; a code this page does not know shows that message.
    pub fn store_error(&self, error: &ApiError) -> String {
        let wait = error
            .retry_after_ms
            .map(|ms| fill(self.try_again_in, &[&crate::format::duration(ms, self)]));
        // The facts the store answers beside its code go into the sentence, in any language.
        let sentence = match (error.code.as_str(), error.tries_left, &error.subject) {
            (codes::WRONG_CODE, Some(left), _) => {
                fill(self.wrong_code_tries_left, &[&left.to_string()])
            }
            (codes::UNKNOWN_SALE, _, Some(sale)) => fill(self.unknown_sale_named, &[sale]),
            (codes::UNKNOWN_ORDER, _, Some(order)) => fill(self.unknown_order_numbered, &[order]),
            ("http_error", ..) => fill(self.store_answered, &[&error.status.to_string()]),
            (code, ..) => self.refusal(code).unwrap_or(&error.message).to_string(),
        };
        match wait {
            Some(wait) => sentence + &wait,
            None => sentence,
        }
    }

    /// The sentence for a store's code that carries no facts of its own.
    fn refusal(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            codes::BUSY => self.store_busy,
            codes::UNAVAILABLE => self.store_unavailable,
            codes::NO_ANSWER => self.no_answer,
            codes::BAD_RESPONSE => self.bad_response,
            codes::SIGN_IN => self.sign_in_first,
            codes::WRONG_CODE => self.wrong_code,
            codes::NO_CODE => self.no_code,
            codes::CODE_EXPIRED => self.code_expired,
            codes::TOO_SOON => self.code_too_soon,
            codes::LOCKED => self.number_locked,
            codes::UNKNOWN_SALE => self.unknown_sale,
            codes::UNKNOWN_ORDER => self.unknown_order,
            "not_registered" => self.not_registered,
            "already_registered" => self.already_registered,
            "registration_not_open" => self.registration_not_open,
            "registration_closed" => self.registration_has_closed,
            "queue_not_open" => self.queue_not_open,
            "sale_not_started" => self.sale_not_started,
            "sale_ended" => self.sale_ended_title,
            codes::ALREADY_IN_QUEUE => self.already_in_queue,
            "not_in_queue" => self.not_in_queue,
            "on_waitlist" => self.on_waitlist,
            "limit_reached" => self.limit_reached,
            "no_hold" => self.no_hold,
            "hold_expired" => self.hold_expired,
            "extension_used" => self.extension_used,
            "no_extension" => self.no_extension,
            "unknown_variant" => self.unknown_variant,
            "payment_in_flight" => self.payment_already_in_flight,
            "payment_declined" => self.payment_declined,
            "idempotency_key_reused" => self.request_conflicts,
            "no_payment_in_flight" => self.no_payment_in_flight,
            "sold_out" => self.sold_out,
            _ => return None,
        })
    }
}

pub static EN: Words = Words {
    shop_name: "Kestrel drops",
    brand_suffix: " drops",
    main_nav: "Main",
    sales: "Sales",
    my_account: "My account",
    sign_in: "Sign in",
    switch_language: "Language",
    footer: "Kestrel is a fictional brand. This store runs entirely in your browser: the crowd is simulated, and no real payment is taken.",
    opening_store: "Opening the store…",
    store_could_not_open: "The store could not open",
    reload_to_retry: "Reload the page to try again.",
    dismiss: "Dismiss",
    signed_out: "You were signed out: the store no longer knows this session. Sign in again to carry on.",
    retrying: "{0}: retrying in {1} (attempt {2}). Your place is safe.",
    store_busy_short: "The store is busy",
    no_answer_short: "No answer from the store",
    store_trouble_short: "The store is having trouble",
    loading: "Loading…",
    page_not_found: "Page not found",
    nothing_here: "Nothing here",
    page_does_not_exist: "This page does not exist. The drops are on the ",
    sales_page: "sales page",
    full_stop: ".",
    duration_s: "{0} s",
    duration_min: "{0} min",
    duration_min_s: "{0} min {1} s",
    duration_h_min: "{0} h {1} min",
    days_hours: "{0} d {1} h",
    today_at: "today {0}",
    day_date_time: "{0} {1} {2}",
    percent: "{0} %",
    under_1_percent: "under 1 %",
    over_99_percent: "over 99 %",

    flash_drops: "Flash drops",
    home_lede: "Small batches at an announced moment. Register before it closes, be here at the start, and everyone gets the same fair chance.",
    loading_sales: "Loading sales…",
    no_drops: "No drops scheduled",
    no_drops_hint: "When the next batch is announced it appears here, with its registration window and start time.",
    badge_announced: "Announced",
    registration_opens_at: "Registration opens {0}",
    badge_registration_open: "Registration open",
    closes_and_starts: "Closes {0}; sale starts {1}",
    badge_starting_soon: "Starting soon",
    starts_at: "Starts {0}",
    badge_live: "Live now",
    live_letting_in: "Registered shoppers are being let in",
    badge_ended: "Ended",
    see_the_report: "See the report and check the draw",
    sale_meta: "{0} units · from {1} · {2} registered",

    sign_in_title: "Sign in or create an account",
    one_account_per_phone: "One account per phone number: we text you a code, no password.",
    phone_label: "Mobile number, with country code",
    phone_example: "+44 7700 900123",
    sending: "Sending…",
    text_me_a_code: "Text me a code",
    enter_the_code: "Enter the code we texted",
    sent_to: "Sent to {0}. ",
    change_number: "Change number",
    code_label: "{0}-digit code",
    send_new_code: "Send a new code",
    phone_empty: "Enter your phone number with its country code, for example +44 7700 900123.",
    phone_no_country_code: "Start with + and your country code, for example +44 for the UK or +91 for India.",
    phone_not_a_digit: "“{0}” is not a digit: after the + use digits only (spaces and dashes are fine).",
    phone_country_code_zero: "A country code never starts with 0: drop the 0 after the +.",
    phone_too_few_digits: "That is {0} digits; a full number with its country code has 8 to 15.",
    phone_too_many_digits: "That is {0} digits; a full number with its country code has at most 15.",
    phone_not_a_chinese_mobile: "A Chinese mobile number has 11 digits after +86, starting with 1; that is {0}.",
    code_not_digits: "The code is digits only: copy it from the text message.",
    code_empty: "Enter the {0}-digit code from the text message.",
    code_wrong_length: "The code has {0} digits; you typed {1}.",
    demo_phone: "Your phone (demo)",
    demo_texts: "Demo text messages",
    waiting_for_text: "Waiting for the text…",

    signed_in_as: "Signed in as {0}. ",
    sign_out: "Sign out",
    registrations: "Registrations",
    no_registrations: "You have not registered for a sale yet. ",
    see_the_drops: "See the drops",
    registration_no_short: " · registration no. {0}",
    orders: "Orders",
    no_orders: "No orders yet. When you win a unit and check out, your order appears here.",
    order_title: "Order {0}",
    sign_in_to_see_order: "Sign in to see this order",
    orders_are_private: "Orders are shown only to the account that placed them.",
    loading_order: "Loading the order…",
    order_not_found: "Order not found",
    product: "Product",
    paid: "Paid",
    delivering_to: "Delivering to",

    sale: "Sale",
    sale_could_not_load: "This sale could not be loaded",
    loading_sale: "Loading the sale…",
    ten_seconds_left: "Ten seconds left",
    one_minute_left: "One minute left",
    syncing_clock: "Syncing with the store clock…",
    clock_agrees: "your device clock agrees with it",
    clock_fast: "your device clock is {0} s fast",
    clock_slow: "your device clock is {0} s slow",
    clock_synced: "Synced with the store ±{0} ms; {1}.",
    join_the_queue: "Join the queue",
    opens_at: "Opens at {0}",
    announced_title: "Announced: registration opens soon",
    registration_opens_in: "Registration opens in ",
    registration_is_open: "Registration is open",
    registration_window: "Registration {0} to {1}; the sale starts {2}.",
    only_registered_may_buy: "Only registered shoppers may buy. Registration closes in ",
    registration_has_closed: "Registration has closed",
    register_for_sale: "Register for this sale",
    you_are_registered: "You are registered",
    registration_no: "Registration no. ",
    sale_starts_in: "The sale starts in ",
    sale_is_open: "The sale is open",
    have_page_open: "Have this page open by the start.",
    check_in_advice: " When registration closes, this page checks you in to the waiting room by itself, and everyone checked in by the start gets a random place in line. Open it later and you join the line after that draw, behind them.",
    cancel_registration: "Cancel my registration",
    missed_registration: "You did not register for this sale before registration closed, so you cannot buy in it. Only registered accounts may join the queue: that is what keeps the line fair.",
    registration_closed_sign_in: "Registration for this sale has closed. If you registered, sign in to see your place.",
    in_waiting_room_with: "You are in the waiting room with {0} others.",
    checking_in: "Checking you in to the waiting room…",
    waiting_room_title: "In the waiting room",
    starts_in: "Starts in ",
    draw_explained: "At the start, everyone in the waiting room is put in a random order drawn from a secret seed. Its fingerprint is published now, and the seed is revealed when the sale ends, so anyone can check the draw.",
    fingerprint_label: "Fingerprint (sha256 of the seed): ",
    units_in_batch: "Units in this batch",
    registered: "Registered",
    per_account: "Per account",
    hold_to_check_out: "Hold to check out",
    next_drop: "Next drop: ",
    next_registration_open_until: ": registration is open until {0}.",
    next_registration_opens: ": registration opens {0}.",
    drops_announced_on: "Drops are announced on the ",
    notify_offer: "Your turn may come while you are in another tab, and the unit is then held for you for only {0}. We can notify you the moment it comes.",
    notify_me: "Notify me when it's my turn",
    notify_granted: "We will notify you when it's your turn, and again if your hold is about to run out.",
    notify_denied: "Notifications are off for this site. The tab's title will still say when it's your turn.",
    notify_unsupported: "This browser cannot show notifications. The tab's title will say when it's your turn.",
    your_choice: "Your choice",
    left_of: "{0} of {1} left",
    another_variant_will_do: " If mine sells out, another variant will do",

    number_in_line: "You are number {0} in line.",
    sale_is_live: "The sale is live",
    your_place: "Your place",
    place_in_draw: "Place in the draw",
    your_ticket: "Your ticket",
    ahead_of_you: "Ahead of you",
    estimated_wait: "Estimated wait",
    unknown: "unknown",
    chance_of_unit: "Chance of a unit",
    units_left: "Units left",
    queue_hint: "Keep this page open or come back: your place is kept if you reload or close the tab. The chance is an estimate from the units left, the carts still open and how many of those usually come back.",
    drawing_order: "Drawing the waiting room's order…",
    after_the_draw: "You are registered, and you arrived after the draw. The waiting room's places were drawn at the start, among the shoppers whose page was open then; you join the line behind them, in the order you join.",
    all_in_carts: "All units are in carts",
    waitlist_explained: "Every unit is in another shopper's cart right now. {0} carts are still open; a cart that is not paid in time goes back to the line, to the next in order.",
    may_come_back: "Units that may come back",

    held_for: "Your unit is held for ",
    hold_ended: "Your hold has ended",
    hold_warning: "Less than 30 seconds left on your hold. Check out now, or extend it once.",
    extend_by: "Extend by {0}",
    your_turn_title: "It's your turn: one unit is yours to buy",
    hold_explained: "Nobody else can take this unit while you hold it. If the hold runs out, it goes to the next shopper in line.",
    check_out: "Check out",
    delivery_address: "Delivery address",
    full_name: "Full name",
    street_and_number: "Street and number",
    town_or_city: "Town or city",
    postcode: "Postcode",
    province: "Province",
    district: "District",
    address_no_name: "Enter the name the courier should ask for.",
    address_short_street: "Enter the street and house number (at least 3 characters).",
    address_no_city: "Enter the town or city.",
    address_no_postcode: "Enter the postcode.",
    address_bad_postcode: "A postcode has 3 to 10 letters, digits, spaces or dashes.",
    address_no_province: "Enter the province.",
    address_no_district: "Enter the district or county.",
    address_bad_chinese_postcode: "A Chinese postcode has 6 digits (or leave it empty).",
    payment_demo_cards: "Payment (demo cards)",
    card_approves: "Card ending 4242: approves",
    card_declines: "Card ending 0002: declined by the bank",
    card_slow: "Card ending 3155: the bank takes 45 s",
    pay: "Pay and place the order",
    back: "Back",
    waiting_for_bank_title: "Waiting for your bank",
    payment_pending: "Waiting for your bank. Your unit stays held until it answers.",
    payment_declined: "Your bank declined the payment. Your unit is still held: try another card.",
    payment_approved: "Payment approved.",
    payment_in_flight_hint: "Your hold does not run out while the payment is in flight, however long the bank takes. You can reload or close this page safely.",
    turn_notice_title: "It's your turn at Kestrel",
    turn_notice: "A {0} is held for you: {1} to check out.",
    hold_ending_title: "Your hold is running out",
    hold_ending: "Less than 30 seconds left to check out your {0}.",
    turn_tab_title: "Your turn – {0} to check out",

    order_confirmed: "Order confirmed",
    order_word: "Order ",
    ships_to: "{0}. It ships to {1}.",
    see_the_order: "See the order",
    all_my_orders: "All my orders",
    sold_out: "Sold out",
    sold_out_explained: "All {0} units found a buyer {1} after the start, before your turn came.",
    where_you_stood: "Where you stood",
    units_in_the_batch: "Units in the batch",
    sold_out_after: "Sold out after",
    sold_out_sorry: "We're sorry. Everyone in line was served by the same rule; the report below shows every number and lets you check the draw.",
    hold_ran_out_title: "Your hold ran out",
    hold_ran_out: "The unit you held was not paid for in time, so it went back to the line and was offered to the next shopper. Holds are short so that units reach people who are ready to buy.",
    sale_ended_title: "This sale has ended",
    missed_the_queue: "You registered but did not join the queue before the sale ended.",
    did_not_take_part: "You did not take part in this sale.",
    sale_is_over: "The sale is over.",
    sale_report: "Sale report",
    sale_in_numbers: "The sale in numbers",
    sale_so_far: "The sale so far",
    came_to_buy: "Came to buy",
    units: "Units",
    sold: "Sold",
    did_not_sell_out: "did not sell out",
    still_on_sale: "still on sale",
    holds_ran_out: "Holds that ran out",
    units_offered_again: "Units offered again",
    in_waiting_room: "In the waiting room",
    fingerprint_published: "Fingerprint published before the start: ",
    seed_revealed: "Seed revealed: ",
    verify_draw: "Verify the draw in this browser",
    download_draw: "Download the draw record",
    record_lists: "The record lists every admission by ticket. ",
    checks_it_outside: " checks it outside the shop; the method is in ",
    method_in: ".",
    seed_revealed_at_end: "The seed is revealed when the sale ends.",

    every_screen: "Every screen",
    preview_lede: "Each state of the shop from fixtures, through the components the live app uses: at 360 px and at 1280 px (shown at half size). Open one for full size; ?demo=<preset> URLs put the live app in a state, and &lang=zh-CN shows it in Chinese.",
    full_size: "Full size",
    all_screens: "All screens",
    preview_of: "{0} (preview)",
    sale_screen: "Sale: {0}",
    screen_code_sent: "Sign in: code sent",
    screen_wrong_code: "Sign in: wrong code",
    screen_locked: "Sign in: locked out",
    screen_retrying: "Network trouble: retrying",
    screen_busy: "Network trouble: store busy",
    screen_no_sales: "Empty: no sales",
    screen_no_orders: "Empty: no orders",

    try_again_in: " Try again in {0}.",
    store_busy: "The store is busy with the rush.",
    store_unavailable: "The store is briefly unavailable.",
    no_answer: "The store did not answer in time.",
    bad_response: "The store sent an answer this page cannot read. Reload the page to get the latest version.",
    sign_in_first: "Sign in with your phone number to do this.",
    wrong_code: "That code is not right. After a few wrong tries this number is locked for 10 minutes.",
    no_code: "No code was sent to this number: ask for one first.",
    code_expired: "That code has expired: ask for a new one.",
    code_too_soon: "A code was just sent.",
    number_locked: "Too many wrong codes: this number is locked.",
    not_registered: "You are not registered for this sale.",
    already_registered: "You are already registered for this sale.",
    registration_not_open: "Registration has not opened yet.",
    queue_not_open: "The line opens when registration closes.",
    sale_not_started: "The sale has not started yet.",
    already_in_queue: "You already have your place in line.",
    not_in_queue: "You are not waiting in line.",
    on_waitlist: "You are on the waitlist for your choice, which can no longer change.",
    limit_reached: "You have reached the limit for this sale.",
    no_hold: "You have no item on hold.",
    hold_expired: "Your hold has expired and the item went back on sale.",
    extension_used: "You have already extended this hold.",
    no_extension: "Holds for this sale cannot be extended.",
    unknown_variant: "That option is not part of this sale.",
    payment_already_in_flight: "Your payment is already being processed.",
    request_conflicts: "This request conflicts with an earlier one. Please reload and try again.",
    no_payment_in_flight: "There is no payment in progress.",
    unknown_sale: "There is no such sale.",
    unknown_order: "There is no such order.",
    wrong_code_tries_left: "That code is not right. {0} tries left before this number is locked for 10 minutes.",
    unknown_sale_named: "There is no sale called “{0}”.",
    unknown_order_numbered: "No order {0} on this account.",
    store_answered: "The store answered {0}.",
    draw_verified_one: "Verified: {0} admission follows the draw.",
    draw_verified: "Verified: {0} admissions follow the draw.",
    draw_place_as_shown: " Ticket {0} is at place {1}, as shown.",
    draw_fingerprint_as_shown: " The fingerprint is the one shown before the start.",
    draw_fingerprint_changed: "The fingerprint shown before the start, {0}, is not the one in the published draw record, {1}.",
    draw_awaiting_seed: "Fingerprint published; the seed is revealed when the sale ends, and then the draw can be checked.",
    draw_bad_fingerprint: "The fingerprint is not 64 hex digits.",
    draw_not_ascending: "The checked-in tickets are not in ascending order at position {0}.",
    draw_admitted_twice: "Ticket {0} is admitted twice.",
    draw_listed_twice: "Ticket {0} is listed twice among the waitlisted and turned-away tickets.",
    draw_bad_seed: "The seed is not 64 hex digits.",
    draw_seed_mismatch: "The seed does not match the fingerprint: its SHA-256 is {0}.",
    draw_mismatch: "Mismatch at admission {0}: the draw puts {1} there, the store admitted ticket {2}.",
    draw_ticket: "ticket {0}",
    draw_no_ticket: "no ticket",
    draw_not_in_room: "Ticket {0} is listed but was never in the waiting room.",
    draw_before_turn: "Ticket {0} was admitted from the waitlist at admission {1} before its turn.",
    draw_turn_not_reached: "Ticket {0} is listed as waitlisted or turned away before its turn came.",
    draw_shown_place: "Mismatch at place {0}: the page showed ticket {1}, the draw puts {2} there.",
    demo_controls: "Demo controls",
    hide: "Hide",
    store_clock: "Store clock",
    sync: "Sync",
    sync_detail: "±{0} ms, device {1} s, ×{2}",
    phase: "Phase",
    registered_came: "Registered / came",
    in_line: "In line",
    available_held_paying: "Available / held / paying",
    sold_expired: "Sold / expired",
    engine_memory: "Engine memory",
    kilobytes: "{0} KB",
    replayable_run: "Replayable run (?seed={0}): every random choice follows from that number, each sale's draw seed included, so anyone who knows it can work out the draw before the start. Without ?seed= the seed comes from the browser's cryptographic source and stays secret until the sale ends.",
    jump_registration_closes: "Registration closes",
    jump_ten_seconds: "T−10 s",
    jump_start: "Start",
    jump_minute: "+1 min",
    clock_speed: "Clock speed (1–60)",
    crowd: "Crowd",
    stock: "Stock",
    latency: "Latency (ms)",
    faults: "Faults (0–1)",
    clock_skew: "Store clock skew (ms)",
    apply: "Apply",
    reset_demo: "Reset demo",
    not_a_setting: "“{0}” is not a demo setting; known ones: {1}.",
    setting_ignored: "{0}={1} was ignored: {0} takes {2} to {3}.",
    not_a_preset: "“{0}” is not a demo preset, so the demo starts fresh. Presets: {1}.",
    preset_needs_crowd: "{0}={1} was ignored: the “{2}” preset needs a crowd of {3} to reach its moment.",
    preset_needs_stock: "{0}={1} was ignored: the “{2}” preset needs a stock of {3} to reach its moment.",
    speed_after_registering: "The clock runs at real speed while you sign in and register, then {0}× faster once you have registered.",
    scenario_not_played: "The scenario's settings could not be used ({0}), so the “{1}” scenario was not played; the demo kept its own settings.",
    scenario_stopped: "The “{0}” scenario stopped early: {1}",
    clock_unreadable: "The store clock could not be read ({0}); times will show once it can.",
    storage_blocked: "This browser will not let the page save anything, so after a reload you will need to sign in again and what you typed is not kept.",
    storage_unreadable: "This page's saved data could not be read; your sign-in and what you type are kept only while this tab stays open.",
    storage_full: "This browser's storage is full; your sign-in and what you type are kept only while this tab stays open.",
    store_data_afresh: "Saved demo data could not be used ({0}), so the demo was started afresh.",
    store_save_refused: "This browser refused to save the demo store's data ({0}), so your place is kept only while a tab stays open.",
    store_cannot_save: "This browser will not let the demo store save anything, so your place is kept only while a tab stays open.",
    no_service_workers: "This browser cannot run the demo store: it has no Service Workers here (they need a recent browser and an https or localhost address).",
    store_did_not_start: "The demo store could not start: {0}",
    store_start_timeout: "The demo store did not start in time. Reload the page to try again.",
};

pub static ZH: Words = Words {
    shop_name: "Kestrel 限量抢购",
    brand_suffix: " 限量抢购",
    main_nav: "主导航",
    sales: "抢购",
    my_account: "我的账户",
    sign_in: "登录",
    switch_language: "语言",
    footer: "Kestrel 是虚构品牌。本商店完全在您的浏览器中运行：人群是模拟的，不会真实扣款。",
    opening_store: "正在打开商店…",
    store_could_not_open: "商店无法打开",
    reload_to_retry: "请刷新页面重试。",
    dismiss: "关闭",
    signed_out: "您已退出登录：商店不再认得这次会话。请重新登录后继续。",
    retrying: "{0}：{1}后重试（第 {2} 次）。您的位置不会丢失。",
    store_busy_short: "商店正忙",
    no_answer_short: "商店没有响应",
    store_trouble_short: "商店出了点问题",
    loading: "加载中…",
    page_not_found: "找不到页面",
    nothing_here: "这里什么也没有",
    page_does_not_exist: "此页面不存在。抢购活动请看",
    sales_page: "抢购页面",
    full_stop: "。",
    duration_s: "{0}秒",
    duration_min: "{0}分钟",
    duration_min_s: "{0}分{1}秒",
    duration_h_min: "{0}小时{1}分",
    days_hours: "{0}天{1}小时",
    today_at: "今天 {0}",
    day_date_time: "{1} {0} {2}",
    percent: "{0}%",
    under_1_percent: "不到 1%",
    over_99_percent: "超过 99%",

    flash_drops: "限量抢购",
    home_lede: "小批量，定时开售。在登记截止前登记，开售时在场，每个人都有同样公平的机会。",
    loading_sales: "正在加载抢购活动…",
    no_drops: "暂无抢购安排",
    no_drops_hint: "下一批公布后会出现在这里，并附登记时间和开售时间。",
    badge_announced: "已公布",
    registration_opens_at: "{0} 开放登记",
    badge_registration_open: "登记中",
    closes_and_starts: "{0} 截止登记；{1} 开售",
    badge_starting_soon: "即将开售",
    starts_at: "{0} 开售",
    badge_live: "抢购中",
    live_letting_in: "已登记的顾客正在入场",
    badge_ended: "已结束",
    see_the_report: "查看报告并核验抽签",
    sale_meta: "{0} 件 · {1} 起 · {2} 人已登记",

    sign_in_title: "登录或创建账户",
    one_account_per_phone: "每个手机号一个账户：我们会发短信验证码，无需密码。",
    phone_label: "手机号码",
    phone_example: "+86 138 0013 8000",
    sending: "发送中…",
    text_me_a_code: "发送验证码",
    enter_the_code: "请输入短信验证码",
    sent_to: "已发送至 {0}。",
    change_number: "更换号码",
    code_label: "{0} 位验证码",
    send_new_code: "重新发送验证码",
    phone_empty: "请输入手机号码，例如 138 0013 8000。",
    phone_no_country_code: "请以 + 和国家代码开头，例如中国为 +86。",
    phone_not_a_digit: "“{0}”不是数字：+ 后面只能输入数字（可以有空格和短横线）。",
    phone_country_code_zero: "国家代码不能以 0 开头：请删去 + 后面的 0。",
    phone_too_few_digits: "这是 {0} 位数字；含国家代码的完整号码应有 8 到 15 位。",
    phone_too_many_digits: "这是 {0} 位数字；含国家代码的完整号码最多 15 位。",
    phone_not_a_chinese_mobile: "中国手机号码在 +86 后有 11 位数字，以 1 开头；这里是 {0} 位。",
    code_not_digits: "验证码只有数字：请从短信中复制。",
    code_empty: "请输入短信中的 {0} 位验证码。",
    code_wrong_length: "验证码有 {0} 位；您输入了 {1} 位。",
    demo_phone: "您的手机（演示）",
    demo_texts: "演示短信",
    waiting_for_text: "正在等待短信…",

    signed_in_as: "已登录：{0}。",
    sign_out: "退出登录",
    registrations: "登记记录",
    no_registrations: "您还没有登记任何抢购。",
    see_the_drops: "查看抢购活动",
    registration_no_short: " · 登记号 {0}",
    orders: "订单",
    no_orders: "暂无订单。抢到商品并结算后，订单会显示在这里。",
    order_title: "订单 {0}",
    sign_in_to_see_order: "登录后查看此订单",
    orders_are_private: "订单只对下单的账户显示。",
    loading_order: "正在加载订单…",
    order_not_found: "找不到订单",
    product: "商品",
    paid: "已付款",
    delivering_to: "收货信息",

    sale: "抢购",
    sale_could_not_load: "无法加载此抢购",
    loading_sale: "正在加载抢购…",
    ten_seconds_left: "还剩十秒",
    one_minute_left: "还剩一分钟",
    syncing_clock: "正在与商店时钟同步…",
    clock_agrees: "您设备的时钟与之一致",
    clock_fast: "您设备的时钟快了 {0} 秒",
    clock_slow: "您设备的时钟慢了 {0} 秒",
    clock_synced: "已与商店时钟同步，误差 ±{0} 毫秒；{1}。",
    join_the_queue: "加入排队",
    opens_at: "{0} 开放",
    announced_title: "已公布：即将开放登记",
    registration_opens_in: "距开放登记还有 ",
    registration_is_open: "登记已开放",
    registration_window: "登记时间：{0} 至 {1}；{2} 开售。",
    only_registered_may_buy: "只有已登记的顾客才能购买。距登记截止还有 ",
    registration_has_closed: "登记已截止",
    register_for_sale: "登记参加本次抢购",
    you_are_registered: "您已登记",
    registration_no: "登记号 ",
    sale_starts_in: "距开售还有 ",
    sale_is_open: "已开售",
    have_page_open: "请在开售前打开此页面。",
    check_in_advice: "登记截止时，此页面会自动为您进入候场室；开售时所有已进入候场室的人会被随机排序。之后才打开页面的人，会排在他们后面。",
    cancel_registration: "取消我的登记",
    missed_registration: "您在登记截止前没有登记本次抢购，因此无法购买。只有已登记的账户才能排队：这样才能保证公平。",
    registration_closed_sign_in: "本次抢购的登记已截止。如果您已登记，请登录查看您的位置。",
    in_waiting_room_with: "您已在候场室，另有 {0} 人。",
    checking_in: "正在为您进入候场室…",
    waiting_room_title: "在候场室",
    starts_in: "距开售 ",
    draw_explained: "开售时，候场室里的所有人会按一个秘密种子随机排序。种子的指纹现在公布，种子在抢购结束时公开，任何人都可以核验抽签。",
    fingerprint_label: "指纹（种子的 sha256）：",
    units_in_batch: "本批数量",
    registered: "已登记",
    per_account: "每个账户限购",
    hold_to_check_out: "结算保留时间",
    next_drop: "下一场：",
    next_registration_open_until: "：登记开放至 {0}。",
    next_registration_opens: "：{0} 开放登记。",
    drops_announced_on: "抢购活动会公布在",
    notify_offer: "轮到您时，您可能正在看别的标签页，而商品只为您保留 {0}。我们可以在轮到您时立即通知您。",
    notify_me: "轮到我时通知我",
    notify_granted: "轮到您时我们会通知您；保留时间快结束时会再通知一次。",
    notify_denied: "本网站的通知已关闭。轮到您时，标签页标题仍会提示。",
    notify_unsupported: "此浏览器无法显示通知。轮到您时，标签页标题会提示。",
    your_choice: "您的选择",
    left_of: "剩 {0} / {1}",
    another_variant_will_do: "如果我选的售罄，其他款式也可以",

    number_in_line: "您排在第 {0} 位。",
    sale_is_live: "抢购进行中",
    your_place: "您的位置",
    place_in_draw: "抽签位次",
    your_ticket: "您的号码",
    ahead_of_you: "您前面",
    estimated_wait: "预计等待",
    unknown: "未知",
    chance_of_unit: "买到的机会",
    units_left: "剩余数量",
    queue_hint: "请保持此页面打开，或稍后回来：刷新或关闭标签页不会丢失位置。机会是根据剩余数量、未结算的购物车以及通常有多少会回流估算的。",
    drawing_order: "正在抽取候场室的顺序…",
    after_the_draw: "您已登记，但在抽签之后才到。候场室的位置在开售时从当时打开页面的顾客中抽出；您按加入的先后排在他们后面。",
    all_in_carts: "所有商品都在购物车中",
    waitlist_explained: "现在每件商品都在其他顾客的购物车中。还有 {0} 个购物车未结算；未按时付款的商品会回到队伍，按顺序给下一位。",
    may_come_back: "可能回流的数量",

    held_for: "商品为您保留 ",
    hold_ended: "保留已结束",
    hold_warning: "保留时间不到 30 秒。请立即结算，或延长一次。",
    extend_by: "延长 {0}",
    your_turn_title: "轮到您了：有一件商品可供您购买",
    hold_explained: "在您保留期间，别人拿不走这件商品。保留时间一到，它会给队伍中的下一位。",
    check_out: "结算",
    delivery_address: "收货地址",
    full_name: "收货人姓名",
    street_and_number: "详细地址（街道、门牌号）",
    town_or_city: "城市",
    postcode: "邮政编码（选填）",
    province: "省份",
    district: "区/县",
    address_no_name: "请输入收货人姓名。",
    address_short_street: "请输入详细地址（至少 3 个字）。",
    address_no_city: "请输入城市。",
    address_no_postcode: "请输入邮政编码。",
    address_bad_postcode: "邮政编码应为 3 到 10 个字母、数字、空格或短横线。",
    address_no_province: "请输入省份。",
    address_no_district: "请输入区或县。",
    address_bad_chinese_postcode: "邮政编码是 6 位数字（也可以不填）。",
    payment_demo_cards: "付款（演示卡）",
    card_approves: "尾号 4242 的卡：付款成功",
    card_declines: "尾号 0002 的卡：被银行拒绝",
    card_slow: "尾号 3155 的卡：银行需要 45 秒",
    pay: "付款并下单",
    back: "返回",
    waiting_for_bank_title: "正在等待银行",
    payment_pending: "正在等待银行确认。在银行答复前，商品一直为您保留。",
    payment_declined: "银行拒绝了这笔付款。商品仍为您保留：请换一张卡。",
    payment_approved: "付款成功。",
    payment_in_flight_hint: "付款处理中保留不会过期，无论银行需要多久。您可以放心刷新或关闭此页面。",
    turn_notice_title: "Kestrel：轮到您了",
    turn_notice: "{0} 已为您保留：{1} 内结算。",
    hold_ending_title: "保留时间快到了",
    hold_ending: "不到 30 秒就要结算您的 {0}。",
    turn_tab_title: "轮到您了 – {0} 内结算",

    order_confirmed: "订单已确认",
    order_word: "订单 ",
    ships_to: "{0}。将寄往{1}。",
    see_the_order: "查看订单",
    all_my_orders: "我的全部订单",
    sold_out: "已售罄",
    sold_out_explained: "全部 {0} 件在开售后 {1} 售出，还没轮到您。",
    where_you_stood: "您当时的位置",
    units_in_the_batch: "本批数量",
    sold_out_after: "售罄用时",
    sold_out_sorry: "很抱歉。队伍中的每个人都按同一规则购买；下面的报告列出所有数字，并可核验抽签。",
    hold_ran_out_title: "您的保留已过期",
    hold_ran_out: "您保留的商品没有按时付款，已回到队伍并提供给下一位顾客。保留时间短，是为了让商品到达准备好购买的人手中。",
    sale_ended_title: "本次抢购已结束",
    missed_the_queue: "您已登记，但在抢购结束前没有加入排队。",
    did_not_take_part: "您没有参加本次抢购。",
    sale_is_over: "抢购已结束。",
    sale_report: "抢购报告",
    sale_in_numbers: "抢购数据",
    sale_so_far: "目前的抢购数据",
    came_to_buy: "前来购买",
    units: "数量",
    sold: "已售",
    did_not_sell_out: "未售罄",
    still_on_sale: "仍在销售",
    holds_ran_out: "过期的保留",
    units_offered_again: "再次提供的数量",
    in_waiting_room: "候场室人数",
    fingerprint_published: "开售前公布的指纹：",
    seed_revealed: "公开的种子：",
    verify_draw: "在此浏览器中核验抽签",
    download_draw: "下载抽签记录",
    record_lists: "记录按号码列出每一次入场。",
    checks_it_outside: " 可在商店之外核验；方法见 ",
    method_in: "。",
    seed_revealed_at_end: "种子会在抢购结束时公开。",

    every_screen: "所有页面",
    preview_lede: "用示例数据、通过在线应用同样的组件展示商店的每个状态：360 px 和 1280 px（缩小一半显示）。点开可看原尺寸；?demo=<preset> 网址让在线应用进入某个状态，加上 &lang=en 则显示英文。",
    full_size: "原尺寸",
    all_screens: "全部页面",
    preview_of: "{0}（预览）",
    sale_screen: "抢购：{0}",
    screen_code_sent: "登录：验证码已发送",
    screen_wrong_code: "登录：验证码错误",
    screen_locked: "登录：号码被锁定",
    screen_retrying: "网络问题：正在重试",
    screen_busy: "网络问题：商店正忙",
    screen_no_sales: "空：没有抢购",
    screen_no_orders: "空：没有订单",

    try_again_in: "请在 {0}后重试。",
    store_busy: "抢购人数太多，商店正忙。",
    store_unavailable: "商店暂时无法使用。",
    no_answer: "商店没有及时响应。",
    bad_response: "商店的答复此页面无法读取。请刷新页面以获取最新版本。",
    sign_in_first: "请先用手机号登录。",
    wrong_code: "验证码不正确。多次输错后此号码将被锁定 10 分钟。",
    no_code: "没有向此号码发送过验证码：请先获取验证码。",
    code_expired: "验证码已过期：请重新获取。",
    code_too_soon: "验证码刚刚已发送。",
    number_locked: "输错验证码次数过多：此号码已被锁定。",
    not_registered: "您没有登记本次抢购。",
    already_registered: "您已经登记了本次抢购。",
    registration_not_open: "登记尚未开放。",
    queue_not_open: "登记截止后才开始排队。",
    sale_not_started: "抢购尚未开始。",
    already_in_queue: "您已经在排队了。",
    not_in_queue: "您不在队伍中。",
    on_waitlist: "您已在所选款式的候补名单中，不能再更改。",
    limit_reached: "您已达到本次抢购的限购数量。",
    no_hold: "您没有保留中的商品。",
    hold_expired: "您的保留已过期，商品已重新开售。",
    extension_used: "您已经延长过这次保留。",
    no_extension: "本次抢购的保留不能延长。",
    unknown_variant: "本次抢购没有这个款式。",
    payment_already_in_flight: "您的付款正在处理中。",
    request_conflicts: "此请求与之前的请求冲突。请刷新后重试。",
    no_payment_in_flight: "没有正在处理的付款。",
    unknown_sale: "没有这场抢购。",
    unknown_order: "没有这个订单。",
    wrong_code_tries_left: "验证码不正确。还可以再试 {0} 次，之后此号码将被锁定 10 分钟。",
    unknown_sale_named: "没有名为“{0}”的抢购。",
    unknown_order_numbered: "此账户没有订单 {0}。",
    store_answered: "商店答复了 {0}。",
    draw_verified_one: "核验通过：{0} 次入场符合抽签。",
    draw_verified: "核验通过：{0} 次入场符合抽签。",
    draw_place_as_shown: "号码 {0} 在第 {1} 位，与页面显示的一致。",
    draw_fingerprint_as_shown: "指纹与开售前显示的一致。",
    draw_fingerprint_changed: "开售前显示的指纹 {0} 与公布的抽签记录中的指纹 {1} 不同。",
    draw_awaiting_seed: "指纹已公布；种子在抢购结束时公开，届时即可核验抽签。",
    draw_bad_fingerprint: "指纹不是 64 位十六进制数字。",
    draw_not_ascending: "进入候场室的号码在第 {0} 个位置没有按升序排列。",
    draw_admitted_twice: "号码 {0} 被放行了两次。",
    draw_listed_twice: "号码 {0} 在候补和未入场的号码中出现了两次。",
    draw_bad_seed: "种子不是 64 位十六进制数字。",
    draw_seed_mismatch: "种子与指纹不符：它的 SHA-256 是 {0}。",
    draw_mismatch: "第 {0} 次入场不符：抽签排在这里的是{1}，商店放行的是号码 {2}。",
    draw_ticket: "号码 {0}",
    draw_no_ticket: "没有号码",
    draw_not_in_room: "号码 {0} 被列出，但从未进入候场室。",
    draw_before_turn: "号码 {0} 在第 {1} 次入场时从候补中放行，但还没轮到它。",
    draw_turn_not_reached: "号码 {0} 还没轮到就被列为候补或未入场。",
    draw_shown_place: "第 {0} 位不符：页面显示的是号码 {1}，抽签排在这里的是{2}。",
    demo_controls: "演示控制",
    hide: "隐藏",
    store_clock: "商店时钟",
    sync: "同步",
    sync_detail: "±{0} 毫秒，设备 {1} 秒，×{2}",
    phase: "阶段",
    registered_came: "已登记 / 到场",
    in_line: "排队中",
    available_held_paying: "可售 / 保留 / 付款中",
    sold_expired: "已售 / 过期",
    engine_memory: "引擎内存",
    kilobytes: "{0} 千字节",
    replayable_run: "可重放的运行（?seed={0}）：每个随机选择都由这个数决定，包括每场抢购的抽签种子，所以知道它的人能在开售前算出抽签结果。不带 ?seed= 时，种子来自浏览器的加密随机源，在抢购结束前保密。",
    jump_registration_closes: "登记截止",
    jump_ten_seconds: "开售前 10 秒",
    jump_start: "开售",
    jump_minute: "+1 分钟",
    clock_speed: "时钟速度（1–60）",
    crowd: "人群",
    stock: "库存",
    latency: "延迟（毫秒）",
    faults: "故障率（0–1）",
    clock_skew: "商店时钟偏差（毫秒）",
    apply: "应用",
    reset_demo: "重置演示",
    not_a_setting: "“{0}”不是演示设置；可用的有：{1}。",
    setting_ignored: "{0}={1} 已忽略：{0} 的取值范围是 {2} 到 {3}。",
    not_a_preset: "“{0}”不是演示预设，所以演示从头开始。预设有：{1}。",
    preset_needs_crowd: "{0}={1} 已忽略：“{2}”预设需要 {3} 人的人群才能到达它的时刻。",
    preset_needs_stock: "{0}={1} 已忽略：“{2}”预设需要 {3} 件库存才能到达它的时刻。",
    speed_after_registering: "您登录和登记时时钟按真实速度走，登记后加快到 {0} 倍。",
    scenario_not_played: "场景的设置无法使用（{0}），所以没有播放“{1}”场景；演示保留了原来的设置。",
    scenario_stopped: "“{0}”场景提前停止：{1}",
    clock_unreadable: "无法读取商店时钟（{0}）；读取成功后会显示时间。",
    storage_blocked: "此浏览器不允许页面保存任何内容，所以刷新后需要重新登录，输入的内容也不会保留。",
    storage_unreadable: "无法读取此页面保存的数据；您的登录和输入的内容只在此标签页打开期间保留。",
    storage_full: "此浏览器的存储空间已满；您的登录和输入的内容只在此标签页打开期间保留。",
    store_data_afresh: "保存的演示数据无法使用（{0}），所以演示已重新开始。",
    store_save_refused: "此浏览器拒绝保存演示商店的数据（{0}），所以您的位置只在有标签页打开期间保留。",
    store_cannot_save: "此浏览器不允许演示商店保存任何内容，所以您的位置只在有标签页打开期间保留。",
    no_service_workers: "此浏览器无法运行演示商店：这里没有 Service Worker（需要较新的浏览器以及 https 或 localhost 地址）。",
    store_did_not_start: "演示商店无法启动：{0}",
    store_start_timeout: "演示商店没有按时启动。请刷新页面重试。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_languages_choose_the_first_the_shop_speaks() {
        assert_eq!(Locale::from_languages(["zh-CN", "en-US"]), Locale::ZhCn);
        assert_eq!(Locale::from_languages(["de-DE", "zh"]), Locale::ZhCn);
        assert_eq!(Locale::from_languages(["en-GB", "zh-CN"]), Locale::En);
        assert_eq!(Locale::from_languages(["fr"]), Locale::En);
        assert_eq!(Locale::parse("zh_Hans_CN"), Some(Locale::ZhCn));
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn both_languages_have_every_text_with_the_same_facts() {
        let placeholders = |text: &str| {
            let mut found: Vec<String> = text
                .match_indices('{')
                .filter_map(|(i, _)| {
                    let rest = &text[i + 1..];
                    let close = rest.find('}')?;
                    rest[..close].parse::<usize>().ok().map(|n| n.to_string())
                })
                .collect();
            found.sort();
            found
        };
        let (en, zh) = (EN.texts(), ZH.texts());
        assert_eq!(en.len(), zh.len());
        for ((key, en), (zh_key, zh)) in en.into_iter().zip(zh) {
            assert_eq!(key, zh_key);
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{key}: both languages must say the same facts"
            );
            assert_eq!(
                en.is_empty(),
                zh.is_empty(),
                "{key} is missing in one language"
            );
        }
    }

    #[test]
    fn chinese_texts_are_written_in_chinese() {
        // A Chinese text may be figures and punctuation only ("{0}%", "。"); any text with
        // letters in it must be Chinese (brand and unit names like "Kestrel" or "sha256" inside
        // a Chinese sentence are fine).
        for (key, zh) in ZH.texts() {
            let han = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let letters = zh.chars().any(|c| c.is_ascii_alphabetic());
            assert!(han || !letters, "{key}: “{zh}” is not Chinese");
        }
    }

    #[test]
    fn facts_go_where_each_language_puts_them() {
        assert_eq!(
            fill(ZH.day_date_time, &["周四", "11月26日", "10:00"]),
            "11月26日 周四 10:00"
        );
        assert_eq!(
            fill(EN.day_date_time, &["Thu", "26 Nov", "10:00"]),
            "Thu 26 Nov 10:00"
        );
        assert_eq!(fill("{1} {0} {x} {", &["a", "b"]), "b a {x} {");
    }

    #[test]
    fn durations_read_the_way_each_language_writes_them() {
        use crate::format::duration;
        assert_eq!(duration(150_000, &EN), "2 min 30 s");
        assert_eq!(duration(150_000, &ZH), "2分30秒");
        assert_eq!(duration(180_000, &ZH), "3分钟");
        assert_eq!(duration(45_000, &ZH), "45秒");
        assert_eq!(duration(7_500_000, &ZH), "2小时5分");
    }

    #[test]
    fn a_store_refusal_reads_in_the_shoppers_language_with_its_wait() {
        let busy =
            ApiError::new(429, codes::BUSY, "The store is busy with the rush.").retry_after(3_000);
        assert_eq!(
            ZH.store_error(&busy),
            "抢购人数太多，商店正忙。请在 3秒后重试。"
        );
        assert_eq!(
            EN.store_error(&busy),
            "The store is busy with the rush. Try again in 3 s."
        );
        let sold_out = ApiError::new(409, "sold_out", "Sorry, this sale is sold out.");
        assert_eq!(ZH.store_error(&sold_out), "已售罄");
    }

    #[test]
    fn the_facts_a_refusal_carries_are_said_in_both_languages() {
        let wrong = ApiError::new(401, codes::WRONG_CODE, "That code is not right.").tries_left(3);
        assert_eq!(
            EN.store_error(&wrong),
            "That code is not right. 3 tries left before this number is locked for 10 minutes."
        );
        assert_eq!(
            ZH.store_error(&wrong),
            "验证码不正确。还可以再试 3 次，之后此号码将被锁定 10 分钟。"
        );
        let order =
            ApiError::new(404, codes::UNKNOWN_ORDER, "No order K-7 on this account.").about("K-7");
        assert_eq!(EN.store_error(&order), "No order K-7 on this account.");
        assert_eq!(ZH.store_error(&order), "此账户没有订单 K-7。");
        let sale =
            ApiError::new(404, codes::UNKNOWN_SALE, "There is no sale called “x”.").about("x");
        assert_eq!(ZH.store_error(&sale), "没有名为“x”的抢购。");
        // An older store without the fact still gets a sentence in the shopper's language.
        let old = ApiError::new(401, codes::WRONG_CODE, "That code is not right.");
        assert_eq!(ZH.store_error(&old), ZH.wrong_code);
    }

    #[test]
    fn notices_are_said_in_the_language_shown() {
        let notice = StoreNotice {
            id: 1,
            text: "This browser refused to save the demo store's data (QuotaExceeded), so…".into(),
            code: Some(notice_codes::SAVE_REFUSED.into()),
            detail: Some("QuotaExceeded".into()),
        };
        let said = Said::store_notice(&notice);
        assert!(said
            .say(&ZH)
            .starts_with("此浏览器拒绝保存演示商店的数据（QuotaExceeded）"));
        assert!(said
            .say(&EN)
            .starts_with("This browser refused to save the demo store's data (QuotaExceeded)"));
        let unknown = StoreNotice {
            code: Some("new_kind".into()),
            ..notice
        };
        assert_eq!(Said::store_notice(&unknown).say(&ZH), unknown.text);
        let busy = ApiError::new(429, codes::BUSY, "busy");
        let stopped = Said {
            text: |t| t.scenario_stopped,
            facts: vec![Fact::Plain("live".into()), Fact::Error(busy)],
        };
        assert_eq!(
            stopped.say(&ZH),
            "“live”场景提前停止：抢购人数太多，商店正忙。"
        );
    }
}
