//! Codes parsed once: ONS council codes and measure codes.

use std::fmt;
use std::str::FromStr;

/// An upper-tier English council's ONS GSS code: E06 unitary, E08 metropolitan district,
/// E09 London borough, E10 county.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct OnsCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a council ONS code (E06, E08, E09 or E10 followed by six digits)")]
pub struct OnsCodeError(pub String);

impl FromStr for OnsCode {
    type Err = OnsCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        // Bytes, not string slices: a multi-byte character must not split a slice.
        let bytes = code.as_bytes();
        let ok = bytes.len() == 9
            && [b"E06", b"E08", b"E09", b"E10"].contains(&&[bytes[0], bytes[1], bytes[2]])
            && bytes[3..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(OnsCode(code))
        } else {
            Err(OnsCodeError(s.to_string()))
        }
    }
}

impl OnsCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OnsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A measure code in its normalised form: upper case, no brackets, spaces or dots, so that the
/// published `1C(2A)` and the catalogue's `1C2A` are the same measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct MeasureCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a measure code (letters, digits and underscores, brackets allowed)")]
pub struct MeasureCodeError(pub String);

impl FromStr for MeasureCode {
    type Err = MeasureCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | ' ' | '.'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let ok = !code.is_empty()
            && code.len() <= 40
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(MeasureCode(code))
        } else {
            Err(MeasureCodeError(s.to_string()))
        }
    }
}

impl MeasureCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MeasureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ons_codes() {
        assert_eq!(
            "e06000006".parse::<OnsCode>().unwrap().as_str(),
            "E06000006"
        );
        for bad in ["E07000026", "E0600000", "E06000006X", "", "W06000001"] {
            assert!(bad.parse::<OnsCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn measure_codes_normalise_brackets() {
        assert_eq!("1C(2A)".parse::<MeasureCode>().unwrap().as_str(), "1C2A");
        assert_eq!("2a(2)".parse::<MeasureCode>().unwrap().as_str(), "2A2");
        assert_eq!(
            "OFLOG_ASC7".parse::<MeasureCode>().unwrap().as_str(),
            "OFLOG_ASC7"
        );
        assert!("1C-2A".parse::<MeasureCode>().is_err());
        assert!("()".parse::<MeasureCode>().is_err());
    }
}

#[cfg(test)]
mod multibyte_tests {
    use super::*;

    #[test]
    fn a_multibyte_character_is_no_code_and_no_panic() {
        for text in [
            "UN\u{fffd}D=6P",
            "E0\u{e9}000006",
            "\u{1F600}\u{1F600}x",
            "E06000006",
        ] {
            let parsed = text.parse::<OnsCode>();
            assert_eq!(parsed.is_ok(), text == "E06000006", "{text}");
        }
    }
}
