//! The year of the improvement cycle (analyst): `/risk/cycle?year=Y` the timetable with what is
//! overdue and the review window (editable); `/risk/follow-ups` every agreed support and peer
//! challenge action with its due date, overdue first (a council sees its own).

use super::*;
use crate::db::queries::cycle;
use crate::domain::long_date;
use crate::risk::cycle::{self as rules, Milestone, Theme, Year, follow_up_order};

/// `?year=` (a financial year; this year by default); public pages take it as `?period=`, the
/// parameter every public page reads.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct YearQuery {
    pub year: Option<String>,
    pub period: Option<String>,
}

/// The year asked for, or the financial year of today.
pub(super) fn asked_year(q: &YearQuery) -> Result<Period, AppError> {
    let asked = q.year.as_deref().or(q.period.as_deref());
    match asked.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => year_of(y),
        None => Ok(Period::year_of(Utc::now().date_naive())),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/cycle.html")]
pub(super) struct CyclePage {
    layout: Layout,
    year: String,
    timetable: Vec<Milestone>,
    themes: Vec<String>,
    grid: Vec<(String, Vec<bool>)>,
    opens: String,
    closes: String,
    requests: Vec<(String, String, String, String)>,
    /// The years to choose from, newest first.
    years: Vec<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<YearQuery>,
) -> Result<CyclePage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the year's cycle")?;
    let year = asked_year(&q)?;
    let councils = areas::members_during(&state.pool, &state.site.region, year).await?;
    let window = cycle::window(&state.pool, year)
        .await?
        .unwrap_or_else(|| rules::default_window(year));
    let themes = cycle::themes(&state.pool, year).await?;
    let statuses = risk::assessment_statuses(&state.pool, year).await?;
    let issued = cycle::reports(&state.pool, year).await?;
    let names: HashMap<String, String> = councils
        .iter()
        .map(|a| (a.ons_code.clone(), a.name.clone()))
        .collect();
    let the_year = Year {
        year,
        today: Utc::now().date_naive(),
        councils: councils
            .iter()
            .map(|a| (a.ons_code.clone(), a.name.clone()))
            .collect(),
        themes: themes
            .iter()
            .map(|t| Theme {
                title: t.title.clone(),
                opened_on: t.opened_on,
                due_on: t.due_on,
                councils: t.councils.iter().cloned().collect(),
            })
            .collect(),
        window,
        statuses: statuses
            .into_iter()
            .map(|s| (s.council, s.status))
            .collect(),
        report_issued: issued.first().map(|r| r.issued_at.date_naive()),
    };
    let requests = cycle::requests(&state.pool, year, None)
        .await?
        .into_iter()
        .map(|r| {
            (
                names.get(&r.ons_code).cloned().unwrap_or(r.ons_code),
                format!("{}: {}", support::tier_label(&r.tier), r.offer),
                r.reason,
                long_date(r.requested_at.date_naive()),
            )
        })
        .collect();
    Ok(CyclePage {
        layout: Layout::new(&state, &visitor, format!("The improvement cycle, {year}")).await?,
        year: year.to_string(),
        years: Period::years_from(2014, Utc::now().date_naive())
            .iter()
            .map(ToString::to_string)
            .collect(),
        timetable: the_year.timetable(),
        themes: themes.iter().map(|t| t.title.clone()).collect(),
        grid: the_year.self_assessments(),
        opens: window.0.to_string(),
        closes: window.1.to_string(),
        requests,
    })
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct WindowForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
}

pub(super) async fn set_window(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<WindowForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the year's cycle")?;
    let year = year_of(&f.year)?;
    let opens = iso_date(&f.opens, "opens")?;
    let closes = iso_date(&f.closes, "closes")?;
    if closes < opens {
        return Err(AppError::bad_request(
            "closes",
            "the window closes on or after it opens",
        ));
    }
    let mut tx = state.pool.begin().await?;
    cycle::set_window(&mut tx, year, opens, closes, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/risk/cycle?year={year}")))
}

/// A follow-up as listed.
pub(super) struct FollowUpRow {
    pub council: String,
    pub code: String,
    pub kind: &'static str,
    pub what: String,
    pub owner: String,
    pub due: String,
    pub state: String,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/follow_ups.html")]
pub(super) struct FollowUpsPage {
    layout: Layout,
    rows: Vec<FollowUpRow>,
}

pub(super) async fn follow_ups(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<FollowUpsPage, AppError> {
    // The analyst sees every council's; a council user its own.
    let own = visitor.viewer.council().map(str::to_string);
    visitor.require(
        visitor.viewer.can_manage_data() || own.is_some(),
        "the follow-ups",
    )?;
    let council = if visitor.viewer.can_manage_data() {
        None
    } else {
        own
    };
    let today = Utc::now().date_naive();
    let mut items = cycle::follow_ups(&state.pool, council.as_deref()).await?;
    items.sort_by_key(|f| (follow_up_order(f.due_on, f.done_on, today), f.id));
    let names = areas::council_names(&state.pool).await?;
    let rows = items
        .into_iter()
        .map(|f| {
            let overdue = follow_up_order(f.due_on, f.done_on, today).0 == 0;
            FollowUpRow {
                council: names.get(&f.ons_code).cloned().unwrap_or_default(),
                kind: if f.kind == "action" {
                    "Peer challenge action"
                } else {
                    "Support agreed"
                },
                what: f.what,
                owner: f.owner,
                due: long_date(f.due_on),
                state: match f.done_on {
                    Some(d) => format!("done {}", long_date(d)),
                    None if overdue => "overdue".into(),
                    None => "open".into(),
                },
                overdue,
                code: f.ons_code,
            }
        })
        .collect();
    Ok(FollowUpsPage {
        layout: Layout::new(&state, &visitor, "Follow-ups".into()).await?,
        rows,
    })
}
