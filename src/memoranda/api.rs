//! Memorandum request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::documents::api::Document;

/// Where a memorandum stands; `expired` is derived from the date, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MemorandumStatus {
    /// Being prepared; its terms can change.
    Draft,
    /// Signed; its terms are frozen.
    Signed,
    /// Signed, not auto-renewing, and its `expires_on` has passed.
    Expired,
    /// Ended by termination.
    Terminated,
}

impl MemorandumStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which side a signatory signs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The company entrusting the data.
    Company,
    /// The consignee.
    Consignee,
}

/// A person who signs the memorandum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "佐藤 花子", "title": "代表取締役", "party": "consignee"}))]
pub struct Signatory {
    /// Full name.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Position, e.g. representative director.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The side the person signs for.
    pub party: Party,
}

/// Whether the memorandum contains one clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "incident_notification", "included": true, "reference": "Art. 9", "notify_within_hours": 24}))]
pub struct ClauseEntry {
    /// Code of a clause template (`GET /clause-templates`).
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub code: String,
    /// Whether the memorandum contains the clause.
    pub included: bool,
    /// Where in the memorandum, e.g. "Art. 7".
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub reference: Option<String>,
    /// For `incident_notification`: the agreed deadline in hours (required to sign).
    #[serde(default, deserialize_with = "crate::http::body::whole_option")]
    #[validate(range(min = 1, max = 8760))]
    #[schema(minimum = 1, maximum = 8760)]
    pub notify_within_hours: Option<i32>,
}

/// Automatic renewal: the memorandum renews by whole terms unless notice is given in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"term_months": 12, "notice_days": 90}))]
pub struct AutoRenewal {
    /// Length of each renewed term in months.
    #[serde(deserialize_with = "crate::http::body::whole")]
    #[validate(range(min = 1, max = 120))]
    #[schema(minimum = 1, maximum = 120)]
    pub term_months: i32,
    /// Days before a term ends by which notice not to renew must be given.
    #[serde(deserialize_with = "crate::http::body::whole")]
    #[validate(range(min = 0, max = 730))]
    #[schema(minimum = 0, maximum = 730)]
    pub notice_days: i32,
}

/// The terms of a memorandum (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "個人情報の取扱いに関する覚書", "external_ref": "CT-2026-0142", "version_label": "2026 rev. 1",
    "signed_on": "2026-04-01", "effective_from": "2026-04-01", "expires_on": "2027-03-31",
    "auto_renewal": {"term_months": 12, "notice_days": 90},
    "signatories": [{"name": "鈴木 一郎", "title": "総務部長", "party": "company"},
                    {"name": "佐藤 花子", "title": "代表取締役", "party": "consignee"}],
    "clauses": [{"code": "incident_notification", "included": true, "reference": "Art. 9", "notify_within_hours": 24}],
    "notes": "Signed on paper; scan uploaded"
}))]
pub struct MemorandumInput {
    /// Title of the agreement.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The contract system's id; unique per consignee.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub external_ref: Option<String>,
    /// The agreement's own version label, e.g. "2026 rev. 1".
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub version_label: Option<String>,
    /// An earlier memorandum of the same consignee that this one replaces.
    pub supersedes: Option<Uuid>,
    /// Date of signature.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub signed_on: Option<NaiveDate>,
    /// First day the agreement applies.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub effective_from: Option<NaiveDate>,
    /// Last day of the (first) term; after `effective_from`; absent for open-ended agreements.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub expires_on: Option<NaiveDate>,
    /// Automatic renewal (needs `expires_on`, the end of the first term).
    #[validate(nested)]
    pub auto_renewal: Option<AutoRenewal>,
    /// Who signs, for each party.
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub signatories: Vec<Signatory>,
    /// The clause checklist, one entry per clause code.
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub clauses: Vec<ClauseEntry>,
    /// Free-form notes (may change after signing).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub notes: Option<String>,
}

/// A protection memorandum as stored, with its standing on today's date.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "title": "個人情報の取扱いに関する覚書", "external_ref": "CT-2026-0142", "version_label": "2026 rev. 1",
    "supersedes": null, "signed_on": "2026-04-01", "effective_from": "2026-04-01", "expires_on": "2027-03-31",
    "auto_renewal": {"term_months": 12, "notice_days": 90},
    "signatories": [{"name": "鈴木 一郎", "title": "総務部長", "party": "company"},
                    {"name": "佐藤 花子", "title": "代表取締役", "party": "consignee"}],
    "clauses": [{"code": "incident_notification", "included": true, "reference": "Art. 9", "notify_within_hours": 24}],
    "notes": null, "status": "signed", "in_force": true, "current_term_ends_on": "2027-03-31",
    "notice_deadline": "2026-12-31", "required_clauses": ["incident_notification"],
    "signed_at": "2026-04-02T01:00:00Z", "signed_by": "alice", "terminated_on": null, "termination_reason": null,
    "document": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 482113,
        "content_type": "application/pdf", "filename": "覚書_サンプル物流_2026.pdf",
        "uploaded_at": "2026-04-02T00:55:00Z", "uploaded_by": "alice"},
    "created_at": "2026-03-20T05:30:00Z", "updated_at": "2026-04-02T01:00:00Z",
    "created_by": "alice", "updated_by": "alice", "version": 4
}))]
pub struct Memorandum {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The consignee it is signed with.
    pub consignee_id: Uuid,
    /// Title of the agreement.
    pub title: String,
    /// The contract system's id.
    pub external_ref: Option<String>,
    /// The agreement's own version label.
    pub version_label: Option<String>,
    /// The earlier memorandum this one replaces.
    pub supersedes: Option<Uuid>,
    /// Date of signature.
    pub signed_on: Option<NaiveDate>,
    /// First day the agreement applies.
    pub effective_from: Option<NaiveDate>,
    /// Last day of the first term (open-ended when absent).
    pub expires_on: Option<NaiveDate>,
    /// Automatic renewal.
    pub auto_renewal: Option<AutoRenewal>,
    /// Who signs, for each party.
    pub signatories: Vec<Signatory>,
    /// The clause checklist.
    pub clauses: Vec<ClauseEntry>,
    /// Free-form notes.
    pub notes: Option<String>,
    /// Status on today's date in the business time zone (`expired` is derived).
    pub status: MemorandumStatus,
    /// Whether it is in force today: signed, not terminated, and today between `effective_from` and its (renewed) end.
    pub in_force: bool,
    /// For a signed auto-renewing memorandum: the end of the term running today (rolled forward by whole terms).
    pub current_term_ends_on: Option<NaiveDate>,
    /// For a signed auto-renewing memorandum: the last day notice not to renew can still be given —
    /// for the current term while that day has not passed, else for the next term.
    pub notice_deadline: Option<NaiveDate>,
    /// The clause codes required when it was signed (the set it is judged against).
    pub required_clauses: Option<Vec<String>>,
    /// When it was recorded as signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Who recorded the signature.
    pub signed_by: Option<String>,
    /// The day the termination took effect.
    pub terminated_on: Option<NaiveDate>,
    /// Why it was terminated.
    pub termination_reason: Option<String>,
    /// The signed document (`GET …/document` for the bytes).
    pub document: Option<Document>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag's first part. Send it as `If-Match` to change safely.
    #[schema(example = 1)]
    pub version: i64,
}

/// Termination of a signed memorandum.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"terminated_on": "2026-11-30", "reason": "Replaced by the 2027 memorandum"}))]
pub struct Termination {
    /// The day the termination took effect (not before `signed_on`, not after today).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub terminated_on: NaiveDate,
    /// Why.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Filters and paging for memorandum lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct MemorandumQuery {
    /// Only this status on today's date (`expired` and `signed` are judged today).
    pub status: Option<MemorandumStatus>,
    /// Only memoranda that do not renew automatically and whose `expires_on` is before this date.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub expires_before: Option<NaiveDate>,
    /// Only the memorandum with this contract-system id.
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub external_ref: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a memorandum id).
    pub cursor: Option<Uuid>,
}

/// The consignee filter of the cross-consignee lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsigneeFilter {
    /// Only records of this consignee.
    pub consignee_id: Option<Uuid>,
}
