//! Every text of the shop as one struct, [`Words`], declared with its English: the keys of the
//! texts, the English table, [`fill`] for the facts in a sentence, and the sentences of the
//! contract's input problems. Chinese comes from its pack ([`super::pack`]).
use store_contract::validation::{AddressProblem, CodeProblem, PhoneProblem, CODE_LENGTH};

/// The shop in English: the default, and what a language without its texts yet falls back to.
pub static EN: std::sync::LazyLock<&'static Words> =
    std::sync::LazyLock::new(|| Box::leak(Box::new(Words::from_texts(Words::english()))));

/// One text of [`Words`], chosen where the language is not known yet (a label, a title).
pub type Text = fn(&Words) -> &'static str;

/// Declares [`Words`] with one `&'static str` per key, each key with its English text (a key
/// without one does not compile), the English texts and the keys as one string each, and, for
/// the tests, every text with its key.
macro_rules! words {
    ($($(#[$doc:meta])* $key:ident = $english:literal,)*) => {
        /// Every text of the shop, in one language. A fact goes in at `{0}`, `{1}`… ([`fill`]).
        /// `repr(C)` and nothing but [`Words::COUNT`] texts in order, so an array of texts
        /// becomes one ([`Words::from_texts`]).
        #[repr(C)]
        pub struct Words {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Words {
            /// How many texts a language has.
            pub const COUNT: usize = [$(stringify!($key)),*].len();

            /// The English texts, one a line in the order of the keys: one string in the wasm
            /// rather than a table of pointers, which gzip cannot shrink.
            const ENGLISH: &'static str = concat!($($english, "\n"),*);

            /// The keys, one a line in their order (one string, as [`Words::ENGLISH`]): a
            /// language pack names the key of each of its texts ([`super::pack`]).
            pub(super) const KEYS: &'static str = concat!($(stringify!($key), "\n"),*);

            /// Every text with its key, so a test can hold the languages side by side.
            #[cfg(test)]
            pub(super) fn texts(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

impl Words {
    /// The English texts in the order of the keys. The macro writes one per key, so there are
    /// always [`Words::COUNT`] of them (a text is never empty: the tests hold each to a key).
    pub(super) fn english() -> [&'static str; Words::COUNT] {
        let mut texts = [""; Words::COUNT];
        for (slot, text) in texts.iter_mut().zip(Words::ENGLISH.lines()) {
            *slot = text;
        }
        texts
    }

    /// A language from its texts in the order of the keys.
    pub(super) fn from_texts(texts: [&'static str; Words::COUNT]) -> Words {
        // SAFETY: `Words` is `repr(C)` and its fields are exactly `Words::COUNT` `&'static str`,
        // declared in the order of the keys. `repr(C)` lays fields out in declaration order,
        // each at the next offset that is a multiple of its alignment; every field has the size
        // and alignment of `&'static str`, and that size is a multiple of that alignment, so
        // field `i` lies at `i * size_of::<&str>()` with no padding anywhere: exactly the layout
        // of `[&'static str; Words::COUNT]` (`transmute` also refuses a size that differs).
        // `Words` has no invariant beyond its fields' (every field is public, any `&'static str`
        // is a valid text), so every such array is a valid `Words`. One copy instead of a field
        // by field move keeps the wasm small.
        unsafe { std::mem::transmute::<[&'static str; Words::COUNT], Words>(texts) }
    }
}

words! {
    // The frame.
    shop_name = "Kestrel drops",
    /// After the brand in the header ("Kestrel drops").
    brand_suffix = " drops",
    main_nav = "Main",
    sales = "Sales",
    my_account = "My account",
    sign_in = "Sign in",
    switch_language = "Language",
    footer = "Kestrel is a fictional brand. This store runs entirely in your browser: the crowd is simulated, and no real payment is taken.",
    /// The footer when `store-server --demo` answers the page.
    footer_demo_server = "Kestrel is a fictional brand. This demo store runs on a server: the crowd is simulated, and no real payment is taken.",
    /// The footer when a real store server answers the page.
    footer_server = "Kestrel is a fictional brand, and no real payment is taken.",
    opening_store = "Opening the store…",
    store_could_not_open = "The store could not open",
    reload_to_retry = "Reload the page to try again.",
    dismiss = "Dismiss",
    signed_out = "You were signed out: the store no longer knows this session. Sign in again to carry on.",
    retrying = "{0}: retrying in {1} (attempt {2}). Your place is safe.",
    store_busy_short = "The store is busy",
    no_answer_short = "No answer from the store",
    store_trouble_short = "The store is having trouble",
    loading = "Loading…",
    page_not_downloaded = "This page could not be downloaded. Check the connection, then try again.",
    try_again = "Try again",
    page_not_found = "Page not found",
    nothing_here = "Nothing here",
    page_does_not_exist = "This page does not exist. The drops are on the ",
    sales_page = "sales page",
    full_stop = ".",

    duration_s = "{0} s",
    duration_min = "{0} min",
    duration_min_s = "{0} min {1} s",
    duration_h_min = "{0} h {1} min",
    /// A countdown of days: "2 d 03 h".
    days_hours = "{0} d {1} h",
    today_at = "today {0}",
    /// Weekday {0}, date {1} and time {2} in the language's order.
    day_date_time = "{0} {1} {2}",
    percent = "{0} %",
    under_1_percent = "under 1 %",
    over_99_percent = "over 99 %",

    // Home.
    flash_drops = "Flash drops",
    home_lede = "Small batches at an announced moment. Register before it closes, be here at the start, and everyone gets the same fair chance.",
    loading_sales = "Loading sales…",
    no_drops = "No drops scheduled",
    no_drops_hint = "When the next batch is announced it appears here, with its registration window and start time.",
    badge_announced = "Announced",
    registration_opens_at = "Registration opens {0}",
    badge_registration_open = "Registration open",
    closes_and_starts = "Closes {0}; sale starts {1}",
    badge_starting_soon = "Starting soon",
    starts_at = "Starts {0}",
    badge_live = "Live now",
    live_letting_in = "Registered shoppers are being let in",
    badge_ended = "Ended",
    see_the_report = "See the report and check the draw",
    sale_meta = "{0} units · from {1} · {2} registered",

    // Signing in.
    sign_in_title = "Sign in or create an account",
    one_account_per_phone = "One account per phone number: we text you a code, no password.",
    phone_label = "Mobile number, with country code",
    /// The phone field's example, in the market's country code.
    phone_example = "+44 7700 900123",
    sending = "Sending…",
    text_me_a_code = "Text me a code",
    enter_the_code = "Enter the code we texted",
    sent_to = "Sent to {0}. ",
    change_number = "Change number",
    code_label = "{0}-digit code",
    send_new_code = "Send a new code",
    phone_empty = "Enter your phone number with its country code, for example +44 7700 900123.",
    phone_no_country_code = "Start with + and your country code, for example +44 for the UK or +91 for India.",
    phone_not_a_digit = "“{0}” is not a digit: after the + use digits only (spaces and dashes are fine).",
    phone_country_code_zero = "A country code never starts with 0: drop the 0 after the +.",
    phone_too_few_digits = "That is {0} digits; a full number with its country code has 8 to 15.",
    phone_too_many_digits = "That is {0} digits; a full number with its country code has at most 15.",
    phone_not_a_chinese_mobile = "A Chinese mobile number has 11 digits after +86, starting with 1; that is {0}.",
    code_not_digits = "The code is digits only: copy it from the text message.",
    code_empty = "Enter the {0}-digit code from the text message.",
    code_wrong_length = "The code has {0} digits; you typed {1}.",
    demo_phone = "Your phone (demo)",
    demo_texts = "Demo text messages",
    waiting_for_text = "Waiting for the text…",

    // Account and orders.
    signed_in_as = "Signed in as {0}. ",
    sign_out = "Sign out",
    registrations = "Registrations",
    no_registrations = "You have not registered for a sale yet. ",
    see_the_drops = "See the drops",
    registration_no_short = " · registration no. {0}",
    orders = "Orders",
    no_orders = "No orders yet. When you win a unit and check out, your order appears here.",
    order_title = "Order {0}",
    sign_in_to_see_order = "Sign in to see this order",
    orders_are_private = "Orders are shown only to the account that placed them.",
    loading_order = "Loading the order…",
    order_not_found = "Order not found",
    product = "Product",
    paid = "Paid",
    delivering_to = "Delivering to",

    // The sale page.
    sale = "Sale",
    sale_could_not_load = "This sale could not be loaded",
    loading_sale = "Loading the sale…",
    ten_seconds_left = "Ten seconds left",
    one_minute_left = "One minute left",
    syncing_clock = "Syncing with the store clock…",
    clock_agrees = "your device clock agrees with it",
    clock_fast = "your device clock is {0} s fast",
    clock_slow = "your device clock is {0} s slow",
    clock_synced = "Synced with the store ±{0} ms; {1}.",
    join_the_queue = "Join the queue",
    opens_at = "Opens at {0}",
    announced_title = "Announced: registration opens soon",
    registration_opens_in = "Registration opens in ",
    registration_is_open = "Registration is open",
    registration_window = "Registration {0} to {1}; the sale starts {2}.",
    only_registered_may_buy = "Only registered shoppers may buy. Registration closes in ",
    registration_has_closed = "Registration has closed",
    register_for_sale = "Register for this sale",
    you_are_registered = "You are registered",
    registration_no = "Registration no. ",
    sale_starts_in = "The sale starts in ",
    sale_is_open = "The sale is open",
    have_page_open = "Have this page open by the start.",
    check_in_advice = " When registration closes, this page checks you in to the waiting room by itself, and everyone checked in by the start gets a random place in line. Open it later and you join the line after that draw, behind them.",
    cancel_registration = "Cancel my registration",
    missed_registration = "You did not register for this sale before registration closed, so you cannot buy in it. Only registered accounts may join the queue: that is what keeps the line fair.",
    registration_closed_sign_in = "Registration for this sale has closed. If you registered, sign in to see your place.",
    in_waiting_room_with = "You are in the waiting room with {0} others.",
    checking_in = "Checking you in to the waiting room…",
    waiting_room_title = "In the waiting room",
    starts_in = "Starts in ",
    draw_explained = "At the start, everyone in the waiting room is put in a random order drawn from a secret seed. Its fingerprint is published now, and the seed is revealed when the sale ends, so anyone can check the draw.",
    fingerprint_label = "Fingerprint (sha256 of the seed): ",
    units_in_batch = "Units in this batch",
    registered = "Registered",
    per_account = "Per account",
    hold_to_check_out = "Hold to check out",
    next_drop = "Next drop: ",
    next_registration_open_until = ": registration is open until {0}.",
    next_registration_opens = ": registration opens {0}.",
    drops_announced_on = "Drops are announced on the ",
    notify_offer = "Your turn may come while you are in another tab, and the unit is then held for you for only {0}. We can notify you the moment it comes.",
    notify_me = "Notify me when it's my turn",
    notify_granted = "We will notify you when it's your turn, and again if your hold is about to run out.",
    notify_denied = "Notifications are off for this site. The tab's title will still say when it's your turn.",
    notify_unsupported = "This browser cannot show notifications. The tab's title will say when it's your turn.",
    your_choice = "Your choice",
    left_of = "{0} of {1} left",
    another_variant_will_do = " If mine sells out, another variant will do",

    // In line.
    number_in_line = "You are number {0} in line.",
    sale_is_live = "The sale is live",
    your_place = "Your place",
    place_in_draw = "Place in the draw",
    your_ticket = "Your ticket",
    ahead_of_you = "Ahead of you",
    estimated_wait = "Estimated wait",
    unknown = "unknown",
    chance_of_unit = "Chance of a unit",
    units_left = "Units left",
    queue_hint = "Keep this page open or come back: your place is kept if you reload or close the tab. The chance is an estimate from the units left, the carts still open and how many of those usually come back.",
    drawing_order = "Drawing the waiting room's order…",
    after_the_draw = "You are registered, and you arrived after the draw. The waiting room's places were drawn at the start, among the shoppers whose page was open then; you join the line behind them, in the order you join.",
    all_in_carts = "All units are in carts",
    waitlist_explained = "Every unit is in another shopper's cart right now. {0} carts are still open; a cart that is not paid in time goes back to the line, to the next in order.",
    may_come_back = "Units that may come back",

    // A unit in hand.
    held_for = "Your unit is held for ",
    hold_ended = "Your hold has ended",
    hold_warning = "Less than 30 seconds left on your hold. Check out now, or extend it once.",
    extend_by = "Extend by {0}",
    your_turn_title = "It's your turn: one unit is yours to buy",
    hold_explained = "Nobody else can take this unit while you hold it. If the hold runs out, it goes to the next shopper in line.",
    check_out = "Check out",
    delivery_address = "Delivery address",
    full_name = "Full name",
    street_and_number = "Street and number",
    town_or_city = "Town or city",
    postcode = "Postcode",
    province = "Province",
    district = "District",
    address_no_name = "Enter the name the courier should ask for.",
    address_short_street = "Enter the street and house number (at least 3 characters).",
    address_no_city = "Enter the town or city.",
    address_no_postcode = "Enter the postcode.",
    address_bad_postcode = "A postcode has 3 to 10 letters, digits, spaces or dashes.",
    address_no_province = "Enter the province.",
    address_no_district = "Enter the district or county.",
    address_bad_chinese_postcode = "A Chinese postcode has 6 digits (or leave it empty).",
    payment_demo_cards = "Payment (demo cards)",
    card_approves = "Card ending 4242: approves",
    card_declines = "Card ending 0002: declined by the bank",
    card_slow = "Card ending 3155: the bank takes 45 s",
    pay = "Pay and place the order",
    back = "Back",
    waiting_for_bank_title = "Waiting for your bank",
    payment_pending = "Waiting for your bank. Your unit stays held until it answers.",
    payment_declined = "Your bank declined the payment. Your unit is still held: try another card.",
    payment_approved = "Payment approved.",
    payment_in_flight_hint = "Your hold does not run out while the payment is in flight, however long the bank takes. You can reload or close this page safely.",
    turn_notice_title = "It's your turn at Kestrel",
    turn_notice = "A {0} is held for you: {1} to check out.",
    hold_ending_title = "Your hold is running out",
    hold_ending = "Less than 30 seconds left to check out your {0}.",
    turn_tab_title = "Your turn – {0} to check out",

    // How it ended.
    order_confirmed = "Order confirmed",
    order_word = "Order ",
    ships_to = "{0}. It ships to {1}.",
    see_the_order = "See the order",
    all_my_orders = "All my orders",
    sold_out = "Sold out",
    sold_out_explained = "All {0} units found a buyer {1} after the start, before your turn came.",
    where_you_stood = "Where you stood",
    units_in_the_batch = "Units in the batch",
    sold_out_after = "Sold out after",
    sold_out_sorry = "We're sorry. Everyone in line was served by the same rule; the report below shows every number and lets you check the draw.",
    hold_ran_out_title = "Your hold ran out",
    hold_ran_out = "The unit you held was not paid for in time, so it went back to the line and was offered to the next shopper. Holds are short so that units reach people who are ready to buy.",
    sale_ended_title = "This sale has ended",
    missed_the_queue = "You registered but did not join the queue before the sale ended.",
    did_not_take_part = "You did not take part in this sale.",
    sale_is_over = "The sale is over.",
    sale_report = "Sale report",
    sale_in_numbers = "The sale in numbers",
    sale_so_far = "The sale so far",
    came_to_buy = "Came to buy",
    units = "Units",
    sold = "Sold",
    did_not_sell_out = "did not sell out",
    still_on_sale = "still on sale",
    holds_ran_out = "Holds that ran out",
    units_offered_again = "Units offered again",
    in_waiting_room = "In the waiting room",
    fingerprint_published = "Fingerprint published before the start: ",
    seed_revealed = "Seed revealed: ",
    verify_draw = "Verify the draw in this browser",
    download_draw = "Download the draw record",
    record_lists = "The record lists every admission by ticket. ",
    checks_it_outside = " checks it outside the shop; the method is in ",
    method_in = ".",
    seed_revealed_at_end = "The seed is revealed when the sale ends.",

    // The designers' gallery.
    every_screen = "Every screen",
    preview_lede = "Each state of the shop from fixtures, through the components the live app uses: at 360 px and at 1280 px (shown at half size). Open one for full size; ?demo=<preset> URLs put the live app in a state, and &lang=zh-CN shows it in Chinese.",
    full_size = "Full size",
    all_screens = "All screens",
    preview_of = "{0} (preview)",
    sale_screen = "Sale: {0}",
    screen_code_sent = "Sign in: code sent",
    screen_wrong_code = "Sign in: wrong code",
    screen_locked = "Sign in: locked out",
    screen_retrying = "Network trouble: retrying",
    screen_busy = "Network trouble: store busy",
    screen_no_sales = "Empty: no sales",
    screen_no_orders = "Empty: no orders",

    // The store's refusals, by code.
    /// Follows a refusal that says when to try again (with its own leading space, if any).
    try_again_in = " Try again in {0}.",
    store_busy = "The store is busy with the rush.",
    store_unavailable = "The store is briefly unavailable.",
    no_answer = "The store did not answer in time.",
    bad_response = "The store sent an answer this page cannot read. Reload the page to get the latest version.",
    sign_in_first = "Sign in with your phone number to do this.",
    wrong_code = "That code is not right. After a few wrong tries this number is locked for a while.",
    no_code = "No code was sent to this number: ask for one first.",
    code_expired = "That code has expired: ask for a new one.",
    code_too_soon = "A code was just sent.",
    number_locked = "Too many wrong codes: this number is locked.",
    not_registered = "You are not registered for this sale.",
    already_registered = "You are already registered for this sale.",
    registration_not_open = "Registration has not opened yet.",
    queue_not_open = "The line opens when registration closes.",
    sale_not_started = "The sale has not started yet.",
    already_in_queue = "You already have your place in line.",
    not_in_queue = "You are not waiting in line.",
    on_waitlist = "You are on the waitlist for your choice, which can no longer change.",
    limit_reached = "You have reached the limit for this sale.",
    no_hold = "You have no item on hold.",
    hold_expired = "Your hold has expired and the item went back on sale.",
    extension_used = "You have already extended this hold.",
    no_extension = "Holds for this sale cannot be extended.",
    unknown_variant = "That option is not part of this sale.",
    payment_already_in_flight = "Your payment is already being processed.",
    request_conflicts = "This request conflicts with an earlier one. Please reload and try again.",
    no_payment_in_flight = "There is no payment in progress.",
    unknown_sale = "There is no such sale.",
    unknown_order = "There is no such order.",
    bad_request = "The store could not read this request. Reload the page and try again.",
    /// {0}: the store's own words (what it has no page or action for).
    not_found = "The store has no such page or action: {0}",
    draw_not_published = "The draw for this sale is not published yet.",
    invalid_phone = "The store could not accept that phone number. Check it and try again.",
    invalid_code = "The store could not read that code. Type the digits from the SMS.",
    invalid_address = "The store could not accept that address. Check each field and try again.",
    /// {0}: the store's own words (why, for a rule only the store knows).
    bad_settings = "The store refused those demo settings: {0}",

    // Sentences with the facts the store's structured answers carry.
    wrong_code_tries_left = "That code is not right. Tries left: {0}; then this number is locked for {1}.",
    /// From a store that does not say how long the lock lasts.
    wrong_code_tries_left_plain = "That code is not right. Tries left: {0}.",
    unknown_sale_named = "There is no sale called “{0}”.",
    unknown_order_numbered = "No order {0} on this account.",
    store_answered = "The store answered {0}.",
    operator_sign_in_first = "Sign in as the operator to do this.",
    not_operator = "Only the operator can do this; this session is a shopper's.",
    wrong_key = "That operator key is not right.",
    wrong_key_tries_left = "That operator key is not right. Tries left: {0}; then operator sign-in is locked for {1}.",
    /// {0}: the store's own words (every problem of the drop).
    invalid_drop = "The store could not accept this drop: {0}",
    drop_exists = "There is already a drop with this id.",
    /// {0}: the store's own words (why the drop cannot take the change).
    change_refused = "This drop can no longer take that change: {0}",
    /// {0}: the store's own words (why the sale cannot take the step now).
    steer_refused = "The sale cannot take that step now: {0}",
    operator_key_set = "This store already has an operator key; start the store server with --new-operator-key to replace it.",

    // The draw verifier's verdict.
    draw_verified_one = "Verified: {0} admission follows the draw.",
    draw_verified = "Verified: {0} admissions follow the draw.",
    draw_place_as_shown = " Ticket {0} is at place {1}, as shown.",
    draw_fingerprint_as_shown = " The fingerprint is the one shown before the start.",
    draw_fingerprint_changed = "The fingerprint shown before the start, {0}, is not the one in the published draw record, {1}.",
    draw_awaiting_seed = "Fingerprint published; the seed is revealed when the sale ends, and then the draw can be checked.",
    draw_bad_fingerprint = "The fingerprint is not 64 hex digits.",
    draw_not_ascending = "The checked-in tickets are not in ascending order at position {0}.",
    draw_admitted_twice = "Ticket {0} is admitted twice.",
    draw_listed_twice = "Ticket {0} is listed twice among the waitlisted and turned-away tickets.",
    draw_bad_seed = "The seed is not 64 hex digits.",
    draw_seed_mismatch = "The seed does not match the fingerprint: its SHA-256 is {0}.",
    draw_mismatch = "Mismatch at admission {0}: the draw puts {1} there, the store admitted ticket {2}.",
    draw_ticket = "ticket {0}",
    draw_no_ticket = "no ticket",
    draw_not_in_room = "Ticket {0} is listed but was never in the waiting room.",
    draw_before_turn = "Ticket {0} was admitted from the waitlist at admission {1} before its turn.",
    draw_turn_not_reached = "Ticket {0} is listed as waitlisted or turned away before its turn came.",
    draw_shown_place = "Mismatch at place {0}: the page showed ticket {1}, the draw puts {2} there.",

    // The demo controls and notices about the demo (read by designers and shoppers).
    demo_controls = "Demo controls",
    hide = "Hide",
    store_clock = "Store clock",
    sync = "Sync",
    sync_detail = "±{0} ms, device {1} s, ×{2}",
    phase = "Phase",
    registered_came = "Registered / came",
    in_line = "In line",
    available_held_paying = "Available / held / paying",
    sold_expired = "Sold / expired",
    engine_memory = "Engine memory",
    kilobytes = "{0} KB",
    replayable_run = "Replayable run (?seed={0}): every random choice follows from that number, each sale's draw seed included, so anyone who knows it can work out the draw before the start. Without ?seed= the seed comes from the browser's cryptographic source and stays secret until the sale ends.",
    jump_registration_closes = "Registration closes",
    jump_ten_seconds = "T−10 s",
    jump_start = "Start",
    jump_minute = "+1 min",
    clock_speed = "Clock speed (1–60)",
    crowd = "Crowd",
    stock = "Stock",
    latency = "Latency (ms)",
    faults = "Faults (0–1)",
    clock_skew = "Store clock skew (ms)",
    apply = "Apply",
    reset_demo = "Reset demo",
    not_a_setting = "“{0}” is not a demo setting; known ones: {1}.",
    setting_ignored = "{0}={1} was ignored: {0} takes {2} to {3}.",
    not_a_preset = "“{0}” is not a demo preset, so the demo starts fresh. Presets: {1}.",
    preset_needs_crowd = "{0}={1} was ignored: the “{2}” preset needs a crowd of {3} to reach its moment.",
    preset_needs_stock = "{0}={1} was ignored: the “{2}” preset needs a stock of {3} to reach its moment.",
    speed_after_registering = "The clock runs at real speed while you sign in and register, then {0}× faster once you have registered.",
    scenario_not_played = "The scenario's settings could not be used ({0}), so the “{1}” scenario was not played; the demo kept its own settings.",
    scenario_stopped = "The “{0}” scenario stopped early: {1}",
    scenario_not_downloaded = "The “{0}” scenario could not be downloaded, so it was not played; reload the page to try again.",
    clock_unreadable = "The store clock could not be read ({0}); times will show once it can.",
    storage_blocked = "This browser will not let the page save anything, so after a reload you will need to sign in again and what you typed is not kept.",
    storage_unreadable = "This page's saved data could not be read; your sign-in and what you type are kept only while this tab stays open.",
    storage_full = "This browser's storage is full; your sign-in and what you type are kept only while this tab stays open.",
    store_data_afresh = "Saved demo data could not be used ({0}), so the demo was started afresh.",
    store_save_refused = "This browser refused to save the demo store's data ({0}), so your place is kept only while a tab stays open.",
    store_cannot_save = "This browser will not let the demo store save anything, so your place is kept only while a tab stays open.",
    no_service_workers = "This browser cannot run the demo store: it has no Service Workers here (they need a recent browser and an https or localhost address).",
    store_did_not_start = "The demo store could not start: {0}",
    store_start_timeout = "The demo store did not start in time. Reload the page to try again.",
    language_unavailable = "The texts of that language could not be loaded ({0}); the shop stays in this one.",

    // What the operator did that every shopper of the sale should know (its news).
    news_paused = "The store paused the line at {0}; your place is kept.",
    news_announcement = "From the store: {0}",
    news_rescheduled = "The sale now starts {0} instead of {1}: {2}",
    news_ended_early = "The store ended the sale early at {0}: {1}",
    news_cancelled = "The store cancelled this drop: {0}",
    /// The dev panel's link to the operator console, signed in with the demo's key.
    operator_console = "Operator console",
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::ZH;

    #[test]
    fn every_key_has_one_line_of_english() {
        assert_eq!(Words::ENGLISH.lines().count(), Words::COUNT);
        assert_eq!(Words::KEYS.lines().count(), Words::COUNT);
        for (key, english) in EN.texts() {
            assert!(!english.is_empty(), "{key} has no English");
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
}
