//! RFC 7396 merge patches of a finding.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::{FindingInput, FindingStatus, Severity};
use crate::http::patch::{self, double_option, non_null, non_null_trimmed};

/// A JSON merge patch (RFC 7396) of a finding. Moving away from `resolved` or `accepted_risk`
/// clears `resolved_on` or `risk_justification` unless the patch sets them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "resolved", "resolved_on": "2026-06-20", "evidence": ["暗号化設定の画面写し"]}))]
pub struct FindingPatch {
    /// Another open review of the same consignee (a completed review keeps its findings).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub review_id: Option<Uuid>,
    /// How serious.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub severity: Option<Severity>,
    /// What was found.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 4000)]
    pub description: Option<String>,
    /// What the consignee is to do.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub corrective_action: Option<Option<String>>,
    /// When it is due.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_on: Option<Option<NaiveDate>>,
    /// Where it stands.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub status: Option<FindingStatus>,
    /// Why the risk is accepted.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub risk_justification: Option<Option<String>>,
    /// When it was resolved.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub resolved_on: Option<Option<NaiveDate>>,
    /// Evidence of the fix (`null` empties the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>, max_items = 50)]
    pub evidence: Option<Option<Vec<String>>>,
}

impl FindingPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: FindingInput) -> FindingInput {
        input.severity = self.severity.unwrap_or(input.severity);
        input.description = self.description.unwrap_or(input.description);
        if let Some(status) = self.status {
            if status != FindingStatus::Resolved && self.resolved_on.is_none() {
                input.resolved_on = None;
            }
            if status != FindingStatus::AcceptedRisk && self.risk_justification.is_none() {
                input.risk_justification = None;
            }
            input.status = status;
        }
        if let Some(list) = self.evidence {
            input.evidence = list.unwrap_or_default();
        }
        patch::optional(&mut input.corrective_action, self.corrective_action);
        patch::optional(&mut input.due_on, self.due_on);
        patch::optional(&mut input.risk_justification, self.risk_justification);
        patch::optional(&mut input.resolved_on, self.resolved_on);
        input
    }
}
