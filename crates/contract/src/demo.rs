//! The demo store's own controls under `/api/dev/*`, which a production store does not have:
//!
//! | method & path | body | answer |
//! |---|---|---|
//! | `GET /api/dev/inbox` | | `Vec<`[`Sms`]`>` (the demo's SMS gateway) |
//! | `GET /api/dev/state` | | [`DevState`] |
//! | `GET /api/dev/notices` | | `Vec<`[`StoreNotice`]`>` |
//! | `POST /api/dev/reset` | `Option<`[`DemoSettings`]`>` | [`DevState`] |
//! | `PUT /api/dev/settings` | [`DemoSettings`] | [`DevState`] |
//! | `POST /api/dev/clock` | [`ClockChange`] | [`DevState`] |
use serde::{Deserialize, Serialize};

use crate::{Counters, Millis, Phase};

/// How the demo store behaves: the crowd, the stock, the network, the clock and the seed. Set
/// from the dev panel or from scenario URLs (`?crowd=5000&faults=0.3`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoSettings {
    /// Simulated shoppers per sale; `None` keeps the catalog's figure.
    pub crowd: Option<u32>,
    /// Units per sale, split over its variants in catalog proportion; `None` keeps the catalog's.
    pub stock: Option<u32>,
    /// Hold length in seconds; `None` keeps the catalog's.
    pub hold_s: Option<u64>,
    /// Mean round trip of a request, in ms.
    pub latency_ms: u32,
    /// Share of requests that fail (busy, unavailable, or answered but lost), 0 to 1.
    pub faults: f64,
    /// How far the store clock is ahead of real time, in ms.
    pub skew_ms: i64,
    /// How fast store time runs against real time (1 to 60).
    pub speed: f64,
    /// Every random choice of the store (codes, tokens, faults, crowd, draw) comes from this
    /// seed when it is given, so a run can be replayed; `None` draws a secret one.
    pub seed: Option<u64>,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self {
            crowd: None,
            stock: None,
            hold_s: None,
            latency_ms: 60,
            faults: 0.0,
            skew_ms: 0,
            speed: 1.0,
            seed: None,
        }
    }
}

/// One setting as a scenario URL names it, with the range it accepts: `(name, least, most,
/// what the figures count in English)`.
pub const MODIFIERS: &[(&str, &str, &str, &str)] = &[
    ("crowd", "0", "1000000", " simulated shoppers"),
    ("stock", "1", "1000000", " units"),
    ("hold", "10", "3600", " seconds"),
    ("latency", "0", "5000", " ms"),
    ("faults", "0", "1", ""),
    ("skew", "−86400000", "86400000", " ms"),
    ("speed", "1", "60", ""),
    ("seed", "0", "9007199254740991", " (a whole number)"),
];

/// A scenario modifier or demo setting that could not be used, with its facts, so a page can
/// say it in its own language; `Display` is the English sentence the store answers with.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingProblem {
    /// Not one of [`MODIFIERS`].
    Unknown { name: String },
    /// Outside the range of its [`MODIFIERS`] entry (`least` to `most`); the setting is kept.
    Ignored {
        name: String,
        value: String,
        least: &'static str,
        most: &'static str,
        unit: &'static str,
    },
}

impl SettingProblem {
    /// The names of every setting, as a list: "crowd, stock, …".
    pub fn known() -> String {
        let known: Vec<&str> = MODIFIERS.iter().map(|m| m.0).collect();
        known.join(", ")
    }
}

impl std::fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingProblem::Unknown { name } => write!(
                f,
                "“{name}” is not a demo setting; known ones: {}.",
                Self::known()
            ),
            SettingProblem::Ignored {
                name,
                value,
                least,
                most,
                unit,
            } => write!(
                f,
                "{name}={value} was ignored: {name} takes {least} to {most}{unit}."
            ),
        }
    }
}

/// The largest seed a JSON number carries exactly in every client (2^53 − 1: browsers parse
/// JSON numbers as doubles).
pub const MAX_SEED: u64 = (1 << 53) - 1;

impl DemoSettings {
    /// Applies one `name=value` modifier; an unusable value leaves the setting as it was and
    /// returns what was wrong.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), SettingProblem> {
        self.apply_reading_decimals(name, value, |text| text.trim().parse().ok())
    }

    /// [`DemoSettings::apply`] with the caller's reader of decimals (`faults`, `speed`): a page
    /// passes the browser's, so its wasm need not carry Rust's float parser.
    pub fn apply_reading_decimals(
        &mut self,
        name: &str,
        value: &str,
        decimal: fn(&str) -> Option<f64>,
    ) -> Result<(), SettingProblem> {
        fn parse<T: std::str::FromStr + PartialOrd>(value: &str, min: T, max: T) -> Option<T> {
            value.trim().parse().ok().filter(|v| *v >= min && *v <= max)
        }
        let in_range = |min, max| decimal(value).filter(|v| *v >= min && *v <= max);
        let applied = match name {
            "crowd" => parse(value, 0, 1_000_000).map(|v| self.crowd = Some(v)),
            "stock" => parse(value, 1, 1_000_000).map(|v| self.stock = Some(v)),
            "hold" => parse(value, 10, 3_600).map(|v| self.hold_s = Some(v)),
            "latency" => parse(value, 0, 5_000).map(|v| self.latency_ms = v),
            "faults" => in_range(0.0, 1.0).map(|v| self.faults = v),
            "skew" => parse(value, -86_400_000, 86_400_000).map(|v| self.skew_ms = v),
            "speed" => in_range(1.0, 60.0).map(|v| self.speed = v),
            "seed" => parse(value, 0, MAX_SEED).map(|v| self.seed = Some(v)),
            _ => None,
        };
        let Some(&(_, least, most, unit)) = MODIFIERS.iter().find(|m| m.0 == name) else {
            return Err(SettingProblem::Unknown { name: name.into() });
        };
        applied.ok_or_else(|| SettingProblem::Ignored {
            name: name.into(),
            value: value.into(),
            least,
            most,
            unit,
        })
    }

    /// Checks settings that arrived whole (a `PUT /api/dev/settings` body): every value in the
    /// range its scenario modifier accepts. Answers the first problem as a sentence.
    pub fn validate(&self) -> Result<(), String> {
        let mut checked = DemoSettings::default();
        let as_text = [
            ("crowd", self.crowd.map(|v| v.to_string())),
            ("stock", self.stock.map(|v| v.to_string())),
            ("hold", self.hold_s.map(|v| v.to_string())),
            ("latency", Some(self.latency_ms.to_string())),
            ("faults", Some(self.faults.to_string())),
            ("skew", Some(self.skew_ms.to_string())),
            ("speed", Some(self.speed.to_string())),
            ("seed", self.seed.map(|v| v.to_string())),
        ];
        as_text
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .try_for_each(|(name, value)| checked.apply(name, &value).map_err(|p| p.to_string()))
    }
}

/// A message delivered by the demo store's SMS gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sms {
    pub phone: String,
    pub text: String,
    pub at_ms: Millis,
}

/// Codes for many phone numbers in one call (`POST /api/dev/codes`, demo stores only): load
/// runs sign in thousands of shoppers without reading the inbox one text at a time. Each
/// number is sent a code under the same rules as `POST /api/auth/code`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodesRequest {
    pub phones: Vec<String>,
}

/// The most numbers one [`CodesRequest`] may carry.
pub const MAX_CODES_AT_ONCE: usize = 1_000;

/// One number's code, or why it was not sent (`error`'s code, as `POST /api/auth/code` says it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ApiError>,
}

/// Something the shopper should know about the demo store itself (it was reset, its storage
/// failed). Ids grow with real time across restarts of the store, so a page that remembers the
/// last id it showed shows each notice once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreNotice {
    pub id: u64,
    /// The sentence in English, for API clients and pages that do not know the `code`.
    pub text: String,
    /// Which notice it is ([`notice_codes`]), so a page can say it in its own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The problem the browser or the saved data reported, as they worded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What a [`StoreNotice`] is about.
pub mod notice_codes {
    /// Saved demo data could not be used (`detail` says why): the demo started afresh.
    pub const DATA_AFRESH: &str = "data_afresh";
    /// The browser refused to save the demo store's data (`detail` says how).
    pub const SAVE_REFUSED: &str = "save_refused";
    /// The browser lets the demo store save nothing at all.
    pub const CANNOT_SAVE: &str = "cannot_save";
}

/// What the dev panel reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DevState {
    pub store_now_ms: Millis,
    pub settings: DemoSettings,
    /// True when the store's random choices come from a seed a URL gave (`?seed=`), so the run
    /// replays; false when the seed is secret.
    pub replayable: bool,
    pub sales: Vec<DevSale>,
    /// How long the store took to open from its saved log the last time it started (ms).
    pub opened_in_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DevSale {
    pub id: String,
    pub phase: Phase,
    pub registration_closes: Millis,
    pub starts_at: Millis,
    pub counters: Counters,
    pub engine_bytes: usize,
}

/// A dev-panel clock move: jump store time forward, change its speed, or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClockChange {
    pub jump_to_ms: Option<Millis>,
    pub speed: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_values_apply() {
        let mut s = DemoSettings::default();
        s.apply("crowd", "5000").unwrap();
        s.apply("faults", "0.3").unwrap();
        s.apply("skew", "-600000").unwrap();
        s.apply("speed", "60").unwrap();
        s.apply("seed", "42").unwrap();
        assert_eq!(
            (s.crowd, s.faults, s.skew_ms, s.speed, s.seed),
            (Some(5000), 0.3, -600_000, 60.0, Some(42))
        );
    }

    #[test]
    fn a_seed_beyond_what_json_carries_exactly_is_refused() {
        let mut s = DemoSettings::default();
        s.apply("seed", &MAX_SEED.to_string()).unwrap();
        let refused = s
            .apply("seed", &(MAX_SEED + 1).to_string())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("seed takes 0 to 9007199254740991 (a whole number)"),
            "{refused}"
        );
        assert_eq!(s.seed, Some(MAX_SEED));
    }

    #[test]
    fn bad_values_keep_the_default_and_say_why() {
        let mut s = DemoSettings::default();
        assert!(s
            .apply("faults", "2")
            .unwrap_err()
            .to_string()
            .contains("faults takes 0 to 1"));
        assert!(s
            .apply("speed", "fast")
            .unwrap_err()
            .to_string()
            .contains("speed takes 1 to 60"));
        assert!(s
            .apply("colour", "red")
            .unwrap_err()
            .to_string()
            .contains("not a demo setting"));
        assert_eq!(s, DemoSettings::default());
    }

    #[test]
    fn whole_settings_are_checked_like_url_values() {
        assert_eq!(DemoSettings::default().validate(), Ok(()));
        let too_fast = DemoSettings {
            speed: 500.0,
            ..DemoSettings::default()
        };
        assert!(too_fast
            .validate()
            .unwrap_err()
            .contains("speed takes 1 to 60"));
        let no_stock = DemoSettings {
            stock: Some(0),
            ..DemoSettings::default()
        };
        assert!(no_stock
            .validate()
            .unwrap_err()
            .contains("stock takes 1 to 1000000"));
    }
}
