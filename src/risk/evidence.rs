//! A council's evidence in words: each fired trigger with its values, England's, the interval
//! and the change, heaviest measures first. Pure.

use std::collections::HashMap;

use crate::domain::Measure;
use crate::risk::records::Trigger;
use crate::risk::triggers::Evaluation;

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
