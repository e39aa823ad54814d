//! A funnel plot: councils as points (denominator, value) with the benchmark and the 95% and
//! 99.8% control limits as curves.

use super::scale::Linear;
use crate::analysis::funnel::{proportion_limits, rate_limits};
use crate::analysis::intervals::Level;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 320.0;
const LEFT: f64 = 60.0;
const BOTTOM: f64 = 36.0;
const PAD: f64 = 12.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub css: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub dots: Vec<Dot>,
    pub benchmark_y: f64,
    /// `<polyline>` points: 95% low, 95% high, 99.8% low, 99.8% high.
    pub limits: [String; 4],
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub left: f64,
    pub bottom: f64,
}

/// What the limits are of: a percentage, or a rate per `multiplier`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Percent,
    Rate { multiplier: f64 },
}

/// A denominator with its 95% and 99.8% limits (low, high).
type LimitsAt = (f64, (f64, f64), (f64, f64));

/// `points`: (denominator, value, label, css). `benchmark` in the value's units.
pub fn funnel(
    points: &[(f64, f64, String, &'static str)],
    benchmark: f64,
    kind: Kind,
    format: impl Fn(f64) -> String,
) -> Option<Funnel> {
    let max_n = points.iter().map(|p| p.0).fold(0.0, f64::max);
    if max_n <= 0.0 {
        return None;
    }
    let n_min = (max_n / 200.0).max(1.0);
    let samples: Vec<f64> = (0..=40)
        .map(|i| n_min + (max_n * 1.05 - n_min) * (i as f64 / 40.0).powi(2))
        .collect();
    let limit = |n: f64, level: Level| match kind {
        Kind::Percent => {
            proportion_limits(benchmark / 100.0, n, level).map(|i| (i.low * 100.0, i.high * 100.0))
        }
        Kind::Rate { multiplier } => {
            rate_limits(benchmark, n, multiplier, level).map(|i| (i.low, i.high))
        }
    };
    let curves: Vec<LimitsAt> = samples
        .iter()
        .filter_map(|n| Some((*n, limit(*n, Level::P95)?, limit(*n, Level::P998)?)))
        .collect();
    let mid_n = samples[samples.len() / 4];
    let visible = limit(mid_n, Level::P998)
        .map(|(l, h)| [l, h])
        .unwrap_or([benchmark, benchmark]);
    let y_extent = points.iter().map(|p| p.1).chain(visible).chain([benchmark]);
    let x = Linear {
        d0: 0.0,
        d1: max_n * 1.05,
        r0: LEFT,
        r1: WIDTH - PAD,
    };
    let y = Linear::fit(y_extent, HEIGHT - BOTTOM, PAD)?;
    let clamp = |v: f64| v.clamp(PAD, HEIGHT - BOTTOM);
    let line = |pick: &dyn Fn(&LimitsAt) -> f64| {
        curves
            .iter()
            .map(|c| format!("{:.1},{:.1}", x.at(c.0), clamp(y.at(pick(c)))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(Funnel {
        dots: points
            .iter()
            .map(|(n, v, label, css)| Dot {
                x: x.at(*n),
                y: clamp(y.at(*v)),
                label: label.clone(),
                css,
            })
            .collect(),
        benchmark_y: y.at(benchmark),
        limits: [
            line(&|c| c.1.0),
            line(&|c| c.1.1),
            line(&|c| c.2.0),
            line(&|c| c.2.1),
        ],
        x_ticks: x.labelled_ticks(5, |t| format!("{t}")),
        y_ticks: y.labelled_ticks(5, format),
        left: LEFT,
        bottom: HEIGHT - BOTTOM,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_narrow_as_the_denominator_grows() {
        let pts = vec![
            (100.0, 30.0, "A".to_string(), "similar"),
            (5000.0, 20.0, "B".to_string(), "worse"),
        ];
        let f = funnel(&pts, 28.0, Kind::Percent, |v| format!("{v}")).unwrap();
        assert_eq!(f.dots.len(), 2);
        let first = |s: &str| -> (f64, f64) {
            let mut parts = s.split(' ').next().unwrap().split(',');
            (
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap().parse().unwrap(),
            )
        };
        let last = |s: &str| -> (f64, f64) {
            let mut parts = s.split(' ').next_back().unwrap().split(',');
            (
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap().parse().unwrap(),
            )
        };
        let (_, hi_start) = first(&f.limits[3]);
        let (_, hi_end) = last(&f.limits[3]);
        assert!(
            hi_start <= hi_end,
            "the upper 99.8% limit comes down towards the benchmark (SVG y grows downwards)"
        );
        assert!(funnel(&[], 28.0, Kind::Percent, |v| v.to_string()).is_none());
    }
}
