//! The rules an incident's fields follow: a coherent timeline, the fields each status needs, and
//! references to the consignee's own entrustments, categories and findings.

use std::collections::HashSet;

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::api::{IncidentInput, IncidentKind, OpenIncidentStatus};
use crate::db::schema::{entrustment_categories as ec, entrustments as e, findings as f};
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};
use crate::validation;

/// Trims the free texts, drops repeated references, defaults `company_aware_at` to the
/// consignee's report and cuts times to the microseconds both databases keep.
pub fn normalized(mut input: IncidentInput) -> IncidentInput {
    input.secondary_damage = validation::trim_option(input.secondary_damage);
    input.containment = validation::trim_option(input.containment);
    input.root_cause = validation::trim_option(input.root_cause);
    dedup(&mut input.categories);
    dedup(&mut input.entrustments);
    input.company_aware_at = input.company_aware_at.or(input.reported_by_consignee_at);
    for at in [
        &mut input.detected_at,
        &mut input.reported_by_consignee_at,
        &mut input.company_aware_at,
        &mut input.preliminary_reported_at,
        &mut input.final_reported_at,
        &mut input.subjects_notified_at,
        &mut input.publicly_announced_at,
    ] {
        *at = at.map(|t| t.trunc_subsecs(6));
    }
    input
}

fn dedup<T: Eq + std::hash::Hash + Clone>(items: &mut Vec<T>) {
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

fn not_before(
    errors: &mut Vec<FieldError>,
    (field, at): (&str, Option<DateTime<Utc>>),
    (earlier, bound): (&str, Option<DateTime<Utc>>),
) {
    if let (Some(at), Some(bound)) = (at, bound) {
        if at < bound {
            let code = format!("before_{}", earlier.trim_end_matches("_at"));
            errors.push(FieldError::new(field, code, format!("cannot be before {earlier}")));
        }
    }
}

fn timeline_errors(input: &IncidentInput, now: DateTime<Utc>, tz: Tz) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let today = now.with_timezone(&tz).date_naive();
    if input.occurred_on.is_some_and(|day| day > today) {
        errors.push(FieldError::new("occurred_on", "future", "an incident is recorded once it has happened"));
    }
    let times = [
        ("detected_at", input.detected_at),
        ("reported_by_consignee_at", input.reported_by_consignee_at),
        ("company_aware_at", input.company_aware_at),
        ("preliminary_reported_at", input.preliminary_reported_at),
        ("final_reported_at", input.final_reported_at),
        ("subjects_notified_at", input.subjects_notified_at),
        ("publicly_announced_at", input.publicly_announced_at),
    ];
    for (field, _) in times.iter().filter(|(_, at)| at.is_some_and(|at| at > now)) {
        errors.push(FieldError::new(*field, "future", "a time in the future cannot have happened yet"));
    }
    let detected_on = input.detected_at.map(|at| at.with_timezone(&tz).date_naive());
    if let (Some(occurred), Some(detected)) = (input.occurred_on, detected_on) {
        if detected < occurred {
            errors.push(FieldError::new("detected_at", "before_occurrence", "cannot be before occurred_on"));
        }
    }
    let [detected, reported, aware, preliminary, final_report, notified, announced] = times;
    not_before(&mut errors, reported, detected);
    not_before(&mut errors, preliminary, aware);
    not_before(&mut errors, notified, aware);
    not_before(&mut errors, announced, aware);
    match (preliminary.1, final_report.1) {
        (None, Some(_)) => errors.push(FieldError::new(
            "final_reported_at",
            "before_preliminary",
            "the final report follows the preliminary one: record preliminary_reported_at first",
        )),
        _ => not_before(&mut errors, final_report, preliminary),
    }
    errors
}

/// 422 naming each field that breaks a rule: the field limits, the timeline (nothing in the
/// future, detection not before occurrence, the consignee's report not before detection, the
/// reports to the PPC and the notification not before the company knew, the final report not
/// before the preliminary one), the fields each status and kind need.
pub fn check(input: &IncidentInput, now: DateTime<Utc>, tz: Tz) -> Result<(), ApiError> {
    validation::check(input)?;
    let mut errors = timeline_errors(input, now, tz);
    if input.company_aware_at.is_none() {
        errors.push(FieldError::new(
            "company_aware_at",
            "required",
            "say when the company became aware (or when the consignee reported it)",
        ));
    }
    if input.kind == IncidentKind::UnauthorizedAccess && input.wrongful_intent.is_none() {
        errors.push(FieldError::new("wrongful_intent", "required", "state whether unauthorized access was wrongful"));
    }
    if input.affected_subjects_is_upper_bound && input.affected_subjects.is_none() {
        errors.push(FieldError::new("affected_subjects", "required", "an upper bound needs the number"));
    }
    if input.status == OpenIncidentStatus::Contained && input.containment.is_none() {
        errors.push(FieldError::new("containment", "required", "say how the incident was contained"));
    }
    for (i, _) in input.categories.iter().enumerate().filter(|(_, c)| !crate::domain::code::is_code(c)) {
        errors.push(FieldError::new(
            format!("categories[{i}]"),
            "pattern",
            "a category code as `GET /data-categories` lists",
        ));
    }
    let today = now.with_timezone(&tz).date_naive();
    for (i, _) in input.corrective_actions.iter().enumerate().filter(|(_, a)| a.done_on.is_some_and(|d| d > today)) {
        errors.push(FieldError::new(format!("corrective_actions[{i}].done_on"), "future", "cannot be in the future"));
    }
    validation::all_valid(errors)
}

/// 422 unless every entrustment named is the consignee's, every category is one it holds or
/// held (through an entrustment started by now), and every finding linked is the consignee's.
pub fn check_references(
    conn: &mut DbConnection,
    consignee_id: &str,
    input: &IncidentInput,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let named: Vec<String> = input.entrustments.iter().map(|id| id.to_string()).collect();
    let own: HashSet<String> = e::table
        .filter(e::consignee_id.eq(consignee_id))
        .filter(e::id.eq_any(&named))
        .select(e::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (i, id) in named.iter().enumerate().filter(|(_, id)| !own.contains(*id)) {
        errors.push(FieldError::new(
            format!("entrustments[{i}]"),
            "unknown",
            format!("{id} is not an entrustment of this consignee"),
        ));
    }
    let started = e::table.filter(e::consignee_id.eq(consignee_id)).filter(e::started_on.le(today)).select(e::id);
    let held: HashSet<String> = ec::table
        .filter(ec::entrustment_id.eq_any(started))
        .filter(ec::category_code.eq_any(&input.categories))
        .select(ec::category_code)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (i, code) in input.categories.iter().enumerate().filter(|(_, c)| !held.contains(*c)) {
        let message = format!("the consignee does not hold and never held {code}");
        errors.push(FieldError::new(format!("categories[{i}]"), "not_held", message));
    }
    let linked: Vec<String> =
        input.corrective_actions.iter().filter_map(|a| a.finding_id).map(|id| id.to_string()).collect();
    let findings: HashSet<String> = f::table
        .filter(f::consignee_id.eq(consignee_id))
        .filter(f::id.eq_any(&linked))
        .select(f::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (i, action) in input.corrective_actions.iter().enumerate() {
        if let Some(id) = action.finding_id.filter(|id| !findings.contains(&id.to_string())) {
            let message = format!("{id} is not a finding of this consignee");
            errors.push(FieldError::new(format!("corrective_actions[{i}].finding_id"), "unknown", message));
        }
    }
    validation::all_valid(errors)
}

/// 422 unless a closing incident has containment and root cause and, when reportable, both
/// reports made and the people affected notified (or the incident announced publicly).
pub fn check_closing(input: &IncidentInput, reportable: bool) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if input.containment.is_none() {
        errors.push(FieldError::new("containment", "required", "say how the incident was contained before closing it"));
    }
    if input.root_cause.is_none() {
        errors.push(FieldError::new("root_cause", "required", "say why it happened before closing it"));
    }
    if reportable {
        if input.preliminary_reported_at.is_none() {
            errors.push(FieldError::new(
                "preliminary_reported_at",
                "required",
                "a reportable incident closes once reported",
            ));
        }
        if input.final_reported_at.is_none() {
            errors.push(FieldError::new(
                "final_reported_at",
                "required",
                "a reportable incident closes once the final report is made",
            ));
        }
        if input.subjects_notified_at.is_none() && input.publicly_announced_at.is_none() {
            errors.push(FieldError::new(
                "subjects_notified_at",
                "required",
                "a reportable incident closes once the people affected are notified (or it is announced publicly)",
            ));
        }
    }
    validation::all_valid(errors)
}
