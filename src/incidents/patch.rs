//! RFC 7396 merge patches of an incident.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::{CorrectiveAction, IncidentInput, IncidentKind, OpenIncidentStatus};
use crate::domain::code::CategoryCode;
use crate::http::patch::{self, double_option, double_whole, non_null, non_null_trimmed};

/// A JSON merge patch (RFC 7396) of an incident that is not closed. `null` clears an optional
/// field (and empties a list); clearing `company_aware_at` sets it to `reported_by_consignee_at`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "contained", "containment": "Recalled the letters.",
    "preliminary_reported_at": "2026-11-26T10:00:00+09:00"}))]
pub struct IncidentPatch {
    /// What happened.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<IncidentKind>,
    /// Only suspected so far.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub suspected: Option<bool>,
    /// What happened, in words.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 8000)]
    pub description: Option<String>,
    /// When it happened.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub occurred_on: Option<Option<NaiveDate>>,
    /// When the consignee detected it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub detected_at: Option<Option<DateTime<Utc>>>,
    /// When the consignee reported it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub reported_by_consignee_at: Option<Option<DateTime<Utc>>>,
    /// When the company became aware.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub company_aware_at: Option<Option<DateTime<Utc>>>,
    /// Entrustments affected.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<Uuid>>, max_items = 100)]
    pub entrustments: Option<Option<Vec<Uuid>>>,
    /// Category codes affected.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<CategoryCode>>, max_items = 100)]
    pub categories: Option<Option<Vec<String>>>,
    /// People affected (or at most).
    #[serde(default, deserialize_with = "double_whole")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000_000i64)]
    pub affected_subjects: Option<Option<i64>>,
    /// `affected_subjects` is an upper bound.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub affected_subjects_is_upper_bound: Option<bool>,
    /// Wrongful intent.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<bool>)]
    pub wrongful_intent: Option<Option<bool>>,
    /// Financial damage may follow.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub financial_damage_risk: Option<bool>,
    /// Secondary damage, in words.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub secondary_damage: Option<Option<String>>,
    /// Protected by advanced encryption.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub advanced_encryption: Option<bool>,
    /// `open` or `contained`.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub status: Option<OpenIncidentStatus>,
    /// How it was contained.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 8000)]
    pub containment: Option<Option<String>>,
    /// Why it happened.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 8000)]
    pub root_cause: Option<Option<String>>,
    /// Measures against recurrence (the whole list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<CorrectiveAction>>, max_items = 50)]
    pub corrective_actions: Option<Option<Vec<CorrectiveAction>>>,
    /// When the preliminary report was made.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub preliminary_reported_at: Option<Option<DateTime<Utc>>>,
    /// When the final report was made.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub final_reported_at: Option<Option<DateTime<Utc>>>,
    /// When the people affected were notified.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub subjects_notified_at: Option<Option<DateTime<Utc>>>,
    /// When it was announced publicly.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub publicly_announced_at: Option<Option<DateTime<Utc>>>,
}

impl IncidentPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: IncidentInput) -> IncidentInput {
        input.kind = self.kind.unwrap_or(input.kind);
        input.suspected = self.suspected.unwrap_or(input.suspected);
        input.description = self.description.unwrap_or(input.description);
        input.affected_subjects_is_upper_bound =
            self.affected_subjects_is_upper_bound.unwrap_or(input.affected_subjects_is_upper_bound);
        input.financial_damage_risk = self.financial_damage_risk.unwrap_or(input.financial_damage_risk);
        input.advanced_encryption = self.advanced_encryption.unwrap_or(input.advanced_encryption);
        input.status = self.status.unwrap_or(input.status);
        if let Some(list) = self.entrustments {
            input.entrustments = list.unwrap_or_default();
        }
        if let Some(list) = self.categories {
            input.categories = list.unwrap_or_default();
        }
        if let Some(list) = self.corrective_actions {
            input.corrective_actions = list.unwrap_or_default();
        }
        patch::optional(&mut input.occurred_on, self.occurred_on);
        patch::optional(&mut input.detected_at, self.detected_at);
        patch::optional(&mut input.reported_by_consignee_at, self.reported_by_consignee_at);
        patch::optional(&mut input.company_aware_at, self.company_aware_at);
        patch::optional(&mut input.affected_subjects, self.affected_subjects);
        patch::optional(&mut input.wrongful_intent, self.wrongful_intent);
        patch::optional(&mut input.secondary_damage, self.secondary_damage);
        patch::optional(&mut input.containment, self.containment);
        patch::optional(&mut input.root_cause, self.root_cause);
        patch::optional(&mut input.preliminary_reported_at, self.preliminary_reported_at);
        patch::optional(&mut input.final_reported_at, self.final_reported_at);
        patch::optional(&mut input.subjects_notified_at, self.subjects_notified_at);
        patch::optional(&mut input.publicly_announced_at, self.publicly_announced_at);
        input
    }
}
