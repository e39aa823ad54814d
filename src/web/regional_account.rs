//! `GET /regional-account?period=…`: the Regional Account: contents, headlines per domain, the
//! overview, and a summary sheet per council with its RAG summary and commentary, laid out for
//! print (the browser's "Save as PDF" gives a clean document).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::cache::analysed;
use super::extract::Params;
use super::layout::{AnalysisQuery, Layout, choose_period};
use super::overview::{Council, MeasureRow, Rug, rug};
use super::session::Visitor;
use super::values::{DomainGroupOf, council_names, region_name};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines::{self, DomainHeadline, Headline};
use crate::analysis::rag::{Rag, Summary};
use crate::analysis::scorecard::Analysed;
use crate::db::queries::commentary::{self, Commentary};
use crate::db::queries::measures;
use crate::domain::{Measure, OnsCode};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/regional-account", get(show))
        .route("/authorities/{code}/summary", get(summary))
}

#[derive(Template, WebTemplate)]
#[template(path = "regional_account/summary.html")]
struct SummaryPage {
    layout: Layout,
    period: String,
    comparator: &'static str,
    sheet: CouncilSheet,
}

/// `GET /authorities/{code}/summary`: the council's sheet of the Regional Account alone, on one
/// A4 page when printed.
async fn summary(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Path(code): super::extract::Path<OnsCode>,
    Params(q): Params<AnalysisQuery>,
) -> Result<SummaryPage, AppError> {
    let super::values::CouncilAnalysis {
        authority,
        scope,
        period,
        comparator,
        level,
        analysis,
        ..
    } = super::values::council_analysis(&state, &visitor.viewer, &code, &q).await?;
    let view = scope.view();
    let neighbours = super::cache::analysed_for(
        &state,
        scope.clone(),
        period,
        crate::analysis::measure::ComparatorKind::Neighbours,
        level,
        Some(&authority.ons_code),
    )
    .await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let notes = commentary::published(
        &state.pool,
        view,
        period.financial_year(),
        None,
        Some(&authority.ons_code),
    )
    .await?;
    let sheet = CouncilSheet::build(
        &authority.ons_code,
        authority.name.clone(),
        &catalogue,
        (&analysis.analysed, &neighbours.analysed),
        &notes,
    );
    Ok(SummaryPage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("{} summary, {period}", authority.name),
        )
        .await?
        .showing(analysis.inputs.illustrative()),
        period: period.to_string(),
        comparator: comparator.label(),
        sheet,
    })
}

pub(super) struct DomainLine {
    pub name: String,
    pub rag: String,
    pub better: usize,
    pub worse: usize,
    pub commentary: Option<String>,
}

/// A measure the council is rated red on: its value and interval, the benchmark it was
/// compared with, and its CIPFA neighbours' value with how it compares with them.
pub(super) struct RedLine {
    pub code: String,
    pub title: String,
    pub value: String,
    pub interval: String,
    pub benchmark: String,
    pub neighbours: String,
    pub against_neighbours: Comparison,
}

pub(super) struct CouncilSheet {
    pub code: String,
    pub name: String,
    pub rag: String,
    pub domains: Vec<DomainLine>,
    /// The measures rated red, heaviest first: at most [`RED_LISTED`], and how many more.
    pub red: Vec<RedLine>,
    pub more_red: usize,
}

/// The red measures a sheet lists (the heaviest), so that it stays one printed page.
const RED_LISTED: usize = 10;

/// The measures `code` is rated red on in `analysed`, each with the same measure's analysis
/// against the CIPFA neighbours (`neighbours`), heaviest first.
fn red_lines(
    code: &str,
    catalogue: &[Measure],
    analysed: &[Analysed],
    neighbours: &[Analysed],
) -> Vec<RedLine> {
    let mut red: Vec<(i16, RedLine)> =
        crate::analysis::scorecard::council_results(catalogue, analysed, code)
            .filter(|(_, _, c)| c.rag == Rag::Red)
            .map(|(m, a, c)| {
                let near = neighbours
                    .iter()
                    .find(|n| n.measure == m.code)
                    .and_then(|n| n.analysis.councils.iter().find(|x| x.code == code));
                let line = RedLine {
                    code: m.code.clone(),
                    title: format!(
                        "{} {}",
                        m.display_code,
                        m.plain_title.as_ref().unwrap_or(&m.title)
                    ),
                    value: c.value.map_or_else(|| "–".into(), |v| m.format_f64(v)),
                    interval: super::values::interval_text(m, c, a.analysis.level),
                    benchmark: super::values::benchmark_text(m, c.benchmark),
                    neighbours: near.map_or_else(
                        || "–".into(),
                        |n| super::values::benchmark_text(m, n.benchmark),
                    ),
                    against_neighbours: near.map_or(Comparison::NotCompared, |n| n.comparison),
                };
                (m.strategic_weight, line)
            })
            .collect();
    red.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    red.into_iter().map(|(_, line)| line).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "regional_account/show.html")]
struct AccountPage {
    layout: Layout,
    region: String,
    period: String,
    comparator: &'static str,
    level: &'static str,
    overall: Headline,
    domain_headlines: Vec<DomainHeadline>,
    councils: Vec<Council>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
    sheets: Vec<CouncilSheet>,
    notable: Vec<crate::analysis::notable::DomainFacts>,
    boundary: Option<&'static str>,
}

impl CouncilSheet {
    /// One council's sheet: for each domain (in the order its measures were analysed) the RAG
    /// summary, how many measures are significantly better or worse, and the council's published
    /// commentary; domains where the council has no value are left out.
    pub(super) fn build(
        code: &str,
        name: String,
        catalogue: &[Measure],
        (analysed, neighbours): (&[Analysed], &[Analysed]),
        notes: &[Commentary],
    ) -> CouncilSheet {
        let mut lines: Vec<(&str, DomainLine, Vec<Rag>)> = Vec::new();
        for a in analysed {
            let Some(c) = a
                .analysis
                .councils
                .iter()
                .find(|c| c.code == code && c.value.is_some())
            else {
                continue;
            };
            let Some(m) = catalogue.iter().find(|m| m.code == a.measure) else {
                continue;
            };
            let slug = m.domain_slug.as_str();
            let at = match lines.iter().position(|(s, _, _)| *s == slug) {
                Some(at) => at,
                None => {
                    let commentary = notes
                        .iter()
                        .find(|n| n.ons_code == code && n.domain_slug == slug)
                        .map(|n| n.body.clone());
                    let line = DomainLine {
                        name: m.domain_name.clone(),
                        rag: String::new(),
                        better: 0,
                        worse: 0,
                        commentary,
                    };
                    lines.push((slug, line, Vec::new()));
                    lines.len() - 1
                }
            };
            let (_, line, ratings) = &mut lines[at];
            ratings.push(c.rag);
            match c.comparison {
                Comparison::Better => line.better += 1,
                Comparison::Worse => line.worse += 1,
                _ => {}
            }
        }
        let overall = Summary::of(lines.iter().flat_map(|(_, _, r)| r.iter().copied()));
        let mut red = red_lines(code, catalogue, analysed, neighbours);
        let more_red = red.len().saturating_sub(RED_LISTED);
        red.truncate(RED_LISTED);
        CouncilSheet {
            code: code.to_string(),
            red,
            more_red,
            name,
            rag: overall.sentence(),
            domains: lines
                .into_iter()
                .map(|(_, mut line, ratings)| {
                    line.rag = Summary::of(ratings).sentence();
                    line
                })
                .collect(),
        }
    }
}

/// The Regional Account's sentences beyond each measure's own: governance and culture from the
/// analyst's regional facts (public: every council page shows them), and resources from the
/// finance values across years; each domain's come first, with their rules.
async fn add_details(
    state: &AppState,
    domains: &mut [DomainHeadline],
    catalogue: &[Measure],
    inputs: &crate::analysis::scorecard::Inputs,
    names: &std::collections::HashMap<String, String>,
    period: crate::domain::Period,
) -> Result<(), AppError> {
    use crate::analysis::account::{Detail, facts::Recorded, resources};
    let facts = crate::db::queries::facts::all(&state.pool).await?;
    let recorded = Recorded::new(&facts, period, &inputs.councils);
    let resource: Vec<Detail> = catalogue
        .iter()
        .filter_map(|m| {
            resources::net_spend_change(m, &inputs.values, &inputs.councils, names, period)
        })
        .collect();
    for (slug, details) in [
        ("leadership-governance", recorded.governance()),
        ("culture-challenge", recorded.culture()),
        ("resource-workforce", resource),
    ] {
        let Some(d) = domains.iter_mut().find(|d| d.slug == slug) else {
            continue;
        };
        for (at, detail) in details.into_iter().enumerate() {
            d.details.insert(at, detail.sentence);
            if !d.detail_rules.iter().any(|r| r == detail.rule) {
                d.detail_rules.push(detail.rule.to_string());
            }
        }
        if slug == "resource-workforce" {
            d.details.push(resources::COUNCIL_SHARE_MISSING.to_string());
        }
    }
    Ok(())
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<AnalysisQuery>,
) -> Result<AccountPage, AppError> {
    let view = visitor.viewer.data_view();
    let (comparator, level) = q.choices()?;
    let (period, _) = choose_period(&state.pool, view, &q.period_query()).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, view, period, comparator, level).await?;
    let (inputs, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let mut headlines = headlines::of_period(&catalogue, all, &names);
    add_details(
        &state,
        &mut headlines.domains,
        &catalogue,
        inputs,
        &names,
        period,
    )
    .await?;
    let notable = crate::analysis::notable::of_period(&catalogue, all, &names, comparator.label());
    let boundary = super::overview::boundary_note(&inputs.councils);
    let (overall, domain_headlines) = (headlines.overall, headlines.domains);
    let Rug { councils, domains } = rug(&catalogue, inputs, all, &names, level, |_| true);
    let notes =
        commentary::published(&state.pool, view, period.financial_year(), None, None).await?;
    let neighbours = analysed(
        &state,
        view,
        period,
        crate::analysis::measure::ComparatorKind::Neighbours,
        level,
    )
    .await?;
    let sheets = inputs
        .councils
        .iter()
        .map(|code| {
            let name = names.get(code).cloned().unwrap_or_default();
            CouncilSheet::build(code, name, &catalogue, (all, &neighbours.analysed), &notes)
        })
        .collect();
    Ok(AccountPage {
        layout: Layout::new(&state, &visitor, format!("Regional Account, {period}"))
            .await?
            .showing(analysis.inputs.illustrative()),
        region: region_name(&state).await?,
        period: period.to_string(),
        comparator: comparator.label(),
        level: level.label(),
        overall,
        domain_headlines,
        councils,
        domains,
        sheets,
        notable,
        boundary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{analysed, inputs, measure};
    use crate::analysis::rag::{Target, TargetOwner};
    use crate::analysis::trend::Tolerance;

    #[test]
    fn a_sheet_sums_up_each_domain_with_its_commentary() {
        let target = Target {
            value: 50.0,
            tolerance: Tolerance::Absolute(2.0),
            owner: TargetOwner::Analyst,
        };
        let inputs = inputs(Some(target), true);
        let a = analysed(&inputs);
        let notes = [Commentary {
            ons_code: "E1".into(),
            council: "Dover".into(),
            domain_slug: "d".into(),
            body: "Reablement grew.".into(),
        }];
        let sheet = CouncilSheet::build(
            "E1",
            "Dover".into(),
            &[measure()],
            (std::slice::from_ref(&a), &[]),
            &notes,
        );
        assert_eq!((sheet.code.as_str(), sheet.name.as_str()), ("E1", "Dover"));
        assert_eq!(sheet.domains.len(), 1);
        let line = &sheet.domains[0];
        assert_eq!(line.name, "Domain");
        assert_eq!(line.commentary.as_deref(), Some("Reablement grew."));
        let e1 = a.analysis.councils.iter().find(|c| c.code == "E1").unwrap();
        assert_eq!(e1.rag, Rag::Green, "60% against a target of 50%");
        assert_eq!(line.rag, Summary::of([Rag::Green]).sentence());
        // 60.0% of 1,000 (95% CI about 57% to 63%) against the regional median of 52.5%.
        assert_eq!(e1.comparison, Comparison::Better);
        assert_eq!((line.better, line.worse), (1, 0));
        let other = CouncilSheet::build(
            "E2",
            "Ashford".into(),
            &[measure()],
            (std::slice::from_ref(&a), &[]),
            &notes,
        );
        assert_eq!(
            other.domains[0].commentary, None,
            "E1's commentary is not E2's"
        );
    }
}
