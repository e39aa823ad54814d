//! Reminders that fall due with the calendar rather than with an action on the site: a return
//! due within the week or overdue, a peer challenge's action or agreed support due or overdue.
//! Each is queued once per event and recipient (the queue's key), however often this runs.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::message::{Email, REMIND_DAYS};
use super::{Letterhead, To, notify};
use crate::db::queries::{areas, cycle, home};
use crate::domain::todo::in_window;

/// Whether a due date is reminded of today: `Some(true)` overdue, `Some(false)` due within the
/// week, `None` not yet (pure).
pub fn reminder(due: NaiveDate, today: NaiveDate) -> Option<bool> {
    in_window(due, today, REMIND_DAYS).then_some(due < today)
}

/// Queues the reminders due `today` for the region's open rounds and every open follow-up.
pub async fn queue_due(
    pool: &PgPool,
    letterhead: &Letterhead,
    region: &str,
    today: NaiveDate,
) -> anyhow::Result<u64> {
    let mut tx = pool.begin().await?;
    let mut queued = 0;
    for r in home::open_rounds(&mut *tx, region, None).await? {
        if r.status().owed() && reminder(r.due_on, today).is_some() {
            let email = Email::return_reminder(&r.period.to_string(), &r.ons_code, r.due_on, today);
            queued += notify(&mut tx, letterhead, &email, To::Council(&r.ons_code)).await?;
        }
    }
    let names = areas::council_names(pool).await?;
    for f in cycle::follow_ups(&mut *tx, None).await? {
        let Some(overdue) = f
            .done_on
            .is_none()
            .then(|| reminder(f.due_on, today))
            .flatten()
        else {
            continue;
        };
        let what = if f.kind == "action" {
            "peer_challenge_action"
        } else {
            "agreed_support"
        };
        let name = names
            .get(&f.ons_code)
            .map_or(f.ons_code.as_str(), String::as_str);
        let email = Email::follow_up(what, f.id, name, f.due_on, overdue);
        queued += notify(&mut tx, letterhead, &email, To::Council(&f.ons_code)).await?;
        queued += notify(&mut tx, letterhead, &email, To::Analysts).await?;
    }
    tx.commit().await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_is_reminded_of_in_its_last_week_and_once_passed() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        assert_eq!(reminder(day(20), day(10)), None);
        assert_eq!(reminder(day(17), day(10)), Some(false));
        assert_eq!(reminder(day(10), day(10)), Some(false));
        assert_eq!(reminder(day(9), day(10)), Some(true));
    }
}
