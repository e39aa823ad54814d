//! Linear scales and tick values.

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

    /// The ticks with their positions and labels, as the chart templates draw them.
    pub fn labelled_ticks(
        &self,
        count: usize,
        label: impl Fn(f64) -> String,
    ) -> Vec<(f64, String)> {
        self.ticks(count)
            .into_iter()
            .map(|t| (self.at(t), label(t)))
            .collect()
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
