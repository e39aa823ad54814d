//! `/risk`: the regional matrix, councils ranked by score.

use super::*;

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
pub(super) struct MatrixPage {
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

pub(super) async fn matrix(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<PeriodQuery>,
) -> Result<MatrixPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the risk matrix")?;
    let (period, periods) = choose_period(&state.pool, DataView::Internal, &q).await?;
    let previous = period.previous();
    let members = areas::members_during(&state.pool, &state.site.region, period).await?;
    let codes: Vec<String> = members.iter().map(|a| a.ons_code.clone()).collect();
    let signal = crate::web::concerns::signal(&state, period, None).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::measure;
    use crate::db::queries::risk::Intelligence;
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
