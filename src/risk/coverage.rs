//! Which trigger rules could not be evaluated for a period, and why: a rule with nothing to
//! look at says so ("no finance data loaded for 2018-19") rather than reading as "no concern".
//! Pure.

use crate::analysis::scorecard::Inputs;
use crate::domain::{Measure, Period, Unit};
use crate::risk::triggers::{self, Params, RoundState, SelfAssessed};

/// A rule not evaluated, with the reason in words.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct NotEvaluated {
    pub trigger: String,
    pub reason: String,
}

/// What the rules had to look at for one council.
pub struct Coverage<'a> {
    pub catalogue: &'a [Measure],
    pub inputs: &'a Inputs,
    pub period: Period,
    pub council: &'a str,
    pub params: &'a Params,
    pub rounds: &'a [RoundState],
    pub self_assessed: &'a [SelfAssessed],
    /// Whether the council has CIPFA nearest neighbours in the reference.
    pub has_neighbours: bool,
}

impl Coverage<'_> {
    /// Whether any of `measures` has a value for the council in the period's year.
    fn any_value(&self, keep: impl Fn(&Measure) -> bool) -> bool {
        let year = self.period.financial_year();
        let codes: Vec<&str> = self
            .catalogue
            .iter()
            .filter(|m| keep(m))
            .map(|m| m.code.as_str())
            .collect();
        self.inputs.values.iter().any(|s| {
            s.area == self.council
                && s.value.value.is_some()
                && s.period.financial_year() == year
                && codes.contains(&s.measure.as_str())
        })
    }

    pub fn not_evaluated(&self) -> Vec<NotEvaluated> {
        let year = self.period.financial_year();
        let mut out = Vec::new();
        let mut missing = |trigger: &str, reason: String| {
            out.push(NotEvaluated {
                trigger: trigger.to_string(),
                reason,
            });
        };
        if !self.any_value(|m| m.measure_type == "financial" && m.unit == Unit::Currency) {
            missing(
                triggers::UNIT_COST_CHANGE,
                format!("no finance data (spend and unit costs in £) loaded for {year}"),
            );
        }
        if !self.any_value(|m| m.tags.contains(&self.params.workforce_tag)) {
            missing(
                triggers::WORKFORCE,
                format!(
                    "no workforce measures (vacancy, turnover, sickness, agency use) loaded for {year}"
                ),
            );
        }
        if !self.any_value(|m| self.params.admissions_measures.contains(&m.code)) {
            missing(
                triggers::ADMISSIONS_RISING,
                format!(
                    "no permanent admissions ({}) loaded for {year}",
                    self.params.admissions_measures.join(", ")
                ),
            );
        }
        if !self.rounds.iter().any(|r| r.council == self.council) {
            missing(
                triggers::RETURN_MISSING,
                format!("no collection round was due by {}", self.period),
            );
        }
        if !self.self_assessed.iter().any(|s| s.council == self.council) {
            missing(
                triggers::LEVEL_1,
                format!("no thematic self-assessment submitted for {year}"),
            );
        }
        if !self.has_neighbours {
            missing(
                super::concerns::WORSE_THAN_NEIGHBOURS,
                "no CIPFA nearest neighbours in the reference for this council".into(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{measure, stored};
    use crate::risk::triggers::SelfAssessed;

    fn coverage<'a>(
        catalogue: &'a [Measure],
        inputs: &'a Inputs,
        params: &'a Params,
        rounds: &'a [RoundState],
        assessed: &'a [SelfAssessed],
    ) -> Coverage<'a> {
        Coverage {
            catalogue,
            inputs,
            period: Period::year(2022),
            council: "C1",
            params,
            rounds,
            self_assessed: assessed,
            has_neighbours: true,
        }
    }

    fn triggers(list: &[NotEvaluated]) -> Vec<&str> {
        list.iter().map(|n| n.trigger.as_str()).collect()
    }

    #[test]
    fn every_rule_with_nothing_to_look_at_says_why() {
        let outcome = measure();
        let inputs = Inputs {
            values: vec![stored("C1", "2022-23", 500, true)],
            ..Inputs::default()
        };
        let params = Params::default();
        let catalogue = [outcome.clone()];
        let missing = coverage(&catalogue, &inputs, &params, &[], &[]).not_evaluated();
        assert_eq!(
            triggers(&missing),
            [
                "unit-cost-change",
                "workforce",
                "admissions-rising",
                "return-missing",
                "level-1"
            ]
        );
        assert_eq!(
            missing[0].reason,
            "no finance data (spend and unit costs in £) loaded for 2022-23"
        );
        assert_eq!(
            missing[4].reason,
            "no thematic self-assessment submitted for 2022-23"
        );
        // With a staff measure's value and a self-assessment, those two are evaluated.
        let staff = Measure {
            tags: vec!["staff".into()],
            ..outcome
        };
        let assessed = [SelfAssessed {
            council: "C1".into(),
            theme: "t".into(),
            criterion: "c".into(),
            key: true,
            level: 2,
        }];
        let catalogue = [staff];
        let missing = coverage(&catalogue, &inputs, &params, &[], &assessed).not_evaluated();
        assert_eq!(
            triggers(&missing),
            ["unit-cost-change", "admissions-rising", "return-missing"]
        );
    }
}
