//! Memorandum queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{MemorandumInput, MemorandumQuery, MemorandumStatus, Termination};
use super::model::MemorandumRow;
use super::patch::MemorandumPatch;
use super::rules;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::clause_templates::store as templates;
use crate::consignees::store as consignees;
use crate::db::schema::memoranda as m;
use crate::db::{dispatch, DbConnection};
use crate::documents::receive::Received;
use crate::documents::store::{self as documents, DocumentRow};
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};

const RESOURCE: &str = "memorandum";

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &MemorandumRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of(RESOURCE, row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// Records a draft memorandum for consignee `consignee_id`.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    consignee_id: &str,
    input: MemorandumInput,
) -> Result<MemorandumRow, ApiError> {
    consignees::get(conn, consignee_id)?;
    dispatch::lock_consignee(conn, consignee_id)?;
    let now = at.naive_utc();
    let mut row = MemorandumRow {
        id: Uuid::now_v7().to_string(),
        consignee_id: consignee_id.to_owned(),
        title: String::new(),
        external_ref: None,
        version_label: None,
        supersedes: None,
        signed_on: None,
        effective_from: None,
        expires_on: None,
        renewal_term_months: None,
        renewal_notice_days: None,
        signatories: "[]".to_owned(),
        clauses: "[]".to_owned(),
        notes: None,
        status: MemorandumStatus::Draft.as_str().to_owned(),
        required_clauses: None,
        signed_at: None,
        signed_by: None,
        terminated_on: None,
        termination_reason: None,
        document_id: None,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    rules::check_references(conn, &input, consignee_id, &row.id)?;
    row.set_fields(input);
    diesel::insert_into(m::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The memorandum with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<MemorandumRow, ApiError> {
    m::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no memorandum {id}")))
}

/// Writes the changed row at the version that was read (409 for a lost race) and audits the diff.
fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut MemorandumRow,
    before: serde_json::Value,
    action: &str,
) -> Result<(), ApiError> {
    write_row(conn, caller, at, row)?;
    record(conn, caller, at, row, action, audit::diff(&before, &row.audit_view()?))
}

/// Writes the changed row, bumping its version, only over the version that was read.
fn write_row(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut MemorandumRow,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(m::table.find(&row.id).filter(m::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the memorandum changed while this request ran; fetch it and retry".to_owned()));
    }
    Ok(())
}

/// Whether only what may change after signing (notes, external_ref) differs.
fn only_annotations_differ(before: &MemorandumInput, after: &MemorandumInput) -> bool {
    let mut after = after.clone();
    after.notes.clone_from(&before.notes);
    after.external_ref.clone_from(&before.external_ref);
    &after == before
}

/// Applies a merge patch at `expected` version; a signed or terminated memorandum's terms are
/// frozen (409), only its notes and external_ref change.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    patch: MemorandumPatch,
) -> Result<MemorandumRow, ApiError> {
    let row = get(conn, id)?;
    let input = rules::normalized(patch.apply(row.input()?)?);
    write_terms(conn, caller, at, row, expected, input)
}

/// Writes `input` over the terms of `row` at `expected` version; a signed or terminated
/// memorandum's terms are frozen (409), only its notes and external_ref change.
fn write_terms(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    mut row: MemorandumRow,
    expected: Expected,
    input: MemorandumInput,
) -> Result<MemorandumRow, ApiError> {
    let (id, current) = (row.id.clone(), row.input()?);
    rules::check_fields(&input)?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok(row);
    }
    if row.stored_status()? != MemorandumStatus::Draft && !only_annotations_differ(&current, &input) {
        return Err(ApiError::Conflict(format!(
            "a {} memorandum's terms are frozen; record a change of terms as a new memorandum that supersedes it",
            row.status
        )));
    }
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    rules::check_references(conn, &input, &row.consignee_id.clone(), &id)?;
    let before = row.audit_view()?;
    row.set_fields(input);
    save(conn, caller, at, &mut row, before, "updated")?;
    Ok(row)
}

/// Creates (`true`) or updates the memorandum of `consignee_id` with external reference
/// `reference` from `input` (a contract system's sync): a draft's terms are replaced, a signed one
/// is 409 as for a patch. `input.external_ref`, when given, must be `reference` (422).
pub fn sync_by_ref(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    (consignee_id, reference): (&str, &str),
    expected: Expected,
    mut input: MemorandumInput,
) -> Result<(MemorandumRow, bool), ApiError> {
    let reference = reference.trim();
    if input.external_ref.as_deref().is_some_and(|given| given.trim() != reference) {
        let message = "must be absent or equal the external_ref in the path";
        return Err(ApiError::invalid("external_ref", "mismatch", message));
    }
    consignees::check_reference(reference)?;
    input.external_ref = Some(reference.to_owned());
    let input = rules::normalized(input);
    rules::check_fields(&input)?;
    consignees::get(conn, consignee_id)?;
    dispatch::lock_consignee(conn, consignee_id)?;
    let found: Option<MemorandumRow> = m::table
        .filter(m::consignee_id.eq(consignee_id))
        .filter(m::external_ref.eq(reference))
        .first(conn)
        .optional()?;
    match found {
        Some(row) => Ok((write_terms(conn, caller, at, row, expected, input)?, false)),
        None => {
            consignees::absent_precondition(&expected)?;
            Ok((create(conn, caller, at, consignee_id, input)?, true))
        }
    }
}

fn require_status(row: &MemorandumRow, status: MemorandumStatus, doing: &str) -> Result<(), ApiError> {
    if row.stored_status()? == status {
        return Ok(());
    }
    Err(ApiError::Conflict(format!("only a {} memorandum can be {doing}; this one is {}", status.as_str(), row.status)))
}

/// Signs a draft that has everything signing needs (422 listing every missing item), freezing
/// its terms and the set of required clauses it is judged against.
pub fn sign(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
) -> Result<MemorandumRow, ApiError> {
    let mut row = get(conn, id)?;
    check_version(&expected, row.version)?;
    require_status(&row, MemorandumStatus::Draft, "signed")?;
    let required = templates::required_codes(conn)?;
    let missing = rules::missing_for_signing(&row, &row.input()?, &required, today);
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    let before = row.audit_view()?;
    row.status = MemorandumStatus::Signed.as_str().to_owned();
    row.required_clauses = Some(serde_json::to_string(&required).map_err(ApiError::internal)?);
    row.signed_at = Some(at.naive_utc());
    row.signed_by = Some(caller.sub.clone());
    save(conn, caller, at, &mut row, before, "signed")?;
    Ok(row)
}

/// Terminates a signed memorandum as of `terminated_on` (not before signature, not after today).
pub fn terminate(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
    termination: Termination,
) -> Result<MemorandumRow, ApiError> {
    let mut row = get(conn, id)?;
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    check_version(&expected, row.version)?;
    require_status(&row, MemorandumStatus::Signed, "terminated")?;
    let day = termination.terminated_on;
    if day > today {
        return Err(ApiError::invalid("terminated_on", "future", "record a termination once it has taken effect"));
    }
    if row.signed_on.is_some_and(|signed| day < signed) {
        return Err(ApiError::invalid("terminated_on", "date_order", "cannot be before signed_on"));
    }
    if let (None, Some(end)) = (row.renewal_term_months, row.expires_on) {
        if day > end {
            let message = format!("the memorandum had already expired on {end}");
            return Err(ApiError::invalid("terminated_on", "date_order", &message));
        }
    }
    let before = row.audit_view()?;
    row.status = MemorandumStatus::Terminated.as_str().to_owned();
    row.terminated_on = Some(day);
    row.termination_reason = Some(termination.reason);
    save(conn, caller, at, &mut row, before, "terminated")?;
    Ok(row)
}

/// Stores the signed document of a draft (replacing, and deleting, an earlier upload).
pub fn attach_document(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    received: &Received,
) -> Result<(MemorandumRow, DocumentRow), ApiError> {
    let mut row = get(conn, id)?;
    check_version(&expected, row.version)?;
    require_status(&row, MemorandumStatus::Draft, "given a new document")?;
    let document = documents::swap(conn, caller, at, received, row.document_id.clone(), |c, document, detail| {
        row.document_id = Some(document.id.clone());
        write_row(c, caller, at, &mut row)?;
        record(c, caller, at, &row, "document_uploaded", detail)
    })?;
    Ok((row, document))
}

/// The document row of a memorandum, or 404 when none is uploaded.
pub fn document_of(conn: &mut DbConnection, id: &str) -> Result<DocumentRow, ApiError> {
    let row = get(conn, id)?;
    let document_id =
        row.document_id.ok_or_else(|| ApiError::NotFound(format!("memorandum {id} has no document yet")))?;
    documents::get(conn, &document_id)
}

/// Whether any memorandum is recorded for the consignee.
pub fn exists_for(conn: &mut DbConnection, consignee_id: &str) -> Result<bool, ApiError> {
    let count: i64 = m::table.filter(m::consignee_id.eq(consignee_id)).count().get_result(conn)?;
    Ok(count > 0)
}

/// Up to `limit` memoranda after the cursor id, in creation order, matching the filters on `today`.
pub fn list(
    conn: &mut DbConnection,
    consignee_id: Option<&str>,
    query: &MemorandumQuery,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<MemorandumRow>, ApiError> {
    let mut select = m::table.into_boxed();
    if let Some(consignee_id) = consignee_id {
        select = select.filter(m::consignee_id.eq(consignee_id.to_owned()));
    }
    let signed = m::status.eq(MemorandumStatus::Signed.as_str());
    let lapsed = m::renewal_term_months.is_null().and(m::expires_on.lt(today));
    select = match query.status {
        None => select,
        Some(MemorandumStatus::Expired) => select.filter(signed.and(lapsed)),
        Some(MemorandumStatus::Signed) => {
            let running = m::renewal_term_months.is_not_null().or(m::expires_on.is_null()).or(m::expires_on.ge(today));
            select.filter(signed.and(running))
        }
        Some(stored) => select.filter(m::status.eq(stored.as_str())),
    };
    if let Some(before) = query.expires_before {
        select = select.filter(m::renewal_term_months.is_null().and(m::expires_on.lt(before)));
    }
    if let Some(reference) = &query.external_ref {
        select = select.filter(m::external_ref.eq(reference.trim().to_owned()));
    }
    if let Some(after) = query.cursor {
        select = select.filter(m::id.gt(after.to_string()));
    }
    Ok(select.order(m::id.asc()).limit(limit).load(conn)?)
}
