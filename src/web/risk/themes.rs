//! `/risk/themes`: the thematic reviews and their strengths report.

use super::*;

/// A theme's strengths: per criterion, how many councils at each level, and who is at 3 or 4.
pub(super) struct ThemeReport {
    pub theme: String,
    pub rows: Vec<(String, bool, [usize; 5], Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/themes.html")]
pub(super) struct ThemesPage {
    layout: Layout,
    year: String,
    reports: Vec<ThemeReport>,
}

pub(super) async fn themes(
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
pub(super) struct ThemeForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    criteria: String,
    /// When self-assessments on it are due (optional: the review window's opening).
    #[serde(default)]
    due_on: String,
}

pub(super) async fn add_theme(
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
    let due_on = match f.due_on.trim() {
        "" => None,
        d => Some(iso_date(d, "due_on")?),
    };
    let mut tx = state.pool.begin().await?;
    if risk::add_theme(
        &mut tx,
        year,
        title,
        &criteria,
        due_on,
        visitor.viewer.actor(),
    )
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
