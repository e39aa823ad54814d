//! `/risk`: the regional matrix, councils ranked by score.

use super::*;
use crate::risk::matrix::{MatrixInputs, MatrixRow, build_matrix};

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
    /// The scoring in words, and its version.
    scoring: String,
    scoring_version: i32,
    regional_share: String,
    /// The region coloured by each council's score band.
    map: Option<crate::maps::choropleth::Map>,
}

/// The region on a map, each council in its score's band: no concern, or the lower, middle or
/// upper third of the scores of the councils with concerns (pure).
fn score_map(rows: &[crate::risk::matrix::MatrixRow]) -> Option<crate::maps::choropleth::Map> {
    let mut scores: Vec<f64> = rows.iter().map(|r| r.score).filter(|s| *s > 0.0).collect();
    scores.sort_by(f64::total_cmp);
    let third = |k: usize| {
        scores
            .get((scores.len() * k).saturating_sub(1) / 3)
            .copied()
    };
    let (low, mid) = (third(1).unwrap_or(0.0), third(2).unwrap_or(0.0));
    let focus: Vec<(String, &'static str, String)> = rows
        .iter()
        .map(|r| {
            let (class, words) = match r.score {
                s if s <= 0.0 => ("s0", "no concern"),
                s if s <= low => ("s1", "lower third"),
                s if s <= mid => ("s2", "middle third"),
                _ => ("s3", "upper third"),
            };
            (
                r.code.clone(),
                class,
                format!("{}: score {:.0} ({words})", r.name, r.score),
            )
        })
        .collect();
    crate::maps::choropleth::map(&focus, (420.0, 520.0)).map(|mut m| {
        m.title = "The region's councils by risk score".into();
        m.links_to = "/risk/";
        m.description = "Each council shaded by its risk score: no concern, or the lower, middle or upper third of the scores of the councils with concerns. The same scores are in the matrix below.".into();
        m
    })
}

/// (council, domain) pairs with at least one value in the period's analysis.
async fn with_data(
    state: &AppState,
    period: Period,
    catalogue: &[Measure],
) -> Result<BTreeSet<(String, String)>, AppError> {
    let analysis = analysed_for(
        state,
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
    Ok(analysis
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
        .collect())
}

/// The patterns most of the region shares: (measure code, measure, trigger, councils, of).
fn regional_rows(
    signal: &crate::web::concerns::Signal,
) -> Vec<(String, String, String, usize, usize)> {
    signal
        .regional
        .iter()
        .map(|r| {
            let (code, title) = title_of(&signal.catalogue, &r.measure);
            (code, title, r.trigger.clone(), r.councils, r.of)
        })
        .collect()
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
    let signal = crate::web::concerns::signal(&state, period, None).await?;
    let with_data = with_data(&state, period, &signal.catalogue).await?;
    let mut queries: HashMap<String, usize> = HashMap::new();
    for q in signal.queries.iter().filter(|q| q.cleared.is_none()) {
        *queries.entry(q.query.council.clone()).or_default() += 1;
    }
    // The period before, as the signal evaluated it for persistence (none without data).
    let before = signal.earlier.first().map_or(&[][..], Vec::as_slice);
    let domains = domains::all(&state.pool).await?;
    let mut headings: Vec<(String, String)> = Vec::new();
    for t in &signal.defs {
        if !headings.iter().any(|(h, _)| *h == t.heading) {
            headings.push((t.heading.clone(), t.heading_name.clone()));
        }
    }
    let year = period.financial_year();
    let intelligence = risk::intelligence(&state.pool, None, year, true).await?;
    let judgements = risk::judgements(&state.pool, year).await?;
    let assessments = risk::assessment_statuses(&state.pool, year).await?;
    let councils: Vec<(String, String)> =
        members.into_iter().map(|a| (a.ons_code, a.name)).collect();
    let heading_slugs: Vec<String> = headings.iter().map(|(h, _)| h.clone()).collect();
    let rows = build_matrix(&MatrixInputs {
        councils: &councils,
        domains: &domains,
        headings: &heading_slugs,
        now: &signal.evaluations,
        before,
        defs: &signal.defs,
        catalogue: &signal.catalogue,
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
        regional: regional_rows(&signal),
        map: score_map(&rows),
        rows,
        scoring: signal.scoring.explained(),
        scoring_version: signal.scoring_version,
        regional_share: format!("more than {:.0}%", signal.scoring.regional_share * 100.0),
    })
}
