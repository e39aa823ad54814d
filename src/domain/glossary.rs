//! The glossary: the words a first-time reader meets on the site, each in plain English, and
//! where a page's text uses one (pure: the web layer links each term's first use on a page to
//! its entry, `/glossary#slug`).

/// One entry: its anchor, the term as headed, the forms a page writes it in, and its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub slug: &'static str,
    pub term: &'static str,
    /// Phrases matched in a page's text: lower-case ones match any case, others exactly (an
    /// acronym like `RAG` is not the word "rag").
    pub forms: &'static [&'static str],
    pub meaning: &'static str,
}

/// The glossary, alphabetical by term.
pub const TERMS: &[Term] = &[
    Term {
        slug: "against-the-spread",
        term: "Against the spread",
        forms: &["against the spread"],
        meaning: "A small chart of where the council's value sits among all English councils: the grey bar runs from the lowest to the highest value, the darker band holds the middle half of councils, the line is England's value and the dot is the council.",
    },
    Term {
        slug: "ascof",
        term: "ASCOF",
        forms: &["ASCOF"],
        meaning: "The Adult Social Care Outcomes Framework: the national measures of how well care and support achieve what matters to people, published every year for every council by NHS England (formerly NHS Digital).",
    },
    Term {
        slug: "balanced-scorecard",
        term: "Balanced scorecard",
        forms: &["balanced scorecard"],
        meaning: "A set of measures of four kinds kept side by side: outcomes for people who use services, outputs (how the service works), people (its staff) and finance (its budget), so that no one kind is watched at the expense of the others.",
    },
    Term {
        slug: "cipfa-neighbours",
        term: "CIPFA neighbours",
        forms: &["CIPFA nearest neighbours", "CIPFA neighbours", "CIPFA"],
        meaning: "The councils most like a given council in population, deprivation and other characteristics, as the Chartered Institute of Public Finance and Accountancy's model finds them. \"Similar councils\" on this site means these; each council's page lists its own.",
    },
    Term {
        slug: "confidence-interval",
        term: "Confidence interval",
        forms: &["confidence interval", "95% CI", "99.8% CI"],
        meaning: "The range a council's true value is likely to lie in, given that a value from a survey or a small number of people could have come out a little differently by chance. \"95% CI 15.6% to 19.1%\" means we can be 95% sure the true value is between those two numbers. Where the publisher gives a margin of error, that is used.",
    },
    Term {
        slug: "dass",
        term: "DASS",
        forms: &["DASS"],
        meaning: "The director of adult social services: the council officer legally responsible for its adult social care.",
    },
    Term {
        slug: "denominator",
        term: "Denominator",
        forms: &["denominator"],
        meaning: "The number a percentage or rate is taken of: for \"30 of 200 people (15%)\", 200. The number counted (30) is the numerator.",
    },
    Term {
        slug: "funnel-plot",
        term: "Funnel plot",
        forms: &["funnel plot"],
        meaning: "A chart of every council's value against its size (the denominator), with lines that narrow as councils get larger: a council outside the lines differs from the benchmark by more than chance would explain. Small councils vary more by chance, so their lines are wider apart.",
    },
    Term {
        slug: "limits",
        term: "95% and 99.8% limits",
        forms: &["99.8% limits", "95% limits"],
        meaning: "The funnel plot's lines: about 1 council in 20 would fall outside the 95% limits by chance alone, and about 1 in 500 outside the 99.8% limits. A council outside the 99.8% limits is very unlikely to differ by chance.",
    },
    Term {
        slug: "median",
        term: "Median and typical distance",
        forms: &["typical distance", "median"],
        meaning: "The median is the middle value when councils are put in order. The typical distance (the median absolute deviation) is how far councils usually are from it; a council many times the typical distance away is unusual, and its value is worth a second look.",
    },
    Term {
        slug: "polarity",
        term: "Polarity",
        forms: &["polarity"],
        meaning: "Whether a higher value of a measure is better (\"Higher is better\"), worse (\"Lower is better\"), or neither: some measures, such as a unit cost, describe a council without judging it.",
    },
    Term {
        slug: "quartile",
        term: "Quartile",
        forms: &["quartile"],
        meaning: "Councils put in order from best to worst and split into four equal groups: quartile 1 is the best quarter, quartile 4 the worst. \"(England)\" means among all English councils; \"(region)\" among the region's councils only.",
    },
    Term {
        slug: "rag",
        term: "RAG rating",
        forms: &["RAG"],
        meaning: "Red, amber or green against a target: green on or better than the target, amber a little short of it (within the tolerance the target's owner set), red further short. The word is always shown beside the colour.",
    },
    Term {
        slug: "recent-trend",
        term: "Recent trend and since previous period",
        forms: &["recent trend", "since previous period"],
        meaning: "\"Since previous period\" compares this period's value with the one before only, and says whether the change is bigger than chance would explain. \"Recent trend\" looks at the last five periods together; the years it uses are shown with it. The two can differ: a value can fall this year within a rising trend.",
    },
    Term {
        slug: "regional-account",
        term: "Regional Account",
        forms: &["Regional Account"],
        meaning: "The region's yearly account of how its councils' adult social care is doing: headlines per risk domain, an overview of every council and measure, and a summary sheet per council, printed for the regional board.",
    },
    Term {
        slug: "significance",
        term: "Significantly better or worse",
        forms: &[
            "significantly better",
            "significantly worse",
            "significantly",
        ],
        meaning: "A council is significantly worse than a benchmark when its value is worse by more than chance alone would explain: the whole of its confidence interval is on the worse side of the benchmark. \"Similar\" means the difference could be chance. It does not say how big or important the difference is.",
    },
    Term {
        slug: "teasc",
        term: "TEASC",
        forms: &["TEASC"],
        meaning: "Towards Excellence in Adult Social Care: the sector-led improvement programme of councils and the Association of Directors of Adult Social Services. Its benchmarking report compares a council with its region, councils of the same type and its CIPFA neighbours.",
    },
];

/// The first place in `text` where one of `term`'s forms is written as a word: its byte range.
pub fn find(term: &Term, text: &str) -> Option<(usize, usize)> {
    term.forms
        .iter()
        .filter_map(|form| find_form(form, text))
        .min_by_key(|(start, end)| (*start, usize::MAX - end))
}

/// A form as a whole word (a plural `s` allowed after it): exactly for a form with capitals,
/// in any case for a lower-case one.
fn find_form(form: &str, text: &str) -> Option<(usize, usize)> {
    let any_case = form.chars().all(|c| !c.is_uppercase());
    let haystack = if any_case {
        std::borrow::Cow::Owned(text.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut from = 0;
    while let Some(at) = haystack[from..].find(form) {
        let start = from + at;
        let mut end = start + form.len();
        if text[end..].starts_with('s') && !word(text[end + 1..].chars().next()) {
            end += 1;
        }
        if !word(text[..start].chars().next_back()) && !word(text[end..].chars().next()) {
            return Some((start, end));
        }
        from = start + form.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(slug: &str) -> &'static Term {
        TERMS.iter().find(|t| t.slug == slug).unwrap()
    }

    #[test]
    fn terms_match_whole_words_in_their_case() {
        let rag = term("rag");
        assert_eq!(find(rag, "The RAG column"), Some((4, 7)));
        assert_eq!(
            find(rag, "a rag and bone man"),
            None,
            "an acronym matches exactly"
        );
        assert_eq!(find(rag, "RAGS"), None);
        let quartile = term("quartile");
        assert_eq!(find(quartile, "Quartile 4 (England)"), Some((0, 8)));
        assert_eq!(find(quartile, "upper quartiles"), Some((6, 15)), "plural");
        assert_eq!(find(quartile, "interquartile"), None);
        let cipfa = term("cipfa-neighbours");
        assert_eq!(
            find(cipfa, "its CIPFA neighbours, this year"),
            Some((4, 20)),
            "the longest form at the first place"
        );
    }

    #[test]
    fn every_entry_is_complete_and_unique() {
        let mut slugs: Vec<&str> = TERMS.iter().map(|t| t.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), TERMS.len());
        for t in TERMS {
            assert!(!t.forms.is_empty() && t.meaning.len() > 40, "{}", t.slug);
            assert!(
                t.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                t.slug
            );
        }
    }
}
