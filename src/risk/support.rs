//! The menu of support and intervention (Table 1 of the memorandum of understanding, seed 001)
//! and the judgement levels of the annual risk assessment.

/// The three tiers of Table 1, each with its offers.
pub const MENU: [(&str, &str, &[&str]); 3] = [
    (
        "support",
        "Support (self-help)",
        &[
            "Sharing good practice: Beacon events, networks, the regional excellence directory, matching tool",
            "Shadowing",
            "Buddying",
            "Action learning",
            "Local peer challenge",
        ],
    ),
    (
        "targeted",
        "Targeted support",
        &[
            "LGA peer review",
            "Peer mentoring",
            "Coaching",
            "Training",
            "Local peer challenge",
        ],
    ),
    (
        "intervention",
        "Intervention",
        &[
            "Local peer challenge",
            "Peer consultancy review by a single regional or national peer",
            "LGA peer review",
        ],
    ),
];

/// Whether `offer` is on the menu under `tier`.
pub fn on_menu(tier: &str, offer: &str) -> bool {
    MENU.iter()
        .any(|(t, _, offers)| *t == tier && offers.contains(&offer))
}

/// The analyst's judgement per domain: never computed from the triggers.
pub const LEVELS: [(&str, &str); 3] = [
    ("low", "Low concern"),
    ("some", "Some concern"),
    ("significant", "Significant concern"),
];

pub fn level_label(level: &str) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("Not judged", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_belong_to_their_tiers() {
        assert!(on_menu("intervention", "LGA peer review"));
        assert!(on_menu("support", "Buddying"));
        assert!(
            !on_menu("support", "LGA peer review"),
            "a targeted offer, not self-help"
        );
        assert!(!on_menu("other", "Buddying"));
        assert_eq!(level_label("some"), "Some concern");
        assert_eq!(level_label("x"), "Not judged");
    }
}
