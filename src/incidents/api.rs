//! Incident request and response types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::deadlines::{ReportState, ReportableReason};
use crate::documents::api::Document;
use crate::domain::code::CategoryCode;

/// What happened to the entrusted personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum IncidentKind {
    /// Disclosed to someone who should not have it (漏えい).
    Leak,
    /// Lost (滅失).
    Loss,
    /// Damaged or altered (毀損).
    Damage,
    /// Accessed without authorization; `wrongful_intent` must be stated.
    UnauthorizedAccess,
    /// Sent or delivered to the wrong recipient.
    Misdelivery,
    /// Anything else.
    Other,
}

/// Where an incident stands: `open → contained → closed` (closing is `POST …/close`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum IncidentStatus {
    /// Being handled.
    Open,
    /// The leak is stopped (`containment` says how).
    Contained,
    /// Closed with containment and root cause; its facts are frozen.
    Closed,
}

/// The status a client sets on an incident that is not closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OpenIncidentStatus {
    /// Being handled.
    Open,
    /// The leak is stopped; needs `containment`.
    Contained,
}

impl IncidentKind {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl IncidentStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl From<OpenIncidentStatus> for IncidentStatus {
    fn from(status: OpenIncidentStatus) -> Self {
        match status {
            OpenIncidentStatus::Open => Self::Open,
            OpenIncidentStatus::Contained => Self::Contained,
        }
    }
}

/// A measure against recurrence, optionally following a finding of a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Two-person check before shipping", "finding_id": null,
    "due_on": "2026-12-20", "done_on": null}))]
pub struct CorrectiveAction {
    /// What is done.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: String,
    /// A finding of the same consignee this action answers.
    pub finding_id: Option<Uuid>,
    /// When it is to be done.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub due_on: Option<NaiveDate>,
    /// When it was done (not in the future).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub done_on: Option<NaiveDate>,
}

/// An incident as a client sends it (create body, and the result of applying a patch).
/// Times are RFC 3339 with an offset; dates are judged in the business time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "misdelivery", "suspected": false,
    "description": "Invoices for 1,200 customers were mailed to the wrong addresses.",
    "occurred_on": "2026-11-20", "detected_at": "2026-11-24T10:00:00+09:00",
    "reported_by_consignee_at": "2026-11-24T15:30:00+09:00", "company_aware_at": null,
    "entrustments": ["01a21e06-1111-7aaa-8bbb-000000000001"], "categories": ["contact_details"],
    "affected_subjects": 1200, "affected_subjects_is_upper_bound": true, "wrongful_intent": false,
    "financial_damage_risk": false, "secondary_damage": null, "advanced_encryption": false,
    "status": "open", "containment": null, "root_cause": null, "corrective_actions": [],
    "preliminary_reported_at": null, "final_reported_at": null, "subjects_notified_at": null,
    "publicly_announced_at": null
}))]
pub struct IncidentInput {
    /// What happened.
    pub kind: IncidentKind,
    /// Only suspected so far (おそれ); counts for reporting as a confirmed one does.
    #[serde(default)]
    pub suspected: bool,
    /// What happened, in words.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub description: String,
    /// When it happened, if known (not after detection).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub occurred_on: Option<NaiveDate>,
    /// When the consignee detected it.
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub detected_at: Option<DateTime<Utc>>,
    /// When the consignee reported it to the company (not before detection).
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub reported_by_consignee_at: Option<DateTime<Utc>>,
    /// When the company became aware; the PPC deadlines run from here. Defaults to
    /// `reported_by_consignee_at`; one of the two is required.
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub company_aware_at: Option<DateTime<Utc>>,
    /// Entrustments of this consignee affected.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub entrustments: Vec<Uuid>,
    /// Data categories affected: codes the consignee holds or held.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100, value_type = Vec<CategoryCode>)]
    pub categories: Vec<String>,
    /// How many people are affected (or at most, with `affected_subjects_is_upper_bound`).
    #[serde(default, deserialize_with = "crate::http::body::whole_option")]
    #[validate(range(min = 0, max = 10_000_000_000i64))]
    #[schema(minimum = 0, maximum = 10_000_000_000i64)]
    pub affected_subjects: Option<i64>,
    /// `affected_subjects` is only an upper bound.
    #[serde(default)]
    pub affected_subjects_is_upper_bound: bool,
    /// Caused, or possibly caused, with wrongful intent; required for `unauthorized_access`.
    pub wrongful_intent: Option<bool>,
    /// Misuse of the data may cause financial damage (card numbers, banking credentials…).
    #[serde(default)]
    pub financial_damage_risk: bool,
    /// Secondary damage that occurred or may occur, in words.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub secondary_damage: Option<String>,
    /// The data was protected by advanced encryption or equivalent measures, so no report is
    /// needed (Rules Art. 7, item 1 proviso).
    #[serde(default)]
    pub advanced_encryption: bool,
    /// `open` or `contained` (closing is `POST …/close`); default `open`.
    #[serde(default = "open")]
    pub status: OpenIncidentStatus,
    /// How the leak was stopped; required for `contained`.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub containment: Option<String>,
    /// Why it happened.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub root_cause: Option<String>,
    /// Measures against recurrence.
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub corrective_actions: Vec<CorrectiveAction>,
    /// When the preliminary report (速報) was made to the PPC.
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub preliminary_reported_at: Option<DateTime<Utc>>,
    /// When the final report (確報) was made; not before the preliminary one.
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub final_reported_at: Option<DateTime<Utc>>,
    /// When the people affected were notified.
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub subjects_notified_at: Option<DateTime<Utc>>,
    /// When the incident was announced publicly (instead of, or besides, notifying).
    #[validate(custom(function = "crate::validation::calendar_instant"))]
    pub publicly_announced_at: Option<DateTime<Utc>>,
}

fn open() -> OpenIncidentStatus {
    OpenIncidentStatus::Open
}

/// Options of recording an incident.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordOptions {
    /// Schedule an `ad_hoc` review of the consignee for today (default `true`); an open `ad_hoc`
    /// review already planned is linked instead.
    pub schedule_review: Option<bool>,
}

/// The `ad_hoc` review following up an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e08-3333-7aaa-8bbb-000000000009", "scheduled_for": "2026-11-24",
    "scheduled_by_incident": true}))]
pub struct FollowUpReview {
    /// The review.
    pub id: Uuid,
    /// When it is planned.
    pub scheduled_for: Option<NaiveDate>,
    /// Recording this incident scheduled it (`false`: an open ad-hoc review was linked).
    pub scheduled_by_incident: bool,
}

/// A category affected, as the taxonomy describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"code": "health_records", "name": "Health records", "name_ja": "健康情報", "sensitive": true}))]
pub struct AffectedCategory {
    /// Category code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Japanese name.
    pub name_ja: Option<String>,
    /// Special care-required personal information.
    pub sensitive: bool,
}

/// Another consignee holding some of the affected categories today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc16", "legal_name": "株式会社サンプル印刷",
    "categories": ["contact_details"]}))]
pub struct OtherHolder {
    /// The consignee.
    pub consignee_id: Uuid,
    /// Its legal name.
    pub legal_name: String,
    /// The affected categories it holds.
    pub categories: Vec<String>,
}

/// A memorandum's incident-notification clause, and how the consignee's report compares.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"memorandum_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "title": "個人情報の取扱いに関する覚書",
    "clause_included": true, "reference": "Art. 9", "notify_within_hours": 24,
    "deadline_at": "2026-11-25T01:00:00Z", "took_hours": 5.5, "met": true}))]
pub struct NotificationClause {
    /// The memorandum.
    pub memorandum_id: Uuid,
    /// Its title.
    pub title: String,
    /// Whether it contains the `incident_notification` clause.
    pub clause_included: bool,
    /// Where in the memorandum.
    pub reference: Option<String>,
    /// The agreed deadline in hours from detection.
    pub notify_within_hours: Option<i32>,
    /// Detection plus the agreed hours.
    pub deadline_at: Option<DateTime<Utc>>,
    /// Hours from detection to the consignee's report (one decimal).
    pub took_hours: Option<f64>,
    /// Whether the consignee reported within the agreed hours (unknown until both times are known).
    pub met: Option<bool>,
}

/// The privacy office's first questions: whose data, who else holds it, what the memorandum says.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "categories": [{"code": "contact_details", "name": "Contact details", "name_ja": "連絡先", "sensitive": false}],
    "other_holders": [], "other_holders_truncated": false, "notification_clauses": []
}))]
pub struct IncidentImpact {
    /// The categories affected.
    pub categories: Vec<AffectedCategory>,
    /// Other consignees holding any of them today (at most 100; `GET /data-categories/{code}/holders` lists all).
    pub other_holders: Vec<OtherHolder>,
    /// More than 100 other holders exist.
    pub other_holders_truncated: bool,
    /// The memoranda covering the affected entrustments (or, with none named, those in force
    /// when the incident was detected) and their notification clause.
    pub notification_clauses: Vec<NotificationClause>,
}

/// An incident at a consignee with its derived Art. 26 reporting standing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e0a-5555-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "kind": "misdelivery", "suspected": false,
    "description": "Invoices for 1,200 customers were mailed to the wrong addresses.",
    "occurred_on": "2026-11-20", "detected_at": "2026-11-24T01:00:00Z",
    "reported_by_consignee_at": "2026-11-24T06:30:00Z", "company_aware_at": "2026-11-24T06:30:00Z",
    "entrustments": ["01a21e06-1111-7aaa-8bbb-000000000001"], "categories": ["contact_details"],
    "affected_subjects": 1200, "affected_subjects_is_upper_bound": true, "wrongful_intent": false,
    "financial_damage_risk": false, "secondary_damage": null, "advanced_encryption": false,
    "status": "open", "containment": null, "root_cause": null, "corrective_actions": [],
    "preliminary_reported_at": null, "final_reported_at": null, "subjects_notified_at": null,
    "publicly_announced_at": null, "reportable": true, "reportable_reasons": ["more_than_1000_subjects"],
    "preliminary_report_due": "2026-11-28", "final_report_due": "2026-12-23",
    "preliminary_report_state": "due", "final_report_state": "due", "overdue": false,
    "follow_up_review": {"id": "01a21e08-3333-7aaa-8bbb-000000000009", "scheduled_for": "2026-11-24",
        "scheduled_by_incident": true},
    "documents": [], "impact": null, "closed_at": null, "closed_by": null,
    "created_at": "2026-11-24T07:00:00Z", "updated_at": "2026-11-24T07:00:00Z",
    "created_by": "taro", "updated_by": "taro", "version": 1
}))]
pub struct Incident {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The consignee where it happened.
    pub consignee_id: Uuid,
    /// What happened.
    pub kind: IncidentKind,
    /// Only suspected so far.
    pub suspected: bool,
    /// What happened, in words.
    pub description: String,
    /// When it happened, if known.
    pub occurred_on: Option<NaiveDate>,
    /// When the consignee detected it.
    pub detected_at: Option<DateTime<Utc>>,
    /// When the consignee reported it.
    pub reported_by_consignee_at: Option<DateTime<Utc>>,
    /// When the company became aware.
    pub company_aware_at: DateTime<Utc>,
    /// Entrustments affected.
    pub entrustments: Vec<Uuid>,
    /// Category codes affected.
    pub categories: Vec<String>,
    /// People affected (or at most).
    pub affected_subjects: Option<i64>,
    /// `affected_subjects` is an upper bound.
    pub affected_subjects_is_upper_bound: bool,
    /// Wrongful intent (`null`: not stated).
    pub wrongful_intent: Option<bool>,
    /// Financial damage may follow.
    pub financial_damage_risk: bool,
    /// Secondary damage, in words.
    pub secondary_damage: Option<String>,
    /// Protected by advanced encryption.
    pub advanced_encryption: bool,
    /// Where it stands.
    pub status: IncidentStatus,
    /// How it was contained.
    pub containment: Option<String>,
    /// Why it happened.
    pub root_cause: Option<String>,
    /// Measures against recurrence.
    pub corrective_actions: Vec<CorrectiveAction>,
    /// When the preliminary report was made.
    pub preliminary_reported_at: Option<DateTime<Utc>>,
    /// When the final report was made.
    pub final_reported_at: Option<DateTime<Utc>>,
    /// When the people affected were notified.
    pub subjects_notified_at: Option<DateTime<Utc>>,
    /// When it was announced publicly.
    pub publicly_announced_at: Option<DateTime<Utc>>,
    /// Derived: a report to the PPC is required (a ground applies and no advanced encryption).
    pub reportable: bool,
    /// Derived: the grounds of Rules Art. 7 that apply.
    pub reportable_reasons: Vec<ReportableReason>,
    /// Derived: last day for the preliminary report (business time zone).
    pub preliminary_report_due: Option<NaiveDate>,
    /// Derived: last day for the final report.
    pub final_report_due: Option<NaiveDate>,
    /// Derived: the preliminary report's state today.
    pub preliminary_report_state: ReportState,
    /// Derived: the final report's state today.
    pub final_report_state: ReportState,
    /// Derived: a report deadline has passed without the report.
    pub overdue: bool,
    /// The ad-hoc review following it up.
    pub follow_up_review: Option<FollowUpReview>,
    /// Reports from the consignee and other documents (`POST …/documents`).
    pub documents: Vec<Document>,
    /// Whose data, who else holds it, what the memorandum says; on single-incident responses
    /// (`null` in lists).
    pub impact: Option<IncidentImpact>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it.
    pub closed_by: Option<String>,
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

/// What closing adds: containment and root cause, unless already recorded.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"containment": "Recalled the letters; the mailing list was corrected.",
    "root_cause": "The address file was sorted separately from the invoice file."}))]
pub struct IncidentClosure {
    /// How it was contained (required unless recorded).
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub containment: Option<String>,
    /// Why it happened (required unless recorded).
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub root_cause: Option<String>,
}

/// Filters and paging for incident lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// Only this status.
    pub status: Option<IncidentStatus>,
    /// Only this kind.
    pub kind: Option<IncidentKind>,
    /// Only reportable (`true`) or not reportable (`false`) incidents (derived).
    pub reportable: Option<bool>,
    /// Only incidents with (`true`) or without (`false`) a report deadline passed without the
    /// report, today (derived).
    pub overdue: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (an incident id).
    pub cursor: Option<Uuid>,
}
