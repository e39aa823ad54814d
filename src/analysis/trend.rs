//! Direction of travel and recent trend (METHODS.md §6).

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::intervals::Level;
use crate::domain::Polarity;

/// One period's value with its counts where it has them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// A published 95% margin of error: the value is a survey estimate, and its numerator and
    /// denominator are weighted estimates, not counts.
    pub margin: Option<f64>,
}

impl Point {
    fn counts(&self) -> Option<(f64, f64)> {
        if self.margin.is_some() {
            return None;
        }
        match (self.numerator, self.denominator) {
            (Some(x), Some(n)) if n > 0.0 && x >= 0.0 && x <= n => Some((x, n)),
            _ => None,
        }
    }
}

/// Latest against previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improved,
    Declined,
    Increased,
    Decreased,
    NoSignificantChange,
    NotAssessed,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Improved => "Improved",
            Direction::Declined => "Declined",
            Direction::Increased => "Increased",
            Direction::Decreased => "Decreased",
            Direction::NoSignificantChange => "No significant change",
            Direction::NotAssessed => "Not assessed",
        }
    }

    fn from_sign(up: bool, polarity: Polarity) -> Direction {
        match (up, polarity) {
            (true, Polarity::HigherIsBetter) | (false, Polarity::LowerIsBetter) => {
                Direction::Improved
            }
            (false, Polarity::HigherIsBetter) | (true, Polarity::LowerIsBetter) => {
                Direction::Declined
            }
            (true, Polarity::NoJudgement) => Direction::Increased,
            (false, Polarity::NoJudgement) => Direction::Decreased,
        }
    }
}

/// A tolerance for calling a change real when there are no counts to test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    Absolute(f64),
    /// A share of the previous value, e.g. 0.05 for 5%.
    Relative(f64),
}

/// Direction of travel: a two-proportion z-test at 95% where both periods have counts,
/// otherwise a change beyond the measure's tolerance; neither, not assessed.
pub fn direction(
    previous: Point,
    latest: Point,
    polarity: Polarity,
    tolerance: Option<Tolerance>,
) -> Direction {
    // Two survey estimates: the standard error of their difference from the published margins
    // (METHODS §1), SE = sqrt((m1/1.96)² + (m2/1.96)²).
    if let (Some(m1), Some(m2)) = (previous.margin, latest.margin) {
        let z95 = Level::P95.z();
        let se = ((m1 / z95).powi(2) + (m2 / z95).powi(2)).sqrt();
        if se == 0.0 {
            return Direction::NoSignificantChange;
        }
        let z = (latest.value - previous.value) / se;
        return if z.abs() > z95 {
            Direction::from_sign(z > 0.0, polarity)
        } else {
            Direction::NoSignificantChange
        };
    }
    if let (Some((x1, n1)), Some((x2, n2))) = (previous.counts(), latest.counts()) {
        let pooled = (x1 + x2) / (n1 + n2);
        let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
        if se == 0.0 {
            return Direction::NoSignificantChange;
        }
        let z = (x2 / n2 - x1 / n1) / se;
        return if z.abs() > Level::P95.z() {
            Direction::from_sign(z > 0.0, polarity)
        } else {
            Direction::NoSignificantChange
        };
    }
    let change = latest.value - previous.value;
    let threshold = match tolerance {
        Some(Tolerance::Absolute(t)) => t,
        Some(Tolerance::Relative(r)) => r * previous.value.abs(),
        None => return Direction::NotAssessed,
    };
    if change.abs() > threshold {
        Direction::from_sign(change > 0.0, polarity)
    } else {
        Direction::NoSignificantChange
    }
}

/// The recent trend over the latest points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    IncreasingAndGettingBetter,
    IncreasingAndGettingWorse,
    DecreasingAndGettingBetter,
    DecreasingAndGettingWorse,
    Increasing,
    Decreasing,
    NoSignificantChange,
    NotEnoughData,
}

impl Trend {
    pub fn label(self) -> &'static str {
        match self {
            Trend::IncreasingAndGettingBetter => "Increasing and getting better",
            Trend::IncreasingAndGettingWorse => "Increasing and getting worse",
            Trend::DecreasingAndGettingBetter => "Decreasing and getting better",
            Trend::DecreasingAndGettingWorse => "Decreasing and getting worse",
            Trend::Increasing => "Increasing",
            Trend::Decreasing => "Decreasing",
            Trend::NoSignificantChange => "No significant change",
            Trend::NotEnoughData => "Not enough data",
        }
    }

    fn from_sign(up: bool, polarity: Polarity) -> Trend {
        match (up, polarity) {
            (true, Polarity::HigherIsBetter) => Trend::IncreasingAndGettingBetter,
            (true, Polarity::LowerIsBetter) => Trend::IncreasingAndGettingWorse,
            (false, Polarity::HigherIsBetter) => Trend::DecreasingAndGettingWorse,
            (false, Polarity::LowerIsBetter) => Trend::DecreasingAndGettingBetter,
            (true, Polarity::NoJudgement) => Trend::Increasing,
            (false, Polarity::NoJudgement) => Trend::Decreasing,
        }
    }
}

/// The rule: the latest five points at most, never fewer than three, consecutive periods, for
/// years and quarters alike; significance at 99.8% (Fingertips' threshold).
pub const TREND_RULE: &str = "latest 3 to 5 consecutive periods, significant at 99.8%: chi-squared test for linear trend on counts, else least-squares slope with a t-test";
pub const MAX_TREND_POINTS: usize = 5;
pub const MIN_TREND_POINTS: usize = 3;

/// Recent trend over `points` (oldest first): the chi-squared test for linear trend
/// (Cochran–Armitage) where every point has counts, else the least-squares slope with a t-test.
pub fn recent(points: &[Point], polarity: Polarity) -> Trend {
    let points = &points[points.len().saturating_sub(MAX_TREND_POINTS)..];
    if points.len() < MIN_TREND_POINTS {
        return Trend::NotEnoughData;
    }
    let z = Level::P998.z();
    let counts: Option<Vec<(f64, f64)>> = points.iter().map(Point::counts).collect();
    let statistic = match counts {
        Some(counts) => cochran_armitage(&counts).map(|(t, chi2)| (t > 0.0, chi2 > z * z)),
        None => slope_test(points),
    };
    match statistic {
        Some((up, true)) => Trend::from_sign(up, polarity),
        Some((_, false)) => Trend::NoSignificantChange,
        None => Trend::NotEnoughData,
    }
}

/// Cochran–Armitage test with scores 1..k: (T, χ² on 1 degree of freedom).
fn cochran_armitage(counts: &[(f64, f64)]) -> Option<(f64, f64)> {
    let total_n: f64 = counts.iter().map(|(_, n)| n).sum();
    let total_x: f64 = counts.iter().map(|(x, _)| x).sum();
    if total_n <= 0.0 {
        return None;
    }
    let p = total_x / total_n;
    let t_bar: f64 = counts
        .iter()
        .enumerate()
        .map(|(i, (_, n))| n * (i as f64 + 1.0))
        .sum::<f64>()
        / total_n;
    let t: f64 = counts
        .iter()
        .enumerate()
        .map(|(i, (x, _))| x * (i as f64 + 1.0 - t_bar))
        .sum();
    let var = p
        * (1.0 - p)
        * counts
            .iter()
            .enumerate()
            .map(|(i, (_, n))| n * (i as f64 + 1.0 - t_bar).powi(2))
            .sum::<f64>();
    if var <= 0.0 {
        return Some((0.0, 0.0));
    }
    Some((t, t * t / var))
}

/// Least-squares slope over time: (slope > 0, significant at 99.8% by a two-sided t-test).
fn slope_test(points: &[Point]) -> Option<(bool, bool)> {
    let k = points.len() as f64;
    let xs: Vec<f64> = (0..points.len()).map(|i| i as f64).collect();
    let x_bar = xs.iter().sum::<f64>() / k;
    let y_bar = points.iter().map(|p| p.value).sum::<f64>() / k;
    let sxx: f64 = xs.iter().map(|x| (x - x_bar).powi(2)).sum();
    let sxy: f64 = xs
        .iter()
        .zip(points)
        .map(|(x, p)| (x - x_bar) * (p.value - y_bar))
        .sum();
    let slope = sxy / sxx;
    let residual: f64 = xs
        .iter()
        .zip(points)
        .map(|(x, p)| (p.value - (y_bar + slope * (x - x_bar))).powi(2))
        .sum();
    let df = k - 2.0;
    if slope == 0.0 {
        return Some((false, false));
    }
    if residual == 0.0 {
        return Some((slope > 0.0, true));
    }
    let se = (residual / df / sxx).sqrt();
    Some((slope > 0.0, (slope / se).abs() > t_critical(df as usize)?))
}

/// Two-sided 99.8% critical values of Student's t for the degrees of freedom a trend can have
/// (1 to `MAX_TREND_POINTS` − 2), computed once: the inverse CDF is costly.
fn t_critical(df: usize) -> Option<f64> {
    static TABLE: std::sync::OnceLock<Vec<Option<f64>>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=MAX_TREND_POINTS - 2)
            .map(|df| {
                StudentsT::new(0.0, 1.0, df as f64)
                    .ok()
                    .map(|t| t.inverse_cdf(1.0 - 0.002 / 2.0))
            })
            .collect()
    });
    table.get(df).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(value: f64) -> Point {
        Point {
            value,
            numerator: None,
            denominator: None,
            margin: None,
        }
    }

    fn c(x: f64, n: f64) -> Point {
        Point {
            value: x / n * 100.0,
            numerator: Some(x),
            denominator: Some(n),
            margin: None,
        }
    }

    /// A survey estimate with weighted numerator and denominator and a published margin.
    fn survey(value: f64, margin: f64) -> Point {
        Point {
            value,
            numerator: Some(value * 20.0),
            denominator: Some(2000.0),
            margin: Some(margin),
        }
    }

    #[test]
    fn survey_estimates_change_significantly_only_beyond_their_margins() {
        let hib = Polarity::HigherIsBetter;
        // SE = sqrt(2 · (5 / 1.959964)²) = 3.608; 10 points is z = 2.77, 6 points z = 1.66.
        assert_eq!(
            direction(survey(60.0, 5.0), survey(70.0, 5.0), hib, None),
            Direction::Improved
        );
        assert_eq!(
            direction(survey(60.0, 5.0), survey(66.0, 5.0), hib, None),
            Direction::NoSignificantChange
        );
        // On the weighted counts a two-proportion test would call 6 points on 2,000 significant.
        assert_eq!(
            direction(c(1200.0, 2000.0), c(1320.0, 2000.0), hib, None),
            Direction::Improved
        );
        // A trend of survey estimates uses the slope, never the weighted counts.
        let flat: Vec<Point> = [60.0, 61.0, 60.5, 61.5, 61.0]
            .into_iter()
            .map(|v| survey(v, 5.0))
            .collect();
        assert_eq!(recent(&flat, hib), Trend::NoSignificantChange);
    }

    #[test]
    fn direction_by_two_proportion_test() {
        let hib = Polarity::HigherIsBetter;
        assert_eq!(
            direction(c(300.0, 1000.0), c(360.0, 1000.0), hib, None),
            Direction::Improved
        );
        assert_eq!(
            direction(c(300.0, 1000.0), c(310.0, 1000.0), hib, None),
            Direction::NoSignificantChange
        );
        assert_eq!(
            direction(
                c(300.0, 1000.0),
                c(240.0, 1000.0),
                Polarity::LowerIsBetter,
                None
            ),
            Direction::Improved
        );
        assert_eq!(
            direction(c(0.0, 50.0), c(0.0, 60.0), hib, None),
            Direction::NoSignificantChange,
            "x = 0 both times"
        );
    }

    #[test]
    fn direction_by_tolerance_without_counts() {
        let hib = Polarity::HigherIsBetter;
        assert_eq!(
            direction(p(19.0), p(19.5), hib, Some(Tolerance::Absolute(0.3))),
            Direction::Improved
        );
        assert_eq!(
            direction(p(19.0), p(19.2), hib, Some(Tolerance::Absolute(0.3))),
            Direction::NoSignificantChange
        );
        assert_eq!(
            direction(p(100.0), p(90.0), hib, Some(Tolerance::Relative(0.05))),
            Direction::Declined
        );
        assert_eq!(
            direction(p(19.0), p(25.0), hib, None),
            Direction::NotAssessed
        );
    }

    #[test]
    fn trend_needs_three_points() {
        assert_eq!(
            recent(&[c(1.0, 10.0), c(2.0, 10.0)], Polarity::HigherIsBetter),
            Trend::NotEnoughData
        );
        assert_eq!(recent(&[], Polarity::HigherIsBetter), Trend::NotEnoughData);
    }

    #[test]
    fn chi_squared_for_linear_trend() {
        // A steady rise from 20% to 40% on 1,000 a period is a significant trend.
        let rising = [
            c(200.0, 1000.0),
            c(250.0, 1000.0),
            c(300.0, 1000.0),
            c(350.0, 1000.0),
            c(400.0, 1000.0),
        ];
        assert_eq!(
            recent(&rising, Polarity::HigherIsBetter),
            Trend::IncreasingAndGettingBetter
        );
        assert_eq!(
            recent(&rising, Polarity::LowerIsBetter),
            Trend::IncreasingAndGettingWorse
        );
        let flat = [
            c(300.0, 1000.0),
            c(305.0, 1000.0),
            c(298.0, 1000.0),
            c(302.0, 1000.0),
        ];
        assert_eq!(
            recent(&flat, Polarity::HigherIsBetter),
            Trend::NoSignificantChange
        );
        // Cochran–Armitage by hand: counts 10/100, 20/100, 30/100 → T = 20, χ² = 20² / 12.
        let (t, chi2) = cochran_armitage(&[(10.0, 100.0), (20.0, 100.0), (30.0, 100.0)]).unwrap();
        assert!((t - 20.0).abs() < 1e-9);
        assert!((chi2 - 400.0 / (0.2 * 0.8 * 200.0)).abs() < 1e-9);
    }

    #[test]
    fn critical_values_of_t_at_99_8_percent() {
        // Published two-sided 0.002 critical values: df 1 → 318.31, 2 → 22.327, 3 → 10.215.
        assert!((t_critical(1).unwrap() - 318.31).abs() < 0.01);
        assert!((t_critical(2).unwrap() - 22.327).abs() < 0.001);
        assert!((t_critical(3).unwrap() - 10.215).abs() < 0.001);
        assert!(t_critical(0).is_none());
    }

    #[test]
    fn slope_t_test_for_values_without_counts() {
        let noisy = [p(10.0), p(30.0), p(5.0), p(40.0), p(20.0)];
        assert_eq!(
            recent(&noisy, Polarity::HigherIsBetter),
            Trend::NoSignificantChange
        );
        let straight = [p(1.0), p(2.0), p(3.0), p(4.0), p(5.0)];
        assert_eq!(
            recent(&straight, Polarity::LowerIsBetter),
            Trend::IncreasingAndGettingWorse
        );
        let equal = [p(7.0), p(7.0), p(7.0)];
        assert_eq!(
            recent(&equal, Polarity::HigherIsBetter),
            Trend::NoSignificantChange
        );
    }
}
