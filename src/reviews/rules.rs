//! The rules a review's fields follow, checked against the checklist and the consignee's records.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::api::{ChecklistAnswer, ReviewInput};
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};
use crate::review_checklist::store as checklist;
use crate::validation;

/// Trims the free texts (an all-blank optional text becomes absent).
pub fn normalized(mut input: ReviewInput) -> ReviewInput {
    input.reviewer = validation::trim_option(input.reviewer);
    input.summary = validation::trim_option(input.summary);
    input.answers = trimmed_answers(input.answers);
    input.evidence.references = input.evidence.references.into_iter().map(|r| r.trim().to_owned()).collect();
    input
}

/// The answers with their comments trimmed.
pub fn trimmed_answers(answers: Vec<ChecklistAnswer>) -> Vec<ChecklistAnswer> {
    answers.into_iter().map(|a| ChecklistAnswer { comment: validation::trim_option(a.comment), ..a }).collect()
}

/// 422 naming each field that breaks a rule: the field rules, `performed_on` in the future, an
/// unknown or repeated checklist item, a certification of another consignee.
pub fn check(
    conn: &mut DbConnection,
    consignee_id: &str,
    input: &ReviewInput,
    today: NaiveDate,
) -> Result<(), ApiError> {
    validation::check(input)?;
    let mut errors = performed_on_errors(input.performed_on, today);
    errors.extend(answer_errors(conn, "answers", &input.answers)?);
    let ids: Vec<String> = input.evidence.certification_ids.iter().map(|id| id.to_string()).collect();
    let own: HashSet<String> =
        crate::certifications::store::of_consignee(conn, consignee_id, &ids)?.into_iter().collect();
    for (i, id) in ids.iter().enumerate().filter(|(_, id)| !own.contains(*id)) {
        let message = format!("{id} is not a certification of this consignee");
        errors.push(FieldError::new(format!("evidence.certification_ids[{i}]"), "unknown", message));
    }
    validation::all_valid(errors)
}

/// `performed_on` may not be after today.
pub fn performed_on_errors(performed_on: Option<NaiveDate>, today: NaiveDate) -> Vec<FieldError> {
    match performed_on {
        Some(day) if day > today => {
            vec![FieldError::new("performed_on", "future", "a review is recorded as performed once it has been")]
        }
        _ => Vec::new(),
    }
}

/// Errors for answers to unknown checklist items and items answered twice.
pub fn answer_errors(
    conn: &mut DbConnection,
    field: &str,
    answers: &[ChecklistAnswer],
) -> Result<Vec<FieldError>, ApiError> {
    let codes: Vec<String> = answers.iter().map(|a| a.item.clone()).collect();
    let known: HashSet<String> = checklist::known_codes(conn, &codes)?.into_iter().collect();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let at = format!("{field}[{i}].item");
        if !known.contains(&answer.item) {
            errors.push(FieldError::new(at, "unknown", format!("no checklist item {}", answer.item)));
        } else if !seen.insert(answer.item.as_str()) {
            errors.push(FieldError::new(at, "duplicate", format!("{} is answered twice", answer.item)));
        }
    }
    Ok(errors)
}

/// 422 on `answers` unless every active checklist item is answered.
pub fn check_all_answered(conn: &mut DbConnection, answers: &[ChecklistAnswer]) -> Result<(), ApiError> {
    let answered: HashSet<&str> = answers.iter().map(|a| a.item.as_str()).collect();
    let missing: Vec<String> =
        checklist::active_codes(conn)?.into_iter().filter(|code| !answered.contains(code.as_str())).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid("answers", "incomplete", &format!("no answer yet for: {}", missing.join(", "))))
}
