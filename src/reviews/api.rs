//! Review request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::consignees::api::{ConsigneeStatus, RiskTier};
use crate::documents::api::Document;

/// Why a review is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReviewKind {
    /// Selection of a candidate before approval.
    Selection,
    /// The scheduled periodic check.
    Periodic,
    /// After an incident or a change.
    AdHoc,
}

/// How a review is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReviewMethod {
    /// A questionnaire the consignee answers.
    Questionnaire,
    /// Reading the consignee's documents and records.
    DocumentReview,
    /// An audit by video call or remote access.
    RemoteAudit,
    /// An audit at the consignee's premises.
    OnSiteAudit,
}

/// What a completed review concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReviewOutcome {
    /// The safeguards are adequate.
    Satisfactory,
    /// Adequate once the findings are acted on.
    NeedsImprovement,
    /// Not adequate.
    Unsatisfactory,
}

/// Whether a review is still being filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Planned or in progress; its answers can change.
    Open,
    /// Completed with an outcome; frozen.
    Completed,
}

/// An answer to one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// The safeguard is in place.
    Yes,
    /// It is not.
    No,
    /// It does not apply to this consignee.
    NotApplicable,
}

macro_rules! stored_names {
    ($($kind:ty),*) => {$(
        impl $kind {
            /// The stored and serialized name.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    )*};
}

stored_names!(ReviewKind, ReviewMethod, ReviewOutcome);

/// The answer to one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"item": "encryption", "answer": "yes", "comment": "TLS 1.2+ and AES-256 at rest"}))]
pub struct ChecklistAnswer {
    /// The checklist item's code.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub item: String,
    /// The answer.
    pub answer: AnswerValue,
    /// What was seen.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: Option<String>,
}

/// Evidence a review relies on, as a client sends it; documents are uploaded separately.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"references": ["質問票回答 2026-04"], "certification_ids": []}))]
pub struct EvidenceInput {
    /// References to evidence kept elsewhere (file names, ticket numbers, URLs).
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "validate_references"))]
    #[schema(max_items = 50, value_type = Vec<String>)]
    pub references: Vec<String>,
    /// Certifications of the same consignee the review relies on.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub certification_ids: Vec<Uuid>,
}

fn validate_references(references: &[String]) -> Result<(), validator::ValidationError> {
    if references.iter().all(|r| (1..=500).contains(&r.trim().chars().count())) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("length").with_message("each reference has 1 to 500 characters".into()))
    }
}

/// Evidence a review relies on, with the documents uploaded to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"references": ["質問票回答 2026-04"], "certification_ids": [], "documents": []}))]
pub struct Evidence {
    /// References to evidence kept elsewhere.
    pub references: Vec<String>,
    /// Certifications relied on.
    pub certification_ids: Vec<Uuid>,
    /// Documents uploaded with `POST …/documents` (`GET …/documents/{sha256}` for the bytes).
    pub documents: Vec<Document>,
}

/// A review as a client sends it (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "selection", "method": "questionnaire", "scheduled_for": "2026-04-10", "performed_on": null,
    "reviewer": "鈴木 花子", "answers": [], "evidence": {"references": [], "certification_ids": []}, "summary": null
}))]
pub struct ReviewInput {
    /// Why the review is made.
    pub kind: ReviewKind,
    /// How.
    pub method: ReviewMethod,
    /// When it is planned.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub scheduled_for: Option<NaiveDate>,
    /// When it was performed (not in the future).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub performed_on: Option<NaiveDate>,
    /// Who reviews; defaults to the token's subject.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub reviewer: Option<String>,
    /// Answers to the checklist so far, one per item.
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    #[schema(max_items = 200)]
    pub answers: Vec<ChecklistAnswer>,
    /// Evidence relied on.
    #[serde(default)]
    #[validate(nested)]
    pub evidence: EvidenceInput,
    /// What the reviewer concluded, in words.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub summary: Option<String>,
}

/// A supervision review.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e08-3333-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "kind": "selection", "method": "questionnaire", "status": "completed", "scheduled_for": "2026-04-10",
    "performed_on": "2026-04-12", "reviewer": "鈴木 花子", "outcome": "satisfactory",
    "answers": [{"item": "encryption", "answer": "yes", "comment": null}],
    "evidence": {"references": ["質問票回答 2026-04"], "certification_ids": [], "documents": []},
    "summary": "Safeguards adequate for the entrusted data.", "completed_at": "2026-04-12T06:00:00Z",
    "completed_by": "hanako", "created_at": "2026-04-01T01:00:00Z", "updated_at": "2026-04-12T06:00:00Z",
    "created_by": "hanako", "updated_by": "hanako", "version": 2
}))]
pub struct Review {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The consignee reviewed.
    pub consignee_id: Uuid,
    /// Why.
    pub kind: ReviewKind,
    /// How.
    pub method: ReviewMethod,
    /// Open, or completed and frozen.
    pub status: ReviewStatus,
    /// When it was planned.
    pub scheduled_for: Option<NaiveDate>,
    /// When it was performed.
    pub performed_on: Option<NaiveDate>,
    /// Who reviewed.
    pub reviewer: String,
    /// The outcome, once completed.
    pub outcome: Option<ReviewOutcome>,
    /// Answers to the checklist.
    pub answers: Vec<ChecklistAnswer>,
    /// Evidence relied on.
    pub evidence: Evidence,
    /// What the reviewer concluded.
    pub summary: Option<String>,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Who completed it.
    pub completed_by: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag.
    #[schema(example = 1)]
    pub version: i64,
}

/// Completing a review: the outcome, and the last answers.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "satisfactory", "performed_on": "2026-04-12", "summary": "Safeguards adequate."}))]
pub struct ReviewCompletion {
    /// The outcome.
    pub outcome: ReviewOutcome,
    /// When it was performed (default today; not in the future).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub performed_on: Option<NaiveDate>,
    /// The answers, replacing those recorded so far; every active checklist item needs one.
    #[validate(length(max = 200), nested)]
    #[schema(max_items = 200)]
    pub answers: Option<Vec<ChecklistAnswer>>,
    /// What the reviewer concluded.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub summary: Option<String>,
}

/// Filters and paging for review lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// Only this kind.
    pub kind: Option<ReviewKind>,
    /// Only open or only completed reviews.
    pub status: Option<ReviewStatus>,
    /// Only this outcome.
    pub outcome: Option<ReviewOutcome>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a review id).
    pub cursor: Option<Uuid>,
}

/// The window and paging of the due list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Due within this many days from today, as `30d` (default `30d`, at most `3650d`);
    /// overdue reviews are always listed.
    #[param(pattern = "^([0-9]{1,3}|[0-2][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)d$")]
    pub within: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page: the last item's `next_review_due` and consignee id,
    /// as `2026-11-30_01a21e05-…`.
    #[param(
        pattern = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// A consignee whose supervision review is due.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "legal_name": "株式会社サンプル物流",
    "status": "approved", "risk_tier": "high", "last_reviewed_on": "2026-04-12",
    "next_review_due": "2026-10-12", "overdue": true, "days_overdue": 47
}))]
pub struct DueReview {
    /// The consignee.
    pub consignee_id: Uuid,
    /// Its legal name.
    pub legal_name: String,
    /// Its status (`approved` or `suspended`).
    pub status: ConsigneeStatus,
    /// Its risk tier, which sets the interval.
    pub risk_tier: RiskTier,
    /// When its last completed review was performed.
    pub last_reviewed_on: Option<NaiveDate>,
    /// When the next review is due.
    pub next_review_due: NaiveDate,
    /// The due date has passed.
    pub overdue: bool,
    /// Days since the due date (0 when not overdue).
    pub days_overdue: i64,
}
