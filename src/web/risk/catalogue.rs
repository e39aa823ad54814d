//! `/risk/triggers`: the trigger catalogue of Table 2 and the scoring of concerns, editable
//! and versioned.

use super::*;
use crate::db::queries::risk::StoredScoring;
use crate::risk::concerns::Scoring;

#[derive(Template, WebTemplate)]
#[template(path = "risk/triggers.html")]
pub(super) struct CataloguePage {
    layout: Layout,
    triggers: Vec<Trigger>,
    scoring: Scoring,
    stored: StoredScoring,
    /// Earlier versions: (version, by, when, the parameters in words).
    versions: Vec<(i32, String, String, String)>,
}

pub(super) async fn catalogue(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<CataloguePage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the trigger catalogue")?;
    let stored = risk::scoring(&state.pool).await?;
    let scoring = stored
        .scoring()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let versions = risk::scoring_versions(&state.pool)
        .await?
        .into_iter()
        .map(|v| {
            let words = v.scoring().map_or_else(|e| e, |s| s.explained());
            (
                v.version,
                v.updated_by,
                v.updated_at.format("%-d %B %Y %H:%M").to_string(),
                words,
            )
        })
        .collect();
    Ok(CataloguePage {
        layout: Layout::new(&state, &visitor, "Risk triggers".into()).await?,
        triggers: risk::triggers(&state.pool).await?,
        scoring,
        stored,
        versions,
    })
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ScoringForm {
    #[serde(default)]
    significantly_worse_points: String,
    #[serde(default)]
    other_points: String,
    #[serde(default)]
    medium_from: String,
    #[serde(default)]
    high_from: String,
    #[serde(default)]
    high_weight: String,
    #[serde(default)]
    medium_weight: String,
    #[serde(default)]
    low_weight: String,
    #[serde(default)]
    regional_percent: String,
}

/// A whole number of points, or an error naming the field.
fn whole(field: &'static str, text: &str) -> Result<u32, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::bad_request(field, "a whole number, 0 or more"))
}

/// A number, or an error naming the field.
fn number(field: &'static str, text: &str) -> Result<f64, AppError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| AppError::bad_request(field, "a number"))
}

/// The analyst changes the scoring: a new version, the earlier kept, audited.
pub(super) async fn edit_scoring(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<ScoringForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the risk scoring")?;
    let scoring = Scoring {
        significantly_worse_points: whole(
            "significantly_worse_points",
            &f.significantly_worse_points,
        )?,
        other_points: whole("other_points", &f.other_points)?,
        medium_from: whole("medium_from", &f.medium_from)?,
        high_from: whole("high_from", &f.high_from)?,
        high_weight: number("high_weight", &f.high_weight)?,
        medium_weight: number("medium_weight", &f.medium_weight)?,
        low_weight: number("low_weight", &f.low_weight)?,
        regional_share: number("regional_percent", &f.regional_percent)? / 100.0,
    };
    scoring
        .check()
        .map_err(|e| AppError::bad_request("scoring", e))?;
    let mut tx = state.pool.begin().await?;
    risk::update_scoring(&mut tx, &scoring, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/risk/triggers#scoring"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct TriggerForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    params: String,
}

pub(super) async fn edit_trigger(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Path(id): axum::extract::Path<String>,
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
