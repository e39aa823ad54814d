//! Risk (analyst, and a council's own users for its profile; never public):
//! `/risk` the regional matrix of councils × the six domains and the four headings, with fired
//! triggers, intelligence, excellence and the current judgement, and what changed since the
//! previous period; `/risk/{code}` a council's profile: the evidence, intelligence, thematic
//! self-assessment, and the annual assessment from draft to final view with support agreed;
//! `/risk/themes` the thematic reviews and their strengths report; `/risk/triggers` the
//! catalogue, editable.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{NaiveDate, Utc};

use super::cache::analysed_for;
use super::layout::Params;
use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::session::Visitor;
use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::db::queries::risk::{self, Intelligence, NewEntry, NewIntelligence, Trigger};
use crate::db::queries::{areas, domains, measures};
use crate::domain::account::DataView;
use crate::domain::support::{self, LEVELS, MENU};
use crate::domain::{Measure, OnsCode, Period};
use crate::risk::triggers::{self, Evaluation, PeriodData};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/risk", get(matrix))
        .route("/risk/themes", get(themes).post(add_theme))
        .route("/risk/triggers", get(catalogue))
        .route("/risk/triggers/{id}", post(edit_trigger))
        .route("/risk/{code}", get(profile))
        .route("/risk/{code}/intelligence", post(add_intelligence))
        .route("/risk/{code}/assessment", post(assess))
        .route("/risk/{code}/self-assessment", post(self_assess))
}

/// Every trigger evaluated for `councils` at `period`, from the internal values (never
/// published data alone: the analyst sees what is accepted).
pub async fn evaluate(
    state: &AppState,
    period: Period,
    councils: &[String],
    outside: Option<&str>,
) -> Result<(Vec<Evaluation>, Vec<Trigger>, Vec<Measure>), AppError> {
    let view = DataView::Internal;
    let strict = analysed_for(
        state,
        view,
        period,
        ComparatorKind::England,
        Level::P998,
        outside,
    )
    .await?;
    let loose = analysed_for(
        state,
        view,
        period,
        ComparatorKind::England,
        Level::P95,
        outside,
    )
    .await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let defs = risk::triggers(&state.pool).await?;
    let today = Utc::now().date_naive();
    let rounds = risk::round_states(&state.pool, &state.site.region, period, today).await?;
    let assessed = risk::self_assessed(&state.pool, period.financial_year()).await?;
    let params = risk::params_of(&defs)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the stored trigger parameters: {e}")))?;
    let councils = councils.to_vec();
    // The rules are CPU work over every council and measure: off the async workers.
    let (evaluations, catalogue) = tokio::task::spawn_blocking(move || {
        let data = PeriodData {
            as_at: period,
            catalogue: &catalogue,
            inputs: &strict.inputs,
            strict: &strict.analysed,
            loose: &loose.analysed,
            rounds: &rounds,
            self_assessed: &assessed,
        };
        let evaluations = triggers::evaluate(&data, &councils, &params);
        (evaluations, catalogue)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((evaluations, defs, catalogue))
}

/// The domains a fired trigger speaks to: its measure's domain, else the trigger's own.
fn domains_of<'a>(
    e: &'a Evaluation,
    defs: &'a HashMap<&str, &Trigger>,
    measures: &'a HashMap<&str, &Measure>,
) -> Vec<&'a str> {
    match e.measure.as_deref().and_then(|m| measures.get(m)) {
        Some(m) => vec![m.domain_slug.as_str()],
        None => defs
            .get(e.trigger)
            .map(|t| t.domains.iter().map(String::as_str).collect())
            .unwrap_or_default(),
    }
}

/// One cell of the matrix: a council in a domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// Distinct graded concerns (one per measure) in the domain, and how many of each grade.
    pub concerns: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    /// Trigger firings in the domain (a measure may fire several rules).
    pub fired: usize,
    /// No measure of the domain has a value for the council.
    pub no_data: bool,
    pub excellence: usize,
    pub intelligence: usize,
    pub judgement: Option<String>,
}

impl Cell {
    pub fn judgement_label(&self) -> &'static str {
        self.judgement.as_deref().map_or("", support::level_label)
    }
}

/// A council's findings under one heading of Table 2: trigger firings, and intelligence items
/// with how many are of high severity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadingCell {
    pub fired: usize,
    pub intelligence: usize,
    pub high: usize,
}

/// A council's row of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub code: String,
    pub name: String,
    /// Σ strategic weight × grade × years held, over the council's concerns.
    pub score: f64,
    /// Open data-quality queries.
    pub queries: usize,
    pub cells: Vec<Cell>,
    /// Fired concerns and intelligence by heading, in the headings' order.
    pub by_heading: Vec<HeadingCell>,
    /// Concerns fired now and not at the previous period, and the reverse.
    pub new: usize,
    pub cleared: usize,
    pub status: String,
}

/// What the matrix is built from.
pub struct MatrixInputs<'a> {
    pub councils: &'a [(String, String)],
    pub domains: &'a [(String, String)],
    pub headings: &'a [String],
    pub now: &'a [Evaluation],
    pub before: &'a [Evaluation],
    pub defs: &'a [Trigger],
    pub catalogue: &'a [Measure],
    pub intelligence: &'a [Intelligence],
    /// (council, assessment status, domain, level).
    pub judgements: &'a [(String, String, String, String)],
    /// (council, status) of each assessment of the year, judged or not.
    pub assessments: &'a [(String, String)],
    pub concerns: &'a [crate::risk::concerns::Concern],
    pub scores: &'a HashMap<String, f64>,
    /// Open queries per council.
    pub queries: &'a HashMap<String, usize>,
    /// (council, domain) pairs with at least one value.
    pub with_data: &'a BTreeSet<(String, String)>,
}

/// The regional matrix, highest score first: for each council, per domain its graded concerns
/// (by grade), trigger firings, excellence flags, intelligence items and the current judgement;
/// concerns per heading; open queries; and the change since the previous period. Pure.
pub fn build_matrix(m: &MatrixInputs<'_>) -> Vec<MatrixRow> {
    let defs: HashMap<&str, &Trigger> = m.defs.iter().map(|t| (t.id.as_str(), t)).collect();
    let measures: HashMap<&str, &Measure> =
        m.catalogue.iter().map(|x| (x.code.as_str(), x)).collect();
    let fired = |list: &[Evaluation], council: &str| -> BTreeSet<(String, Option<String>)> {
        list.iter()
            .filter(|e| e.council == council && e.fired && !e.excellence)
            .map(|e| (e.trigger.to_string(), e.measure.clone()))
            .collect()
    };
    let mut rows = m
        .councils
        .iter()
        .map(|(code, name)| {
            let mut cells: Vec<Cell> = m
                .domains
                .iter()
                .map(|(slug, _)| Cell {
                    no_data: !m.with_data.contains(&(code.clone(), slug.clone())),
                    ..Cell::default()
                })
                .collect();
            let mut by_heading = vec![HeadingCell::default(); m.headings.len()];
            let at = |slug: &str| m.domains.iter().position(|(d, _)| d == slug);
            for e in m.now.iter().filter(|e| e.council == *code && e.fired) {
                for d in domains_of(e, &defs, &measures) {
                    if let Some(i) = at(d) {
                        if e.excellence {
                            cells[i].excellence += 1;
                        } else {
                            cells[i].fired += 1;
                        }
                    }
                }
                if !e.excellence
                    && let Some(h) = defs
                        .get(e.trigger)
                        .and_then(|t| m.headings.iter().position(|h| *h == t.heading))
                {
                    by_heading[h].fired += 1;
                }
            }
            for item in m.intelligence.iter().filter(|i| i.ons_code == *code) {
                if let Some(h) = defs
                    .get(item.trigger_id.as_str())
                    .and_then(|t| m.headings.iter().position(|h| *h == t.heading))
                {
                    by_heading[h].intelligence += 1;
                    by_heading[h].high += usize::from(item.severity == "high");
                }
                for d in defs
                    .get(item.trigger_id.as_str())
                    .map(|t| t.domains.clone())
                    .unwrap_or_default()
                {
                    if let Some(i) = at(&d) {
                        cells[i].intelligence += 1;
                    }
                }
            }
            for c in m.concerns.iter().filter(|c| c.council == *code) {
                if let Some(i) = measures
                    .get(c.measure.as_str())
                    .and_then(|x| at(&x.domain_slug))
                {
                    cells[i].concerns += 1;
                    match c.grade {
                        crate::risk::concerns::Grade::High => cells[i].high += 1,
                        crate::risk::concerns::Grade::Medium => cells[i].medium += 1,
                        crate::risk::concerns::Grade::Low => cells[i].low += 1,
                    }
                }
            }
            // The status is the assessment's own, whether or not a domain is judged yet.
            let status = m
                .assessments
                .iter()
                .find(|(council, _)| council == code)
                .map_or_else(|| "No assessment".to_string(), |(_, s)| s.clone());
            for (council, _, domain, level) in m.judgements {
                if council == code
                    && let Some(i) = at(domain)
                {
                    cells[i].judgement = Some(level.clone());
                }
            }
            let (now, before) = (fired(m.now, code), fired(m.before, code));
            MatrixRow {
                code: code.clone(),
                name: name.clone(),
                score: m.scores.get(code).copied().unwrap_or_default(),
                queries: m.queries.get(code).copied().unwrap_or_default(),
                cells,
                by_heading,
                new: now.difference(&before).count(),
                cleared: before.difference(&now).count(),
                status,
            }
        })
        .collect::<Vec<_>>();
    // Highest score first; equal scores by name.
    rows.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/matrix.html")]
struct MatrixPage {
    layout: Layout,
    period: String,
    previous: String,
    periods: Vec<PeriodOption>,
    domains: Vec<(String, String)>,
    heading_names: Vec<String>,
    rows: Vec<MatrixRow>,
    /// Patterns most of the region shares: (measure code, measure, trigger, councils, of).
    regional: Vec<(String, String, String, usize, usize)>,
}

async fn matrix(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<PeriodQuery>,
) -> Result<MatrixPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the risk matrix")?;
    let (period, periods) = choose_period(&state.pool, DataView::Internal, &q).await?;
    let previous = period.previous();
    let members = areas::members_during(&state.pool, &state.site.region, period).await?;
    let codes: Vec<String> = members.iter().map(|a| a.ons_code.clone()).collect();
    let signal = super::concerns::signal(&state, period, None).await?;
    let (now, defs, catalogue) = (
        signal.evaluations.clone(),
        signal.defs.clone(),
        signal.catalogue.clone(),
    );
    let analysis = analysed_for(
        &state,
        DataView::Internal,
        period,
        ComparatorKind::England,
        Level::P95,
        None,
    )
    .await?;
    let domain_of: HashMap<&str, &str> = catalogue
        .iter()
        .map(|m| (m.code.as_str(), m.domain_slug.as_str()))
        .collect();
    let with_data: BTreeSet<(String, String)> = analysis
        .analysed
        .iter()
        .filter_map(|a| Some((a, *domain_of.get(a.measure.as_str())?)))
        .flat_map(|(a, domain)| {
            a.analysis
                .councils
                .iter()
                .filter(|c| c.value.is_some())
                .map(move |c| (c.code.clone(), domain.to_string()))
        })
        .collect();
    let mut queries: HashMap<String, usize> = HashMap::new();
    for q in signal.queries.iter().filter(|q| q.cleared.is_none()) {
        *queries.entry(q.query.council.clone()).or_default() += 1;
    }
    let available = crate::db::queries::periods::with_data(&state.pool, DataView::Internal).await?;
    let before = if available.contains(&previous) {
        evaluate(&state, previous, &codes, None).await?.0
    } else {
        Vec::new()
    };
    let domains = domains::all(&state.pool).await?;
    let mut headings: Vec<(String, String)> = Vec::new();
    for t in &defs {
        if !headings.iter().any(|(h, _)| *h == t.heading) {
            headings.push((t.heading.clone(), t.heading_name.clone()));
        }
    }
    let intelligence = risk::intelligence(&state.pool, None, period.financial_year(), true).await?;
    let judgements = risk::judgements(&state.pool, period.financial_year()).await?;
    let assessments = risk::assessment_statuses(&state.pool, period.financial_year()).await?;
    let councils: Vec<(String, String)> =
        members.into_iter().map(|a| (a.ons_code, a.name)).collect();
    let heading_slugs: Vec<String> = headings.iter().map(|(h, _)| h.clone()).collect();
    let rows = build_matrix(&MatrixInputs {
        councils: &councils,
        domains: &domains,
        headings: &heading_slugs,
        now: &now,
        before: &before,
        defs: &defs,
        catalogue: &catalogue,
        intelligence: &intelligence,
        judgements: &judgements,
        assessments: &assessments,
        concerns: &signal.concerns,
        scores: &signal.scores,
        queries: &queries,
        with_data: &with_data,
    });
    Ok(MatrixPage {
        layout: Layout::new(&state, &visitor, format!("Risk matrix, {period}")).await?,
        period: period.to_string(),
        previous: previous.to_string(),
        periods,
        domains,
        heading_names: headings.into_iter().map(|(_, n)| n).collect(),
        regional: signal
            .regional
            .iter()
            .map(|r| {
                let title = catalogue.iter().find(|m| m.code == r.measure).map_or_else(
                    || r.measure.clone(),
                    |m| format!("{} {}", m.display_code, m.title),
                );
                (
                    r.measure.clone(),
                    title,
                    r.trigger.clone(),
                    r.councils,
                    r.of,
                )
            })
            .collect(),
        rows,
    })
}

/// A fired trigger on the profile, with its evidence in words.
pub struct EvidenceRow {
    pub trigger: String,
    pub title: String,
    pub heading: String,
    pub measure: Option<(String, String)>,
    pub weight: i16,
    pub text: String,
    pub rule: String,
}

/// The profile's evidence: fired concerns and excellence, heaviest measures first. Pure.
pub fn evidence_rows(
    evaluations: &[Evaluation],
    defs: &[Trigger],
    catalogue: &[Measure],
    excellence: bool,
) -> Vec<EvidenceRow> {
    let defs: HashMap<&str, &Trigger> = defs.iter().map(|t| (t.id.as_str(), t)).collect();
    let measures: HashMap<&str, &Measure> =
        catalogue.iter().map(|m| (m.code.as_str(), m)).collect();
    let mut rows: Vec<EvidenceRow> = evaluations
        .iter()
        .filter(|e| e.fired && e.excellence == excellence)
        .map(|e| {
            let def = defs.get(e.trigger);
            let m = e.measure.as_deref().and_then(|c| measures.get(c));
            let show = |v: f64| m.map_or_else(|| format!("{v:.1}"), |m| m.format_f64(v));
            let ev = &e.evidence;
            let mut parts = Vec::new();
            if let Some(p) = &ev.period {
                parts.push(p.clone());
            }
            if let Some(v) = ev.value {
                parts.push(format!("value {}", show(v)));
            }
            if let Some(b) = ev.benchmark {
                parts.push(format!("England {}", show(b)));
            }
            if let (Some((low, high)), Some(level)) = (ev.interval, &ev.level) {
                parts.push(format!("{level} {} to {}", show(low), show(high)));
            }
            if let Some(q) = ev.quartile {
                parts.push(format!("quartile {q}"));
            }
            if let (Some(prev), Some(change)) = (ev.previous, ev.change_percent) {
                parts.push(format!("previous {} ({change:+.1}%)", show(prev)));
            }
            if let Some(r) = ev.region_change_percent {
                parts.push(format!("region {r:+.1}%"));
            }
            EvidenceRow {
                trigger: e.trigger.to_string(),
                title: def.map_or_else(|| e.trigger.to_string(), |t| t.title.clone()),
                heading: def.map_or_else(String::new, |t| t.heading_name.clone()),
                measure: m.map(|m| (m.code.clone(), format!("{} {}", m.display_code, m.title))),
                weight: m.map_or(0, |m| m.strategic_weight),
                text: parts.join("; "),
                rule: ev.rule.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then_with(|| a.trigger.cmp(&b.trigger))
    });
    rows
}

/// An assessment entry as shown.
pub struct EntryRow {
    pub kind: String,
    pub domain: String,
    pub level: String,
    pub body: String,
    pub details: String,
    pub by: String,
    pub at: String,
}

/// A graded concern as the profile shows it.
pub struct GradedRow {
    pub grade: &'static str,
    pub css: &'static str,
    pub measure: (String, String),
    pub reasons: String,
    pub years: u8,
    pub regional: bool,
    pub rule: String,
}

/// A data-quality query as the profile shows it.
pub struct QueryRow {
    pub measure: (String, String),
    pub period: String,
    pub rule: String,
    pub reason: String,
    /// Who cleared it, when and why.
    pub cleared: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/profile.html")]
struct ProfilePage {
    layout: Layout,
    score: f64,
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
}

/// The council whose risk profile the visitor may see: the analyst any, a council user their own.
async fn council_of(
    state: &AppState,
    visitor: &Visitor,
    code: &str,
) -> Result<crate::domain::Authority, AppError> {
    let not_found = || AppError::NotFound(format!("a risk profile for {code}"));
    let ons: OnsCode = code.parse().map_err(|_| not_found())?;
    visitor.require(
        visitor.viewer.can_see_drafts_of(ons.as_str()),
        format!("a risk profile for {code}"),
    )?;
    areas::authority(&state.pool, ons.as_str())
        .await?
        .ok_or_else(not_found)
}

async fn profile(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Params(q): Params<PeriodQuery>,
) -> Result<ProfilePage, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let analyst = visitor.viewer.can_manage_data();
    let (period, periods) = choose_period(&state.pool, DataView::Internal, &q).await?;
    let year = period.financial_year();
    let signal = super::concerns::signal(&state, period, Some(&authority.ons_code)).await?;
    let here = |c: &str| c == authority.ons_code;
    let evaluations: Vec<Evaluation> = signal
        .evaluations
        .iter()
        .filter(|e| here(&e.council))
        .cloned()
        .collect();
    let (defs, catalogue) = (&signal.defs, &signal.catalogue);
    let title_of = |code: &str| {
        catalogue.iter().find(|m| m.code == code).map_or_else(
            || (code.to_string(), code.to_string()),
            |m| (m.code.clone(), format!("{} {}", m.display_code, m.title)),
        )
    };
    let mut graded: Vec<(crate::risk::concerns::Grade, i16, GradedRow)> = signal
        .concerns
        .iter()
        .filter(|c| here(&c.council))
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
                    measure: title_of(&c.measure),
                    reasons: c.reasons.join(", "),
                    years: c.years,
                    regional: c.regional,
                    rule: c.rule.clone(),
                },
            )
        })
        .collect();
    graded.sort_by(|(ga, wa, a), (gb, wb, b)| {
        gb.cmp(ga)
            .then_with(|| wb.cmp(wa))
            .then_with(|| a.measure.0.cmp(&b.measure.0))
    });
    let queries: Vec<QueryRow> = signal
        .queries
        .iter()
        .filter(|q| here(&q.query.council))
        .map(|q| QueryRow {
            measure: title_of(&q.query.measure),
            period: q.query.period.to_string(),
            rule: q.query.rule.to_string(),
            reason: q.query.reason.clone(),
            cleared: q.cleared.as_ref().map(|c| {
                format!(
                    "Cleared by {} on {}: {}",
                    c.cleared_by,
                    c.cleared_at.format("%-d %B %Y"),
                    c.note
                )
            }),
        })
        .collect();
    let intelligence =
        risk::intelligence(&state.pool, Some(&authority.ons_code), year, analyst).await?;
    let assessed = risk::self_assessed(&state.pool, year).await?;
    let criteria = risk::criteria(&state.pool, year)
        .await?
        .into_iter()
        .map(|c| {
            let level = assessed
                .iter()
                .find(|a| {
                    a.council == authority.ons_code && a.criterion == c.title && a.theme == c.theme
                })
                .map_or_else(|| "Not assessed".to_string(), |a| a.level.to_string());
            (c.id, c.theme, c.title, c.key, level)
        })
        .collect();
    // The council sees its assessment once the analyst has shared the concerns.
    let assessment = risk::assessment(&state.pool, &authority.ons_code, year)
        .await?
        .filter(|a| analyst || a.status != "draft");
    let entries = match &assessment {
        Some(a) => risk::entries(&state.pool, a.id).await?,
        None => Vec::new(),
    };
    let domains = domains::all(&state.pool).await?;
    let judgements = domains
        .iter()
        .map(|(slug, name)| {
            let latest = entries
                .iter()
                .rev()
                .find(|e| e.kind == "judgement" && e.domain_slug.as_deref() == Some(slug));
            (
                name.clone(),
                latest
                    .and_then(|e| e.level.as_deref())
                    .map_or("Not judged", support::level_label)
                    .to_string(),
                latest.map(|e| e.body.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let domain_name = |slug: &Option<String>| {
        slug.as_deref()
            .and_then(|s| domains.iter().find(|(d, _)| d == s))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let entry_rows = entries
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
        .collect();
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
        graded: graded.into_iter().map(|(_, _, g)| g).collect(),
        queries,
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
        status: assessment.map_or_else(|| "not started".to_string(), |a| a.status),
        judgements,
        entries: entry_rows,
        domains,
        levels: LEVELS.to_vec(),
        menu: MENU.iter().map(|(t, l, o)| (*t, *l, o.to_vec())).collect(),
        today: Utc::now().date_naive().to_string(),
    })
}

fn year_of(text: &str) -> Result<Period, AppError> {
    let p: Period = text
        .trim()
        .parse()
        .map_err(|e: crate::domain::PeriodError| AppError::bad_request("year", e.to_string()))?;
    Ok(p.financial_year())
}

fn required<'a>(field: &'static str, text: &'a str, max: usize) -> Result<&'a str, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::bad_request(field, "this is needed"));
    }
    if t.chars().count() > max {
        return Err(AppError::bad_request(
            field,
            format!("keep it to {max} characters"),
        ));
    }
    Ok(t)
}

#[derive(Debug, serde::Deserialize)]
struct IntelligenceForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    trigger: String,
    #[serde(default)]
    recorded_on: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    visibility: String,
}

async fn add_intelligence(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Form(f): Form<IntelligenceForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.can_write_for(&authority.ons_code),
        format!("a risk profile for {code}"),
    )?;
    let defs = risk::triggers(&state.pool).await?;
    if !defs
        .iter()
        .any(|t| t.id == f.trigger && t.kind == "qualitative")
    {
        return Err(AppError::bad_request(
            "trigger",
            format!("'{}' is not a qualitative trigger", f.trigger),
        ));
    }
    let year = year_of(&f.year)?;
    let recorded_on = NaiveDate::parse_from_str(f.recorded_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::bad_request("recorded_on", "give the date as YYYY-MM-DD"))?;
    if !["low", "medium", "high"].contains(&f.severity.as_str()) {
        return Err(AppError::bad_request("severity", "low, medium or high"));
    }
    // A council's own items are for the analyst and the council; only the analyst keeps items
    // to themselves.
    let visibility = if visitor.viewer.can_manage_data() && f.visibility == "analyst" {
        "analyst"
    } else {
        "council"
    };
    let link = Some(f.link.trim()).filter(|l| !l.is_empty());
    if link
        .is_some_and(|l| !(l.starts_with("https://") || l.starts_with("http://")) || l.len() > 500)
    {
        return Err(AppError::bad_request(
            "link",
            "a web address starting https://",
        ));
    }
    let mut tx = state.pool.begin().await?;
    risk::add_intelligence(
        &mut tx,
        &NewIntelligence {
            ons_code: &authority.ons_code,
            trigger_id: &f.trigger,
            year,
            recorded_on,
            source: required("source", &f.source, 300)?,
            evidence: required("evidence", &f.evidence, 5000)?,
            link,
            severity: &f.severity,
            visibility,
        },
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={year}#intelligence",
        authority.ons_code
    )))
}

#[derive(Debug, serde::Deserialize)]
struct AssessmentForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    offer: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    offered_by: String,
}

/// The assessment's workflow: the analyst starts it, shares concerns, records the discussion,
/// judges each domain, agrees support and records the final view; the council responds.
async fn assess(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Form(f): Form<AssessmentForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let year = year_of(&f.year)?;
    let analyst = visitor.viewer.can_manage_data();
    let own = visitor.viewer.council() == Some(authority.ons_code.as_str());
    let by = visitor.viewer.actor();
    let mut tx = state.pool.begin().await?;
    let existing = risk::assessment(&mut *tx, &authority.ons_code, year).await?;
    let date = |text: &str, field: &'static str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::bad_request(field, "give the date as YYYY-MM-DD"))
    };
    let entry = match f.action.as_str() {
        "start" if analyst => None,
        "respond" if own => Some(NewEntry {
            kind: "response",
            domain: None,
            level: None,
            body: required("body", &f.body, 5000)?,
            details: serde_json::json!({}),
        }),
        "concerns" | "final" if analyst => Some(NewEntry {
            kind: if f.action == "concerns" {
                "concerns"
            } else {
                "final"
            },
            domain: None,
            level: None,
            body: required("body", &f.body, 5000)?,
            details: serde_json::json!({}),
        }),
        "discussion" if analyst => Some(NewEntry {
            kind: "discussion",
            domain: None,
            level: None,
            body: required("body", &f.body, 5000)?,
            details: serde_json::json!({ "date": date(&f.date, "date")?, "who": required("who", &f.who, 500)? }),
        }),
        "judgement" if analyst => {
            if domains::by_slug(&state.pool, &f.domain).await?.is_none() {
                return Err(AppError::bad_request(
                    "domain",
                    format!("'{}' is not a risk domain", f.domain),
                ));
            }
            if !LEVELS.iter().any(|(l, _)| *l == f.level) {
                return Err(AppError::bad_request("level", "low, some or significant"));
            }
            Some(NewEntry {
                kind: "judgement",
                domain: Some(&f.domain),
                level: Some(&f.level),
                body: required("body", &f.body, 5000)?,
                details: serde_json::json!({}),
            })
        }
        "support" if analyst => {
            if !support::on_menu(&f.tier, &f.offer) {
                return Err(AppError::bad_request(
                    "offer",
                    "choose an offer from the menu of support",
                ));
            }
            let offered_by = f.offered_by.trim();
            if !offered_by.is_empty() && areas::authority(&state.pool, offered_by).await?.is_none()
            {
                return Err(AppError::bad_request(
                    "offered_by",
                    format!("{offered_by} is not a council"),
                ));
            }
            Some(NewEntry {
                kind: "support",
                domain: None,
                level: None,
                body: &f.offer,
                details: serde_json::json!({
                    "tier": f.tier, "owner": required("owner", &f.owner, 300)?,
                    "follow_up": date(&f.follow_up, "follow_up")?, "offered_by": offered_by,
                }),
            })
        }
        _ => {
            visitor.require(false, format!("the assessment of {code}"))?;
            return Err(AppError::bad_request(
                "action",
                format!("'{}' is not an assessment step", f.action),
            ));
        }
    };
    let assessment = match existing {
        Some(a) => a,
        None if analyst => risk::start(&mut tx, &authority.ons_code, year, by).await?,
        None => {
            return Err(AppError::NotFound(format!(
                "an assessment of {code} for {year}"
            )));
        }
    };
    if let Some(entry) = entry {
        if entry.kind == "response" && assessment.status == "draft" {
            return Err(AppError::NotFound(format!(
                "an assessment of {code} for {year}"
            )));
        }
        risk::add_entry(&mut tx, &assessment, &entry, by).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={year}#assessment",
        authority.ons_code
    )))
}

#[derive(Debug, serde::Deserialize)]
struct SelfAssessForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    level: String,
}

async fn self_assess(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Form(f): Form<SelfAssessForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.council() == Some(authority.ons_code.as_str()),
        format!("a risk profile for {code}"),
    )?;
    let year = year_of(&f.year)?;
    let criterion: i64 = f
        .criterion
        .parse()
        .map_err(|_| AppError::bad_request("criterion", "not a criterion"))?;
    if !risk::criteria(&state.pool, year)
        .await?
        .iter()
        .any(|c| c.id == criterion)
    {
        return Err(AppError::bad_request(
            "criterion",
            format!("not a criterion of {year}'s themes"),
        ));
    }
    let level: i16 = f
        .level
        .parse()
        .ok()
        .filter(|l| (0..=4).contains(l))
        .ok_or_else(|| AppError::bad_request("level", "0 (below Level 1) to 4"))?;
    let mut tx = state.pool.begin().await?;
    risk::self_assess(
        &mut tx,
        criterion,
        &authority.ons_code,
        level,
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={year}#themes",
        authority.ons_code
    )))
}

/// A theme's strengths: per criterion, how many councils at each level, and who is at 3 or 4.
pub struct ThemeReport {
    pub theme: String,
    pub rows: Vec<(String, bool, [usize; 5], Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/themes.html")]
struct ThemesPage {
    layout: Layout,
    year: String,
    reports: Vec<ThemeReport>,
}

async fn themes(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<PeriodQuery>,
) -> Result<ThemesPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the thematic reviews")?;
    let (period, _) = choose_period(&state.pool, DataView::Internal, &q).await?;
    let year = period.financial_year();
    let criteria = risk::criteria(&state.pool, year).await?;
    let assessed = risk::self_assessed(&state.pool, year).await?;
    let names = areas::council_names(&state.pool).await?;
    let mut reports: Vec<ThemeReport> = Vec::new();
    for c in &criteria {
        let mut counts = [0usize; 5];
        let mut strong = Vec::new();
        for a in assessed
            .iter()
            .filter(|a| a.theme == c.theme && a.criterion == c.title)
        {
            if let Some(n) = usize::try_from(a.level)
                .ok()
                .and_then(|l| counts.get_mut(l))
            {
                *n += 1;
            }
            if a.level >= 3 {
                strong.push(
                    names
                        .get(&a.council)
                        .cloned()
                        .unwrap_or_else(|| a.council.clone()),
                );
            }
        }
        let row = (c.title.clone(), c.key, counts, strong);
        match reports.iter_mut().find(|r| r.theme == c.theme) {
            Some(r) => r.rows.push(row),
            None => reports.push(ThemeReport {
                theme: c.theme.clone(),
                rows: vec![row],
            }),
        }
    }
    Ok(ThemesPage {
        layout: Layout::new(&state, &visitor, format!("Thematic reviews, {year}")).await?,
        year: year.to_string(),
        reports,
    })
}

#[derive(Debug, serde::Deserialize)]
struct ThemeForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    criteria: String,
}

async fn add_theme(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<ThemeForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the thematic reviews")?;
    let year = year_of(&f.year)?;
    let title = required("title", &f.title, 200)?;
    // One criterion a line; a line starting "(not key)" is not a key element.
    let criteria: Vec<(String, bool)> = f
        .criteria
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_prefix("(not key)") {
            Some(rest) => (rest.trim().to_string(), false),
            None => (l.to_string(), true),
        })
        .collect();
    if criteria.is_empty() || criteria.len() > 30 {
        return Err(AppError::bad_request(
            "criteria",
            "one to thirty criteria, one a line",
        ));
    }
    let mut tx = state.pool.begin().await?;
    if risk::add_theme(&mut tx, year, title, &criteria, visitor.viewer.actor())
        .await?
        .is_none()
    {
        return Err(AppError::bad_request(
            "title",
            format!("{year} has its two themes already"),
        ));
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/risk/themes?period={year}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/triggers.html")]
struct CataloguePage {
    layout: Layout,
    triggers: Vec<Trigger>,
}

async fn catalogue(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<CataloguePage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the trigger catalogue")?;
    Ok(CataloguePage {
        layout: Layout::new(&state, &visitor, "Risk triggers".into()).await?,
        triggers: risk::triggers(&state.pool).await?,
    })
}

#[derive(Debug, serde::Deserialize)]
struct TriggerForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    params: String,
}

async fn edit_trigger(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(f): Form<TriggerForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the trigger catalogue")?;
    let known = domains::all(&state.pool).await?;
    let chosen: Vec<String> = f
        .domains
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    if chosen.is_empty() || chosen.iter().any(|d| !known.iter().any(|(k, _)| k == d)) {
        return Err(AppError::bad_request(
            "domains",
            "one or more risk domain slugs, separated by commas",
        ));
    }
    let params: serde_json::Value = if f.params.trim().is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_str(&f.params)
            .map_err(|e| AppError::bad_request("params", format!("not JSON: {e}")))?
    };
    if !params.is_object() {
        return Err(AppError::bad_request("params", "a JSON object"));
    }
    // The merged parameters must still read as the rules' parameters.
    let mut defs = risk::triggers(&state.pool).await?;
    if let Some(t) = defs.iter_mut().find(|t| t.id == id) {
        t.params = params.clone();
    }
    risk::params_of(&defs)
        .map_err(|e| AppError::bad_request("params", format!("not the rules' parameters: {e}")))?;
    let mut tx = state.pool.begin().await?;
    if !risk::update_trigger(
        &mut tx,
        &id,
        required("title", &f.title, 300)?,
        required("source", &f.source, 500)?,
        &chosen,
        &params,
        visitor.viewer.actor(),
    )
    .await?
    {
        return Err(AppError::NotFound(format!("the trigger {id}")));
    }
    tx.commit().await?;
    Ok(Redirect::to("/risk/triggers"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::measure;
    use crate::risk::concerns::{Concern, Grade};

    fn trigger(id: &str, heading: &str) -> Trigger {
        Trigger {
            id: id.into(),
            heading: heading.into(),
            heading_name: heading.into(),
            title: id.into(),
            source: String::new(),
            kind: "quantitative".into(),
            domains: vec!["d".into()],
            params: serde_json::json!({}),
            version: 1,
            updated_by: String::new(),
            updated_at: Utc::now(),
        }
    }

    fn concern(council: &str, grade: Grade) -> Concern {
        Concern {
            council: council.into(),
            measure: "M1".into(),
            grade,
            reasons: vec!["significantly-worse".into()],
            years: 1,
            regional: false,
            improving: false,
            points: 2,
            rule: String::new(),
        }
    }

    fn item(council: &str, trigger: &str, severity: &str) -> Intelligence {
        Intelligence {
            id: 1,
            ons_code: council.into(),
            trigger_id: trigger.into(),
            year: "2016-17".into(),
            recorded_on: Utc::now().date_naive(),
            source: String::new(),
            evidence: String::new(),
            link: None,
            severity: severity.into(),
            visibility: "council".into(),
            recorded_by: String::new(),
        }
    }

    #[test]
    fn the_matrix_ranks_by_score_counts_by_grade_and_heading_and_says_no_data() {
        let councils = vec![
            ("A".to_string(), "Aston".to_string()),
            ("B".to_string(), "Bury".to_string()),
            ("C".to_string(), "Crewe".to_string()),
        ];
        let domains = vec![
            ("d".to_string(), "Domain".to_string()),
            ("e".to_string(), "Empty".to_string()),
        ];
        let headings = vec!["performance".to_string(), "leadership".to_string()];
        let defs = vec![
            trigger("significantly-worse", "performance"),
            trigger("dass-turnover", "leadership"),
        ];
        let concerns = vec![
            concern("B", Grade::High),
            concern("B", Grade::Low),
            concern("A", Grade::Medium),
        ];
        let scores = HashMap::from([("A".to_string(), 2.0), ("B".to_string(), 7.0)]);
        let with_data: BTreeSet<(String, String)> = ["A", "B", "C"]
            .iter()
            .map(|c| ((*c).to_string(), "d".to_string()))
            .collect();
        let intelligence = vec![
            item("C", "dass-turnover", "high"),
            item("C", "dass-turnover", "low"),
        ];
        let rows = build_matrix(&MatrixInputs {
            councils: &councils,
            domains: &domains,
            headings: &headings,
            now: &[],
            before: &[],
            defs: &defs,
            catalogue: &[Measure {
                domain_slug: "d".into(),
                ..measure()
            }],
            intelligence: &intelligence,
            judgements: &[],
            assessments: &[("A".to_string(), "shared".to_string())],
            concerns: &concerns,
            scores: &scores,
            queries: &HashMap::from([("C".to_string(), 2)]),
            with_data: &with_data,
        });
        let order: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(order, ["B", "A", "C"], "highest score first, then by name");
        let b = &rows[0];
        assert_eq!(
            (b.cells[0].concerns, b.cells[0].high, b.cells[0].low),
            (2, 1, 1)
        );
        assert!(b.cells[1].no_data && !b.cells[0].no_data);
        assert_eq!(
            rows[1].status, "shared",
            "the assessment's own status, unjudged"
        );
        assert_eq!(b.status, "No assessment");
        let c = &rows[2];
        assert_eq!(c.queries, 2);
        assert_eq!(
            c.by_heading[1],
            HeadingCell {
                fired: 0,
                intelligence: 2,
                high: 1
            }
        );
    }
}
