//! Confidence intervals (METHODS.md §1): Wilson for proportions, Byar's method (exact below ten
//! events) for counts behind rates, published margins of error for survey scores.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// The confidence level: 95% to show, 99.8% for "significantly" in risk triggers.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub enum Level {
    #[default]
    #[serde(rename = "95")]
    P95,
    #[serde(rename = "99.8")]
    P998,
}

impl Level {
    pub fn z(self) -> f64 {
        match self {
            Level::P95 => 1.959964,
            Level::P998 => 3.090232,
        }
    }

    /// A published 95% margin of error at this level: as published at 95%, scaled by the ratio
    /// of the normal quantiles at 99.8% (× 3.090232 / 1.959964).
    pub fn margin(self, published: f64) -> f64 {
        published * self.z() / Level::P95.z()
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::P95 => "95%",
            Level::P998 => "99.8%",
        }
    }

    /// The value of the `level` parameter that asks for it.
    pub fn param(self) -> &'static str {
        match self {
            Level::P95 => "95",
            Level::P998 => "99.8",
        }
    }
}

/// A two-sided interval, in the units of the value it surrounds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval for the proportion `x / n`, as proportions (0 to 1).
pub fn wilson(x: f64, n: f64, z: f64) -> Option<Interval> {
    if n.is_nan() || n <= 0.0 || x < 0.0 || x > n {
        return None;
    }
    let z2 = z * z;
    let centre = (2.0 * x + z2) / (2.0 * (n + z2));
    let half = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt() / (2.0 * (n + z2));
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// Byar's interval for an observed count `o` (exact, from the chi-squared distribution, when
/// `o` < 10), as counts.
pub fn byar(o: f64, z: f64) -> Option<Interval> {
    if o.is_nan() || o < 0.0 {
        return None;
    }
    if o < 10.0 {
        let alpha = 2.0 * (1.0 - Normal::standard().cdf(z));
        let low = if o == 0.0 {
            0.0
        } else {
            ChiSquared::new(2.0 * o).ok()?.inverse_cdf(alpha / 2.0) / 2.0
        };
        let high = ChiSquared::new(2.0 * o + 2.0)
            .ok()?
            .inverse_cdf(1.0 - alpha / 2.0)
            / 2.0;
        return Some(Interval { low, high });
    }
    let low = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())).powi(3);
    let o1 = o + 1.0;
    let high = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * o1.sqrt())).powi(3);
    Some(Interval { low, high })
}

/// How an interval was found, for saying so beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    Wilson,
    Byar,
    MarginOfError,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(i: Interval) -> (f64, f64) {
        (
            (i.low * 1000.0).round() / 10.0,
            (i.high * 1000.0).round() / 10.0,
        )
    }

    #[test]
    fn warwickshire_direct_payments_2015_16() {
        // METHODS.md §1: x = 310, n = 1790, 95% interval 15.6% to 19.1%.
        let i = wilson(310.0, 1790.0, Level::P95.z()).unwrap();
        assert_eq!(pct(i), (15.6, 19.1));
    }

    #[test]
    fn wilson_edges() {
        let zero = wilson(0.0, 50.0, 1.96).unwrap();
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0 && zero.high < 0.1);
        let all = wilson(50.0, 50.0, 1.96).unwrap();
        assert_eq!(all.high, 1.0);
        assert!(all.low < 1.0);
        assert!(wilson(1.0, 0.0, 1.96).is_none());
        assert!(wilson(5.0, 4.0, 1.96).is_none());
    }

    #[test]
    fn byar_matches_exact_poisson_limits() {
        // Exact Poisson 95% limits for 0, 1 and 5 events (standard tables).
        let i = byar(0.0, Level::P95.z()).unwrap();
        assert_eq!(i.low, 0.0);
        assert!((i.high - 3.689).abs() < 0.001, "{i:?}");
        let i = byar(1.0, Level::P95.z()).unwrap();
        assert!(
            (i.low - 0.0253).abs() < 0.0001 && (i.high - 5.572).abs() < 0.001,
            "{i:?}"
        );
        let i = byar(5.0, Level::P95.z()).unwrap();
        assert!(
            (i.low - 1.623).abs() < 0.001 && (i.high - 11.668).abs() < 0.001,
            "{i:?}"
        );
        // Byar's approximation for 100 events: 81.37 to 121.63.
        let i = byar(100.0, Level::P95.z()).unwrap();
        assert!(
            (i.low - 81.37).abs() < 0.01 && (i.high - 121.63).abs() < 0.01,
            "{i:?}"
        );
    }

    proptest! {
        #[test]
        fn wilson_contains_p_and_behaves(x in 0u32..5000, extra in 0u32..5000) {
            let n = f64::from(x + extra).max(1.0);
            let x = f64::from(x).min(n);
            let p = x / n;
            let i95 = wilson(x, n, Level::P95.z()).unwrap();
            let i998 = wilson(x, n, Level::P998.z()).unwrap();
            prop_assert!(i95.low <= p + 1e-12 && p <= i95.high + 1e-12);
            prop_assert!(i998.low <= i95.low + 1e-12 && i998.high + 1e-12 >= i95.high, "widens as the level rises");
            let bigger = wilson(x * 4.0, n * 4.0, Level::P95.z()).unwrap();
            prop_assert!(bigger.high - bigger.low <= i95.high - i95.low + 1e-12, "narrows as n grows");
        }

        #[test]
        fn byar_contains_the_count(o in 0u32..10_000) {
            let o = f64::from(o);
            let i = byar(o, Level::P95.z()).unwrap();
            prop_assert!(i.low <= o && o <= i.high);
            let wide = byar(o, Level::P998.z()).unwrap();
            prop_assert!(wide.low <= i.low + 1e-9 && wide.high + 1e-9 >= i.high);
        }
    }
}
