//! A sparkline: a council's recent values as a small line, the latest point marked.

use super::scale::Linear;

pub const WIDTH: f64 = 120.0;
pub const HEIGHT: f64 = 32.0;
const PAD: f64 = 4.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Sparkline {
    /// `x,y x,y …` for a `<polyline>`.
    pub points: String,
    pub last_x: f64,
    pub last_y: f64,
    /// The text alternative: "2021-22 27.0%, 2022-23 27.5%, 2023-24 28.2%".
    pub description: String,
}

/// Needs at least two values; `labels` pairs each value with its period and formatted value.
pub fn sparkline(values: &[(f64, String)]) -> Option<Sparkline> {
    if values.len() < 2 {
        return None;
    }
    let x = Linear {
        d0: 0.0,
        d1: (values.len() - 1) as f64,
        r0: PAD,
        r1: WIDTH - PAD,
    };
    let y = Linear::fit(values.iter().map(|(v, _)| *v), HEIGHT - PAD, PAD)?;
    let coords: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, (v, _))| (x.at(i as f64), y.at(*v)))
        .collect();
    let (last_x, last_y) = *coords.last()?;
    Some(Sparkline {
        points: coords
            .iter()
            .map(|(a, b)| format!("{a:.1},{b:.1}"))
            .collect::<Vec<_>>()
            .join(" "),
        last_x: (last_x * 10.0).round() / 10.0,
        last_y: (last_y * 10.0).round() / 10.0,
        description: values
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_points_span_the_box() {
        let s = sparkline(&[
            (1.0, "a 1".into()),
            (3.0, "b 3".into()),
            (2.0, "c 2".into()),
        ])
        .unwrap();
        assert_eq!(s.points, "4.0,28.0 60.0,4.0 116.0,16.0");
        assert_eq!((s.last_x, s.last_y), (116.0, 16.0));
        assert_eq!(s.description, "a 1, b 3, c 2");
        assert!(sparkline(&[(1.0, "a".into())]).is_none());
    }
}
