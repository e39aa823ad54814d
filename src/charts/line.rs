//! A line chart of values over periods: the region and England (or any few series).

use super::scale::Linear;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
const LEFT: f64 = 60.0;
const BOTTOM: f64 = 40.0;
const PAD: f64 = 14.0;
/// Room right of the last period for the half of its label that passes its point.
const RIGHT: f64 = 40.0;
/// The least distance between two period labels' centres (a `2018-19 Q1` label at 12px is
/// about 62px wide).
const LABEL_GAP: f64 = 70.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub css: &'static str,
    pub points: String,
    pub dots: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub series: Vec<Series>,
    pub x_labels: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub left: f64,
    pub bottom: f64,
}

/// `periods` label the x axis; each series gives a value (or none) per period.
pub fn lines(
    periods: &[String],
    series: &[(String, &'static str, Vec<Option<f64>>)],
    format: impl Fn(f64) -> String,
) -> Option<Lines> {
    if periods.is_empty() {
        return None;
    }
    let x = Linear {
        d0: 0.0,
        d1: (periods.len().max(2) - 1) as f64,
        r0: LEFT + PAD,
        r1: WIDTH - RIGHT,
    };
    let y = Linear::fit(
        series
            .iter()
            .flat_map(|(_, _, v)| v.iter().flatten().copied()),
        HEIGHT - BOTTOM,
        PAD,
    )?;
    Some(Lines {
        series: series
            .iter()
            .map(|(name, css, values)| {
                let dots: Vec<(f64, f64)> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (x.at(i as f64), y.at(v))))
                    .collect();
                Series {
                    name: name.clone(),
                    css,
                    points: dots
                        .iter()
                        .map(|(a, b)| format!("{a:.1},{b:.1}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    dots,
                }
            })
            .collect(),
        x_labels: x_labels(&x, periods),
        y_ticks: y.labelled_ticks(4, format),
        left: LEFT,
        bottom: HEIGHT - BOTTOM,
    })
}

/// The periods' labels: the last always, then every k-th back from it so that no two overlap
/// (the table below the chart has every period).
fn x_labels(x: &Linear, periods: &[String]) -> Vec<(f64, String)> {
    let spacing = if periods.len() > 1 {
        (x.r1 - x.r0) / (periods.len() - 1) as f64
    } else {
        f64::INFINITY
    };
    let every = (LABEL_GAP / spacing).ceil().max(1.0) as usize;
    let last = periods.len() - 1;
    periods
        .iter()
        .enumerate()
        .filter(|(i, _)| (last - i).is_multiple_of(every))
        .map(|(i, p)| (x.at(i as f64), p.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_skipped() {
        let l = lines(
            &["2021-22".into(), "2022-23".into(), "2023-24".into()],
            &[(
                "England".into(),
                "england",
                vec![Some(1.0), None, Some(3.0)],
            )],
            |v| v.to_string(),
        )
        .unwrap();
        assert_eq!(l.series[0].dots.len(), 2);
        assert_eq!(l.x_labels.len(), 3);
        assert!(lines(&[], &[], |v| v.to_string()).is_none());
    }

    #[test]
    fn period_labels_fit_the_chart_and_never_overlap() {
        let quarters: Vec<String> = (2014..2019)
            .flat_map(|y| (1..=4).map(move |q| format!("{y}-{} Q{q}", (y + 1) % 100)))
            .collect();
        let l = lines(
            &quarters,
            &[("England".into(), "england", vec![Some(1.0); 20])],
            |v| v.to_string(),
        )
        .unwrap();
        assert_eq!(
            l.x_labels.last().unwrap().1,
            "2018-19 Q4",
            "the latest is labelled"
        );
        let xs: Vec<f64> = l.x_labels.iter().map(|(x, _)| *x).collect();
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= LABEL_GAP), "{xs:?}");
        // The last label's right half (about 31px at 12px) stays inside the 640px chart.
        assert!(xs.last().unwrap() + 31.0 <= WIDTH, "{xs:?}");
    }
}
