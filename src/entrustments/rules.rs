//! The rules an entrustment's fields must follow.

use chrono::NaiveDate;

use super::api::EntrustmentInput;
use crate::consignees::api::ConsigneeStatus;
use crate::consignees::store as consignees;
use crate::data_categories::store as categories;
use crate::db::DbConnection;
use crate::domain::code::is_code;
use crate::error::{ApiError, FieldError};
use crate::memoranda::model::MemorandumRow;
use crate::memoranda::store as memoranda;
use crate::validation;

/// Category codes trimmed, each once, in code order (as the categories are read back).
pub fn sorted_codes(codes: &[String]) -> Vec<String> {
    let set: std::collections::BTreeSet<String> = codes.iter().map(|c| c.trim().to_owned()).collect();
    set.into_iter().collect()
}

/// Trims every text and upper-cases countries; category codes sorted, each once.
pub fn normalized(mut input: EntrustmentInput) -> EntrustmentInput {
    input.purpose = input.purpose.trim().to_owned();
    input.responsible_department = crate::validation::trim_option(input.responsible_department);
    input.responsible_person = crate::validation::trim_option(input.responsible_person);
    input.notes = crate::validation::trim_option(input.notes);
    input.data_subjects = input.data_subjects.iter().map(|s| s.trim().to_owned()).collect();
    input.categories = sorted_codes(&input.categories);
    for transfer in &mut input.cross_border {
        transfer.country = transfer.country.trim().to_ascii_uppercase();
    }
    input
}

/// 422 listing every field rule broken that needs no database.
pub fn check_fields(input: &EntrustmentInput) -> Result<(), ApiError> {
    let mut errors = match validation::check(input) {
        Err(ApiError::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    let bad: Vec<&str> = input.categories.iter().filter(|c| !is_code(c)).map(String::as_str).collect();
    if !bad.is_empty() {
        errors.push(FieldError::new("categories", "pattern", format!("not category codes: {}", bad.join(", "))));
    }
    for (i, subject) in input.data_subjects.iter().enumerate() {
        if subject.is_empty() || subject.chars().count() > 200 {
            errors.push(FieldError::new(format!("data_subjects[{i}]"), "length", "must be 1 to 200 characters"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// 409 unless the consignee is approved.
pub fn check_consignee(conn: &mut DbConnection, consignee_id: &str) -> Result<(), ApiError> {
    let consignee = consignees::get(conn, consignee_id)?;
    if consignee.status()? != ConsigneeStatus::Approved {
        return Err(ApiError::Conflict(format!(
            "data may only be entrusted to an approved consignee; this one is {}",
            consignee.status
        )));
    }
    Ok(())
}

/// The memorandum, which must belong to the consignee (422) and be in force on each of `days` (409).
pub fn check_memorandum(
    conn: &mut DbConnection,
    memorandum_id: &str,
    consignee_id: &str,
    days: &[NaiveDate],
) -> Result<MemorandumRow, ApiError> {
    let memorandum = memoranda::get(conn, memorandum_id).map_err(|e| match e {
        ApiError::NotFound(_) => ApiError::invalid("memorandum_id", "not_found", "no memorandum with this id"),
        other => other,
    })?;
    if memorandum.consignee_id != consignee_id {
        return Err(ApiError::invalid(
            "memorandum_id",
            "other_consignee",
            "the memorandum belongs to another consignee",
        ));
    }
    for day in days {
        if !memorandum.in_force_on(*day)? {
            return Err(ApiError::Conflict(format!(
                "memorandum {memorandum_id} ({}) is not signed and in force on {day}",
                memorandum.status
            )));
        }
    }
    Ok(memorandum)
}

/// 422 unless every category exists; retired ones only where already `kept`.
pub fn check_categories(conn: &mut DbConnection, input: &EntrustmentInput, kept: &[String]) -> Result<(), ApiError> {
    categories::check_codes(conn, "categories", &input.categories, kept)
}

/// 409 when a change would take from sub-consignees what they receive: a category one of them
/// receives, or (with a new memorandum) the consent clause that allows them.
pub fn check_passed_on(
    conn: &mut DbConnection,
    entrustment_id: &str,
    input: &EntrustmentInput,
    memorandum_changed: bool,
) -> Result<(), ApiError> {
    let ids = [entrustment_id.to_owned()];
    let subs = crate::sub_consignments::store::of_entrustments(conn, &ids, NaiveDate::MIN, true)?;
    if subs.is_empty() {
        return Ok(());
    }
    let mut received = Vec::new();
    for sub in &subs {
        received.extend(sub.categories()?);
    }
    let withdrawn: Vec<String> =
        sorted_codes(&received).into_iter().filter(|c| !input.categories.contains(c)).collect();
    if !withdrawn.is_empty() {
        return Err(ApiError::Conflict(format!(
            "sub-consignees still receive {}; change or end those sub-consignments first",
            withdrawn.join(", ")
        )));
    }
    if memorandum_changed {
        crate::sub_consignments::store::check_consent_clause(conn, &input.memorandum_id.to_string())?;
    }
    Ok(())
}
