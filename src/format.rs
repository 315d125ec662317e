//! How numbers, money and times read in the shop, in the shopper's language. Digits, grouping,
//! currency symbols, month and weekday names come from the browser's `Intl` (no tables of our
//! own in the wasm); the words around them come from [`crate::i18n::Words`]. Tabular figures
//! are set in CSS.
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::api::{Address, Market};
use crate::i18n::{fill, Locale, Words};

/// `Intl` options from pairs such as `("style", "currency")`.
fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

fn locales(locale: Locale) -> Array {
    Array::of1(&locale.intl_tag().into())
}

fn call(format: Function, value: &JsValue) -> String {
    format
        .call1(&JsValue::UNDEFINED, value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn number(value: f64, locale: Locale, pairs: &[(&str, &str)]) -> String {
    let format = Intl::NumberFormat::new(&locales(locale), &options(pairs));
    call(format.format(), &value.into())
}

fn date(ms: u64, locale: Locale, pairs: &[(&str, &str)]) -> String {
    let format = Intl::DateTimeFormat::new(&locales(locale), &options(pairs));
    call(format.format(), &Date::new(&(ms as f64).into()).into())
}

/// A price in the sale's currency (ISO 4217, from the catalog): "¥1,999.00", "€299.00".
pub fn money(cents: u32, currency: &str, locale: Locale) -> String {
    number(
        f64::from(cents) / 100.0,
        locale,
        &[("style", "currency"), ("currency", currency)],
    )
}

/// "1,234,567"
pub fn count(n: u64, locale: Locale) -> String {
    number(n as f64, locale, &[])
}

/// A countdown: "2 d 03 h" ("2天03小时"), "1:04:09", "4:09", "0:09".
pub fn countdown(ms: i64, words: &Words) -> String {
    let total = (ms.max(0) as u64).div_ceil(1_000);
    let (d, h, m, s) = (
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match () {
        _ if d > 0 => fill(words.days_hours, &[&d.to_string(), &format!("{h:02}")]),
        _ if h > 0 => format!("{h}:{m:02}:{s:02}"),
        _ => format!("{m}:{s:02}"),
    }
}

/// A short human duration: "45 s", "3 min", "1 min 26 s", "2 h 5 min" ("2分30秒" in Chinese).
pub fn duration(ms: u64, words: &Words) -> String {
    let s = ms.div_ceil(1_000);
    let (h, m, s) = (s / 3_600, s / 60 % 60, s % 60);
    let (sentence, facts) = match (h, m, s) {
        (0, 0, s) => (words.duration_s, [s, 0]),
        (0, m, 0) => (words.duration_min, [m, 0]),
        (0, m, s) => (words.duration_min_s, [m, s]),
        (h, m, _) => (words.duration_h_min, [h, m]),
    };
    fill(sentence, &[&facts[0].to_string(), &facts[1].to_string()])
}

/// Store time as a clock reading in the shopper's time zone: "14:03:00".
pub fn clock_time(ms: u64, locale: Locale) -> String {
    date(
        ms,
        locale,
        &[
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
            ("hourCycle", "h23"),
        ],
    )
}

/// "today 14:03" ("今天 14:03") or "Thu 26 Nov 10:00" ("11月26日 周四 10:00"), relative to `now`.
pub fn when(ms: u64, now: u64, locale: Locale) -> String {
    let words = locale.words();
    let time = date(
        ms,
        locale,
        &[
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    );
    let day = |ms| {
        date(
            ms,
            locale,
            &[
                ("year", "numeric"),
                ("month", "numeric"),
                ("day", "numeric"),
            ],
        )
    };
    if day(ms) == day(now) {
        return fill(words.today_at, &[&time]);
    }
    let weekday = date(ms, locale, &[("weekday", "short")]);
    let day_month = date(ms, locale, &[("day", "numeric"), ("month", "short")]);
    fill(words.day_date_time, &[&weekday, &day_month, &time])
}

/// Where a parcel goes, as the address's own market writes it: "12 St James's Square, London"
/// or "北京市海淀区中关村大街 27 号" (from the province down; a city that is its own province,
/// like Beijing, once).
pub fn destination(a: &Address) -> String {
    match a.market {
        Market::International => format!("{}, {}", a.line1, a.city),
        Market::China if a.province == a.city => format!("{}{}{}", a.city, a.district, a.line1),
        Market::China => format!("{}{}{}{}", a.province, a.city, a.district, a.line1),
    }
}

/// The whole address: "Ada Lovelace, 12 St James's Square, London SW1Y 4JH" or
/// "王小明，北京市海淀区中关村大街 27 号 100080".
pub fn address(a: &Address) -> String {
    let separator = match a.market {
        Market::International => ", ",
        Market::China => "，",
    };
    let postcode = a.postcode.trim();
    let postcode = if postcode.is_empty() {
        String::new()
    } else {
        format!(" {postcode}")
    };
    format!("{}{separator}{}{postcode}", a.name, destination(a))
}

/// A decimal as a setting or a scenario URL writes it ("0.3", "10"). In the page this is the
/// browser's own `Number` printer, so the wasm carries no float printer of its own (about 4 KB
/// gzip); natively (tests) Rust's, which writes the values settings take the same way (they
/// differ only at -0, past 1e21 and below 1e-6).
pub fn decimal(x: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map_or_else(|_| String::new(), String::from);
    #[cfg(not(target_arch = "wasm32"))]
    return x.to_string();
}

/// Milliseconds as seconds to one decimal: "1.5", "-0.3" (integer arithmetic, for the reason
/// [`decimal`] gives).
pub fn seconds_tenths(ms: f64) -> String {
    let tenths = (ms / 100.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
}

/// Reads a decimal such as "0.3", "10" or "1e1" (the same texts Rust's `f64::from_str` takes,
/// less "inf" and "NaN"); `None` for anything else. The browser's `Number` reads it in the page,
/// for the reason [`decimal`] gives.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = text.bytes().any(|b| b.is_ascii_digit());
    if !digits
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    return text
        .parse::<js_sys::Number>()
        .ok()
        .map(|n| n.value_of())
        .filter(|x| !x.is_nan());
    #[cfg(not(target_arch = "wasm32"))]
    return text.parse().ok();
}

pub fn percent(odds: f32, words: &Words) -> String {
    match (odds * 100.0).round() as u32 {
        0 if odds > 0.0 => words.under_1_percent.into(),
        100 if odds < 1.0 => words.over_99_percent.into(),
        p => fill(words.percent, &[&p.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    #[test]
    fn countdowns_round_up_to_the_second_shown() {
        assert_eq!(countdown(9_001, &EN), "0:10");
        assert_eq!(countdown(9_000, &EN), "0:09");
        assert_eq!(countdown(-5, &EN), "0:00");
        assert_eq!(countdown(3_725_000, &ZH), "1:02:05");
        assert_eq!(countdown(2 * 86_400_000 + 3 * 3_600_000, &EN), "2 d 03 h");
        assert_eq!(countdown(2 * 86_400_000 + 3 * 3_600_000, &ZH), "2天03小时");
    }

    #[test]
    fn durations_and_percentages() {
        assert_eq!(duration(45_000, &EN), "45 s");
        assert_eq!(duration(180_000, &EN), "3 min");
        assert_eq!(duration(86_000, &EN), "1 min 26 s");
        assert_eq!(duration(7_500_000, &EN), "2 h 5 min");
        assert_eq!(percent(0.004, &EN), "under 1 %");
        assert_eq!(percent(0.996, &EN), "over 99 %");
        assert_eq!(percent(0.42, &EN), "42 %");
        assert_eq!(percent(0.42, &ZH), "42%");
    }

    #[test]
    fn decimals_read_as_settings_write_them() {
        assert_eq!(parse_decimal(" 0.3 "), Some(0.3));
        assert_eq!(parse_decimal("1e1"), Some(10.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        for bad in ["", "abc", "0x10", "1..2", "inf", "NaN", "e5", "1e"] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        assert_eq!(decimal(10.0), "10");
        assert_eq!(decimal(0.3), "0.3");
        assert_eq!(seconds_tenths(1_450.0), "1.5");
        assert_eq!(seconds_tenths(-340.0), "-0.3");
        assert_eq!(seconds_tenths(40.0), "0.0");
    }
}
