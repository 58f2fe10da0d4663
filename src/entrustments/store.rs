//! Entrustment queries; every change is audited in its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{DeletionConfirmation, EntrustmentEnd, EntrustmentInput, EntrustmentQuery};
use super::model::EntrustmentRow;
use super::patch::EntrustmentPatch;
use super::{holding, rules};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::{entrustment_categories as ec, entrustments as e};
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};

/// An entrustment row with its category codes.
pub type Loaded = (EntrustmentRow, Vec<String>);

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &EntrustmentRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change =
        Change::of("entrustment", row.id.clone(), Some(row.consignee_id.clone()), action, changes).with_event(row);
    audit::append(conn, caller, at, change).map(|_| ())
}

fn set_categories(conn: &mut DbConnection, id: &str, codes: &[String]) -> Result<(), ApiError> {
    diesel::delete(ec::table.filter(ec::entrustment_id.eq(id))).execute(conn)?;
    // One statement per code: the multi-backend connection has no batch insert (at most 50 codes).
    for code in codes {
        diesel::insert_into(ec::table).values((ec::entrustment_id.eq(id), ec::category_code.eq(code))).execute(conn)?;
    }
    Ok(())
}

/// The category codes of each entrustment in `ids` (one query).
pub fn categories_of(conn: &mut DbConnection, ids: &[String]) -> Result<HashMap<String, Vec<String>>, ApiError> {
    let pairs: Vec<(String, String)> = ec::table
        .filter(ec::entrustment_id.eq_any(ids))
        .select((ec::entrustment_id, ec::category_code))
        .order((ec::entrustment_id.asc(), ec::category_code.asc()))
        .load(conn)?;
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (id, code) in pairs {
        map.entry(id).or_default().push(code);
    }
    Ok(map)
}

/// Entrusts data to an approved consignee under its memorandum in force on `started_on`.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    consignee_id: &str,
    input: EntrustmentInput,
) -> Result<Loaded, ApiError> {
    crate::consignees::store::get(conn, consignee_id)?;
    dispatch::lock_consignee(conn, consignee_id)?;
    rules::check_categories(conn, &input, &[])?;
    rules::check_memorandum(conn, &input.memorandum_id.to_string(), consignee_id, &[input.started_on])?;
    rules::check_consignee(conn, consignee_id)?;
    let now = at.naive_utc();
    let mut row = EntrustmentRow {
        id: Uuid::now_v7().to_string(),
        consignee_id: consignee_id.to_owned(),
        memorandum_id: String::new(),
        purpose: String::new(),
        data_subjects: "[]".to_owned(),
        approx_records: None,
        cross_border: "[]".to_owned(),
        responsible_department: None,
        responsible_person: None,
        started_on: input.started_on,
        ended_on: None,
        deletion_confirmed_on: None,
        deletion_reference: None,
        deletion_document_id: None,
        notes: None,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(&input);
    diesel::insert_into(e::table).values(&row).execute(conn)?;
    set_categories(conn, &row.id, &input.categories)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view(&input.categories)? }))?;
    Ok((row, input.categories))
}

/// The entrustment with `id` and its categories, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Loaded, ApiError> {
    let row: EntrustmentRow =
        e::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no entrustment {id}")))?;
    let categories = categories_of(conn, &[id.to_owned()])?.remove(id).unwrap_or_default();
    Ok((row, categories))
}

fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut EntrustmentRow,
    categories: &[String],
    before: serde_json::Value,
    action: &str,
) -> Result<(), ApiError> {
    write_row(conn, caller, at, row)?;
    record(conn, caller, at, row, action, audit::diff(&before, &row.audit_view(categories)?))
}

/// Writes the changed row, bumping its version, only over the version that was read.
fn write_row(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut EntrustmentRow,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    row.version += 1;
    let updated =
        diesel::update(e::table.find(&row.id).filter(e::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict(
            "the entrustment changed while this request ran; fetch it and retry".to_owned(),
        ));
    }
    Ok(())
}

/// Applies a merge patch at `expected` version; a new memorandum or start must still be covered.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
    changes: EntrustmentPatch,
) -> Result<Loaded, ApiError> {
    let (mut row, categories) = get(conn, id)?;
    let current = row.input(categories.clone())?;
    let input = rules::normalized(changes.apply(current.clone()));
    rules::check_fields(&input)?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok((row, categories));
    }
    if row.ended_on.is_some_and(|end| input.started_on > end) {
        return Err(ApiError::invalid("started_on", "date_order", "cannot be after ended_on"));
    }
    dispatch::lock_consignee(conn, &row.consignee_id)?;
    rules::check_categories(conn, &input, &categories)?;
    rules::check_passed_on(conn, id, &input, input.memorandum_id != current.memorandum_id)?;
    if input.memorandum_id != current.memorandum_id || input.started_on != current.started_on {
        let last = row.ended_on.unwrap_or(today).max(input.started_on);
        rules::check_memorandum(conn, &input.memorandum_id.to_string(), &row.consignee_id, &[input.started_on, last])?;
    }
    let before = row.audit_view(&categories)?;
    row.set_fields(&input);
    if input.categories != categories {
        set_categories(conn, id, &input.categories)?;
    }
    save(conn, caller, at, &mut row, &input.categories, before, "updated")?;
    Ok((row, input.categories))
}

/// Ends an entrustment as of `ended_on` (not before it started); 409 when already ended.
pub fn end(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    ending: EntrustmentEnd,
) -> Result<Loaded, ApiError> {
    let (mut row, categories) = get(conn, id)?;
    check_version(&expected, row.version)?;
    if let Some(end) = row.ended_on {
        return Err(ApiError::Conflict(format!("the entrustment already ended on {end}")));
    }
    if ending.ended_on < row.started_on {
        return Err(ApiError::invalid("ended_on", "date_order", "cannot be before started_on"));
    }
    let before = row.audit_view(&categories)?;
    row.ended_on = Some(ending.ended_on);
    save(conn, caller, at, &mut row, &categories, before, "ended")?;
    Ok((row, categories))
}

/// Records the consignee's confirmed return or deletion; 409 before the end has come or when
/// already confirmed; the confirmation may not be dated after today.
#[allow(clippy::too_many_arguments)]
pub fn confirm_deletion(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    expected: Expected,
    confirmation: DeletionConfirmation,
) -> Result<Loaded, ApiError> {
    let (mut row, categories) = get(conn, id)?;
    check_version(&expected, row.version)?;
    let end = match row.ended_on {
        Some(end) if end <= today => end,
        Some(end) => {
            return Err(ApiError::Conflict(format!("the entrustment ends on {end}; confirm deletion after that")))
        }
        None => return Err(ApiError::Conflict("end the entrustment before confirming deletion".to_owned())),
    };
    if confirmation.deletion_confirmed_on > today {
        return Err(ApiError::invalid(
            "deletion_confirmed_on",
            "future",
            "record a confirmation once it has been given",
        ));
    }
    if let Some(confirmed) = row.deletion_confirmed_on {
        return Err(ApiError::Conflict(format!("deletion was already confirmed on {confirmed}")));
    }
    if confirmation.deletion_confirmed_on < end {
        return Err(ApiError::invalid("deletion_confirmed_on", "date_order", "cannot be before ended_on"));
    }
    let before = row.audit_view(&categories)?;
    row.deletion_confirmed_on = Some(confirmation.deletion_confirmed_on);
    row.deletion_reference = confirmation.reference.map(|r| r.trim().to_owned());
    save(conn, caller, at, &mut row, &categories, before, "deletion_confirmed")?;
    Ok((row, categories))
}

/// Up to `limit` entrustments after the cursor id, in creation order, matching the filters on `today`.
pub fn list(
    conn: &mut DbConnection,
    consignee_id: Option<&str>,
    query: &EntrustmentQuery,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<EntrustmentRow>, ApiError> {
    let mut select = e::table.into_boxed();
    if let Some(consignee_id) = consignee_id {
        select = select.filter(e::consignee_id.eq(consignee_id.to_owned()));
    }
    if let Some(category) = &query.category {
        let holders = ec::table.filter(ec::category_code.eq(category.clone())).select(ec::entrustment_id);
        select = select.filter(e::id.eq_any(holders));
    }
    if let Some(memorandum_id) = query.memorandum_id {
        select = select.filter(e::memorandum_id.eq(memorandum_id.to_string()));
    }
    select = match query.active {
        Some(true) => holding::filter(select, today, false),
        Some(false) => holding::filter_inactive(select, today),
        None => select,
    };
    if let Some(after) = query.cursor {
        select = select.filter(e::id.gt(after.to_string()));
    }
    Ok(select.order(e::id.asc()).limit(limit).load(conn)?)
}

/// Stores the consignee's certificate of deletion (replacing an earlier upload) once the
/// entrustment has ended (409 before).
pub fn attach_certificate(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    today: NaiveDate,
    id: &str,
    received: &crate::documents::receive::Received,
) -> Result<crate::documents::store::DocumentRow, ApiError> {
    let (mut row, _) = get(conn, id)?;
    check_certificate_allowed(&row, today)?;
    let old = row.deletion_document_id.clone();
    crate::documents::store::swap(conn, caller, at, received, old, |c, document, detail| {
        row.deletion_document_id = Some(document.id.clone());
        write_row(c, caller, at, &mut row)?;
        record(c, caller, at, &row, "deletion_certificate_uploaded", detail)
    })
}

/// The certificate of deletion of an entrustment, or 404 when none is uploaded.
pub fn certificate_of(conn: &mut DbConnection, id: &str) -> Result<crate::documents::store::DocumentRow, ApiError> {
    let (row, _) = get(conn, id)?;
    let document_id = row
        .deletion_document_id
        .ok_or_else(|| ApiError::NotFound(format!("entrustment {id} has no certificate of deletion yet")))?;
    crate::documents::store::get(conn, &document_id)
}

/// 409 unless the entrustment has ended by `today` (a certificate of deletion comes after the end).
pub fn check_certificate_allowed(row: &EntrustmentRow, today: NaiveDate) -> Result<(), ApiError> {
    if row.ended_on.is_none_or(|end| end > today) {
        return Err(ApiError::Conflict(
            "a certificate of deletion belongs to an entrustment that has ended".to_owned(),
        ));
    }
    Ok(())
}
