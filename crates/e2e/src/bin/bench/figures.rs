//! The figures a run gives: medians and maxima of its measurements, and the budgets they are
//! held to.
use serde_json::{json, Value};

/// The median of the finite values, NaN when there is none.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The largest value, NaN when there is none.
pub(crate) fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NAN, f64::max)
}

/// A budget as bench.json lists it: whether `value` holds to `limit`.
pub(crate) fn budget(name: &str, value: f64, limit: f64, unit: &str) -> Value {
    json!({ "name": name, "value": (value * 100.0).round() / 100.0, "limit": limit, "unit": unit, "holds": value.is_finite() && value <= limit })
}

/// How the table says whether a budget held.
pub(crate) fn verdict(b: &Value) -> &'static str {
    if b["holds"] == json!(true) {
        "pass"
    } else {
        "falls short"
    }
}
