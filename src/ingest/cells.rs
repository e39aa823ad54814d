//! Reading one cell's number: plain decimals, thousands separators, units, and the table symbols
//! of the Government Statistical Service (GSS) for values that are missing, and why.
//!
//! The rule, from the Analysis Function's guidance "Symbols, suppression and rounding" and the
//! older GSS/ONS conventions that official files still use:
//! - a cell that holds only a symbol, bracketed (`[x]`) or not (`x`), in any case, is a missing
//!   value with its reason: not available (`x`, `:`, `..`, `w`, `n/a`), not applicable (`z`),
//!   confidential or suppressed (`c`, `*`, `supp`), low (`low`, `~`, `-`: nil or less than half
//!   the last digit shown) or too unreliable to publish (`u`);
//! - a number may carry shorthand flags after it (`12.5 [p]`, `12.5p`): provisional (`p`),
//!   revised (`r`), estimated (`e`), low reliability (`u`), break in series (`b`), forecast
//!   (`f`); the number is kept and the flags noted;
//! - anything else is not a number, and the error says so.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Why a value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An empty cell.
    Blank,
    NotAvailable,
    NotApplicable,
    Suppressed,
    Low,
    LowReliability,
}

impl Missing {
    pub fn describe(self) -> &'static str {
        match self {
            Missing::Blank => "blank",
            Missing::NotAvailable => "not available",
            Missing::NotApplicable => "not applicable",
            Missing::Suppressed => "confidential (suppressed)",
            Missing::Low => "low (nil or less than half the last digit shown)",
            Missing::LowReliability => "too unreliable to publish",
        }
    }
}

/// Shorthand flags a number may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    pub provisional: bool,
    pub revised: bool,
    pub estimated: bool,
    pub low_reliability: bool,
    pub break_in_series: bool,
    pub forecast: bool,
}

impl Flags {
    /// The flags in words, for the value's note; `None` when there are none.
    pub fn describe(self) -> Option<String> {
        let words: Vec<&str> = [
            (self.provisional, "provisional"),
            (self.revised, "revised"),
            (self.estimated, "estimated"),
            (self.low_reliability, "low reliability"),
            (self.break_in_series, "break in series"),
            (self.forecast, "forecast"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect();
        (!words.is_empty()).then(|| words.join(", "))
    }

    fn set(&mut self, flag: &str) -> bool {
        match flag {
            "p" => self.provisional = true,
            "r" => self.revised = true,
            "e" => self.estimated = true,
            "er" => {
                self.estimated = true;
                self.revised = true;
            }
            "u" => self.low_reliability = true,
            "b" => self.break_in_series = true,
            "f" => self.forecast = true,
            _ => return false,
        }
        true
    }
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Missing(Missing),
    Number {
        value: Decimal,
        decimals: u32,
        flags: Flags,
    },
}

impl Cell {
    pub fn number(self) -> Option<Decimal> {
        match self {
            Cell::Number { value, .. } => Some(value),
            Cell::Missing(_) => None,
        }
    }
}

/// A symbol standing alone for a missing value.
fn missing_symbol(symbol: &str) -> Option<Missing> {
    Some(match symbol {
        "x" | ":" | ".." | "..." | "w" | "n/a" | "na" | "not available" => Missing::NotAvailable,
        "z" | "not applicable" => Missing::NotApplicable,
        "c" | "*" | "**" | "supp" | "suppressed" | "confidential" => Missing::Suppressed,
        "low" | "~" | "-" | "–" | "—" => Missing::Low,
        "u" => Missing::LowReliability,
        _ => return None,
    })
}

/// Splits trailing bracketed flags off: `12.5 [p] [u]` → (`12.5`, [`p`, `u`]).
fn bracketed_flags(text: &str) -> (&str, Vec<&str>) {
    let mut body = text.trim();
    let mut flags = Vec::new();
    while let Some(rest) = body.strip_suffix(']') {
        let Some(open) = rest.rfind('[') else { break };
        flags.push(rest[open + 1..].trim());
        body = rest[..open].trim_end();
    }
    flags.reverse();
    (body, flags)
}

/// Parses a cell, or explains why it is not a number.
pub fn parse(text: &str) -> Result<Cell, String> {
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return Ok(Cell::Missing(Missing::Blank));
    }
    let (body, bracketed) = bracketed_flags(&lower);
    if body.is_empty() {
        // Only symbols: the first that names a missing value gives the reason.
        return bracketed
            .iter()
            .find_map(|s| missing_symbol(s))
            .map(Cell::Missing)
            .ok_or_else(|| format!("'{}' is not a known table symbol", text.trim()));
    }
    if let Some(missing) = missing_symbol(body) {
        return Ok(Cell::Missing(missing));
    }
    let mut flags = Flags::default();
    for flag in &bracketed {
        if !flags.set(flag) {
            return Err(format!(
                "'[{flag}]' is not a table symbol that may follow a number"
            ));
        }
    }
    // Unbracketed shorthand straight after the digits: `12.5p`, `12.5 u`.
    let mut number = body;
    while let Some(last) = number.chars().last().filter(char::is_ascii_alphabetic) {
        if !flags.set(&last.to_string()) {
            break;
        }
        number = number[..number.len() - 1].trim_end();
    }
    let cleaned: String = number
        .trim_start_matches('£')
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let plain = !cleaned.is_empty()
        && cleaned.chars().any(|c| c.is_ascii_digit())
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
        flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn number(value: Decimal, decimals: u32) -> Cell {
        Cell::Number {
            value,
            decimals,
            flags: Flags::default(),
        }
    }

    #[test]
    fn numbers_units_and_separators() {
        assert_eq!(parse(" 28.1 "), Ok(number(dec!(28.1), 1)));
        assert_eq!(parse("1,234"), Ok(number(dec!(1234), 0)));
        assert_eq!(parse("£612.40"), Ok(number(dec!(612.40), 2)));
        assert_eq!(parse("45%"), Ok(number(dec!(45), 0)));
        assert_eq!(parse("-3.5"), Ok(number(dec!(-3.5), 1)));
    }

    #[test]
    fn flags_after_numbers_are_kept() {
        let Ok(Cell::Number { value, flags, .. }) = parse("12.5 [p]") else {
            panic!("12.5 [p] is a number")
        };
        assert_eq!(value, dec!(12.5));
        assert!(flags.provisional);
        let Ok(Cell::Number { flags, .. }) = parse("7 [e] [u]") else {
            panic!("7 [e] [u] is a number")
        };
        assert_eq!(
            flags.describe().as_deref(),
            Some("estimated, low reliability")
        );
        let Ok(Cell::Number { value, flags, .. }) = parse("12.5p") else {
            panic!("12.5p is a number")
        };
        assert_eq!((value, flags.provisional), (dec!(12.5), true));
        let Ok(Cell::Number { flags, .. }) = parse("3 [R]") else {
            panic!("3 [R] is a number")
        };
        assert!(flags.revised);
    }

    #[test]
    fn every_gss_symbol_is_missing_with_its_reason() {
        let cases = [
            (":", Missing::NotAvailable),
            ("..", Missing::NotAvailable),
            ("x", Missing::NotAvailable),
            ("[x]", Missing::NotAvailable),
            ("[X]", Missing::NotAvailable),
            ("[w]", Missing::NotAvailable),
            ("z", Missing::NotApplicable),
            ("[z]", Missing::NotApplicable),
            ("c", Missing::Suppressed),
            ("[c]", Missing::Suppressed),
            ("C", Missing::Suppressed),
            ("*", Missing::Suppressed),
            ("u", Missing::LowReliability),
            ("[u]", Missing::LowReliability),
            ("low", Missing::Low),
            ("[low]", Missing::Low),
            ("LOW", Missing::Low),
            ("-", Missing::Low),
            ("~", Missing::Low),
            ("[:]", Missing::NotAvailable),
            ("[c] [u]", Missing::Suppressed),
            ("", Missing::Blank),
            ("  ", Missing::Blank),
        ];
        for (text, reason) in cases {
            assert_eq!(parse(text), Ok(Cell::Missing(reason)), "{text:?}");
        }
    }

    #[test]
    fn garbage_is_not_a_number() {
        for s in [
            "abc", "12a", "1.2.3", "£", "=1+1", "[q]", "5 [q]", "e", "[]",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }

    const SYMBOLS: [&str; 17] = [
        ":",
        "..",
        "-",
        "x",
        "z",
        "c",
        "u",
        "low",
        "*",
        "~",
        "w",
        "n/a",
        "na",
        "supp",
        "suppressed",
        "confidential",
        "...",
    ];

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse(&s);
        }

        #[test]
        fn a_symbol_is_never_a_number(
            i in 0..SYMBOLS.len(),
            bracketed in any::<bool>(),
            upper in any::<bool>(),
            pad in " {0,2}",
        ) {
            let mut s = SYMBOLS[i].to_string();
            if upper { s = s.to_uppercase(); }
            if bracketed { s = format!("[{s}]"); }
            let s = format!("{pad}{s}{pad}");
            prop_assert!(matches!(parse(&s), Ok(Cell::Missing(_))), "{:?}", s);
        }

        #[test]
        fn decimals_round_trip(n in -1_000_000i64..1_000_000, dp in 0u32..4) {
            let d = Decimal::new(n, dp);
            prop_assert_eq!(parse(&d.to_string()), Ok(number(d, dp)));
        }
    }
}
