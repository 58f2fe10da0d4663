//! Consignee queries; every change is audited in its own transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{ConsigneeInput, ConsigneeQuery, ConsigneeStatus, StatusChange};
use super::model::ConsigneeRow;
use super::patch::ConsigneePatch;
use super::status;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::consignees as c;
use crate::db::{dispatch, DbConnection};
use crate::domain::search;
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};
use crate::reviews::schedule;
use crate::state::Supervision;
use crate::validation;

const RESOURCE: &str = "consignee";

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &ConsigneeRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of(RESOURCE, row.id.clone(), Some(row.id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// 409 when another consignee has the corporate number or the external reference of `input`.
fn ensure_identifiers_free(conn: &mut DbConnection, input: &ConsigneeInput, own_id: &str) -> Result<(), ApiError> {
    if let Some(number) = &input.corporate_number {
        let holder: Option<String> = c::table
            .select(c::id)
            .filter(c::corporate_number.eq(number))
            .filter(c::id.ne(own_id))
            .first(conn)
            .optional()?;
        if let Some(id) = holder {
            return Err(ApiError::Conflict(format!(
                "corporate_number {number} is already registered to consignee {id}"
            )));
        }
    }
    if let Some(reference) = &input.external_ref {
        if let Some(id) = by_external_ref(conn, reference)?.filter(|row| row.id != own_id).map(|row| row.id) {
            return Err(ApiError::Conflict(format!("external_ref {reference} is already used by consignee {id}")));
        }
    }
    Ok(())
}

/// The consignee with this external reference, if any.
pub fn by_external_ref(conn: &mut DbConnection, reference: &str) -> Result<Option<ConsigneeRow>, ApiError> {
    Ok(c::table.filter(c::external_ref.eq(reference)).first(conn).optional()?)
}

/// Stores a new candidate consignee.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    input: ConsigneeInput,
) -> Result<ConsigneeRow, ApiError> {
    let now = at.naive_utc();
    let mut row = ConsigneeRow {
        id: Uuid::now_v7().to_string(),
        legal_name: String::new(),
        name_kana: None,
        name_en: None,
        corporate_number: None,
        country: String::new(),
        address: None,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        risk_tier: String::new(),
        notes: None,
        status: ConsigneeStatus::Candidate.as_str().to_owned(),
        status_reason: None,
        status_changed_at: None,
        search_text: String::new(),
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
        approved_on: None,
        last_reviewed_on: None,
        next_review_due: None,
        external_ref: None,
    };
    ensure_identifiers_free(conn, &input, &row.id)?;
    row.set_fields(input);
    diesel::insert_into(c::table).values(&row).execute(conn)?;
    let view = row.audit_view()?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": view }))?;
    Ok(row)
}

/// The consignee with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<ConsigneeRow, ApiError> {
    c::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no consignee {id}")))
}

/// 409 for a write that lost a race with another change to the same consignee.
fn changed_meanwhile() -> ApiError {
    ApiError::Conflict("the consignee changed while this request ran; fetch it and retry".to_owned())
}

/// Writes the changed row (bumping its version) and records the change against `before`.
///
/// The update only applies to the version that was read, so a concurrent writer that got in
/// first (possible on PostgreSQL, where row reads do not lock) makes this one fail with 409.
fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut ConsigneeRow,
    before: serde_json::Value,
    action: &str,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(c::table.find(&row.id).filter(c::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(changed_meanwhile());
    }
    record(conn, caller, at, row, action, audit::diff(&before, &row.audit_view()?))
}

/// Applies a merge patch to the fields of a consignee at `expected` version; a new risk tier
/// moves the next review's due date.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    id: &str,
    expected: Expected,
    patch: ConsigneePatch,
) -> Result<ConsigneeRow, ApiError> {
    get(conn, id)?;
    dispatch::lock_consignee(conn, id)?;
    let row = get(conn, id)?;
    let input = patch.apply(row.input()?)?.normalized();
    write_fields(conn, caller, at, supervision, row, expected, input)
}

/// Writes `input` over the fields of `row` at `expected` version (checked, identifiers free); a
/// new risk tier moves the next review's due date. The consignee is locked by the caller.
fn write_fields(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    mut row: ConsigneeRow,
    expected: Expected,
    input: ConsigneeInput,
) -> Result<ConsigneeRow, ApiError> {
    validation::check(&input)?;
    check_version(&expected, row.version)?;
    if input == row.input()? {
        return Ok(row);
    }
    ensure_identifiers_free(conn, &input, &row.id)?;
    let before = row.audit_view()?;
    row.set_fields(input);
    schedule::apply(&mut row, supervision.intervals)?;
    save(conn, caller, at, &mut row, before, "updated")?;
    Ok(row)
}

/// Creates (`true`) or updates the consignee with external reference `reference` from `input`
/// (a contract system's sync); `input.external_ref`, when given, must be `reference` (422).
pub fn sync_by_ref(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    reference: &str,
    expected: Expected,
    mut input: ConsigneeInput,
) -> Result<(ConsigneeRow, bool), ApiError> {
    let reference = reference.trim();
    if input.external_ref.as_deref().is_some_and(|given| given.trim() != reference) {
        let message = "must be absent or equal the external_ref in the path";
        return Err(ApiError::invalid("external_ref", "mismatch", message));
    }
    check_reference(reference)?;
    input.external_ref = Some(reference.to_owned());
    let input = input.normalized();
    validation::check(&input)?;
    dispatch::lock_external_ref(conn, reference)?;
    match by_external_ref(conn, reference)? {
        Some(found) => {
            dispatch::lock_consignee(conn, &found.id)?;
            let row = get(conn, &found.id)?;
            Ok((write_fields(conn, caller, at, supervision, row, expected, input)?, false))
        }
        None => {
            absent_precondition(&expected)?;
            Ok((create(conn, caller, at, input)?, true))
        }
    }
}

/// 422 for an external reference in a path that no record could hold: control characters (NUL
/// among them, which PostgreSQL refuses), or longer than 200 characters.
pub fn check_reference(reference: &str) -> Result<(), ApiError> {
    if reference.chars().any(char::is_control) || reference.chars().count() > 200 {
        let message = "1 to 200 characters, none of them control characters";
        return Err(ApiError::invalid("external_ref", "invalid", message));
    }
    Ok(())
}

/// 412 for an `If-Match` naming a version of a record that does not exist yet (RFC 9110 §13.1.1).
pub fn absent_precondition(expected: &Expected) -> Result<(), ApiError> {
    match expected {
        Expected::Any => Ok(()),
        Expected::Versions(_) => {
            Err(ApiError::PreconditionFailed("If-Match names a version, but there is no such record yet".to_owned()))
        }
    }
}

/// Replaces the writable fields of consignee `id` with `input` (an import's upsert), keeping its
/// status; false when nothing changed.
pub fn replace(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    intervals: schedule::ReviewIntervals,
    id: &str,
    input: ConsigneeInput,
) -> Result<bool, ApiError> {
    dispatch::lock_consignee(conn, id)?;
    let mut row = get(conn, id)?;
    if input == row.input()? {
        return Ok(false);
    }
    let before = row.audit_view()?;
    row.set_fields(input);
    schedule::apply(&mut row, intervals)?;
    save(conn, caller, at, &mut row, before, "updated")?;
    Ok(true)
}

/// Moves a consignee along the transition table; 409 for a move the table does not allow, and
/// for an approval without a passing review (the approval gate). Approval starts the review
/// schedule from today.
pub fn change_status(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    supervision: Supervision,
    id: &str,
    expected: Expected,
    change: StatusChange,
) -> Result<ConsigneeRow, ApiError> {
    get(conn, id)?;
    dispatch::lock_consignee(conn, id)?;
    let mut row = get(conn, id)?;
    check_version(&expected, row.version)?;
    let current = row.status()?;
    if !status::allowed(current, change.status) {
        return Err(ApiError::Conflict(format!(
            "a consignee cannot move from {} to {}",
            current.as_str(),
            change.status.as_str()
        )));
    }
    if change.status == ConsigneeStatus::Approved {
        crate::reviews::gate::check_approval(conn, &row, current, supervision.time_zone)?;
        row.approved_on = Some(supervision.today);
    }
    let before = row.audit_view()?;
    row.status = change.status.as_str().to_owned();
    row.status_reason = Some(change.reason);
    row.status_changed_at = Some(at.naive_utc());
    schedule::apply(&mut row, supervision.intervals)?;
    save(conn, caller, at, &mut row, before, "status_changed")?;
    Ok(row)
}

/// Deletes a candidate that nothing is attached to; 409 for any other consignee.
pub fn delete(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
) -> Result<(), ApiError> {
    let row = get(conn, id)?;
    check_version(&expected, row.version)?;
    if row.status()? != ConsigneeStatus::Candidate {
        return Err(ApiError::Conflict(format!(
            "only a candidate can be deleted; this consignee is {} and is kept as evidence",
            row.status
        )));
    }
    dispatch::lock_consignee(conn, id)?;
    if let Some(kind) = attached(conn, id)? {
        return Err(ApiError::Conflict(format!(
            "this candidate has {kind} attached; a consignee with records is kept as evidence"
        )));
    }
    // Only the version that was read, still a candidate: a concurrent approval wins (PostgreSQL).
    let candidate = c::status.eq(ConsigneeStatus::Candidate.as_str());
    let deleted =
        diesel::delete(c::table.find(id).filter(c::version.eq(row.version)).filter(candidate)).execute(conn)?;
    if deleted == 0 {
        return Err(changed_meanwhile());
    }
    record(conn, caller, at, &row, "deleted", serde_json::json!({ "before": row.audit_view()? }))
}

/// The first kind of record attached to the consignee, if any.
fn attached(conn: &mut DbConnection, id: &str) -> Result<Option<&'static str>, ApiError> {
    use crate::db::schema::{certifications as t, incidents as i, reviews as r};
    if crate::memoranda::store::exists_for(conn, id)? {
        return Ok(Some("memoranda"));
    }
    let reviews: i64 = r::table.filter(r::consignee_id.eq(id)).count().get_result(conn)?;
    if reviews > 0 {
        return Ok(Some("reviews"));
    }
    let certifications: i64 = t::table.filter(t::consignee_id.eq(id)).count().get_result(conn)?;
    if certifications > 0 {
        return Ok(Some("certifications"));
    }
    let incidents: i64 = i::table.filter(i::consignee_id.eq(id)).count().get_result(conn)?;
    Ok((incidents > 0).then_some("incidents"))
}

/// Up to `limit` consignees after the cursor id, in creation order, matching the filters.
pub fn list(
    conn: &mut DbConnection,
    query: &ConsigneeQuery,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ConsigneeRow>, ApiError> {
    let mut select = c::table.into_boxed();
    if let Some(status) = query.status {
        select = select.filter(c::status.eq(status.as_str()));
    }
    if let Some(tier) = query.risk_tier {
        select = select.filter(c::risk_tier.eq(tier.as_str()));
    }
    if let Some(country) = &query.country {
        select = select.filter(c::country.eq(country.to_ascii_uppercase()));
    }
    if let Some(q) = &query.q {
        select = select.filter(c::search_text.like(search::like_pattern(q)).escape('\\'));
    }
    if let Some(after) = after {
        select = select.filter(c::id.gt(after.to_owned()));
    }
    Ok(select.order(c::id.asc()).limit(limit).load(conn)?)
}
