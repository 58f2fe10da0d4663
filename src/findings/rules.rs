//! The rules a finding follows: its status moves, and the fields each status needs.

use chrono::NaiveDate;

use super::api::{
    FindingInput,
    FindingStatus::{self, *},
};
use crate::error::{ApiError, FieldError};
use crate::validation;

/// Every allowed status move; a closed finding can be reopened.
pub const TRANSITIONS: &[(FindingStatus, FindingStatus)] = &[
    (Open, ActionPlanned),
    (Open, Resolved),
    (Open, AcceptedRisk),
    (ActionPlanned, Open),
    (ActionPlanned, Resolved),
    (ActionPlanned, AcceptedRisk),
    (Resolved, Open),
    (AcceptedRisk, Open),
];

/// 409 unless a finding may move from `from` to `to` (staying put is always allowed).
pub fn check_move(from: FindingStatus, to: FindingStatus) -> Result<(), ApiError> {
    if from == to || TRANSITIONS.contains(&(from, to)) {
        return Ok(());
    }
    Err(ApiError::Conflict(format!("a finding cannot move from {} to {}", from.as_str(), to.as_str())))
}

/// Trims the free texts.
pub fn normalized(mut input: FindingInput) -> FindingInput {
    input.corrective_action = validation::trim_option(input.corrective_action);
    input.risk_justification = validation::trim_option(input.risk_justification);
    input.evidence = input.evidence.into_iter().map(|e| e.trim().to_owned()).collect();
    input
}

/// 422 naming each field that breaks a rule: `action_planned` needs `corrective_action`,
/// `resolved` needs `resolved_on` (not in the future), `accepted_risk` needs
/// `risk_justification`, and neither of the last two belongs to another status.
pub fn check(input: &FindingInput, today: NaiveDate) -> Result<(), ApiError> {
    validation::check(input)?;
    let mut errors = Vec::new();
    match (input.status, input.resolved_on) {
        (Resolved, None) => errors.push(FieldError::new("resolved_on", "required", "say when it was resolved")),
        (Resolved, Some(day)) if day > today => {
            errors.push(FieldError::new("resolved_on", "future", "a finding is resolved once it has been"))
        }
        (Resolved, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(FieldError::new("resolved_on", "not_allowed", "only a resolved finding has it")),
    }
    match (input.status, &input.risk_justification) {
        (AcceptedRisk, None) => {
            errors.push(FieldError::new("risk_justification", "required", "say why the risk is accepted"))
        }
        (AcceptedRisk, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(FieldError::new(
            "risk_justification",
            "not_allowed",
            "only a finding whose risk is accepted has it",
        )),
    }
    if input.status == ActionPlanned && input.corrective_action.is_none() {
        errors.push(FieldError::new("corrective_action", "required", "say what action is planned"));
    }
    if input.evidence.iter().any(|e| !(1..=500).contains(&e.chars().count())) {
        errors.push(FieldError::new("evidence", "length", "each reference has 1 to 500 characters"));
    }
    validation::all_valid(errors)
}
