//! When each consignee's next supervision review is due: from its last completed review (or, never
//! reviewed, its approval) and its risk tier. Kept in `consignees.next_review_due` for the due list,
//! recomputed in the transaction of every change that moves it and when the intervals change.

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::consignees::api::{ConsigneeStatus, RiskTier};
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::{consignees as c, derived_settings as s, reviews as r};
use crate::db::{Db, DbConnection};
use crate::error::ApiError;

/// Months between reviews per risk tier (`CR_REVIEW_MONTHS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewIntervals {
    /// For `high` risk consignees (default 6).
    pub high: u32,
    /// For `medium` (default 12).
    pub medium: u32,
    /// For `low` (default 24).
    pub low: u32,
}

impl Default for ReviewIntervals {
    fn default() -> Self {
        Self { high: 6, medium: 12, low: 24 }
    }
}

impl ReviewIntervals {
    /// The interval of a tier.
    pub fn months(&self, tier: RiskTier) -> u32 {
        match tier {
            RiskTier::High => self.high,
            RiskTier::Medium => self.medium,
            RiskTier::Low => self.low,
        }
    }
}

/// The next review's due date: the last review plus the tier's interval (a month end stays in
/// its month: 31 Aug + 6 months is 28 Feb), or the approval day when never reviewed; none for a
/// consignee that is not under supervision (not `approved` or `suspended`).
pub fn next_due(
    status: ConsigneeStatus,
    tier: RiskTier,
    approved_on: Option<NaiveDate>,
    last_reviewed_on: Option<NaiveDate>,
    intervals: ReviewIntervals,
) -> Option<NaiveDate> {
    if !matches!(status, ConsigneeStatus::Approved | ConsigneeStatus::Suspended) {
        return None;
    }
    match last_reviewed_on {
        Some(day) => day.checked_add_months(Months::new(intervals.months(tier))),
        None => approved_on,
    }
}

/// Sets the row's `next_review_due` from its own fields.
pub fn apply(row: &mut ConsigneeRow, intervals: ReviewIntervals) -> Result<(), ApiError> {
    let tier = row.input()?.risk_tier;
    row.next_review_due = next_due(row.status()?, tier, row.approved_on, row.last_reviewed_on, intervals);
    Ok(())
}

/// The day the consignee's last completed review was performed.
pub fn last_reviewed_on(conn: &mut DbConnection, consignee_id: &str) -> Result<Option<NaiveDate>, ApiError> {
    let last: Option<Option<NaiveDate>> = r::table
        .filter(r::consignee_id.eq(consignee_id))
        .filter(r::completed_at.is_not_null())
        .select(diesel::dsl::max(r::performed_on))
        .first(conn)
        .optional()?;
    Ok(last.flatten())
}

/// Recomputes a consignee's cached schedule after one of its reviews completed (the caller holds
/// the consignee's lock); the consignee's own version does not move.
pub fn refresh(conn: &mut DbConnection, consignee_id: &str, intervals: ReviewIntervals) -> Result<(), ApiError> {
    let mut row = crate::consignees::store::get(conn, consignee_id)?;
    row.last_reviewed_on = last_reviewed_on(conn, consignee_id)?;
    apply(&mut row, intervals)?;
    diesel::update(c::table.find(consignee_id))
        .set((c::last_reviewed_on.eq(row.last_reviewed_on), c::next_review_due.eq(row.next_review_due)))
        .execute(conn)?;
    Ok(())
}

const SETTING: &str = "review_intervals";

/// At startup: when the intervals differ from those the stored due dates were computed with (or
/// none were recorded yet), recomputes every consignee's due date, in one transaction. A
/// supervised consignee approved before approvals were dated gets the day of its last status
/// change (in the business time zone) as its approval day.
pub async fn reconcile(db: &Db, intervals: ReviewIntervals, tz: chrono_tz::Tz) -> Result<(), String> {
    let wanted = serde_json::to_string(&intervals).map_err(|e| e.to_string())?;
    db.write(move |conn| {
        let stored: Option<String> = s::table.find(SETTING).select(s::value).first(conn).optional()?;
        if stored.as_deref() == Some(wanted.as_str()) {
            return Ok(0);
        }
        let rows: Vec<ConsigneeRow> = c::table.load(conn)?;
        let mut changed = 0;
        for mut row in rows {
            let before = (row.approved_on, row.next_review_due);
            if row.approved_on.is_none()
                && matches!(row.status()?, ConsigneeStatus::Approved | ConsigneeStatus::Suspended)
            {
                let changed_at = row.status_changed_at.unwrap_or(row.created_at);
                row.approved_on = Some(changed_at.and_utc().with_timezone(&tz).date_naive());
            }
            apply(&mut row, intervals)?;
            if (row.approved_on, row.next_review_due) != before {
                diesel::update(c::table.find(&row.id))
                    .set((c::approved_on.eq(row.approved_on), c::next_review_due.eq(row.next_review_due)))
                    .execute(conn)?;
                changed += 1;
            }
        }
        diesel::delete(s::table.find(SETTING)).execute(conn)?;
        diesel::insert_into(s::table).values((s::name.eq(SETTING), s::value.eq(&wanted))).execute(conn)?;
        Ok(changed)
    })
    .await
    .map(|changed| {
        if changed > 0 {
            tracing::info!(changed, "recomputed review due dates for new intervals");
        }
    })
    .map_err(|e| format!("cannot recompute review due dates: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn each_tier_adds_its_interval_to_the_last_review() {
        let intervals = ReviewIntervals::default();
        let due = |tier| {
            next_due(ConsigneeStatus::Approved, tier, Some(day("2026-01-10")), Some(day("2026-04-12")), intervals)
        };
        assert_eq!(due(RiskTier::High), Some(day("2026-10-12")));
        assert_eq!(due(RiskTier::Medium), Some(day("2027-04-12")));
        assert_eq!(due(RiskTier::Low), Some(day("2028-04-12")));
    }

    #[test]
    fn a_month_end_stays_in_its_month() {
        let due = next_due(
            ConsigneeStatus::Approved,
            RiskTier::High,
            None,
            Some(day("2026-08-31")),
            ReviewIntervals::default(),
        );
        assert_eq!(due, Some(day("2027-02-28")));
    }

    #[test]
    fn never_reviewed_is_due_from_approval_and_unsupervised_is_never_due() {
        let intervals = ReviewIntervals::default();
        let approved = Some(day("2026-05-01"));
        assert_eq!(next_due(ConsigneeStatus::Approved, RiskTier::Low, approved, None, intervals), approved);
        assert_eq!(next_due(ConsigneeStatus::Suspended, RiskTier::Low, approved, None, intervals), approved);
        for status in [ConsigneeStatus::Candidate, ConsigneeStatus::Rejected, ConsigneeStatus::Terminated] {
            assert_eq!(next_due(status, RiskTier::Low, approved, Some(day("2026-05-01")), intervals), None);
        }
    }

    #[test]
    fn configured_intervals_apply() {
        let intervals = ReviewIntervals { high: 3, medium: 9, low: 36 };
        let due = next_due(ConsigneeStatus::Approved, RiskTier::High, None, Some(day("2026-01-15")), intervals);
        assert_eq!(due, Some(day("2026-04-15")));
    }
}
