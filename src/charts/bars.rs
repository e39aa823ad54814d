//! Ranked horizontal bars with confidence-interval whiskers and benchmark lines.

use super::scale::Linear;

pub const WIDTH: f64 = 640.0;
pub const LABEL_WIDTH: f64 = 190.0;
pub const ROW: f64 = 22.0;
pub const TOP: f64 = 8.0;
const RIGHT_PAD: f64 = 70.0;

/// One council's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value_text: String,
    pub css: &'static str,
    pub y: f64,
    pub width: f64,
    pub ci: Option<(f64, f64)>,
    /// Where the value's label starts: clear of the bar and its whisker.
    pub label_x: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkLine {
    pub label: String,
    pub x: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub height: f64,
    pub bars: Vec<Bar>,
    pub lines: Vec<BenchmarkLine>,
    pub ticks: Vec<(f64, String)>,
}

/// One input bar: label, value, formatted value, CSS class, interval.
pub type BarInput = (String, f64, String, &'static str, Option<(f64, f64)>);

/// Bars start at zero (or the lowest value when negative); `format` writes tick labels.
pub fn bars(
    rows: &[BarInput],
    benchmarks: &[(String, f64)],
    format: impl Fn(f64) -> String,
) -> Option<Bars> {
    let extent = rows
        .iter()
        .flat_map(|(_, v, _, _, ci)| [Some(*v), ci.map(|c| c.1), ci.map(|c| c.0)])
        .flatten()
        .chain(benchmarks.iter().map(|(_, v)| *v))
        .chain([0.0]);
    let scale = Linear::fit(extent, LABEL_WIDTH, WIDTH - RIGHT_PAD)?;
    let zero = scale.at(0.0f64.max(scale.d0));
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, v, text, css, ci))| {
            let ci = ci.map(|(lo, hi)| (scale.at(lo), scale.at(hi)));
            Bar {
                label: label.clone(),
                value_text: text.clone(),
                css,
                y: TOP + i as f64 * ROW,
                width: (scale.at(*v) - zero).max(0.0),
                label_x: scale.at(*v).max(ci.map_or(0.0, |c| c.1)) + 4.0,
                ci,
            }
        })
        .collect();
    Some(Bars {
        height: TOP * 2.0 + rows.len() as f64 * ROW + 20.0,
        bars,
        lines: benchmarks
            .iter()
            .map(|(l, v)| BenchmarkLine {
                label: l.clone(),
                x: scale.at(*v),
            })
            .collect(),
        ticks: scale.labelled_ticks(5, format),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_from_zero_with_whiskers_and_lines() {
        let rows: Vec<BarInput> = vec![
            ("A".into(), 50.0, "50%".into(), "better", Some((45.0, 55.0))),
            ("B".into(), 25.0, "25%".into(), "worse", None),
        ];
        let b = bars(&rows, &[("England".into(), 40.0)], |v| format!("{v}")).unwrap();
        assert_eq!(b.bars.len(), 2);
        let full = WIDTH - RIGHT_PAD - LABEL_WIDTH;
        assert!((b.bars[0].width - full * 50.0 / 55.0).abs() < 1e-9);
        assert!((b.bars[1].width - full * 25.0 / 55.0).abs() < 1e-9);
        assert_eq!(b.bars[1].y, TOP + ROW);
        assert!(b.lines[0].x > LABEL_WIDTH);
        assert!(!b.ticks.is_empty());
        assert!(
            bars(&[], &[], |v| v.to_string()).is_some(),
            "zero alone still makes an axis"
        );
    }
}
