//! Compliance response types: a consignee's standing and the check behind each part of it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::ToSchema;
use uuid::Uuid;

/// A consignee's standing, derived from its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, Default)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ComplianceStatus {
    /// Every check passes.
    Compliant,
    /// Some check warns; none fails.
    Attention,
    /// Some check fails.
    NonCompliant,
    /// It holds no data and is not approved: there is nothing to supervise.
    #[default]
    NotApplicable,
}

impl ComplianceStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// Nothing to act on.
    Pass,
    /// Act on it soon.
    Warn,
    /// Out of compliance.
    Fail,
}

/// One check of a consignee's compliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"code": "review_schedule", "result": "warn",
    "reason": "the next review is due on 2026-12-10, within 30 days", "ids": []}))]
pub struct Check {
    /// Stable code of the rule.
    pub code: String,
    /// Pass, warn or fail.
    pub result: CheckResult,
    /// Why, in words.
    pub reason: String,
    /// The records involved (memoranda, entrustments, reviews, findings, certifications…).
    pub ids: Vec<Uuid>,
}

/// A consignee's compliance on a day, with every check.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "status": "attention",
    "evaluated_at": "2026-11-28T03:00:00Z", "on": "2026-11-28",
    "checks": [{"code": "review_schedule", "result": "warn",
        "reason": "the next review is due on 2026-12-10, within 30 days", "ids": []}]}))]
pub struct Compliance {
    /// The consignee.
    pub consignee_id: Uuid,
    /// Its standing: `non_compliant` when a check fails, `attention` when one warns.
    pub status: ComplianceStatus,
    /// When the checks ran.
    pub evaluated_at: DateTime<Utc>,
    /// The day judged (in the business time zone).
    pub on: NaiveDate,
    /// Every check, in the order of the rule table.
    pub checks: Vec<Check>,
}

/// Which day to judge.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams, validator::Validate)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    /// A past day with a daily snapshot: the standing as recorded that day (default: now).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub on: Option<NaiveDate>,
}
