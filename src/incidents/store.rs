//! Incident queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{IncidentClosure, IncidentInput, IncidentQuery, IncidentStatus};
use super::model::IncidentRow;
use super::patch::IncidentPatch;
use super::{rules, view};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::{documents as d, incident_documents as idoc, incidents as i};
use crate::db::{dispatch, DbConnection};
use crate::documents::receive::Received;
use crate::documents::store::{self as documents, DocumentRow};
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};
use crate::reviews::api::{ReviewInput, ReviewKind, ReviewMethod};
use crate::state::Supervision;

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &IncidentRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change =
        Change::of("incident", row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// The open `ad_hoc` review of the consignee, or a new one for today (a consequence of recording
/// the incident, so not subject to the caller's role); answers the id and whether it is new.
fn follow_up_review(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    consignee_id: &str,
) -> Result<(String, bool), ApiError> {
    use crate::db::schema::reviews as r;
    let open: Option<String> = r::table
        .filter(r::consignee_id.eq(consignee_id))
        .filter(r::kind.eq(ReviewKind::AdHoc.as_str()))
        .filter(r::completed_at.is_null())
        .select(r::id)
        .order(r::id.asc())
        .first(conn)
        .optional()?;
    if let Some(id) = open {
        return Ok((id, false));
    }
    let input = ReviewInput {
        kind: ReviewKind::AdHoc,
        method: ReviewMethod::DocumentReview,
        scheduled_for: Some(today),
        performed_on: None,
        reviewer: None,
        answers: Vec::new(),
        evidence: Default::default(),
        summary: Some("Follow-up of an incident at the consignee.".to_owned()),
    };
    Ok((crate::reviews::store::create(conn, caller, at, today, consignee_id, input)?.id, true))
}

/// Records an incident at the consignee, optionally scheduling its follow-up review.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    consignee_id: &str,
    input: IncidentInput,
    schedule_review: bool,
) -> Result<IncidentRow, ApiError> {
    crate::consignees::store::get(conn, consignee_id)?;
    rules::check(&input, at, supervision.time_zone)?;
    rules::check_references(conn, consignee_id, &input, supervision.today)?;
    dispatch::lock_consignee(conn, consignee_id)?;
    let now = at.naive_utc();
    let mut row = IncidentRow {
        id: Uuid::now_v7().to_string(),
        consignee_id: consignee_id.to_owned(),
        kind: String::new(),
        suspected: false,
        description: String::new(),
        occurred_on: None,
        detected_at: None,
        reported_by_consignee_at: None,
        company_aware_at: now,
        entrustment_ids: "[]".to_owned(),
        categories: "[]".to_owned(),
        affected_subjects: None,
        affected_subjects_is_upper_bound: false,
        wrongful_intent: None,
        financial_damage_risk: false,
        secondary_damage: None,
        advanced_encryption: false,
        status: String::new(),
        containment: None,
        root_cause: None,
        corrective_actions: "[]".to_owned(),
        preliminary_reported_at: None,
        final_reported_at: None,
        subjects_notified_at: None,
        publicly_announced_at: None,
        review_id: None,
        review_scheduled: false,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(&input);
    if schedule_review {
        let (review_id, scheduled) = follow_up_review(conn, caller, at, supervision.today, consignee_id)?;
        (row.review_id, row.review_scheduled) = (Some(review_id), scheduled);
    }
    diesel::insert_into(i::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The incident with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<IncidentRow, ApiError> {
    i::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no incident {id}")))
}

fn frozen(row: &IncidentRow) -> Result<(), ApiError> {
    if row.closed() {
        return Err(ApiError::Conflict(format!("incident {} is closed; its facts are frozen", row.id)));
    }
    Ok(())
}

fn write_row(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut IncidentRow,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(i::table.find(&row.id).filter(i::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the incident changed while this request ran; fetch it and retry".to_owned()));
    }
    Ok(())
}

/// Applies a merge patch at `expected` version; 409 once closed.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    id: &str,
    expected: Expected,
    changes: IncidentPatch,
) -> Result<IncidentRow, ApiError> {
    let mut row = get(conn, id)?;
    frozen(&row)?;
    let current = row.input()?;
    let input = rules::normalized(changes.apply(current.clone()));
    rules::check(&input, at, supervision.time_zone)?;
    rules::check_references(conn, &row.consignee_id, &input, supervision.today)?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok(row);
    }
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    let before = row.audit_view()?;
    row.set_fields(&input);
    write_row(conn, caller, at, &mut row)?;
    record(conn, caller, at, &row, "updated", audit::diff(&before, &row.audit_view()?))?;
    Ok(row)
}

/// Closes an incident: 409 when already closed (before the body is looked at), then the body
/// (415, 400, 422), containment and root cause, and for a reportable incident both reports and
/// the notification of the people affected.
pub fn close(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    id: &str,
    expected: Expected,
    (media, body): (Result<(), ApiError>, &[u8]),
) -> Result<IncidentRow, ApiError> {
    let mut row = get(conn, id)?;
    frozen(&row)?;
    media?;
    let closure: IncidentClosure = crate::http::body::parse(body)?;
    let closure = IncidentClosure {
        containment: crate::validation::trim_option(closure.containment),
        root_cause: crate::validation::trim_option(closure.root_cause),
    };
    crate::validation::check(&closure)?;
    check_version(&expected, row.version)?;
    let mut input = row.input()?;
    input.containment = closure.containment.or(input.containment);
    input.root_cause = closure.root_cause.or(input.root_cause);
    let reportable = view::standing_of(conn, &row, supervision)?.reportable;
    rules::check_closing(&input, reportable)?;
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    let before = row.audit_view()?;
    row.set_fields(&input);
    row.status = IncidentStatus::Closed.as_str().to_owned();
    write_row(conn, caller, at, &mut row)?;
    record(conn, caller, at, &row, "closed", audit::diff(&before, &row.audit_view()?))?;
    Ok(row)
}

/// 409 once closed, 412 when `expected` names another version.
pub fn check_document_allowed(row: &IncidentRow, expected: &Expected) -> Result<(), ApiError> {
    frozen(row)?;
    check_version(expected, row.version)
}

/// Adds a document to an incident that is not closed; the same bytes uploaded again answer the
/// document already attached.
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
    diesel::insert_into(idoc::table)
        .values((idoc::incident_id.eq(id), idoc::document_id.eq(&document.id)))
        .execute(conn)?;
    write_row(conn, caller, at, &mut row)?;
    let detail = serde_json::json!({ "document": document.audit_view() });
    record(conn, caller, at, &row, "document_uploaded", detail)?;
    Ok(document)
}

fn document_by_sha256(conn: &mut DbConnection, id: &str, sha256: &str) -> Result<Option<DocumentRow>, ApiError> {
    Ok(d::table
        .inner_join(idoc::table.on(idoc::document_id.eq(d::id)))
        .filter(idoc::incident_id.eq(id))
        .filter(d::sha256.eq(sha256))
        .select(d::all_columns)
        .first(conn)
        .optional()?)
}

/// The document of an incident with this sha256, or 404.
pub fn document_of(conn: &mut DbConnection, id: &str, sha256: &str) -> Result<DocumentRow, ApiError> {
    get(conn, id)?;
    document_by_sha256(conn, id, sha256)?
        .ok_or_else(|| ApiError::NotFound(format!("incident {id} has no document with sha256 {sha256}")))
}

/// The documents of each incident in `ids` (one query).
pub fn documents_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, DocumentRow)>, ApiError> {
    Ok(idoc::table
        .inner_join(d::table.on(d::id.eq(idoc::document_id)))
        .filter(idoc::incident_id.eq_any(ids))
        .select((idoc::incident_id, d::all_columns))
        .order((idoc::incident_id.asc(), d::uploaded_at.asc(), d::id.asc()))
        .load(conn)?)
}

/// Up to `limit` incidents after `after` in creation order, with the SQL filters (status, kind);
/// the derived filters are applied by the caller.
pub fn batch(
    conn: &mut DbConnection,
    consignee_id: Option<&str>,
    query: &IncidentQuery,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<IncidentRow>, ApiError> {
    let mut select = i::table.into_boxed();
    if let Some(consignee_id) = consignee_id {
        select = select.filter(i::consignee_id.eq(consignee_id.to_owned()));
    }
    if let Some(status) = query.status {
        select = select.filter(i::status.eq(status.as_str()));
    }
    if let Some(kind) = query.kind {
        select = select.filter(i::kind.eq(kind.as_str()));
    }
    if let Some(after) = after {
        select = select.filter(i::id.gt(after.to_owned()));
    }
    Ok(select.order(i::id.asc()).limit(limit).load(conn)?)
}

/// The incidents not closed of these consignees (one query), or of all when `None`.
pub fn not_closed(conn: &mut DbConnection, consignee_ids: Option<&[String]>) -> Result<Vec<IncidentRow>, ApiError> {
    let mut select = i::table.filter(i::status.ne(IncidentStatus::Closed.as_str())).into_boxed();
    if let Some(ids) = consignee_ids {
        select = select.filter(i::consignee_id.eq_any(ids.to_vec()));
    }
    Ok(select.order(i::id.asc()).load(conn)?)
}
