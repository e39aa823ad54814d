//! The emails the service sends (pure): every kind, who it is for and how the settings page
//! names it, and each event's message. A message says what happened and links to the page
//! where it is seen; it never carries a value (an unpublished figure stays on the site, behind
//! sign-in).

use askama::Template;
use chrono::NaiveDate;

use crate::domain::long_date;

/// Who a kind of email is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A council's users.
    Council,
    /// The analysts.
    Analyst,
    /// Both (an action is the council's, and the analyst follows it up).
    Both,
}

/// A kind of email.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub id: &'static str,
    pub audience: Audience,
    /// How the settings page names it.
    pub words: &'static str,
}

/// Every kind a user may turn off. Sign-in links are always sent (not listed).
pub const KINDS: [Kind; 9] = [
    Kind {
        id: "round_opened",
        audience: Audience::Council,
        words: "A collection round opens",
    },
    Kind {
        id: "return_due",
        audience: Audience::Council,
        words: "Your council's return is due within a week",
    },
    Kind {
        id: "return_overdue",
        audience: Audience::Council,
        words: "Your council's return is overdue",
    },
    Kind {
        id: "return_decided",
        audience: Audience::Council,
        words: "Your council's return is accepted or sent back",
    },
    Kind {
        id: "concerns_shared",
        audience: Audience::Council,
        words: "The analyst shares concerns about your council",
    },
    Kind {
        id: "response_received",
        audience: Audience::Analyst,
        words: "A council responds to the concerns shared with it",
    },
    Kind {
        id: "action_due",
        audience: Audience::Both,
        words: "An action or agreed support falls due within a week",
    },
    Kind {
        id: "action_overdue",
        audience: Audience::Both,
        words: "An action or agreed support is overdue",
    },
    Kind {
        id: "return_submitted",
        audience: Audience::Analyst,
        words: "A council submits its return",
    },
];

/// The kind of a sign-in link (for a first password or a reset): always sent.
pub const SIGN_IN: &str = "sign_in_link";

/// How many days ahead a due date is reminded of.
pub const REMIND_DAYS: i64 = 7;

/// One event's message, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub kind: &'static str,
    /// What makes the event once-only (with the recipient): e.g. `return_due:2026-27 Q1`.
    pub event: String,
    pub subject: String,
    pub lines: Vec<String>,
    /// The page's path (or, for a sign-in link, the whole address).
    pub link: String,
    /// The link's words.
    pub action: String,
}

impl Email {
    pub fn round_opened(period: &str, due: NaiveDate) -> Email {
        Email {
            kind: "round_opened",
            event: format!("round_opened:{period}"),
            subject: format!("The {period} collection round is open"),
            lines: vec![
                format!("The regional analyst has opened the collection round for {period}."),
                format!("Your council's return is due by {}.", long_date(due)),
            ],
            link: "/returns".into(),
            action: "Upload your return".into(),
        }
    }

    /// A reminder on `today` to a council: its return due in so many days, or overdue (one of
    /// each kind per council and round).
    pub fn return_reminder(period: &str, council: &str, due: NaiveDate, today: NaiveDate) -> Email {
        let days = (due - today).num_days();
        let (kind, subject, line) = if days < 0 {
            (
                "return_overdue",
                format!("Your council's {period} return is overdue"),
                format!(
                    "Your council's return for {period} was due on {} and has not been submitted.",
                    long_date(due)
                ),
            )
        } else {
            (
                "return_due",
                format!("Your council's {period} return is due soon"),
                format!(
                    "Your council's return for {period} is due {}, by {}.",
                    match days {
                        0 => "today".to_string(),
                        1 => "tomorrow".to_string(),
                        n => format!("in {n} days"),
                    },
                    long_date(due)
                ),
            )
        };
        Email {
            kind,
            event: format!("{kind}:{period}:{council}"),
            subject,
            lines: vec![line],
            link: "/returns".into(),
            action: "Go to your returns".into(),
        }
    }

    pub fn return_submitted(upload: i64, council: &str, period: &str) -> Email {
        Email {
            kind: "return_submitted",
            event: format!("return_submitted:{upload}"),
            subject: format!("{council} has submitted its {period} return"),
            lines: vec![format!(
                "{council} has submitted its return for {period}. It is waiting for your decision."
            )],
            link: format!("/returns/{upload}"),
            action: "Review the return".into(),
        }
    }

    pub fn return_decided(upload: i64, period: &str, accepted: bool) -> Email {
        let (subject, line) = if accepted {
            (
                format!("Your council's {period} return is accepted"),
                format!(
                    "The regional analyst has accepted your council's return for {period}. It is published with the quarter."
                ),
            )
        } else {
            (
                format!("Your council's {period} return is sent back"),
                format!(
                    "The regional analyst has sent back your council's return for {period}. The reason is on the return's page."
                ),
            )
        };
        Email {
            kind: "return_decided",
            event: format!("return_decided:{upload}"),
            subject,
            lines: vec![line],
            link: format!("/returns/{upload}"),
            action: "Read the return".into(),
        }
    }

    /// `shared` tells one sharing from the next (the entry that shared them).
    pub fn concerns_shared(council: &str, year: &str, shared: i64) -> Email {
        Email {
            kind: "concerns_shared",
            event: format!("concerns_shared:{shared}"),
            subject: format!("Concerns about {year} shared with your council"),
            lines: vec![
                format!(
                    "The regional analyst has shared concerns about your council's {year} with you."
                ),
                "Please read them and record your council's response.".into(),
            ],
            link: format!("/risk/{council}?period={year}"),
            action: "Read the concerns".into(),
        }
    }

    pub fn response_received(council: &str, name: &str, year: &str, entry: i64) -> Email {
        Email {
            kind: "response_received",
            event: format!("response_received:{entry}"),
            subject: format!("{name} has responded to the concerns shared"),
            lines: vec![format!(
                "{name} has responded to the concerns about {year} shared with it."
            )],
            link: format!("/risk/{council}?period={year}"),
            action: "Read the response".into(),
        }
    }

    /// A peer challenge's action or agreed support falling due or overdue (`what` says which).
    pub fn follow_up(what: &str, id: i64, name: &str, due: NaiveDate, overdue: bool) -> Email {
        let kind = if overdue {
            "action_overdue"
        } else {
            "action_due"
        };
        let state = if overdue {
            format!("was due on {} and is not recorded as done", long_date(due))
        } else {
            format!("is due on {}", long_date(due))
        };
        Email {
            kind,
            event: format!("{kind}:{what}:{id}"),
            subject: format!(
                "{name}: {} {}",
                what.replace('_', " "),
                if overdue { "overdue" } else { "due soon" }
            ),
            lines: vec![format!("A {} of {name} {state}.", what.replace('_', " "))],
            link: "/risk/follow-ups".into(),
            action: "See the follow-ups".into(),
        }
    }

    /// A sign-in link: `address` is the whole link (its token is in it), `hours` how long it
    /// works.
    pub fn sign_in(address: &str, token_sha: &str, hours: i64, first: bool) -> Email {
        Email {
            kind: SIGN_IN,
            event: format!("{SIGN_IN}:{token_sha}"),
            subject: if first {
                "Your account on the adult social care scorecard".into()
            } else {
                "Reset your password for the adult social care scorecard".into()
            },
            lines: vec![
                if first {
                    "An account has been made for you. Use the link to choose your password.".into()
                } else {
                    "Use the link to choose a new password.".into()
                },
                format!(
                    "The link works once, for {hours} hours. If you did not expect this email, ignore it."
                ),
            ],
            link: address.into(),
            action: "Choose your password".into(),
        }
    }

    /// The link as the email gives it: whole, on the service's address.
    pub fn address(&self, base_url: &str) -> String {
        if self.link.starts_with("http://") || self.link.starts_with("https://") {
            self.link.clone()
        } else {
            format!("{}{}", base_url.trim_end_matches('/'), self.link)
        }
    }

    /// The plain-text part and the HTML part.
    pub fn bodies(&self, base_url: &str, service: &str) -> (String, String) {
        let view = View {
            email: self,
            address: self.address(base_url),
            settings: format!("{}/settings", base_url.trim_end_matches('/')),
            service,
            optional: self.kind != SIGN_IN,
        };
        // The templates are compiled with the crate; rendering a struct of strings cannot fail.
        (
            view.render().unwrap_or_default(),
            HtmlView(&view).render().unwrap_or_default(),
        )
    }
}

#[derive(Template)]
#[template(path = "email/message.txt", escape = "none")]
struct View<'a> {
    email: &'a Email,
    address: String,
    settings: String,
    service: &'a str,
    optional: bool,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlView<'a>(&'a View<'a>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_links_to_its_page_and_names_no_figure() {
        let due = NaiveDate::from_ymd_opt(2026, 8, 15).unwrap_or_default();
        let emails = [
            Email::round_opened("2026-27 Q1", due),
            Email::return_reminder(
                "2026-27 Q1",
                "E06000006",
                due,
                due - chrono::Duration::days(5),
            ),
            Email::return_reminder(
                "2026-27 Q1",
                "E06000006",
                due,
                due + chrono::Duration::days(1),
            ),
            Email::return_submitted(7, "Halton", "2026-27 Q1"),
            Email::return_decided(7, "2026-27 Q1", true),
            Email::return_decided(7, "2026-27 Q1", false),
            Email::concerns_shared("E06000006", "2025-26", 3),
            Email::response_received("E06000006", "Halton", "2025-26", 4),
            Email::follow_up("peer_challenge_action", 5, "Halton", due, true),
        ];
        for e in &emails {
            assert!(
                e.kind == SIGN_IN || KINDS.iter().any(|k| k.id == e.kind),
                "{}",
                e.kind
            );
            let (text, html) = e.bodies("https://scorecard.example/", "North West scorecard");
            let address = format!("https://scorecard.example{}", e.link);
            assert!(text.contains(&address), "{text}");
            assert!(html.contains(&address.replace('&', "&amp;")), "{html}");
            assert!(
                text.contains("https://scorecard.example/settings"),
                "{text}"
            );
            // Dates and period names only: no decimal figure.
            assert!(
                !e.lines.iter().any(|l| l.contains('.')
                    && l.split_whitespace().any(|w| w
                        .trim_end_matches('.')
                        .parse::<f64>()
                        .is_ok_and(|n| n.fract() != 0.0))),
                "{:?}",
                e.lines
            );
        }
        assert_eq!(
            emails[1].lines,
            ["Your council's return for 2026-27 Q1 is due in 5 days, by 15 August 2026."]
        );
        assert_eq!(
            emails[2].lines,
            [
                "Your council's return for 2026-27 Q1 was due on 15 August 2026 and has not been submitted."
            ]
        );
    }

    #[test]
    fn a_sign_in_link_is_given_whole_and_cannot_be_turned_off() {
        let e = Email::sign_in("https://s.example/sign-in/abc", "f00", 72, true);
        let (text, html) = e.bodies("https://s.example", "Scorecard");
        assert!(text.contains("https://s.example/sign-in/abc"));
        assert!(html.contains("href=\"https://s.example/sign-in/abc\""));
        assert!(!text.contains("/settings"), "always sent: no settings line");
    }

    #[test]
    fn the_html_part_escapes_what_it_shows() {
        let mut e = Email::round_opened("2026-27 Q1", NaiveDate::MIN);
        e.lines = vec!["<script>alert(1)</script>".into()];
        let (_, html) = e.bodies("https://s.example", "A & B");
        assert!(
            !html.contains("<script>") && html.contains("script&#62;"),
            "{html}"
        );
        assert!(html.contains("A &#38; B"), "{html}");
    }
}
