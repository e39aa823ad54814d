//! Linear scales and tick values.

/// The number a label shows ("£1,234.5" → 1234.5), if it shows one.
fn number_in(label: &str) -> Option<f64> {
    let digits: String = label
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
        .collect();
    digits.parse().ok()
}

/// Maps a domain `[d0, d1]` onto a range `[r0, r1]` (either may be reversed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    /// A scale over the values' extent (padded when they are all equal).
    pub fn fit(values: impl IntoIterator<Item = f64>, r0: f64, r1: f64) -> Option<Linear> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            return None;
        }
        if lo == hi {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            lo -= pad;
            hi += pad;
        }
        Some(Linear {
            d0: lo,
            d1: hi,
            r0,
            r1,
        })
    }

    pub fn at(&self, v: f64) -> f64 {
        let t = (v - self.d0) / (self.d1 - self.d0);
        self.r0 + t * (self.r1 - self.r0)
    }

    /// The ticks with their positions and labels, as the chart templates draw them: about
    /// `count` of them, fewer and coarser when the labels (a measure's decimals) would not say
    /// the tick's value ("0.8 0.8 0.9" for 0.82, 0.84, 0.86), so that every label is distinct
    /// and exact.
    pub fn labelled_ticks(
        &self,
        count: usize,
        label: impl Fn(f64) -> String,
    ) -> Vec<(f64, String)> {
        let mut labelled = Vec::new();
        for n in (1..=count.max(1)).rev() {
            labelled = self
                .ticks(n)
                .into_iter()
                .map(|t| (self.at(t), label(t)))
                .collect::<Vec<_>>();
            let ticks = self.ticks(n);
            let step = ticks.windows(2).map(|w| w[1] - w[0]).next().unwrap_or(1.0);
            let exact = ticks.iter().zip(&labelled).all(|(t, (_, l))| {
                number_in(l).is_none_or(|shown| (shown - t).abs() <= step * 1e-3)
            });
            let mut texts: Vec<&String> = labelled.iter().map(|(_, l)| l).collect();
            texts.dedup();
            if exact && texts.len() == labelled.len() {
                break;
            }
        }
        labelled
    }

    /// About `count` round tick values inside the domain (1, 2 or 5 × a power of ten apart).
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        let span = hi - lo;
        if span.is_nan() || span <= 0.0 || count == 0 {
            return vec![lo];
        }
        let exponent = (span / count as f64).log10().floor() as i32;
        let unit = |k: f64| {
            if exponent < 0 {
                k / 10f64.powi(-exponent)
            } else {
                k * 10f64.powi(exponent)
            }
        };
        let multiple = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .find(|m| span / unit(*m) <= count as f64 * 1.5)
            .unwrap_or(10.0);
        let step = unit(multiple);
        let first = (lo / step).ceil() as i64;
        (first..)
            .map(|k| unit(k as f64 * multiple))
            .take_while(|t| *t <= hi + step * 1e-9)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_reverses() {
        let s = Linear {
            d0: 0.0,
            d1: 100.0,
            r0: 0.0,
            r1: 200.0,
        };
        assert_eq!(s.at(50.0), 100.0);
        let y = Linear {
            d0: 0.0,
            d1: 10.0,
            r0: 100.0,
            r1: 0.0,
        };
        assert_eq!(y.at(10.0), 0.0);
    }

    #[test]
    fn fits_and_pads() {
        let s = Linear::fit([3.0, 7.0], 0.0, 10.0).unwrap();
        assert_eq!((s.d0, s.d1), (3.0, 7.0));
        let flat = Linear::fit([5.0, 5.0], 0.0, 10.0).unwrap();
        assert!(flat.d0 < 5.0 && flat.d1 > 5.0);
        assert!(Linear::fit([], 0.0, 1.0).is_none());
        assert!(Linear::fit([f64::NAN], 0.0, 1.0).is_none());
    }

    #[test]
    fn labelled_ticks_carry_positions() {
        let s = Linear {
            d0: 0.0,
            d1: 10.0,
            r0: 0.0,
            r1: 100.0,
        };
        let t = s.labelled_ticks(2, |v| format!("{v}%"));
        // Labels to one decimal never repeat: fewer, coarser ticks instead.
        let narrow = Linear::fit([0.81, 0.93], 0.0, 100.0).unwrap();
        let labels: Vec<String> = narrow
            .labelled_ticks(5, |v| format!("{v:.1}"))
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(labels, ["0.9"], "0.8 and 0.85 are not what '0.8' says");
        let wider = Linear::fit([0.71, 0.93], 0.0, 100.0).unwrap();
        let labels: Vec<String> = wider
            .labelled_ticks(5, |v| format!("{v:.1}"))
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(labels, ["0.8", "0.9"]);
        assert_eq!(
            t,
            vec![
                (0.0, "0%".to_string()),
                (50.0, "5%".to_string()),
                (100.0, "10%".to_string())
            ]
        );
    }

    #[test]
    fn round_ticks() {
        let s = Linear {
            d0: 13.0,
            d1: 41.0,
            r0: 0.0,
            r1: 1.0,
        };
        assert_eq!(s.ticks(5), vec![15.0, 20.0, 25.0, 30.0, 35.0, 40.0]);
        let s = Linear {
            d0: 0.0,
            d1: 1.0,
            r0: 0.0,
            r1: 1.0,
        };
        assert_eq!(s.ticks(5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }
}
