//! What the database already knows, as an import is checked against it: councils by ONS code
//! and CASSR number, and measures by every code they are known by.

use std::collections::HashMap;

use super::{MeasureCode, Period, Unit};

/// The first year of ASCOF's 2023-24 renumbering: from then on, files' codes are the new ones.
pub const RENUMBERED_FROM: i32 = 2023;

/// A measure as validation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownMeasure {
    pub code: String,
    pub unit: Unit,
    pub decimals: u32,
    pub rate_multiplier: Option<i32>,
    pub frequency: String,
    pub tier: String,
}

/// Councils by ONS code (and CASSR number) and measures by every code they are known by.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub councils: HashMap<String, String>,
    pub cassr: HashMap<String, String>,
    pub measures: HashMap<String, KnownMeasure>,
    /// Measures by their code in ASCOF's 2023-24 numbering.
    pub renumbered: HashMap<String, KnownMeasure>,
    /// Councils' populations in the reference: per-person measures' denominators.
    pub populations: HashMap<String, Populations>,
}

/// A council's populations in the reference, with the estimate they come from (`mid-2020`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Populations {
    /// Aged 18 and over.
    pub adults: Option<i64>,
    /// Aged 65 and over.
    pub older: Option<i64>,
    pub estimate: String,
}

impl Known {
    /// A council by ONS code, else by CASSR number.
    pub fn council(&self, ons: &str, cassr: &str) -> Option<&str> {
        let ons = ons.trim().to_ascii_uppercase();
        if let Some((code, _)) = self.councils.get_key_value(&ons) {
            return Some(code);
        }
        self.cassr.get(cassr.trim()).map(String::as_str)
    }

    /// A measure by any of its codes: `1C(2A)`, `1C2A`, a 2023-24 code.
    pub fn measure(&self, raw: &str) -> Option<&KnownMeasure> {
        let code: MeasureCode = raw.parse().ok()?;
        self.measures.get(code.as_str())
    }

    /// A measure by the code an official file of `period` uses: from 2023-24 on, ASCOF's new
    /// numbering (which reuses old codes for other measures), before then the published codes.
    pub fn measure_in(&self, raw: &str, period: Period) -> Option<&KnownMeasure> {
        if period.year_start() >= RENUMBERED_FROM {
            let code: MeasureCode = raw.parse().ok()?;
            self.renumbered.get(code.as_str())
        } else {
            self.measure(raw)
        }
    }
}
