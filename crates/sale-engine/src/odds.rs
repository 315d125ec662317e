//! A waiting shopper's chance of getting a unit.
//!
//! Formula (all quantities for the shopper's choice: their variant, or every variant if
//! they accept any):
//! - `A` units available now, `H` units on hold, `ahead` shoppers in front of them.
//! - If `ahead < A` the odds are 1: there is a unit for everyone in front and for them.
//! - Otherwise they need `k = ahead - A + 1` units to come back from holds. Each hold comes
//!   back with probability `r` (observed `expired / (expired + ordered)` once 20 holds have
//!   settled, else [`RETURN_PRIOR`]), and a returned unit is held again and may return again,
//!   so the expected number of returns is `R = (A + H) · r / (1 - r)` (r capped at 0.95).
//! - Returns are modelled as Poisson(R), approximated by a normal with continuity
//!   correction: `odds = P(N ≥ k) ≈ ½·erfc((k - ½ - R) / √(2R))`, and 0 when `R = 0`.
//!
//! The odds fall as `ahead` grows, so nobody further back is shown better odds. Everyone in
//! front is counted as a competitor, which makes the estimate cautious for shoppers who
//! want a variant others do not.

/// Share of holds assumed to come back before 20 holds have settled.
pub const RETURN_PRIOR: f64 = 0.15;

/// Settled holds needed before the observed return rate replaces the prior.
const OBSERVED_AFTER: u64 = 20;

pub(crate) fn return_rate(expired: u64, ordered: u64) -> f64 {
    let settled = expired + ordered;
    if settled >= OBSERVED_AFTER {
        expired as f64 / settled as f64
    } else {
        RETURN_PRIOR
    }
}

/// Probability in `0..=1` that a shopper with `ahead` shoppers in front gets a unit, given
/// `available` and `held` units and the share of holds expected to come back.
pub fn odds_of_getting_one(ahead: u64, available: u64, held: u64, return_rate: f64) -> f32 {
    if ahead < available {
        return 1.0;
    }
    let r = return_rate.clamp(0.0, 0.95);
    let returns = (available + held) as f64 * r / (1.0 - r);
    if returns <= 0.0 {
        return 0.0;
    }
    let needed = (ahead - available + 1) as f64;
    let z = (needed - 0.5 - returns) / (2.0 * returns).sqrt();
    (0.5 * erfc(z)).clamp(0.0, 1.0) as f32
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certain_while_stock_covers_everyone_ahead() {
        assert_eq!(odds_of_getting_one(0, 1, 0, 0.15), 1.0);
        assert_eq!(odds_of_getting_one(99, 100, 0, 0.15), 1.0);
    }

    #[test]
    fn hopeless_without_stock_or_returns() {
        assert_eq!(odds_of_getting_one(5, 0, 0, 0.15), 0.0);
        assert_eq!(odds_of_getting_one(5, 2, 3, 0.0), 0.0);
    }

    #[test]
    fn monotone_and_bounded() {
        let mut last = 1.0f32;
        for ahead in 0..5_000 {
            let p = odds_of_getting_one(ahead, 1_000, 500, 0.2);
            assert!((0.0..=1.0).contains(&p));
            assert!(p <= last, "odds rose at {ahead}");
            last = p;
        }
        assert!(last < 0.01);
        // Just past the stock, a fair share of returns makes the odds good, not certain.
        let edge = odds_of_getting_one(1_000, 1_000, 500, 0.2);
        assert!(edge > 0.9 && edge <= 1.0);
    }

    #[test]
    fn prior_until_twenty_settled() {
        assert_eq!(return_rate(1, 0), RETURN_PRIOR);
        assert_eq!(return_rate(5, 15), 0.25);
    }

    #[test]
    fn erfc_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-6);
        assert!((erfc(1.0) - 0.157_299_2).abs() < 1e-6);
        assert!((erfc(-1.0) - 1.842_700_8).abs() < 1e-6);
    }
}
