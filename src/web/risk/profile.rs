//! `/risk/{code}`: a council's risk profile.

use super::*;
use crate::risk::evidence::{EvidenceRow, evidence_rows};

/// An assessment entry as shown.
pub(super) struct EntryRow {
    pub kind: String,
    pub domain: String,
    pub level: String,
    pub body: String,
    pub details: String,
    pub by: String,
    pub at: String,
}

/// A graded concern as the profile shows it.
pub(super) struct GradedRow {
    pub grade: &'static str,
    pub css: &'static str,
    pub measure: (String, String),
    pub reasons: String,
    pub years: u8,
    pub regional: bool,
    pub rule: String,
    /// The council's responses linked to it: "explained"; none: "unexplained".
    pub responses: Vec<String>,
    /// What the importer warned about the value when it was loaded.
    pub warning: Option<String>,
}

/// A data-quality query as the profile shows it.
pub(super) struct QueryRow {
    pub measure: (String, String),
    pub period: String,
    pub rule: String,
    pub reason: String,
    /// Who cleared it, when and why.
    pub cleared: Option<String>,
    /// What the importer warned about the value when it was loaded.
    pub warning: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/profile.html")]
pub(super) struct ProfilePage {
    layout: Layout,
    score: f64,
    /// The scoring in words.
    scoring: String,
    graded: Vec<GradedRow>,
    queries: Vec<QueryRow>,
    not_evaluated: Vec<crate::risk::coverage::NotEvaluated>,
    code: String,
    name: String,
    period: String,
    year: String,
    periods: Vec<PeriodOption>,
    analyst: bool,
    concerns: Vec<EvidenceRow>,
    excellence: Vec<EvidenceRow>,
    intelligence: Vec<Intelligence>,
    qualitative: Vec<(String, String)>,
    criteria: Vec<(i64, String, String, bool, String)>,
    status: String,
    judgements: Vec<(String, String, String)>,
    entries: Vec<EntryRow>,
    domains: Vec<(String, String)>,
    levels: Vec<(&'static str, &'static str)>,
    menu: Vec<(&'static str, &'static str, Vec<&'static str>)>,
    today: String,
    board: super::board::BoardRecords,
}

/// The council's graded concerns, highest grade then heaviest measure first.
fn graded_rows(signal: &crate::web::concerns::Signal, council: &str) -> Vec<GradedRow> {
    let catalogue = &signal.catalogue;
    let mut graded: Vec<(crate::risk::concerns::Grade, i16, GradedRow)> = signal
        .concerns
        .iter()
        .filter(|c| c.council == council)
        .map(|c| {
            let weight = catalogue
                .iter()
                .find(|m| m.code == c.measure)
                .map_or(0, |m| m.strategic_weight);
            (
                c.grade,
                weight,
                GradedRow {
                    grade: c.grade.label(),
                    css: match c.grade {
                        crate::risk::concerns::Grade::High => "grade--high",
                        crate::risk::concerns::Grade::Medium => "grade--medium",
                        crate::risk::concerns::Grade::Low => "grade--low",
                    },
                    measure: title_of(catalogue, &c.measure),
                    reasons: c.reasons.join(", "),
                    years: c.years,
                    regional: c.regional,
                    rule: c.rule.clone(),
                    warning: signal.warning(&c.council, &c.measure).map(str::to_string),
                    responses: signal
                        .responses_to(c)
                        .map(|r| {
                            format!(
                                "{} ({}, {})",
                                r.body,
                                r.recorded_by,
                                r.recorded_at.format("%-d %B %Y")
                            )
                        })
                        .collect(),
                },
            )
        })
        .collect();
    graded.sort_by(|(ga, wa, a), (gb, wb, b)| {
        gb.cmp(ga)
            .then_with(|| wb.cmp(wa))
            .then_with(|| a.measure.0.cmp(&b.measure.0))
    });
    graded.into_iter().map(|(_, _, g)| g).collect()
}

/// The council's data-quality queries, with their clearings.
fn query_rows(signal: &crate::web::concerns::Signal, council: &str) -> Vec<QueryRow> {
    signal
        .queries
        .iter()
        .filter(|q| q.query.council == council)
        .map(|q| QueryRow {
            measure: title_of(&signal.catalogue, &q.query.measure),
            period: q.query.period.to_string(),
            rule: q.query.rule.to_string(),
            reason: q.query.reason.clone(),
            warning: signal
                .warning(&q.query.council, &q.query.measure)
                .map(str::to_string),
            cleared: q.cleared.as_ref().map(|c| {
                format!(
                    "Cleared by {} on {}: {}",
                    c.cleared_by,
                    c.cleared_at.format("%-d %B %Y"),
                    c.note
                )
            }),
        })
        .collect()
}

/// The year's thematic criteria with the council's latest level on each:
/// (id, theme, criterion, key, level).
async fn criteria_rows(
    state: &AppState,
    council: &str,
    year: Period,
) -> Result<Vec<(i64, String, String, bool, String)>, AppError> {
    let assessed = risk::self_assessed(&state.pool, year).await?;
    Ok(risk::criteria(&state.pool, year)
        .await?
        .into_iter()
        .map(|c| {
            let level = assessed
                .iter()
                .find(|a| a.council == council && a.criterion == c.title && a.theme == c.theme)
                .map_or_else(|| "Not assessed".to_string(), |a| a.level.to_string());
            (c.id, c.theme, c.title, c.key, level)
        })
        .collect())
}

/// The latest judgement of each domain: (domain, level in words, the judgement's text).
fn judgement_rows(
    domains: &[(String, String)],
    entries: &[crate::db::queries::risk::Entry],
) -> Vec<(String, String, String)> {
    domains
        .iter()
        .map(|(slug, name)| {
            let latest = entries
                .iter()
                .rev()
                .find(|e| e.kind == "judgement" && e.domain_slug.as_deref() == Some(slug));
            let level = latest
                .and_then(|e| e.level.as_deref())
                .map_or("Not judged", support::level_label);
            // A judgement made before the concerns were shared is provisional.
            let provisional = latest.is_some_and(|e| e.details["provisional"] == true);
            (
                name.clone(),
                if provisional {
                    format!("{level} (provisional)")
                } else {
                    level.to_string()
                },
                latest.map(|e| e.body.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

/// The assessment's entries as shown.
fn entry_rows(
    domains: &[(String, String)],
    entries: &[crate::db::queries::risk::Entry],
) -> Vec<EntryRow> {
    let domain_name = |slug: &Option<String>| {
        slug.as_deref()
            .and_then(|s| domains.iter().find(|(d, _)| d == s))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    entries
        .iter()
        .map(|e| EntryRow {
            kind: e.kind.clone(),
            domain: domain_name(&e.domain_slug),
            level: e
                .level
                .as_deref()
                .map(support::level_label)
                .unwrap_or_default()
                .to_string(),
            body: e.body.clone(),
            details: match &e.details {
                serde_json::Value::Object(o) if !o.is_empty() => o
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{k}: {}",
                            v.as_str().map_or_else(|| v.to_string(), str::to_string)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            },
            by: e.recorded_by.clone(),
            at: e.recorded_at.format("%-d %B %Y %H:%M").to_string(),
        })
        .collect()
}

pub(super) async fn profile(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Params(q): Params<PeriodQuery>,
) -> Result<ProfilePage, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let analyst = visitor.viewer.can_manage_data();
    let (period, periods) = choose_period(&state.pool, DataView::Internal, &q).await?;
    let year = period.financial_year();
    let signal = crate::web::concerns::signal(&state, period, Some(&authority.ons_code)).await?;
    let evaluations: Vec<Evaluation> = signal
        .evaluations
        .iter()
        .filter(|e| e.council == authority.ons_code)
        .cloned()
        .collect();
    let intelligence =
        risk::intelligence(&state.pool, Some(&authority.ons_code), year, analyst).await?;
    let criteria = criteria_rows(&state, &authority.ons_code, year).await?;
    // The council sees its assessment once the analyst has shared the concerns.
    let assessment = risk::assessment(&state.pool, &authority.ons_code, year)
        .await?
        .filter(|a| analyst || a.status != crate::risk::records::AssessmentStage::Draft);
    let entries = match &assessment {
        Some(a) => risk::entries(&state.pool, a.id).await?,
        None => Vec::new(),
    };
    let domains = domains::all(&state.pool).await?;
    let (defs, catalogue) = (&signal.defs, &signal.catalogue);
    Ok(ProfilePage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("Risk profile: {}, {period}", authority.name),
        )
        .await?,
        concerns: evidence_rows(&evaluations, defs, catalogue, false),
        excellence: evidence_rows(&evaluations, defs, catalogue, true),
        score: signal
            .scores
            .get(&authority.ons_code)
            .copied()
            .unwrap_or_default(),
        scoring: signal.scoring.explained(),
        graded: graded_rows(&signal, &authority.ons_code),
        queries: query_rows(&signal, &authority.ons_code),
        not_evaluated: signal
            .not_evaluated
            .get(&authority.ons_code)
            .cloned()
            .unwrap_or_default(),
        qualitative: defs
            .iter()
            .filter(|t| t.kind == "qualitative")
            .map(|t| (t.id.clone(), format!("{}: {}", t.heading_name, t.title)))
            .collect(),
        code: authority.ons_code,
        name: authority.name,
        period: period.to_string(),
        year: year.to_string(),
        periods,
        analyst,
        intelligence,
        criteria,
        status: status_text(assessment.as_ref()),
        judgements: judgement_rows(&domains, &entries),
        entries: entry_rows(&domains, &entries),
        domains,
        levels: LEVELS.to_vec(),
        menu: MENU.iter().map(|(t, l, o)| (*t, *l, o.to_vec())).collect(),
        today: Utc::now().date_naive().to_string(),
        board: super::board::records(&state, code.as_str(), year).await?,
    })
}

/// The assessment's status as the page says it ("final, revision 2").
fn status_text(assessment: Option<&crate::db::queries::risk::Assessment>) -> String {
    assessment.map_or_else(
        || "not started".to_string(),
        |a| match a.revision {
            1 => a.status.to_string(),
            n => format!("{}, revision {n}", a.status),
        },
    )
}
