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

/// A tier's words ("Targeted support"), or the tier itself when it is not on the menu.
pub fn tier_label(tier: &str) -> &str {
    MENU.iter()
        .find(|(t, _, _)| *t == tier)
        .map_or(tier, |(_, label, _)| label)
}

/// Whether `offer` is on the menu under `tier`, or which field is wrong and why (naming the
/// tier's offers).
pub fn check_offer(tier: &str, offer: &str) -> Result<(), (&'static str, String)> {
    let Some((_, label, offers)) = MENU.iter().find(|(t, _, _)| *t == tier) else {
        return Err((
            "tier",
            format!(
                "'{tier}' is not a tier of the menu of support: support, targeted or intervention"
            ),
        ));
    };
    if offers.contains(&offer) {
        Ok(())
    } else {
        Err((
            "offer",
            format!(
                "'{offer}' is not an offer of {label} (Table 1): choose one of {}",
                offers.join("; ")
            ),
        ))
    }
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
        assert!(check_offer("intervention", "LGA peer review").is_ok());
        assert_eq!(check_offer("support", "Buddying"), Ok(()));
        let (field, why) = check_offer("support", "LGA peer review").unwrap_err();
        assert_eq!(field, "offer");
        assert!(
            why.contains("Support (self-help)") && why.contains("Shadowing"),
            "{why}"
        );
        assert_eq!(check_offer("other", "Buddying").unwrap_err().0, "tier");
        assert_eq!(level_label("some"), "Some concern");
        assert_eq!(level_label("x"), "Not judged");
    }
}
