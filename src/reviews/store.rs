//! Review queries; every change is audited in its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{Review, ReviewCompletion, ReviewInput, ReviewQuery, ReviewStatus};
use super::model::{json, ReviewRow};
use super::patch::ReviewPatch;
use super::{rules, schedule};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::{documents as d, review_documents as rd, reviews as r};
use crate::db::{dispatch, DbConnection};
use crate::documents::receive::Received;
use crate::documents::store::{self as documents, DocumentRow};
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};
use crate::state::Supervision;

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &ReviewRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of("review", row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// Plans (or records) a review of the consignee; the reviewer defaults to the caller.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    consignee_id: &str,
    input: ReviewInput,
) -> Result<ReviewRow, ApiError> {
    crate::consignees::store::get(conn, consignee_id)?;
    rules::check(conn, consignee_id, &input, today)?;
    let now = at.naive_utc();
    let mut row = ReviewRow {
        id: Uuid::now_v7().to_string(),
        consignee_id: consignee_id.to_owned(),
        kind: String::new(),
        method: String::new(),
        scheduled_for: None,
        performed_on: None,
        reviewer: caller.sub.clone(),
        outcome: None,
        answers: "[]".to_owned(),
        evidence_references: "[]".to_owned(),
        certification_ids: "[]".to_owned(),
        summary: None,
        completed_at: None,
        completed_by: None,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(&input);
    diesel::insert_into(r::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The review with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<ReviewRow, ApiError> {
    r::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no review {id}")))
}

fn frozen(row: &ReviewRow) -> Result<(), ApiError> {
    if row.completed() {
        return Err(ApiError::Conflict(format!("review {} is completed; its record is frozen", row.id)));
    }
    Ok(())
}

/// Writes the changed row, bumping its version, only over the version that was read.
fn write_row(conn: &mut DbConnection, caller: &Caller, at: DateTime<Utc>, row: &mut ReviewRow) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(r::table.find(&row.id).filter(r::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the review changed while this request ran; fetch it and retry".to_owned()));
    }
    Ok(())
}

/// Applies a merge patch to an open review at `expected` version (409 once completed).
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
    changes: ReviewPatch,
) -> Result<ReviewRow, ApiError> {
    let mut row = get(conn, id)?;
    frozen(&row)?;
    let current = row.input()?;
    let input = rules::normalized(changes.apply(current.clone()));
    rules::check(conn, &row.consignee_id, &input, today)?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok(row);
    }
    let before = row.audit_view()?;
    row.set_fields(&input);
    write_row(conn, caller, at, &mut row)?;
    record(conn, caller, at, &row, "updated", audit::diff(&before, &row.audit_view()?))?;
    Ok(row)
}

/// Completes an open review: 409 when already completed (before the body's media type and
/// content are looked at), then the body (415, 400, 422), every active checklist item answered;
/// moves the consignee's schedule.
pub fn complete(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    id: &str,
    expected: Expected,
    (media, body): (Result<(), ApiError>, &[u8]),
) -> Result<ReviewRow, ApiError> {
    let mut row = get(conn, id)?;
    frozen(&row)?;
    media?;
    let completion: ReviewCompletion = crate::http::body::parse(body)?;
    crate::validation::check(&completion)?;
    check_version(&expected, row.version)?;
    let answers = match completion.answers {
        Some(answers) => rules::trimmed_answers(answers),
        None => row.input()?.answers,
    };
    let performed_on = completion.performed_on.or(row.performed_on).unwrap_or(supervision.today);
    let mut errors = rules::performed_on_errors(Some(performed_on), supervision.today);
    errors.extend(rules::answer_errors(conn, "answers", &answers)?);
    crate::validation::all_valid(errors)?;
    rules::check_all_answered(conn, &answers)?;
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    let before = row.audit_view()?;
    row.performed_on = Some(performed_on);
    row.answers = json(&answers);
    row.summary = crate::validation::trim_option(completion.summary).or(row.summary.take());
    row.outcome = Some(completion.outcome.as_str().to_owned());
    row.completed_at = Some(at.naive_utc());
    row.completed_by = Some(caller.sub.clone());
    write_row(conn, caller, at, &mut row)?;
    record(conn, caller, at, &row, "completed", audit::diff(&before, &row.audit_view()?))?;
    schedule::refresh(conn, &row.consignee_id, supervision.intervals)?;
    Ok(row)
}

/// Up to `limit` reviews after the cursor id, in creation order, matching the filters.
pub fn list(
    conn: &mut DbConnection,
    consignee_id: Option<&str>,
    query: &ReviewQuery,
    limit: i64,
) -> Result<Vec<ReviewRow>, ApiError> {
    let mut select = r::table.into_boxed();
    if let Some(consignee_id) = consignee_id {
        select = select.filter(r::consignee_id.eq(consignee_id.to_owned()));
    }
    if let Some(kind) = query.kind {
        select = select.filter(r::kind.eq(kind.as_str()));
    }
    select = match query.status {
        Some(ReviewStatus::Open) => select.filter(r::completed_at.is_null()),
        Some(ReviewStatus::Completed) => select.filter(r::completed_at.is_not_null()),
        None => select,
    };
    if let Some(outcome) = query.outcome {
        select = select.filter(r::outcome.eq(outcome.as_str()));
    }
    if let Some(after) = query.cursor {
        select = select.filter(r::id.gt(after.to_string()));
    }
    Ok(select.order(r::id.asc()).limit(limit).load(conn)?)
}

/// 409 once the review is completed, 412 when `expected` names another version.
pub fn check_document_allowed(row: &ReviewRow, expected: &Expected) -> Result<(), ApiError> {
    frozen(row)?;
    check_version(expected, row.version)
}

/// Adds an evidence document to an open review (409 once completed); the same bytes uploaded
/// again answer the document already attached.
pub fn add_document(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    received: &Received,
) -> Result<DocumentRow, ApiError> {
    let mut row = get(conn, id)?;
    check_document_allowed(&row, &expected)?;
    if let Some(existing) = document_by_sha256(conn, id, &received.sha256)? {
        return Ok(existing);
    }
    let document = documents::insert(conn, caller, at, received)?;
    diesel::insert_into(rd::table).values((rd::review_id.eq(id), rd::document_id.eq(&document.id))).execute(conn)?;
    write_row(conn, caller, at, &mut row)?;
    let detail = serde_json::json!({ "document": document.audit_view() });
    record(conn, caller, at, &row, "document_uploaded", detail)?;
    Ok(document)
}

fn document_by_sha256(conn: &mut DbConnection, id: &str, sha256: &str) -> Result<Option<DocumentRow>, ApiError> {
    Ok(d::table
        .inner_join(rd::table.on(rd::document_id.eq(d::id)))
        .filter(rd::review_id.eq(id))
        .filter(d::sha256.eq(sha256))
        .select(d::all_columns)
        .first(conn)
        .optional()?)
}

/// The evidence document of a review with this sha256, or 404.
pub fn document_of(conn: &mut DbConnection, id: &str, sha256: &str) -> Result<DocumentRow, ApiError> {
    get(conn, id)?;
    document_by_sha256(conn, id, sha256)?
        .ok_or_else(|| ApiError::NotFound(format!("review {id} has no document with sha256 {sha256}")))
}

fn documents_of(conn: &mut DbConnection, ids: &[String]) -> Result<HashMap<String, Vec<DocumentRow>>, ApiError> {
    let rows: Vec<(String, DocumentRow)> = rd::table
        .inner_join(d::table.on(d::id.eq(rd::document_id)))
        .filter(rd::review_id.eq_any(ids))
        .select((rd::review_id, d::all_columns))
        .order((rd::review_id.asc(), d::uploaded_at.asc(), d::id.asc()))
        .load(conn)?;
    let mut map: HashMap<String, Vec<DocumentRow>> = HashMap::new();
    for (review_id, document) in rows {
        map.entry(review_id).or_default().push(document);
    }
    Ok(map)
}

/// The API view of each row with its documents (one query for all of them).
pub fn present(conn: &mut DbConnection, rows: Vec<ReviewRow>) -> Result<Vec<Review>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut found = documents_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let docs = found.remove(&row.id).unwrap_or_default();
            row.to_api(docs.iter().map(DocumentRow::to_api).collect::<Result<_, _>>()?)
        })
        .collect()
}

/// The API view of one row.
pub fn present_one(conn: &mut DbConnection, row: ReviewRow) -> Result<Review, ApiError> {
    present(conn, vec![row])?.pop().ok_or_else(|| ApiError::internal("a presented review vanished"))
}
