//! RFC 7396 merge patches of an open review; completing it goes through `/complete`.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{ChecklistAnswer, EvidenceInput, ReviewInput, ReviewKind, ReviewMethod};
use crate::http::patch::{self, double_option, non_null, non_null_trimmed};

/// A JSON merge patch (RFC 7396) of an open review: absent fields stay, `null` clears an optional
/// field; `answers` and `evidence` are replaced whole.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"performed_on": "2026-04-12", "answers": [{"item": "encryption", "answer": "yes"}]}))]
pub struct ReviewPatch {
    /// Why the review is made.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<ReviewKind>,
    /// How.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub method: Option<ReviewMethod>,
    /// When it is planned.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub scheduled_for: Option<Option<NaiveDate>>,
    /// When it was performed (not in the future).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub performed_on: Option<Option<NaiveDate>>,
    /// Who reviews.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub reviewer: Option<String>,
    /// Answers to the checklist so far.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_items = 200)]
    pub answers: Option<Vec<ChecklistAnswer>>,
    /// Evidence relied on.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub evidence: Option<EvidenceInput>,
    /// What the reviewer concluded.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 8000)]
    pub summary: Option<Option<String>>,
}

impl ReviewPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: ReviewInput) -> ReviewInput {
        input.kind = self.kind.unwrap_or(input.kind);
        input.method = self.method.unwrap_or(input.method);
        input.reviewer = self.reviewer.or(input.reviewer);
        input.answers = self.answers.unwrap_or(input.answers);
        input.evidence = self.evidence.unwrap_or(input.evidence);
        patch::optional(&mut input.scheduled_for, self.scheduled_for);
        patch::optional(&mut input.performed_on, self.performed_on);
        patch::optional(&mut input.summary, self.summary);
        input
    }
}
