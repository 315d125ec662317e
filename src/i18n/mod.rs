//! The shop in English and in Simplified Chinese, and the choice between them. Every sentence a
//! shopper reads is a field of [`Words`], declared with its English text in [`words`] (a key
//! without English does not compile). Chinese is a pack fetched when needed ([`pack`]), whose
//! lines name their keys: a missing or unknown key, or a text whose facts differ from the
//! English one, fails the native tests. Sentences with facts in them carry `{0}`, `{1}`… where
//! the facts go ([`fill`]). Numbers, money and dates go through the browser's `Intl` in
//! [`crate::format`]; this module only chooses the words and the language.
//!
//! - this file: the [`Locale`], how it is chosen and remembered, and `<html lang>`;
//! - [`words`]: the keys and the English table;
//! - [`pack`]: fetching and reading the Chinese pack;
//! - [`said`]: sentences said now and shown later (notices);
//! - `refusals`: a store's refusal, by [`store_contract::ErrorCode`], as a sentence.
//!
//! Why hand-written tables and not leptos_i18n: docs/decisions/0002-hand-written-texts.md.
mod pack;
mod refusals;
mod said;
mod words;

use store_contract::Market;

use crate::storage::PageStorage;

#[cfg(test)]
pub use pack::ZH;
pub use pack::{install_pack, ZH_PACK_URL};
pub use said::{Fact, Said};
pub use words::{fill, Text, Words, EN};

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

    /// The language's texts. Chinese comes from its pack ([`load_pack_for`]); until the pack is
    /// in, the shop speaks English, and switching waits for it (see [`crate::shop::Shop`]).
    pub fn words(self) -> &'static Words {
        match self {
            Locale::En => *EN,
            Locale::ZhCn => pack::chinese().unwrap_or(*EN),
        }
    }

    /// True when the language's texts are in the page.
    pub fn ready(self) -> bool {
        self == Locale::En || pack::chinese().is_some()
    }
}

/// Fetches the texts of `locale` if the page does not have them yet (Chinese, once).
pub async fn load_pack_for(locale: Locale) -> Result<(), String> {
    if locale.ready() {
        return Ok(());
    }
    pack::fetch_chinese().await
}

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
    fn durations_read_the_way_each_language_writes_them() {
        use crate::format::duration;
        assert_eq!(duration(150_000, &EN), "2 min 30 s");
        assert_eq!(duration(150_000, &ZH), "2分30秒");
        assert_eq!(duration(180_000, &ZH), "3分钟");
        assert_eq!(duration(45_000, &ZH), "45秒");
        assert_eq!(duration(7_500_000, &ZH), "2小时5分");
    }
}
