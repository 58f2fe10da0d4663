//! Consignee request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::compliance::api::ComplianceStatus;
use crate::domain::corporate_number;
use crate::domain::country::{self, CountryCode};
use crate::findings::summary::OpenFindings;
use crate::memoranda::summary::MemorandaSummary;

/// How much supervision a consignee needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RiskTier {
    /// Little or no sensitive data.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Sensitive data, large volumes or cross-border transfers.
    High,
}

/// Where a consignee stands in selection and supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ConsigneeStatus {
    /// Under selection assessment; no data may flow yet.
    Candidate,
    /// Selected; data may be entrusted.
    Approved,
    /// Not selected (final).
    Rejected,
    /// Temporarily barred from new data.
    Suspended,
    /// No longer a consignee (final).
    Terminated,
}

impl RiskTier {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl ConsigneeStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A contact person at the consignee.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "山田 太郎", "email": "privacy@example.co.jp", "phone": "+81-3-1234-5678"}))]
pub struct Contact {
    /// Full name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "山田 太郎")]
    pub name: Option<String>,
    /// E-mail address.
    #[validate(email(message = "is not an e-mail address"), length(max = 254))]
    #[schema(max_length = 254, format = "email", example = "privacy@example.co.jp")]
    pub email: Option<String>,
    /// Telephone number: an optional leading `+`, then digits, spaces, `-` and parentheses.
    #[validate(custom(function = "validate_phone"))]
    #[schema(min_length = 3, max_length = 40, pattern = r"^\+?[ ()\-]*[0-9][0-9 ()\-]*$", example = "+81-3-1234-5678")]
    pub phone: Option<String>,
}

impl Contact {
    fn trimmed(self) -> Option<Self> {
        let contact = Self {
            name: crate::validation::trim_option(self.name),
            email: crate::validation::trim_option(self.email),
            phone: crate::validation::trim_option(self.phone),
        };
        (contact != Self::default()).then_some(contact)
    }
}

/// The writable fields of a consignee (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"legal_name": "株式会社サンプル物流", "name_kana": "カブシキガイシャサンプルブツリュウ", "name_en": "Sample Logistics Co., Ltd.", "corporate_number": "7000012050002", "country": "JP", "address": "東京都中央区日本橋2-7-1", "contact": {"name": "山田 太郎", "email": "privacy@example.co.jp", "phone": "+81-3-1234-5678"}, "risk_tier": "high", "notes": "Ships course materials to applicants"}))]
pub struct ConsigneeInput {
    /// Registered legal name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    /// Name in katakana.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name_kana: Option<String>,
    /// Name in English.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name_en: Option<String>,
    /// Japan's 13-digit corporate number; the check digit is verified. Unique.
    #[validate(custom(function = "validate_corporate_number"))]
    #[schema(pattern = "^[0-9]{13}$", example = "7000012050002")]
    pub corporate_number: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default = "default_country")]
    #[validate(custom(function = "validate_country"))]
    #[schema(value_type = CountryCode, default = "JP")]
    pub country: String,
    /// Postal address.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
    /// Contact person.
    #[validate(nested)]
    pub contact: Option<Contact>,
    /// Supervision risk tier.
    #[serde(default)]
    pub risk_tier: RiskTier,
    /// Free-form notes.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub notes: Option<String>,
    /// The contract system's identifier (unique when present); `PUT /consignees/by-ref/{external_ref}`
    /// creates or updates by it.
    #[serde(default)]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub external_ref: Option<String>,
}

fn default_country() -> String {
    "JP".to_owned()
}

impl ConsigneeInput {
    /// Trims every text, upper-cases the country, and drops an empty contact.
    pub fn normalized(self) -> Self {
        Self {
            legal_name: self.legal_name.trim().to_owned(),
            name_kana: crate::validation::trim_option(self.name_kana),
            name_en: crate::validation::trim_option(self.name_en),
            corporate_number: crate::validation::trim_option(self.corporate_number),
            country: self.country.trim().to_ascii_uppercase(),
            address: crate::validation::trim_option(self.address),
            contact: self.contact.and_then(Contact::trimmed),
            risk_tier: self.risk_tier,
            notes: crate::validation::trim_option(self.notes),
            external_ref: crate::validation::trim_option(self.external_ref),
        }
    }
}

/// `validator` rule for a corporate number with its check digit.
pub fn validate_corporate_number(value: &str) -> Result<(), ValidationError> {
    corporate_number::check(value).map_err(|e| {
        let (code, message) = e.describe();
        ValidationError::new(code).with_message(message.into())
    })
}

/// `validator` rule for an ISO 3166-1 alpha-2 country code (any case).
pub fn validate_country(value: &str) -> Result<(), ValidationError> {
    if country::is_assigned(&value.to_ascii_uppercase()) {
        return Ok(());
    }
    Err(ValidationError::new("country").with_message("is not an ISO 3166-1 alpha-2 country code".into()))
}

/// Same rule as the documented pattern `^\+?[ ()\-]*[0-9][0-9 ()\-]*$`, 3–40 characters.
fn validate_phone(value: &str) -> Result<(), ValidationError> {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let ok = (3..=40).contains(&value.chars().count())
        && rest.chars().all(|c| c.is_ascii_digit() || " ()-".contains(c))
        && rest.chars().any(|c| c.is_ascii_digit());
    if ok {
        return Ok(());
    }
    Err(ValidationError::new("phone").with_message("is not a telephone number".into()))
}

/// A consignee as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "legal_name": "株式会社サンプル物流",
    "name_kana": "カブシキガイシャサンプルブツリュウ", "name_en": "Sample Logistics Co., Ltd.",
    "corporate_number": "7000012050002", "country": "JP", "address": "東京都中央区日本橋2-7-1",
    "contact": {"name": "山田 太郎", "email": "privacy@example.co.jp", "phone": "+81-3-1234-5678"},
    "risk_tier": "high", "notes": null, "status": "approved",
    "status_reason": "Selection assessment 2026-11 passed; Privacy Mark holder",
    "status_changed_at": "2026-11-20T01:00:00Z", "created_at": "2026-11-18T05:30:00Z",
    "updated_at": "2026-11-20T01:00:00Z", "created_by": "alice", "updated_by": "privacy-office",
    "memoranda_summary": {"in_force": [{"id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40",
        "title": "個人情報の取扱いに関する覚書", "expires_on": "2027-03-31", "current_term_ends_on": "2027-03-31"}],
        "missing_clauses": []},
    "categories_held": ["contact_details", "course_applications"], "holds_sensitive": false,
    "approved_on": "2026-11-20", "last_reviewed_on": "2026-11-19", "next_review_due": "2027-05-19",
    "review_overdue": false, "open_findings": {"count": 0, "oldest_overdue": null, "items": []},
    "compliance_status": "compliant",
    "version": 3
}))]
pub struct Consignee {
    /// Server-assigned id (UUID v7, so ids sort by creation).
    pub id: Uuid,
    /// Registered legal name.
    pub legal_name: String,
    /// Name in katakana.
    pub name_kana: Option<String>,
    /// Name in English.
    pub name_en: Option<String>,
    /// Japan's 13-digit corporate number.
    pub corporate_number: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// Postal address.
    pub address: Option<String>,
    /// Contact person.
    pub contact: Option<Contact>,
    /// Supervision risk tier.
    pub risk_tier: RiskTier,
    /// Free-form notes.
    pub notes: Option<String>,
    /// The contract system's identifier.
    pub external_ref: Option<String>,
    /// Current status; changed only through `POST /consignees/{id}/status`.
    pub status: ConsigneeStatus,
    /// Reason given for the last status change.
    pub status_reason: Option<String>,
    /// When the status last changed.
    pub status_changed_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it (token subject).
    pub created_by: String,
    /// Who last changed it (token subject).
    pub updated_by: String,
    /// The memoranda in force today and any required clause they miss (derived).
    pub memoranda_summary: MemorandaSummary,
    /// Codes of the data categories it holds today: through active entrustments, or ended ones
    /// whose deletion is not yet confirmed (derived).
    pub categories_held: Vec<String>,
    /// Whether any category it holds is special care-required personal information (derived).
    pub holds_sensitive: bool,
    /// The day it was last approved.
    pub approved_on: Option<NaiveDate>,
    /// When its last completed supervision review was performed.
    pub last_reviewed_on: Option<NaiveDate>,
    /// When its next supervision review is due: the last review plus the risk tier's interval
    /// (high 6, medium 12, low 24 months by default), or the approval day when never reviewed;
    /// `null` unless `approved` or `suspended` (derived).
    pub next_review_due: Option<NaiveDate>,
    /// `next_review_due` has passed (derived).
    pub review_overdue: bool,
    /// Its findings still open, the oldest overdue one first among them (derived).
    pub open_findings: OpenFindings,
    /// Its standing by the compliance rules today (`GET …/compliance` for every check; derived).
    pub compliance_status: ComplianceStatus,
    /// Only in the answer to a status change: what the caller should act on, e.g. data still held
    /// by a consignee just suspended or terminated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<Warning>>,
    /// Row version; the ETag's first part. Send it as `If-Match` to change safely.
    #[schema(example = 1)]
    pub version: i64,
}

/// Something the caller should act on after a change that the server allowed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "still_holds_data",
    "message": "the consignee still holds data through these entrustments; end them and confirm deletion",
    "entrustment_ids": ["01a21e06-1111-7aaa-8bbb-000000000001"]}))]
pub struct Warning {
    /// Machine-readable kind.
    pub code: String,
    /// What to do.
    pub message: String,
    /// The entrustments concerned.
    pub entrustment_ids: Vec<Uuid>,
}

/// A status transition with its reason.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "approved", "reason": "Selection assessment 2026-11 passed; Privacy Mark holder"}))]
pub struct StatusChange {
    /// Target status.
    pub status: ConsigneeStatus,
    /// Why (kept in the record and the audit trail).
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Filters and paging for the consignee list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct ConsigneeQuery {
    /// Only this status.
    pub status: Option<ConsigneeStatus>,
    /// Only this risk tier.
    pub risk_tier: Option<RiskTier>,
    /// Only consignees in this compliance standing today.
    pub compliance: Option<ComplianceStatus>,
    /// Only this country (ISO 3166-1 alpha-2).
    #[validate(custom(function = "validate_country"))]
    #[param(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    /// Substring of any of the names; case and full-/half-width forms fold alike.
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::non_blank"))]
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}
