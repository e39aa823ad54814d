//! Ranked horizontal bars with confidence-interval whiskers and benchmark lines.

use super::scale::Linear;

pub const WIDTH: f64 = 640.0;
pub const LABEL_WIDTH: f64 = 190.0;
pub const ROW: f64 = 22.0;
pub const TOP: f64 = 8.0;
const RIGHT_PAD: f64 = 70.0;
/// Each benchmark's label has a line of its own above the bars, so that labels never sit on a
/// bar or on one another.
const LABEL_LINE: f64 = 14.0;

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
    /// The label's baseline, in the band above the bars.
    pub label_y: f64,
    /// `start` (right of the line), or `end` (left of it) near the chart's right edge.
    pub anchor: &'static str,
    /// Where the line starts: just below its label.
    pub y1: f64,
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
    let top = TOP + benchmarks.len() as f64 * LABEL_LINE;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, v, text, css, ci))| {
            let ci = ci.map(|(lo, hi)| (scale.at(lo), scale.at(hi)));
            Bar {
                label: label.clone(),
                value_text: text.clone(),
                css,
                y: top + i as f64 * ROW,
                width: (scale.at(*v) - zero).max(0.0),
                label_x: scale.at(*v).max(ci.map_or(0.0, |c| c.1)) + 4.0,
                ci,
            }
        })
        .collect();
    Some(Bars {
        height: top + TOP + rows.len() as f64 * ROW + 20.0,
        bars,
        lines: benchmarks
            .iter()
            .enumerate()
            .map(|(i, (l, v))| {
                let x = scale.at(*v);
                BenchmarkLine {
                    label: l.clone(),
                    x,
                    label_y: TOP + (i as f64 + 1.0) * LABEL_LINE - 4.0,
                    anchor: if x > WIDTH - 120.0 { "end" } else { "start" },
                    y1: TOP + (i as f64 + 1.0) * LABEL_LINE - 2.0,
                }
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
        assert_eq!(b.bars[1].y, TOP + LABEL_LINE + ROW);
        assert!(b.lines[0].x > LABEL_WIDTH);
        assert!(
            b.lines[0].label_y < b.bars[0].y,
            "the label is above the first bar"
        );
        assert!(
            bars(&[], &[], |v| v.to_string()).is_some(),
            "zero alone still makes an axis"
        );
    }

    #[test]
    fn benchmark_labels_never_share_a_line_or_run_off_the_chart() {
        let rows: Vec<BarInput> = vec![("A".into(), 50.0, "50%".into(), "better", None)];
        let benchmarks = [("England".to_string(), 49.0), ("Region".to_string(), 50.0)];
        let b = bars(&rows, &benchmarks, |v| format!("{v}")).unwrap();
        // Close values: the two labels are on lines of their own, both above the bars.
        assert!((b.lines[1].label_y - b.lines[0].label_y - LABEL_LINE).abs() < 1e-9);
        assert!(b.lines[1].label_y < b.bars[0].y);
        // Near the right edge a label reads leftwards from its line.
        assert_eq!(b.lines[1].anchor, "end");
    }
}
