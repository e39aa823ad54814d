//! Spread (METHODS.md §4): median, median absolute deviation, distance from the median in MADs
//! with Oflog's words, and the range with the councils that hold it.

use crate::domain::Polarity;

/// The median of the values (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// Median and MAD of a set of values.
pub fn median_and_mad(values: &[f64]) -> Option<(f64, f64)> {
    let m = median(values)?;
    let deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    Some((m, median(&deviations)?))
}

/// `(value − median) / MAD`; none when MAD is 0 (all values equal or nearly so).
pub fn mads(value: f64, median: f64, mad: f64) -> Option<f64> {
    (mad > 0.0).then(|| (value - median) / mad)
}

/// How many MADs from the median make an outlier: the one threshold for the analysis and for
/// the importer's implausible-change warning.
pub const OUTLIER_MADS: f64 = 3.0;

/// |MADs| ≥ 3: an outlier, before polarity.
pub fn is_outlier(mads: Option<f64>) -> bool {
    mads.is_some_and(|m| m.abs() >= OUTLIER_MADS)
}

/// Oflog's words for a distance from the median, polarity deciding better or worse; beyond 7.5
/// MADs, "far above" or "far below" whatever the polarity (a value so far out is unusual
/// before it is good or bad: the importer warns the analyst to check it).
pub fn words(mads: Option<f64>, polarity: Polarity) -> &'static str {
    let far = |m: f64| if m > 0.0 { "far above" } else { "far below" };
    let Some(m) = mads else {
        return "not measured (no spread)";
    };
    let a = m.abs();
    let better = match polarity {
        Polarity::HigherIsBetter => m > 0.0,
        Polarity::LowerIsBetter => m < 0.0,
        Polarity::NoJudgement => {
            return match a {
                a if a < 0.5 => "broadly similar to",
                a if a > 7.5 => far(m),
                _ if m > 0.0 => "higher than",
                _ => "lower than",
            };
        }
    };
    match (a, better) {
        (a, _) if a < 0.5 => "broadly similar to",
        (a, true) if a < 1.5 => "slightly better than",
        (a, false) if a < 1.5 => "slightly worse than",
        (a, true) if a < 3.0 => "better than",
        (a, false) if a < 3.0 => "worse than",
        (a, true) if a <= 7.5 => "much better than",
        (a, false) if a <= 7.5 => "much worse than",
        _ => far(m),
    }
}

/// The lowest and highest values with the councils holding them (ties: every holder).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Range<'a> {
    pub min: f64,
    pub min_holders: Vec<&'a str>,
    pub max: f64,
    pub max_holders: Vec<&'a str>,
}

pub fn range<'a>(values: &[(&'a str, f64)]) -> Option<Range<'a>> {
    let min = values.iter().map(|(_, v)| *v).min_by(f64::total_cmp)?;
    let max = values.iter().map(|(_, v)| *v).max_by(f64::total_cmp)?;
    let holders = |x: f64| {
        values
            .iter()
            .filter(|(_, v)| *v == x)
            .map(|(n, _)| *n)
            .collect()
    };
    Some(Range {
        min,
        min_holders: holders(min),
        max,
        max_holders: holders(max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_mad_and_distance() {
        let v = [1.0, 2.0, 3.0, 4.0, 100.0];
        let (m, mad) = median_and_mad(&v).unwrap();
        assert_eq!((m, mad), (3.0, 1.0));
        assert_eq!(mads(100.0, m, mad), Some(97.0));
        assert!(is_outlier(mads(100.0, m, mad)));
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn all_values_equal_gives_no_distance_and_no_flag() {
        let (m, mad) = median_and_mad(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(mad, 0.0);
        assert_eq!(mads(5.0, m, mad), None);
        assert!(!is_outlier(None));
        assert_eq!(
            words(None, Polarity::HigherIsBetter),
            "not measured (no spread)"
        );
    }

    #[test]
    fn words_follow_polarity() {
        let hib = Polarity::HigherIsBetter;
        assert_eq!(words(Some(0.2), hib), "broadly similar to");
        assert_eq!(words(Some(1.0), hib), "slightly better than");
        assert_eq!(words(Some(-2.0), hib), "worse than");
        assert_eq!(words(Some(-2.0), Polarity::LowerIsBetter), "better than");
        assert_eq!(words(Some(5.0), hib), "much better than");
        assert_eq!(words(Some(8.0), hib), "far above");
        assert_eq!(words(Some(-8.0), Polarity::LowerIsBetter), "far below");
        assert_eq!(words(Some(2.0), Polarity::NoJudgement), "higher than");
    }

    #[test]
    fn range_names_every_holder() {
        let r = range(&[("A", 1.0), ("B", 3.0), ("C", 1.0)]).unwrap();
        assert_eq!(r.min_holders, vec!["A", "C"]);
        assert_eq!(r.max_holders, vec!["B"]);
        assert!(range(&[]).is_none());
    }
}
