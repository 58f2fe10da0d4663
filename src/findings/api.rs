//! Finding request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    /// Minor.
    Low,
    /// Should be fixed.
    Medium,
    /// Must be fixed soon.
    High,
    /// Data is at risk now.
    Critical,
}

/// Where a finding's corrective action stands: `open → action_planned → resolved`, or
/// `accepted_risk` with a justification; a closed finding can be reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FindingStatus {
    /// Found; nothing planned yet.
    Open,
    /// A corrective action is agreed.
    ActionPlanned,
    /// Fixed (`resolved_on` says when).
    Resolved,
    /// The privacy office accepts the risk (`risk_justification` says why).
    AcceptedRisk,
}

impl Severity {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl FindingStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Open or action planned: the finding still needs work.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::ActionPlanned)
    }
}

/// A finding as a client sends it (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "severity": "high", "description": "Backups are not encrypted.",
    "corrective_action": "Encrypt backup media with AES-256", "due_on": "2026-06-30",
    "status": "action_planned", "risk_justification": null, "resolved_on": null, "evidence": []
}))]
pub struct FindingInput {
    /// How serious.
    pub severity: Severity,
    /// What was found.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// What the consignee is to do about it.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub corrective_action: Option<String>,
    /// When the corrective action is due.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub due_on: Option<NaiveDate>,
    /// Where it stands (default `open`).
    #[serde(default = "open")]
    pub status: FindingStatus,
    /// Why the risk is accepted; required for `accepted_risk`.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub risk_justification: Option<String>,
    /// When it was resolved; required for `resolved`, not in the future.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub resolved_on: Option<NaiveDate>,
    /// References to the evidence of the fix.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub evidence: Vec<String>,
}

fn open() -> FindingStatus {
    FindingStatus::Open
}

/// A finding of a review.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e09-4444-7aaa-8bbb-000000000001", "review_id": "01a21e08-3333-7aaa-8bbb-000000000001",
    "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "severity": "high",
    "description": "Backups are not encrypted.", "corrective_action": "Encrypt backup media with AES-256",
    "due_on": "2026-06-30", "status": "action_planned", "risk_justification": null, "resolved_on": null,
    "evidence": [], "overdue": false,
    "created_at": "2026-04-12T06:00:00Z", "updated_at": "2026-04-12T06:00:00Z",
    "created_by": "hanako", "updated_by": "hanako", "version": 1
}))]
pub struct Finding {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The review it came from.
    pub review_id: Uuid,
    /// The consignee it concerns.
    pub consignee_id: Uuid,
    /// How serious.
    pub severity: Severity,
    /// What was found.
    pub description: String,
    /// What the consignee is to do.
    pub corrective_action: Option<String>,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Where it stands.
    pub status: FindingStatus,
    /// Why the risk is accepted.
    pub risk_justification: Option<String>,
    /// When it was resolved.
    pub resolved_on: Option<NaiveDate>,
    /// Evidence of the fix.
    pub evidence: Vec<String>,
    /// Still open (`open` or `action_planned`) and past `due_on` today.
    pub overdue: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who recorded it.
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag's first part.
    #[schema(example = 1)]
    pub version: i64,
}

/// A finding as a consignee's response lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e09-4444-7aaa-8bbb-000000000001", "review_id": "01a21e08-3333-7aaa-8bbb-000000000001",
    "severity": "high", "status": "action_planned", "due_on": "2026-06-30"}))]
pub struct FindingRef {
    /// The finding.
    pub id: Uuid,
    /// Its review.
    pub review_id: Uuid,
    /// How serious.
    pub severity: Severity,
    /// `open` or `action_planned`.
    pub status: FindingStatus,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
}

/// Filters and paging for finding lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    /// Only this status.
    pub status: Option<FindingStatus>,
    /// Only this severity.
    pub severity: Option<Severity>,
    /// Only overdue (`true`) or only not overdue (`false`) findings, today.
    pub overdue: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a finding id).
    pub cursor: Option<Uuid>,
}
