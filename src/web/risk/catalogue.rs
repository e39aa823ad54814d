//! `/risk/triggers`: the trigger catalogue of Table 2, editable and versioned.

use super::*;

#[derive(Template, WebTemplate)]
#[template(path = "risk/triggers.html")]
pub(super) struct CataloguePage {
    layout: Layout,
    triggers: Vec<Trigger>,
}

pub(super) async fn catalogue(
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
