//! How the demo store behaves: the crowd, the stock, the network and the clock. Set from the
//! dev panel or from scenario URLs (`?crowd=5000&faults=0.3`); bad values fall back to a
//! default with a notice instead of failing.
use serde::{Deserialize, Serialize};

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
    /// How far the store clock is ahead of this device's, in ms.
    pub skew_ms: i64,
    /// How fast store time runs against real time (1 to 60).
    pub speed: f64,
    pub seed: u64,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self { crowd: None, stock: None, hold_s: None, latency_ms: 60, faults: 0.0, skew_ms: 0, speed: 1.0, seed: 7 }
    }
}

/// One setting as a scenario URL names it, with the range it accepts.
pub const MODIFIERS: &[(&str, &str)] = &[
    ("crowd", "0 to 1000000 simulated shoppers"),
    ("stock", "1 to 1000000 units"),
    ("hold", "10 to 3600 seconds"),
    ("latency", "0 to 5000 ms"),
    ("faults", "0 to 1"),
    ("skew", "−86400000 to 86400000 ms"),
    ("speed", "1 to 60"),
    ("seed", "a whole number"),
];

impl DemoSettings {
    /// Applies one `name=value` modifier; an unusable value leaves the setting as it was and
    /// returns a sentence saying what was wrong and what is used instead.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), String> {
        fn parse<T: std::str::FromStr + PartialOrd>(value: &str, min: T, max: T) -> Option<T> {
            value.trim().parse().ok().filter(|v| *v >= min && *v <= max)
        }
        let range = MODIFIERS.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
        let applied = match name {
            "crowd" => parse(value, 0, 1_000_000).map(|v| self.crowd = Some(v)),
            "stock" => parse(value, 1, 1_000_000).map(|v| self.stock = Some(v)),
            "hold" => parse(value, 10, 3_600).map(|v| self.hold_s = Some(v)),
            "latency" => parse(value, 0, 5_000).map(|v| self.latency_ms = v),
            "faults" => parse(value, 0.0, 1.0).map(|v| self.faults = v),
            "skew" => parse(value, -86_400_000, 86_400_000).map(|v| self.skew_ms = v),
            "speed" => parse(value, 1.0, 60.0).map(|v| self.speed = v),
            "seed" => parse(value, 0, u64::MAX).map(|v| self.seed = v),
            _ => return Err(format!("“{name}” is not a demo setting; known ones: {}.", MODIFIERS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))),
        };
        applied.ok_or_else(|| format!("{name}={value} was ignored: {name} takes {}.", range.unwrap_or("another value")))
    }
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
        assert_eq!((s.crowd, s.faults, s.skew_ms, s.speed), (Some(5000), 0.3, -600_000, 60.0));
    }

    #[test]
    fn bad_values_keep_the_default_and_say_why() {
        let mut s = DemoSettings::default();
        assert!(s.apply("faults", "2").unwrap_err().contains("faults takes 0 to 1"));
        assert!(s.apply("speed", "fast").unwrap_err().contains("speed takes 1 to 60"));
        assert!(s.apply("colour", "red").unwrap_err().contains("not a demo setting"));
        assert_eq!(s, DemoSettings::default());
    }
}
