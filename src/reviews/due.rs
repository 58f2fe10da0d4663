//! The review due list: consignees whose next review is due within a window or overdue.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;

use super::api::DueReview;
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::consignees as c;
use crate::db::DbConnection;
use crate::error::ApiError;

/// The window in days from `30d`-style text (0 to 3650 days; default 30); 422 otherwise.
pub fn window(within: Option<&str>) -> Result<u64, ApiError> {
    let Some(text) = within else { return Ok(30) };
    text.strip_suffix('d')
        .filter(|n| (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n <= 3650)
        .ok_or_else(|| ApiError::invalid("within", "pattern", "a number of days such as 30d, at most 3650d"))
}

/// A due-list position from `YYYY-MM-DD_<consignee id>` (400 otherwise). Any text the pattern
/// admits is a position: a day past its month's end (`2026-02-31`) comes after the whole month.
pub fn cursor(text: &str) -> Result<(NaiveDate, String), ApiError> {
    let bad = || ApiError::BadRequest("cursor is not a next_cursor of this list".to_owned());
    let (day, id) = text.split_once('_').ok_or_else(bad)?;
    let id = id.parse::<uuid::Uuid>().map_err(|_| bad())?.to_string();
    if day.len() != 10 || day.as_bytes()[4] != b'-' || day.as_bytes()[7] != b'-' {
        return Err(bad());
    }
    let parts: Vec<u32> = day.split('-').map(|p| p.parse::<u32>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let [year, month, day] = parts[..] else { return Err(bad()) };
    if !(1..=31).contains(&day) {
        return Err(bad());
    }
    let year = i32::try_from(year).map_err(|_| bad())?;
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Ok((date, id));
    }
    let month_end = (28..=31).rev().find_map(|d| NaiveDate::from_ymd_opt(year, month, d)).ok_or_else(bad)?;
    Ok((month_end, uuid::Uuid::max().to_string()))
}

/// The cursor of an item.
pub fn key(item: &DueReview) -> String {
    format!("{}_{}", item.next_review_due, item.consignee_id)
}

/// Up to `limit` consignees due by `today + days`, earliest due first (so overdue first), after
/// the cursor.
pub fn list(
    conn: &mut DbConnection,
    today: NaiveDate,
    days: u64,
    after: Option<(NaiveDate, String)>,
    limit: i64,
) -> Result<Vec<DueReview>, ApiError> {
    let horizon = today.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX);
    let mut select = c::table.filter(c::next_review_due.le(horizon)).into_boxed();
    if let Some((day, id)) = after {
        select = select.filter(c::next_review_due.gt(day).or(c::next_review_due.eq(day).and(c::id.gt(id))));
    }
    let rows: Vec<ConsigneeRow> = select.order((c::next_review_due.asc(), c::id.asc())).limit(limit).load(conn)?;
    rows.into_iter().map(|row| item(row, today)).collect()
}

fn item(row: ConsigneeRow, today: NaiveDate) -> Result<DueReview, ApiError> {
    let due = row.next_review_due.ok_or_else(|| ApiError::internal("a listed consignee has no due date"))?;
    let days_overdue = (today - due).num_days().max(0);
    Ok(DueReview {
        consignee_id: crate::db::stored_id(&row.id)?,
        legal_name: row.legal_name.clone(),
        status: row.status()?,
        risk_tier: row.input()?.risk_tier,
        last_reviewed_on: row.last_reviewed_on,
        next_review_due: due,
        overdue: due < today,
        days_overdue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "01a21e05-499e-71c8-8e2d-5e558e08dc15";

    #[test]
    fn a_cursor_is_a_day_and_an_id_and_a_day_past_the_month_end_follows_the_month() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(cursor(&format!("2026-11-30_{ID}")).unwrap(), (day("2026-11-30"), ID.to_owned()));
        let (end, id) = cursor(&format!("2026-02-31_{ID}")).unwrap();
        assert_eq!((end, id.as_str()), (day("2026-02-28"), "ffffffff-ffff-ffff-ffff-ffffffffffff"));
        assert_eq!(cursor(&format!("0000-01-01_{ID}")).unwrap().0, day("0000-01-01"));
        for bad in ["", "2026-11-30", "2026-11-30_x", &format!("2026-13-01_{ID}"), &format!("30-11-2026_{ID}")] {
            assert!(matches!(cursor(bad), Err(ApiError::BadRequest(_))), "{bad}");
        }
    }
}
