//! `/home`: where a signed-in user lands, listing what needs their attention, each item a link
//! to where it is done. The analyst's list covers every council of the region; a council
//! user's, their own council. The same list gives the header's count ("3 to do"); it is kept per
//! role and council until the data or the records change (and per day, for what falls due).

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{NaiveDate, Utc};

use super::layout::Layout;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::{cycle, home, periods, publications};
use crate::domain::access::{Account, DataView, Role};
use crate::domain::round::ReturnStatus;
use crate::domain::todo::{Todo, in_window, ordered};
use crate::domain::{Period, long_date};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/home", get(show))
}

/// How far ahead a due date makes an item (a return, an action, a self-assessment).
const AHEAD_DAYS: i64 = 14;

/// Whose list: the analyst's (every council) or a council's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Whose {
    Analyst,
    Council(String),
}

impl Whose {
    pub(super) fn of(account: &Account) -> Option<Whose> {
        match (account.role, &account.council) {
            (Role::Analyst, _) => Some(Whose::Analyst),
            (Role::Council, Some(c)) => Some(Whose::Council(c.clone())),
            _ => None,
        }
    }

    fn council(&self) -> Option<&str> {
        match self {
            Whose::Analyst => None,
            Whose::Council(c) => Some(c),
        }
    }
}

/// The list, kept until the data or records change (the key carries the day).
pub(super) async fn todos(state: &AppState, whose: &Whose) -> Result<Arc<Vec<Todo>>, AppError> {
    let today = Utc::now().date_naive();
    state
        .todos
        .get_or_compute(state, (whose.clone(), today), || {
            gather(state, whose, today)
        })
        .await
}

async fn gather(state: &AppState, whose: &Whose, today: NaiveDate) -> Result<Vec<Todo>, AppError> {
    let council = whose.council();
    let pool = &state.pool;
    let names = crate::db::queries::areas::council_names(pool).await?;
    let (submitted, rounds, commentary, shared, follow_ups, queries) = tokio::try_join!(
        async { Ok::<_, AppError>(home::submitted(pool, council).await?) },
        async { Ok(home::open_rounds(pool, &state.site.region, council).await?) },
        async { Ok(home::commentary(pool, council).await?) },
        async { Ok(home::shared(pool, council).await?) },
        async { Ok(cycle::follow_ups(pool, council).await?) },
        data_queries(state, council, &names),
    )?;
    let mut items = Vec::new();
    items.extend(queries);
    items.extend(follow_ups.into_iter().filter_map(|f| {
        (f.done_on.is_none() && in_window(f.due_on, today, AHEAD_DAYS)).then(|| Todo {
            kind: if f.kind == "action" {
                "Peer challenge action"
            } else {
                "Support agreed"
            },
            text: format!(
                "{}: {} (owner: {})",
                names.get(&f.ons_code).unwrap_or(&f.ons_code),
                f.what,
                f.owner
            ),
            href: "/risk/follow-ups".into(),
            due: Some(f.due_on),
            at: None,
        })
    }));
    match whose {
        Whose::Analyst => {
            items.extend(analyst_items(
                submitted,
                &rounds,
                &commentary,
                &shared,
                today,
            ));
            items.extend(analyst_records(state, today).await?);
        }
        Whose::Council(code) => {
            items.extend(council_items(code, &rounds, &commentary, &shared));
            let accepted = home::accepted_unpublished(pool, code).await?;
            items.extend(next_publication(code, &accepted, &commentary));
        }
    }
    Ok(ordered(items, today))
}

/// Data-quality queries not yet cleared, in the latest period with data, one item per council.
async fn data_queries(
    state: &AppState,
    council: Option<&str>,
    names: &std::collections::HashMap<String, String>,
) -> Result<Vec<Todo>, AppError> {
    let Some(period) = periods::with_data(&state.pool, DataView::Internal)
        .await?
        .last()
        .copied()
    else {
        return Ok(Vec::new());
    };
    let signal = super::concerns::signal(state, period, None).await?;
    let mut open: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for q in signal.queries.iter().filter(|q| q.cleared.is_none()) {
        if council.is_none_or(|c| c == q.query.council) {
            *open.entry(q.query.council.as_str()).or_default() += 1;
        }
    }
    Ok(open
        .into_iter()
        .map(|(code, n)| Todo {
            kind: "Data queries",
            text: format!(
                "{}: {n} data {} open on the {period} figures",
                names.get(code).map_or(code, String::as_str),
                if n == 1 { "query" } else { "queries" }
            ),
            href: format!("/risk/{code}?period={}#queries", period.in_url()),
            due: None,
            at: None,
        })
        .collect())
}

fn analyst_items(
    submitted: Vec<home::Submitted>,
    rounds: &[home::InRound],
    commentary: &[home::Commentary],
    shared: &[home::Shared],
    today: NaiveDate,
) -> Vec<Todo> {
    let mut items: Vec<Todo> = submitted
        .into_iter()
        .map(|s| Todo {
            kind: "Return waiting for a decision",
            text: format!("{}: return for {} submitted", s.name, s.period_code),
            href: format!("/returns/{}", s.id),
            due: None,
            at: Some(s.submitted_at),
        })
        .collect();
    let mut late: std::collections::BTreeMap<(Period, NaiveDate), Vec<&str>> =
        std::collections::BTreeMap::new();
    for r in rounds {
        if r.status().late(r.due_on, today) {
            late.entry((r.period, r.due_on)).or_default().push(&r.name);
        }
    }
    items.extend(late.into_iter().map(|((period, due), names)| Todo {
        kind: "Councils late for a round",
        text: format!(
            "{} {} late with the {period} return: {}",
            names.len(),
            if names.len() == 1 {
                "council is"
            } else {
                "councils are"
            },
            names.join(", ")
        ),
        href: format!("/rounds/{}", period.in_url()),
        due: Some(due),
        at: None,
    }));
    items.extend(
        commentary
            .iter()
            .filter(|c| c.status == "submitted")
            .map(|c| Todo {
                kind: "Commentary submitted for publication",
                text: format!(
                    "{}: commentary on {} for {}, published with the year's next publication",
                    c.name, c.domain, c.period_code
                ),
                href: format!(
                    "/authorities/{}/commentary?period={}",
                    c.ons_code, c.period_code
                ),
                due: None,
                at: Some(c.created_at),
            }),
    );
    items.extend(shared.iter().filter(|s| s.answered()).map(|s| Todo {
        kind: "Concerns answered",
        text: format!(
            "{} responded to the concerns shared for {}: record the discussion",
            s.name, s.year
        ),
        href: format!("/risk/{}?period={}", s.ons_code, s.year),
        due: None,
        at: s.responded_at,
    }));
    items
}

/// What changed since each period's publication, and the year's thematic self-assessments.
async fn analyst_records(state: &AppState, today: NaiveDate) -> Result<Vec<Todo>, AppError> {
    let year = Period::year_of(today);
    let (states, themes, members) = tokio::try_join!(
        publications::states(&state.pool),
        cycle::themes(&state.pool, year),
        crate::db::queries::areas::members_during(&state.pool, &state.site.region, year),
    )?;
    let mut items: Vec<Todo> = states
        .into_iter()
        .filter(|s| s.changed_since)
        .map(|s| Todo {
            kind: "Not yet public",
            text: match s.published_at {
                Some(at) => format!(
                    "{}: values or commentary have changed since it was published on {}; publish it again to show them",
                    s.period,
                    long_date(at.date_naive())
                ),
                None => format!("{}: has data that has never been published", s.period),
            },
            href: "/publication".into(),
            due: None,
            at: s.published_at,
        })
        .collect();
    items.extend(themes.into_iter().filter_map(|t| {
        let missing = members
            .iter()
            .filter(|m| !t.councils.contains(&m.ons_code))
            .count();
        (missing > 0 && t.due_on.is_none_or(|d| in_window(d, today, AHEAD_DAYS))).then(|| Todo {
            kind: "Thematic self-assessments",
            text: format!(
                "{}: {} of {} councils have self-assessed; {missing} missing",
                t.title,
                t.councils.len(),
                members.len()
            ),
            href: format!("/risk/themes?period={year}"),
            due: t.due_on,
            at: None,
        })
    }));
    Ok(items)
}

fn council_items(
    code: &str,
    rounds: &[home::InRound],
    commentary: &[home::Commentary],
    shared: &[home::Shared],
) -> Vec<Todo> {
    let mut items: Vec<Todo> = rounds
        .iter()
        .filter_map(|r| {
            let status = r.status();
            (status != ReturnStatus::Accepted).then(|| Todo {
                kind: "Your return",
                text: format!("Return for {}: {}", r.period, status.words()),
                href: r
                    .upload
                    .map_or_else(|| "/returns".into(), |id| format!("/returns/{id}")),
                // Once submitted, nothing is due from the council: the analyst decides.
                due: status.owed().then_some(r.due_on),
                at: None,
            })
        })
        .collect();
    items.extend(
        commentary
            .iter()
            .filter(|c| c.status == "draft")
            .map(|c| Todo {
                kind: "Commentary draft",
                text: format!(
                    "Your draft commentary on {} for {} is not yet submitted",
                    c.domain, c.period_code
                ),
                href: format!("/authorities/{code}/commentary?period={}", c.period_code),
                due: None,
                at: Some(c.created_at),
            }),
    );
    items.extend(shared.iter().filter(|s| !s.answered()).map(|s| Todo {
        kind: "Concerns shared with you",
        text: format!(
            "The analyst has shared concerns about {}: your response is awaited",
            s.year
        ),
        href: format!("/risk/{code}?period={}#response", s.year),
        due: None,
        at: s.shared_at,
    }));
    items
}

/// What the council's public page gains at the next publication: accepted returns not yet
/// published, and commentary submitted.
fn next_publication(code: &str, accepted: &[String], commentary: &[home::Commentary]) -> Vec<Todo> {
    let submitted: Vec<String> = commentary
        .iter()
        .filter(|c| c.status == "submitted")
        .map(|c| format!("commentary on {} for {}", c.domain, c.period_code))
        .collect();
    let returns = accepted
        .iter()
        .map(|p| format!("the accepted return for {p}"));
    let coming: Vec<String> = returns.chain(submitted).collect();
    if coming.is_empty() {
        return Vec::new();
    }
    vec![Todo {
        kind: "At the next publication",
        text: format!(
            "Your public page will show {} when the analyst next publishes",
            coming.join(", ")
        ),
        href: format!("/authorities/{code}"),
        due: None,
        at: None,
    }]
}

/// One item as the page shows it.
struct Row {
    kind: &'static str,
    text: String,
    href: String,
    due: String,
    overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/show.html")]
struct HomePage {
    layout: Layout,
    rows: Vec<Row>,
    analyst: bool,
}

async fn show(State(state): State<AppState>, visitor: Visitor) -> Result<HomePage, AppError> {
    let account = visitor.viewer.account().ok_or(AppError::SignIn)?;
    let today = Utc::now().date_naive();
    let rows = match Whose::of(account) {
        Some(whose) => todos(&state, &whose)
            .await?
            .iter()
            .map(|t| Row {
                kind: t.kind,
                text: t.text.clone(),
                href: t.href.clone(),
                due: t.due_words(today),
                overdue: t.overdue(today),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(HomePage {
        layout: Layout::new(&state, &visitor, "What needs your attention".into()).await?,
        rows,
        analyst: account.role == Role::Analyst,
    })
}
