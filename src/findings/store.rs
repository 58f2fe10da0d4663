//! Finding queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{FindingInput, FindingQuery, FindingStatus};
use super::model::FindingRow;
use super::patch::FindingPatch;
use super::rules;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::findings as f;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &FindingRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of("finding", row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// Records a finding of a review (open or completed: follow-up findings are common).
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    review_id: &str,
    input: FindingInput,
) -> Result<FindingRow, ApiError> {
    let review = crate::reviews::store::get(conn, review_id)?;
    rules::check(&input, today)?;
    dispatch::lock_consignee(conn, &review.consignee_id)?;
    let now = at.naive_utc();
    let mut row = FindingRow {
        id: Uuid::now_v7().to_string(),
        review_id: review.id,
        consignee_id: review.consignee_id,
        severity: String::new(),
        description: String::new(),
        corrective_action: None,
        due_on: None,
        status: String::new(),
        risk_justification: None,
        resolved_on: None,
        evidence: "[]".to_owned(),
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(&input);
    diesel::insert_into(f::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The finding with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<FindingRow, ApiError> {
    f::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no finding {id}")))
}

/// 422 unless `review_id` names an open review of the finding's consignee; 409 when the finding
/// belongs to a completed review (its findings stay with it: approval was judged on them).
fn check_review(conn: &mut DbConnection, row: &FindingRow, review_id: &str) -> Result<(), ApiError> {
    if review_id == row.review_id {
        return Ok(());
    }
    let review = crate::reviews::store::get(conn, review_id)
        .map_err(|_| ApiError::invalid("review_id", "unknown", &format!("no review {review_id}")))?;
    if review.consignee_id != row.consignee_id {
        return Err(ApiError::invalid("review_id", "other_consignee", "the review is of another consignee"));
    }
    if review.completed() || crate::reviews::store::get(conn, &row.review_id)?.completed() {
        return Err(ApiError::Conflict(
            "a finding moves only between open reviews; a completed review keeps its findings".to_owned(),
        ));
    }
    Ok(())
}

/// Applies a merge patch at `expected` version: fields, status moves, another review of the same
/// consignee.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
    changes: FindingPatch,
) -> Result<FindingRow, ApiError> {
    let mut row = get(conn, id)?;
    let current = row.input()?;
    let review_id = changes.review_id.map(|r| r.to_string());
    let input = rules::normalized(changes.apply(current.clone()));
    rules::check(&input, today)?;
    if let Some(review_id) = &review_id {
        check_review(conn, &row, review_id)?;
    }
    check_version(&expected, row.version)?;
    rules::check_move(current.status, input.status)?;
    let moved = review_id.as_ref().is_some_and(|r| *r != row.review_id);
    if input == current && !moved {
        return Ok(row);
    }
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    let before = row.audit_view()?;
    row.set_fields(&input);
    if let Some(review_id) = review_id {
        row.review_id = review_id;
    }
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated = diesel::update(f::table.find(id).filter(f::version.eq(read_version))).set(&row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the finding changed while this request ran; fetch it and retry".to_owned()));
    }
    record(conn, caller, at, &row, "updated", audit::diff(&before, &row.audit_view()?))?;
    Ok(row)
}

/// Where a finding list looks: one consignee's (or all), one review's (or all).
#[derive(Debug, Clone, Default)]
pub struct Within {
    /// Only this consignee's findings.
    pub consignee_id: Option<String>,
    /// Only this review's findings.
    pub review_id: Option<String>,
}

/// Up to `limit` findings after the cursor id, in creation order, matching the filters on `today`.
pub fn list(
    conn: &mut DbConnection,
    within: &Within,
    query: &FindingQuery,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<FindingRow>, ApiError> {
    let mut select = f::table.into_boxed();
    if let Some(consignee_id) = &within.consignee_id {
        select = select.filter(f::consignee_id.eq(consignee_id.clone()));
    }
    if let Some(review_id) = &within.review_id {
        select = select.filter(f::review_id.eq(review_id.clone()));
    }
    if let Some(status) = query.status {
        select = select.filter(f::status.eq(status.as_str()));
    }
    if let Some(severity) = query.severity {
        select = select.filter(f::severity.eq(severity.as_str()));
    }
    let open = [FindingStatus::Open.as_str(), FindingStatus::ActionPlanned.as_str()];
    select = match query.overdue {
        Some(true) => select.filter(f::status.eq_any(open)).filter(f::due_on.lt(today)),
        Some(false) => select.filter(f::status.ne_all(open).or(f::due_on.is_null()).or(f::due_on.ge(today))),
        None => select,
    };
    if let Some(after) = query.cursor {
        select = select.filter(f::id.gt(after.to_string()));
    }
    Ok(select.order(f::id.asc()).limit(limit).load(conn)?)
}

/// The ids of a review's findings still `open` (no action planned, not resolved, no risk accepted).
pub fn still_open_of_review(conn: &mut DbConnection, review_id: &str) -> Result<Vec<String>, ApiError> {
    Ok(f::table
        .filter(f::review_id.eq(review_id))
        .filter(f::status.eq(FindingStatus::Open.as_str()))
        .select(f::id)
        .order(f::id.asc())
        .load(conn)?)
}

/// The open (`open` or `action_planned`) findings of these consignees (one query).
pub fn open_of(conn: &mut DbConnection, consignee_ids: &[String]) -> Result<Vec<FindingRow>, ApiError> {
    let open = [FindingStatus::Open.as_str(), FindingStatus::ActionPlanned.as_str()];
    Ok(f::table.filter(f::consignee_id.eq_any(consignee_ids)).filter(f::status.eq_any(open)).load(conn)?)
}
