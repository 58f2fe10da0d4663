//! The rules a memorandum's terms must follow, and what signing requires.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::api::{MemorandumInput, Party};
use super::model::MemorandumRow;
use crate::clause_templates::store as templates;
use crate::db::schema::memoranda as m;
use crate::db::DbConnection;
use crate::domain::code::is_code;
use crate::error::{ApiError, FieldError};
use crate::validation;

/// The clause whose entry carries the agreed notification deadline.
pub const INCIDENT_NOTIFICATION: &str = "incident_notification";

/// Trims every text of the terms.
pub fn normalized(mut input: MemorandumInput) -> MemorandumInput {
    input.title = input.title.trim().to_owned();
    input.external_ref = crate::validation::trim_option(input.external_ref);
    input.version_label = crate::validation::trim_option(input.version_label);
    input.notes = crate::validation::trim_option(input.notes);
    for signatory in &mut input.signatories {
        signatory.name = signatory.name.trim().to_owned();
        signatory.title = crate::validation::trim_option(signatory.title.take());
    }
    for clause in &mut input.clauses {
        clause.code = clause.code.trim().to_owned();
        clause.reference = crate::validation::trim_option(clause.reference.take());
    }
    input
}

/// 422 listing every field rule the terms break that needs no database: lengths and ranges,
/// date order, renewal without an end, clause codes' form, duplicates, and where the
/// notification deadline may stand.
pub fn check_fields(input: &MemorandumInput) -> Result<(), ApiError> {
    let mut errors = match validation::check(input) {
        Err(ApiError::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    if let (Some(from), Some(until)) = (input.effective_from, input.expires_on) {
        if until <= from {
            errors.push(FieldError::new("expires_on", "date_order", "must be after effective_from"));
        }
    }
    if input.auto_renewal.is_some() && input.expires_on.is_none() {
        errors.push(FieldError::new(
            "expires_on",
            "required",
            "an auto-renewing memorandum needs the end of its first term",
        ));
    }
    let mut seen = HashSet::new();
    for (i, clause) in input.clauses.iter().enumerate() {
        if !is_code(&clause.code) {
            errors.push(FieldError::new(format!("clauses[{i}].code"), "pattern", "must be a clause code"));
        } else if !seen.insert(clause.code.as_str()) {
            errors.push(FieldError::new(format!("clauses[{i}].code"), "duplicate", "this clause is listed twice"));
        }
        if clause.notify_within_hours.is_some() && clause.code != INCIDENT_NOTIFICATION {
            errors.push(FieldError::new(
                format!("clauses[{i}].notify_within_hours"),
                "not_applicable",
                "only the incident_notification clause carries a deadline",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(ApiError::Validation(errors))
    }
}

/// The rules that read other records: clause codes exist, `supersedes` names another memorandum
/// of the same consignee without a cycle (422), and `external_ref` is free for the consignee (409).
pub fn check_references(
    conn: &mut DbConnection,
    input: &MemorandumInput,
    consignee_id: &str,
    own_id: &str,
) -> Result<(), ApiError> {
    let codes: Vec<String> = input.clauses.iter().map(|c| c.code.clone()).collect();
    let known: HashSet<String> = templates::known_codes(conn, &codes)?.into_iter().collect();
    let mut errors: Vec<FieldError> = codes
        .iter()
        .enumerate()
        .filter(|(_, code)| !known.contains(*code))
        .map(|(i, code)| {
            FieldError::new(format!("clauses[{i}].code"), "unknown_clause", format!("no clause template {code:?}"))
        })
        .collect();
    if let Some(target) = input.supersedes {
        errors.extend(check_supersedes(conn, &target.to_string(), consignee_id, own_id)?);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if let Some(reference) = &input.external_ref {
        let holder: Option<String> = m::table
            .select(m::id)
            .filter(m::consignee_id.eq(consignee_id))
            .filter(m::external_ref.eq(reference))
            .filter(m::id.ne(own_id))
            .first(conn)
            .optional()?;
        if let Some(holder) = holder {
            return Err(ApiError::Conflict(format!(
                "external_ref {reference:?} is already used by memorandum {holder} of this consignee"
            )));
        }
    }
    Ok(())
}

fn check_supersedes(
    conn: &mut DbConnection,
    target: &str,
    consignee_id: &str,
    own_id: &str,
) -> Result<Option<FieldError>, ApiError> {
    let error = |code: &str, message: &str| Ok(Some(FieldError::new("supersedes", code, message)));
    if target == own_id {
        return error("self", "a memorandum cannot supersede itself");
    }
    let Some((owner, mut next)) = m::table
        .find(target)
        .select((m::consignee_id, m::supersedes))
        .first::<(String, Option<String>)>(conn)
        .optional()?
    else {
        return error("not_found", "no memorandum with this id");
    };
    if owner != consignee_id {
        return error("other_consignee", "the superseded memorandum belongs to another consignee");
    }
    // Walk the chain back from the target; reaching this memorandum again would close a cycle.
    let mut seen = HashSet::from([target.to_owned()]);
    while let Some(id) = next {
        if id == own_id {
            return error("cycle", "the superseded memorandum (or one it supersedes) supersedes this one");
        }
        if !seen.insert(id.clone()) {
            break;
        }
        next = m::table.find(&id).select(m::supersedes).first(conn).optional()?.flatten();
    }
    Ok(None)
}

/// Everything missing before a draft can be signed on `today`, each as a field error; `required`
/// is the set of clause codes required now.
pub fn missing_for_signing(
    row: &MemorandumRow,
    input: &MemorandumInput,
    required: &[String],
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut missing = Vec::new();
    let has = |party: Party| input.signatories.iter().any(|s| s.party == party);
    if !has(Party::Company) || !has(Party::Consignee) {
        missing.push(FieldError::new(
            "signatories",
            "signatory_missing",
            "needs at least one signatory for the company and one for the consignee",
        ));
    }
    match input.signed_on {
        None => missing.push(FieldError::new("signed_on", "required", "the date of signature is required to sign")),
        Some(day) if day > today => missing.push(FieldError::new("signed_on", "future", "cannot be after today")),
        Some(_) => {}
    }
    if input.effective_from.is_none() {
        missing.push(FieldError::new("effective_from", "required", "the first day in force is required to sign"));
    }
    for code in required {
        if !input.clauses.iter().any(|c| &c.code == code && c.included) {
            let message = "this required clause is not marked as included";
            missing.push(FieldError::new(format!("clauses.{code}"), "clause_missing", message));
        }
    }
    let incident = input.clauses.iter().find(|c| c.code == INCIDENT_NOTIFICATION && c.included);
    if incident.is_some_and(|c| c.notify_within_hours.is_none()) {
        missing.push(FieldError::new(
            format!("clauses.{INCIDENT_NOTIFICATION}.notify_within_hours"),
            "required",
            "the agreed notification deadline in hours is required to sign",
        ));
    }
    if row.document_id.is_none() {
        missing.push(FieldError::new("document", "required", "upload the signed document first (PUT …/document)"));
    }
    missing
}
