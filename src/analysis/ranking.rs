//! Ranks within a comparator set (METHODS.md §4): best first, polarity-aware, ties sharing the
//! lower rank number.

use rust_decimal::Decimal;

use crate::domain::Polarity;

/// The rank of each value among those present (1 = best); `None` where there is no value.
/// Without polarity, the highest value ranks first.
pub fn ranks(values: &[Option<Decimal>], polarity: Polarity) -> Vec<Option<usize>> {
    let lower_is_better = polarity == Polarity::LowerIsBetter;
    let mut sorted: Vec<Decimal> = values.iter().flatten().copied().collect();
    sorted.sort_unstable();
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                let better = if lower_is_better {
                    sorted.partition_point(|x| *x < v)
                } else {
                    sorted.len() - sorted.partition_point(|x| *x <= v)
                };
                better + 1
            })
        })
        .collect()
}

/// Quartile from a rank among `n` values: `ceil(4 · rank / n)`, 1 being the best quarter.
pub fn quartile(rank: usize, n: usize) -> Option<u8> {
    (n > 0 && (1..=n).contains(&rank)).then(|| (4 * rank).div_ceil(n) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ties_share_the_lower_rank_and_polarity_orders() {
        let v = [
            Some(dec!(10)),
            Some(dec!(30)),
            None,
            Some(dec!(30)),
            Some(dec!(5)),
        ];
        assert_eq!(
            ranks(&v, Polarity::HigherIsBetter),
            vec![Some(3), Some(1), None, Some(1), Some(4)]
        );
        assert_eq!(
            ranks(&v, Polarity::LowerIsBetter),
            vec![Some(2), Some(3), None, Some(3), Some(1)]
        );
    }

    #[test]
    fn quartiles() {
        assert_eq!(quartile(1, 14), Some(1));
        assert_eq!(quartile(4, 14), Some(2));
        assert_eq!(quartile(14, 14), Some(4));
        assert_eq!(quartile(1, 1), Some(4));
        assert_eq!(quartile(0, 5), None);
        assert_eq!(quartile(1, 0), None);
    }
}
