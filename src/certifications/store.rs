//! Certification queries and rules; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{CertificationInput, CertificationQuery, CertificationScheme};
use super::model::CertificationRow;
use super::patch::CertificationPatch;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::certifications as t;
use crate::db::DbConnection;
use crate::documents::receive::Received;
use crate::documents::store::{self as documents, DocumentRow};
use crate::error::{ApiError, FieldError};
use crate::http::conditional::{check_version, Expected};
use crate::validation;

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &CertificationRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change =
        Change::of("certification", row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// Trims the optional texts, then checks the fields and the rules between them (422, all listed).
pub fn checked(mut input: CertificationInput) -> Result<CertificationInput, ApiError> {
    input.scheme_name = validation::trim_option(input.scheme_name);
    input.certificate_number = validation::trim_option(input.certificate_number);
    input.scope = validation::trim_option(input.scope);
    validation::check(&input)?;
    let mut errors = Vec::new();
    match (input.scheme, &input.scheme_name) {
        (CertificationScheme::Other, None) => {
            errors.push(FieldError::new("scheme_name", "required", "name the scheme when it is `other`"))
        }
        (CertificationScheme::Other, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(FieldError::new("scheme_name", "not_allowed", "only an `other` scheme is named")),
    }
    if input.expires_on.is_some_and(|end| end < input.issued_on) {
        errors.push(FieldError::new("expires_on", "date_order", "cannot be before issued_on"));
    }
    validation::all_valid(errors)?;
    Ok(input)
}

/// Records a certification of the consignee.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    consignee_id: &str,
    input: CertificationInput,
) -> Result<CertificationRow, ApiError> {
    crate::consignees::store::get(conn, consignee_id)?;
    let now = at.naive_utc();
    let mut row = CertificationRow {
        id: Uuid::now_v7().to_string(),
        consignee_id: consignee_id.to_owned(),
        scheme: String::new(),
        scheme_name: None,
        certificate_number: None,
        issuer: String::new(),
        issued_on: input.issued_on,
        expires_on: None,
        scope: None,
        document_id: None,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(input);
    diesel::insert_into(t::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The certification with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<CertificationRow, ApiError> {
    t::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no certification {id}")))
}

/// Writes the changed row, bumping its version, only over the version that was read.
fn write_row(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut CertificationRow,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(t::table.find(&row.id).filter(t::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict(
            "the certification changed while this request ran; fetch it and retry".to_owned(),
        ));
    }
    Ok(())
}

/// Applies a merge patch at `expected` version.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    changes: CertificationPatch,
) -> Result<CertificationRow, ApiError> {
    let mut row = get(conn, id)?;
    let current = row.input()?;
    let input = checked(changes.apply(current.clone()))?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok(row);
    }
    let before = row.audit_view()?;
    row.set_fields(input);
    write_row(conn, caller, at, &mut row)?;
    record(conn, caller, at, &row, "updated", audit::diff(&before, &row.audit_view()?))?;
    Ok(row)
}

/// Up to `limit` certifications after the cursor id, in creation order, matching the filters.
pub fn list(
    conn: &mut DbConnection,
    consignee_id: Option<&str>,
    query: &CertificationQuery,
    limit: i64,
) -> Result<Vec<CertificationRow>, ApiError> {
    let mut select = t::table.into_boxed();
    if let Some(consignee_id) = consignee_id {
        select = select.filter(t::consignee_id.eq(consignee_id.to_owned()));
    }
    if let Some(before) = query.expires_before {
        select = select.filter(t::expires_on.lt(before));
    }
    if let Some(scheme) = query.scheme {
        select = select.filter(t::scheme.eq(scheme.as_str()));
    }
    if let Some(after) = query.cursor {
        select = select.filter(t::id.gt(after.to_string()));
    }
    Ok(select.order(t::id.asc()).limit(limit).load(conn)?)
}

/// Which of `ids` are certifications of the consignee.
pub fn of_consignee(conn: &mut DbConnection, consignee_id: &str, ids: &[String]) -> Result<Vec<String>, ApiError> {
    Ok(t::table.filter(t::consignee_id.eq(consignee_id)).filter(t::id.eq_any(ids)).select(t::id).load(conn)?)
}

/// The certifications of these consignees that expire before `day` (one query).
pub fn expiring(
    conn: &mut DbConnection,
    consignee_ids: &[String],
    day: NaiveDate,
) -> Result<Vec<CertificationRow>, ApiError> {
    Ok(t::table.filter(t::consignee_id.eq_any(consignee_ids)).filter(t::expires_on.lt(day)).load(conn)?)
}

/// Stores the certificate (replacing an earlier upload).
pub fn attach_document(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    received: &Received,
) -> Result<DocumentRow, ApiError> {
    let mut row = get(conn, id)?;
    check_version(&expected, row.version)?;
    documents::swap(conn, caller, at, received, row.document_id.clone(), |c, document, detail| {
        row.document_id = Some(document.id.clone());
        write_row(c, caller, at, &mut row)?;
        record(c, caller, at, &row, "document_uploaded", detail)
    })
}

/// The certificate document, or 404 when none is uploaded.
pub fn document_of(conn: &mut DbConnection, id: &str) -> Result<DocumentRow, ApiError> {
    let row = get(conn, id)?;
    let document_id =
        row.document_id.ok_or_else(|| ApiError::NotFound(format!("certification {id} has no document yet")))?;
    documents::get(conn, &document_id)
}

/// The API view and ETag of each row, loading their documents in one query.
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<CertificationRow>,
    today: NaiveDate,
) -> Result<Vec<(super::api::Certification, crate::http::conditional::Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.document_id.clone()).collect();
    let found = documents::get_many(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let document = row.document_id.as_ref().and_then(|id| found.get(id)).map(|d| d.to_api()).transpose()?;
            let tag = crate::http::conditional::Tag::derived(row.version, &row.expired(today));
            Ok((row.to_api(document, today)?, tag))
        })
        .collect()
}
