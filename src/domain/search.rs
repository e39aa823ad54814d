//! Finding a measure or a council from what a reader types (pure): a measure by its code as
//! published or normalised (`2A(2)`, `2A2`), or by words of its official or plain title
//! ("care home admissions" finds "Permanent admissions of older people to care homes"); a
//! council by its name or ONS code.

use super::{Authority, Measure};

/// The longest query read; the rest is ignored.
pub const LONGEST: usize = 100;

/// A query's words, lower-case, each reduced to a simple stem (a plural `s` dropped).
fn stems(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.len() > 3 && !stem.ends_with('s') => stem.to_string(),
                _ => w,
            }
        })
        .collect()
}

/// A code without its punctuation, upper-case: `1C(2A)` and `1c2a` are one code.
fn code_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether every word of the query starts a word of `text` (words that do not carry meaning
/// on their own, like "of" and "the", are not needed).
fn all_words_in(query: &[String], text: &str) -> bool {
    const FILLERS: [&str; 8] = ["of", "the", "a", "an", "in", "to", "and", "for"];
    let words = stems(text);
    let needed: Vec<&String> = query
        .iter()
        .filter(|q| !FILLERS.contains(&q.as_str()))
        .collect();
    !needed.is_empty()
        && needed
            .iter()
            .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
}

/// The measures a query finds, best first: a code match, then those whose official or plain
/// title has every word, then those whose definition has.
pub fn measures<'a>(catalogue: &'a [Measure], query: &str) -> Vec<&'a Measure> {
    let query: String = query.chars().take(LONGEST).collect();
    let key = code_key(&query);
    let words = stems(&query);
    let mut found: Vec<(u8, &Measure)> = catalogue
        .iter()
        .filter_map(|m| {
            let titles = format!("{} {}", m.title, m.plain_title.as_deref().unwrap_or(""));
            let rank = if !key.is_empty()
                && (code_key(&m.code) == key || code_key(&m.display_code) == key)
            {
                0
            } else if all_words_in(&words, &titles) {
                1
            } else if all_words_in(&words, &format!("{titles} {}", m.definition)) {
                2
            } else {
                return None;
            };
            Some((rank, m))
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, m)| m).collect()
}

/// The councils a query finds: by ONS code, or every word in the name.
pub fn councils<'a>(councils: &'a [Authority], query: &str) -> Vec<&'a Authority> {
    let query: String = query.chars().take(LONGEST).collect();
    let key = code_key(&query);
    let words = stems(&query);
    councils
        .iter()
        .filter(|a| code_key(&a.ons_code) == key || all_words_in(&words, &a.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;

    fn measure(code: &str, display: &str, title: &str, plain: Option<&str>) -> Measure {
        Measure {
            code: code.into(),
            display_code: display.into(),
            title: title.into(),
            plain_title: plain.map(String::from),
            ..fixtures::measure()
        }
    }

    #[test]
    fn measures_are_found_by_code_or_plain_words() {
        let catalogue = [
            measure(
                "2A2",
                "2A(2)",
                "Long-term support needs of older adults (aged 65 and over) met by admission to residential and nursing care homes, per 100,000 population",
                Some("Permanent admissions of older people to care homes"),
            ),
            measure(
                "1C2A",
                "1C(2A)",
                "Proportion of people using social care who receive direct payments",
                None,
            ),
        ];
        let codes = |q: &str| -> Vec<&str> {
            measures(&catalogue, q)
                .iter()
                .map(|m| m.code.as_str())
                .collect()
        };
        assert_eq!(codes("care home admissions"), ["2A2"]);
        assert_eq!(codes("2a(2)"), ["2A2"]);
        assert_eq!(codes("1C2A"), ["1C2A"]);
        assert_eq!(codes("direct payment"), ["1C2A"]);
        assert_eq!(
            codes("the of"),
            Vec::<&str>::new(),
            "fillers alone find nothing"
        );
        assert_eq!(codes("bananas"), Vec::<&str>::new());
    }

    #[test]
    fn councils_are_found_by_name_or_code() {
        let council = |code: &str, name: &str| Authority {
            ons_code: code.into(),
            name: name.into(),
            kind: "MD".into(),
            region: "North West".into(),
            sub_region: None,
            population_all: None,
            population_18_plus: None,
            population_65_plus: None,
        };
        let list = [
            council("E08000003", "Manchester"),
            council("E06000049", "Cheshire East"),
            council("E06000050", "Cheshire West and Chester"),
        ];
        let names =
            |q: &str| -> Vec<&str> { councils(&list, q).iter().map(|a| a.name.as_str()).collect() };
        assert_eq!(
            names("cheshire"),
            ["Cheshire East", "Cheshire West and Chester"]
        );
        assert_eq!(names("manch"), ["Manchester"]);
        assert_eq!(names("e08000003"), ["Manchester"]);
    }
}
