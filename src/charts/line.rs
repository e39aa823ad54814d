//! A line chart of values over periods: the region and England (or any few series).

use super::scale::Linear;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
const LEFT: f64 = 60.0;
const BOTTOM: f64 = 40.0;
const PAD: f64 = 14.0;

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
        r1: WIDTH - PAD,
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
        x_labels: periods
            .iter()
            .enumerate()
            .map(|(i, p)| (x.at(i as f64), p.clone()))
            .collect(),
        y_ticks: y.labelled_ticks(4, format),
        left: LEFT,
        bottom: HEIGHT - BOTTOM,
    })
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
}
