//! A spine chart (Fingertips): the council's value against the spread of a comparator set (its
//! range, and the band between the 25th and 75th percentiles), with the benchmark line and the
//! region marked. Oriented so that better is always to the right.

use super::scale::Linear;
use crate::domain::Polarity;

pub const WIDTH: f64 = 200.0;
pub const HEIGHT: f64 = 24.0;
const PAD: f64 = 6.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Spine {
    pub range_x: f64,
    pub range_w: f64,
    pub band_x: f64,
    pub band_w: f64,
    pub value_x: f64,
    pub benchmark_x: Option<f64>,
    pub region_x: Option<f64>,
}

/// Linear-interpolated percentile (0 to 1) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let pos = p * (n - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    Some(sorted[i] + frac * (sorted[(i + 1).min(n - 1)] - sorted[i]))
}

pub fn spine(
    value: f64,
    spread: &[f64],
    benchmark: Option<f64>,
    region: Option<f64>,
    polarity: Polarity,
) -> Option<Spine> {
    let mut sorted: Vec<f64> = spread.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (lo, hi) = (*sorted.first()?, *sorted.last()?);
    let (q1, q3) = (percentile(&sorted, 0.25)?, percentile(&sorted, 0.75)?);
    let all = [lo, hi, value].into_iter().chain(benchmark).chain(region);
    let scale = match polarity {
        Polarity::LowerIsBetter => Linear::fit(all, WIDTH - PAD, PAD)?,
        _ => Linear::fit(all, PAD, WIDTH - PAD)?,
    };
    let span = |a: f64, b: f64| {
        let (x0, x1) = (scale.at(a), scale.at(b));
        (x0.min(x1), (x1 - x0).abs())
    };
    let (range_x, range_w) = span(lo, hi);
    let (band_x, band_w) = span(q1, q3);
    Some(Spine {
        range_x,
        range_w,
        band_x,
        band_w,
        value_x: scale.at(value),
        benchmark_x: benchmark.map(|b| scale.at(b)),
        region_x: region.map(|r| scale.at(r)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_and_orientation() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), Some(2.0));
        assert_eq!(percentile(&[], 0.5), None);
        let s = spine(
            5.0,
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            Some(3.0),
            None,
            Polarity::HigherIsBetter,
        )
        .unwrap();
        assert_eq!(
            s.value_x,
            WIDTH - PAD,
            "highest value on the right when higher is better"
        );
        let s = spine(
            5.0,
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            Some(3.0),
            None,
            Polarity::LowerIsBetter,
        )
        .unwrap();
        assert_eq!(
            s.value_x, PAD,
            "highest value on the left when lower is better"
        );
        assert_eq!(s.benchmark_x, Some(WIDTH / 2.0));
        assert!(spine(1.0, &[], None, None, Polarity::HigherIsBetter).is_none());
    }
}
