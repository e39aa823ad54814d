//! The regional facts the analyst keeps about each council (the Regional Account's governance
//! facts: who leads adult social care and since when, the political control, the savings asked
//! of the council), each with its source and the date it was true. Pure: the kinds and how a
//! value of each is checked.

use chrono::NaiveDate;

/// A kind of fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// The date the director of adult social services (DASS) took up post.
    DassSince,
    /// Changes of DASS in the last three years.
    DassChanges,
    /// The council's political control (e.g. "Labour", "No overall control").
    PoliticalControl,
    /// Changes of political control in the last three years.
    ControlChanges,
    /// Corporate savings required, as a share (%) of the net revenue budget.
    SavingsRequired,
    /// Regional network meetings attended in the quarter of the date: `7 of 9`.
    NetworkAttendance,
    /// The Local Account for a year (`2015-16`), published on the date.
    LocalAccount,
    /// A peer challenge held on the date, with its focus.
    PeerChallenge,
    /// The director's responsibilities besides adult social care: `children`, `public health`,
    /// `housing`, a list of them, or `none`.
    DassRemit,
    /// Thematic improvement areas with a named point of contact at the council: `10 of 10`.
    ThematicContacts,
    /// Personalisation progress, in the region's three bands (seed 004).
    Personalisation,
}

super::column::serde_text!(FactKind);
super::column::text_column!(FactKind);

impl FactKind {
    pub const ALL: [FactKind; 11] = [
        FactKind::DassSince,
        FactKind::DassChanges,
        FactKind::PoliticalControl,
        FactKind::ControlChanges,
        FactKind::SavingsRequired,
        FactKind::NetworkAttendance,
        FactKind::LocalAccount,
        FactKind::PeerChallenge,
        FactKind::DassRemit,
        FactKind::ThematicContacts,
        FactKind::Personalisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::DassSince => "dass_since",
            FactKind::DassChanges => "dass_changes",
            FactKind::PoliticalControl => "political_control",
            FactKind::ControlChanges => "control_changes",
            FactKind::SavingsRequired => "savings_required",
            FactKind::NetworkAttendance => "network_attendance",
            FactKind::LocalAccount => "local_account",
            FactKind::PeerChallenge => "peer_challenge",
            FactKind::DassRemit => "dass_remit",
            FactKind::ThematicContacts => "thematic_contacts",
            FactKind::Personalisation => "personalisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FactKind::DassSince => "Director of adult social services in post since",
            FactKind::DassChanges => "Changes of director in the last three years",
            FactKind::PoliticalControl => "Political control",
            FactKind::ControlChanges => "Changes of political control in the last three years",
            FactKind::SavingsRequired => "Corporate savings required (% of net revenue budget)",
            FactKind::NetworkAttendance => "Regional network meetings attended in the quarter",
            FactKind::LocalAccount => "Local Account published (the year it covers)",
            FactKind::PeerChallenge => "Peer challenge held (its focus)",
            FactKind::DassRemit => "The director's responsibilities besides adult social care",
            FactKind::ThematicContacts => {
                "Thematic improvement areas with a named point of contact"
            }
            FactKind::Personalisation => "Personalisation progress",
        }
    }

    /// The value as kept, or why it is not one of this kind: a date (`2021-04-01` or
    /// `1 April 2021`), a count (0 to 20), a share (0 to 100) or a name (at most 100 characters).
    pub fn check(self, value: &str) -> Result<String, String> {
        let value = value.trim();
        match self {
            FactKind::DassSince => date(value)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .ok_or_else(|| format!("'{value}' is not a date (e.g. 1 April 2021)")),
            FactKind::DassChanges | FactKind::ControlChanges => value
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 20)
                .map(|n| n.to_string())
                .ok_or_else(|| format!("'{value}' is not a number of changes (0 to 20)")),
            FactKind::SavingsRequired => value
                .trim_end_matches('%')
                .trim()
                .parse::<rust_decimal::Decimal>()
                .ok()
                .filter(|p| {
                    (rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED).contains(p)
                })
                .map(|p| p.normalize().to_string())
                .ok_or_else(|| format!("'{value}' is not a percentage (0 to 100)")),
            FactKind::PoliticalControl | FactKind::PeerChallenge => {
                if value.is_empty() || value.chars().count() > 100 {
                    Err(format!(
                        "name the {} (at most 100 characters)",
                        if self == FactKind::PeerChallenge {
                            "peer challenge's focus"
                        } else {
                            "political control"
                        }
                    ))
                } else {
                    Ok(value.to_string())
                }
            }
            FactKind::NetworkAttendance => attendance(value)
                .map(|(a, b)| format!("{a} of {b}"))
                .ok_or_else(|| {
                    format!("'{value}' is not meetings attended of those held (e.g. 7 of 9)")
                }),
            FactKind::ThematicContacts => attendance(value)
                .map(|(a, b)| format!("{a} of {b}"))
                .ok_or_else(|| {
                    format!("'{value}' is not areas with a contact of those in the programme (e.g. 10 of 10)")
                }),
            FactKind::DassRemit => remit(value).ok_or_else(|| {
                format!(
                    "'{value}' is not the director's other responsibilities: children, public health, housing (or a list of them), or none"
                )
            }),
            FactKind::Personalisation => Progress::parse(value)
                .map(|p| p.as_str().to_string())
                .ok_or_else(|| {
                    format!("'{value}' is not one of: good progress, slow progress, no plan")
                }),
            FactKind::LocalAccount => value
                .parse::<super::Period>()
                .ok()
                .filter(|p| !p.is_quarter())
                .map(|p| p.to_string())
                .ok_or_else(|| {
                    format!("'{value}' is not the year the Local Account covers (e.g. 2015-16)")
                }),
        }
    }

    /// The value as a page shows it.
    pub fn shown(self, value: &str) -> String {
        match self {
            FactKind::DassSince => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_or_else(|_| value.to_string(), super::long_date),
            FactKind::SavingsRequired => format!("{value}%"),
            FactKind::Personalisation => {
                Progress::parse(value).map_or_else(|| value.to_string(), |p| p.label().to_string())
            }
            _ => value.to_string(),
        }
    }
}

/// The director's responsibilities besides adult social care, as kept: the recognised areas
/// in a fixed order joined by " and " (`children and public health`), or `none`.
pub fn remit(text: &str) -> Option<String> {
    const AREAS: [&str; 3] = ["children", "public health", "housing"];
    let text = text.trim().to_lowercase();
    if text == "none" || text == "adults only" {
        return Some("none".into());
    }
    let named: Vec<String> = text
        .replace(" and ", ",")
        .replace(['&', ';', '/'], ",")
        .split(',')
        .map(|p| {
            p.trim()
                .trim_end_matches("'s services")
                .trim_end_matches(" services")
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    if named.is_empty() || named.iter().any(|p| !AREAS.contains(&p.as_str())) {
        return None;
    }
    let kept: Vec<&str> = AREAS
        .into_iter()
        .filter(|a| named.iter().any(|p| p == a))
        .collect();
    Some(kept.join(" and "))
}

/// Personalisation progress in the region's three bands (seed 004: "had an action plan and
/// were making good progress", "had an action plan but progress was slow", "not able to
/// demonstrate an action plan and/or lacked engagement").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    Good,
    Slow,
    NoPlan,
}

impl Progress {
    pub const ALL: [Progress; 3] = [Progress::Good, Progress::Slow, Progress::NoPlan];

    pub fn parse(text: &str) -> Option<Progress> {
        match text.trim().to_lowercase().as_str() {
            "good" | "good progress" => Some(Progress::Good),
            "slow" | "slow progress" => Some(Progress::Slow),
            "none" | "no plan" | "no action plan" => Some(Progress::NoPlan),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Good => "good progress",
            Progress::Slow => "slow progress",
            Progress::NoPlan => "no plan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Progress::Good => "an action plan and making good progress",
            Progress::Slow => "an action plan but progress is slow",
            Progress::NoPlan => "no action plan shown, or not engaged in regional activity",
        }
    }
}

/// Meetings attended of those held: `7 of 9`, `7/9`; never more attended than held, at most 100.
pub fn attendance(text: &str) -> Option<(u8, u8)> {
    let (a, b) = text.split_once(" of ").or_else(|| text.split_once('/'))?;
    let (a, b) = (a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?);
    (b > 0 && a <= b && b <= 100).then_some((a, b))
}

/// A date as a UK user writes it: `2021-04-01`, `1/4/2021`, `1 April 2021`, `1 Apr 2021`.
pub fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_checks_its_values() {
        assert_eq!(
            FactKind::DassSince.check("1 April 2021"),
            Ok("2021-04-01".into())
        );
        assert_eq!(
            FactKind::DassSince.check("01/04/2021"),
            Ok("2021-04-01".into())
        );
        assert!(FactKind::DassSince.check("last spring").is_err());
        assert_eq!(FactKind::DassChanges.check(" 2 "), Ok("2".into()));
        assert!(FactKind::DassChanges.check("-1").is_err());
        assert!(FactKind::ControlChanges.check("lots").is_err());
        assert_eq!(FactKind::SavingsRequired.check("4.50%"), Ok("4.5".into()));
        assert!(FactKind::SavingsRequired.check("140").is_err());
        assert!(FactKind::PoliticalControl.check("").is_err());
        assert_eq!(FactKind::DassSince.shown("2021-04-01"), "1 April 2021");
        assert_eq!("savings_required".parse(), Ok(FactKind::SavingsRequired));
        assert_eq!(
            FactKind::NetworkAttendance.check("7/9"),
            Ok("7 of 9".into())
        );
        assert!(FactKind::NetworkAttendance.check("10 of 9").is_err());
        assert!(FactKind::NetworkAttendance.check("0 of 0").is_err());
        assert_eq!(
            FactKind::LocalAccount.check("2015/16"),
            Ok("2015-16".into())
        );
        assert!(FactKind::LocalAccount.check("2015-16 Q1").is_err());
        assert!(FactKind::PeerChallenge.check("").is_err());
        assert_eq!(
            FactKind::DassRemit.check("Public health & Children's services"),
            Ok("children and public health".into())
        );
        assert_eq!(FactKind::DassRemit.check("None"), Ok("none".into()));
        assert!(FactKind::DassRemit.check("highways").is_err());
        assert_eq!(
            FactKind::ThematicContacts.check("9/10"),
            Ok("9 of 10".into())
        );
        assert_eq!(
            FactKind::Personalisation.check("Slow"),
            Ok("slow progress".into())
        );
        assert_eq!(
            FactKind::Personalisation.shown("no plan"),
            "no action plan shown, or not engaged in regional activity"
        );
        assert!(FactKind::Personalisation.check("fine").is_err());
    }
}
