//! Funnel plots (METHODS.md §5, Spiegelhalter 2005): control limits around a benchmark at each
//! denominator, 95% (warning) and 99.8% (alarm).

use super::intervals::{Interval, Level, byar};

/// Limits for a proportion `p0` (0 to 1) at denominator `n`, clipped to [0, 1].
pub fn proportion_limits(p0: f64, n: f64, level: Level) -> Option<Interval> {
    if n.is_nan() || n <= 0.0 || !(0.0..=1.0).contains(&p0) {
        return None;
    }
    let half = level.z() * (p0 * (1.0 - p0) / n).sqrt();
    Some(Interval {
        low: (p0 - half).max(0.0),
        high: (p0 + half).min(1.0),
    })
}

/// Limits for a rate (per `multiplier`) at a population: Byar's bounds around the expected count
/// `E = rate0 × population / multiplier`, back on the rate scale.
pub fn rate_limits(rate0: f64, population: f64, multiplier: f64, level: Level) -> Option<Interval> {
    if population.is_nan() || population <= 0.0 || rate0 < 0.0 {
        return None;
    }
    let expected = rate0 * population / multiplier;
    let counts = byar(expected, level.z())?;
    Some(Interval {
        low: counts.low / population * multiplier,
        high: counts.high / population * multiplier,
    })
}

/// Where a council sits on the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Within,
    /// Outside 95% but within 99.8%.
    Warning,
    /// Outside 99.8%.
    Alarm,
}

pub fn position(value: f64, warning: Interval, alarm: Interval) -> Position {
    if value < alarm.low || value > alarm.high {
        Position::Alarm
    } else if value < warning.low || value > warning.high {
        Position::Warning
    } else {
        Position::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportion_limits_narrow_with_n_and_widen_with_level() {
        let a = proportion_limits(0.281, 100.0, Level::P95).unwrap();
        assert!((a.low - (0.281 - 1.959964 * (0.281f64 * 0.719 / 100.0).sqrt())).abs() < 1e-12);
        let b = proportion_limits(0.281, 10_000.0, Level::P95).unwrap();
        assert!(b.high - b.low < a.high - a.low);
        let c = proportion_limits(0.281, 100.0, Level::P998).unwrap();
        assert!(c.high > a.high && c.low < a.low);
        let clipped = proportion_limits(0.01, 10.0, Level::P998).unwrap();
        assert_eq!(clipped.low, 0.0);
        assert!(proportion_limits(0.5, 0.0, Level::P95).is_none());
    }

    #[test]
    fn rate_limits_surround_the_benchmark_rate() {
        let l = rate_limits(600.0, 50_000.0, 100_000.0, Level::P95).unwrap();
        assert!(l.low < 600.0 && l.high > 600.0);
        assert_eq!(
            position(
                600.0,
                l,
                rate_limits(600.0, 50_000.0, 100_000.0, Level::P998).unwrap()
            ),
            Position::Within
        );
        let alarm = rate_limits(600.0, 50_000.0, 100_000.0, Level::P998).unwrap();
        assert_eq!(position(alarm.high + 1.0, l, alarm), Position::Alarm);
    }
}
