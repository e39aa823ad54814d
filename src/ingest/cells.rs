//! Reading one cell's number: plain decimals, thousands separators, units, and the official
//! table symbols for values that are missing (`[x]`, `[z]`), suppressed (`[c]`, `*`, `c`) or
//! provisional (`[p]`).

use std::str::FromStr;

use rust_decimal::Decimal;

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Blank,
    NotAvailable,
    Suppressed,
    Number {
        value: Decimal,
        decimals: u32,
        provisional: bool,
    },
}

impl Cell {
    pub fn number(self) -> Option<Decimal> {
        match self {
            Cell::Number { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Parses a cell, or explains why it is not a number.
pub fn parse(text: &str) -> Result<Cell, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "" => return Ok(Cell::Blank),
        "[x]" | "x" | "[z]" | "z" | ".." | "-" | "n/a" | "na" => return Ok(Cell::NotAvailable),
        "[c]" | "c" | "*" | "[*]" | "supp" | "suppressed" => return Ok(Cell::Suppressed),
        _ => {}
    }
    let (body, provisional) = match lower
        .strip_suffix("[p]")
        .or_else(|| lower.strip_suffix("[r]"))
    {
        Some(rest) => (rest.trim().to_string(), lower.ends_with("[p]")),
        None => (lower.clone(), false),
    };
    let cleaned: String = body
        .trim_start_matches('£')
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let plain = !cleaned.is_empty()
        && cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e'));
    let value = plain
        .then(|| {
            Decimal::from_str(&cleaned)
                .or_else(|_| Decimal::from_scientific(&cleaned))
                .ok()
        })
        .flatten()
        .ok_or_else(|| "not a number".to_string())?;
    let decimals = cleaned.split_once('.').map_or(0, |(_, f)| {
        f.chars().take_while(char::is_ascii_digit).count() as u32
    });
    Ok(Cell::Number {
        value,
        decimals,
        provisional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn numbers_symbols_and_garbage() {
        assert_eq!(
            parse(" 28.1 "),
            Ok(Cell::Number {
                value: dec!(28.1),
                decimals: 1,
                provisional: false
            })
        );
        assert_eq!(
            parse("1,234"),
            Ok(Cell::Number {
                value: dec!(1234),
                decimals: 0,
                provisional: false
            })
        );
        assert_eq!(
            parse("£612.40"),
            Ok(Cell::Number {
                value: dec!(612.40),
                decimals: 2,
                provisional: false
            })
        );
        assert_eq!(
            parse("45%"),
            Ok(Cell::Number {
                value: dec!(45),
                decimals: 0,
                provisional: false
            })
        );
        assert_eq!(
            parse("12.5 [p]"),
            Ok(Cell::Number {
                value: dec!(12.5),
                decimals: 1,
                provisional: true
            })
        );
        assert_eq!(parse(""), Ok(Cell::Blank));
        assert_eq!(parse(" "), Ok(Cell::Blank));
        for s in ["[x]", "[z]"] {
            assert_eq!(parse(s), Ok(Cell::NotAvailable));
        }
        for s in ["[c]", "*", "c", "C"] {
            assert_eq!(parse(s), Ok(Cell::Suppressed));
        }
        for s in ["abc", "12a", "1.2.3", "£", "=1+1"] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
