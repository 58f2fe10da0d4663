//! Entrustment request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::documents::api::Document;
use crate::domain::code::{CategoryCode, DataSubject};
use crate::domain::country::CountryCode;

/// The APPI Art. 28 basis for providing personal data to a third party in a foreign country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferBasis {
    /// The data subject's consent to the transfer abroad.
    Consent,
    /// The recipient keeps a system equivalent to APPI's standards.
    EquivalentMeasures,
    /// The destination is recognised as having an equivalent system (e.g. the EEA, the UK).
    AdequateCountry,
}

/// A transfer of the entrusted data to another country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"country": "SG", "basis": "equivalent_measures", "legal_system_checked_on": "2026-04-01"}))]
pub struct CrossBorder {
    /// Destination (ISO 3166-1 alpha-2).
    #[validate(custom(function = "crate::consignees::api::validate_country"))]
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// The legal basis.
    pub basis: TransferBasis,
    /// When the destination's legal system for personal data was last checked.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub legal_system_checked_on: Option<NaiveDate>,
}

/// What a consignee is entrusted with (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "memorandum_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "categories": ["contact_details", "course_applications"],
    "purpose": "Shipping course materials to applicants", "data_subjects": ["course participants"],
    "approx_records": 12000, "cross_border": [], "responsible_department": "教育事業部",
    "responsible_person": "山田 太郎", "started_on": "2026-04-01", "notes": null
}))]
pub struct EntrustmentInput {
    /// The signed memorandum it is entrusted under (same consignee, in force on `started_on`).
    pub memorandum_id: Uuid,
    /// Codes of the data categories entrusted.
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Vec<CategoryCode>, min_items = 1, max_items = 50)]
    pub categories: Vec<String>,
    /// What the consignee processes the data for.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub purpose: String,
    /// Whose data: customers, course participants, members, visitors…
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(value_type = Vec<DataSubject>, max_items = 20)]
    pub data_subjects: Vec<String>,
    /// Approximate number of records.
    #[serde(default, deserialize_with = "crate::http::body::whole_option")]
    #[validate(range(min = 0, max = 10_000_000_000i64))]
    #[schema(minimum = 0, maximum = 10_000_000_000i64)]
    pub approx_records: Option<i64>,
    /// Transfers abroad (empty when none).
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub cross_border: Vec<CrossBorder>,
    /// The company's department responsible for it.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub responsible_department: Option<String>,
    /// The company's person responsible for it.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub responsible_person: Option<String>,
    /// First day the consignee holds the data.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub started_on: NaiveDate,
    /// Free-form notes.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub notes: Option<String>,
}

/// An entrustment as stored, with whether it is active and holds data today.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e06-1111-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "memorandum_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "categories": ["contact_details", "course_applications"],
    "purpose": "Shipping course materials to applicants", "data_subjects": ["course participants"],
    "approx_records": 12000, "cross_border": [], "responsible_department": "教育事業部",
    "responsible_person": "山田 太郎", "started_on": "2026-04-01", "ended_on": null,
    "deletion_confirmed_on": null, "deletion_reference": null, "deletion_certificate": null, "notes": null,
    "active": true, "holds_data": true,
    "created_at": "2026-03-30T01:00:00Z", "updated_at": "2026-03-30T01:00:00Z",
    "created_by": "alice", "updated_by": "alice", "version": 1
}))]
pub struct Entrustment {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The consignee entrusted.
    pub consignee_id: Uuid,
    /// The memorandum it is entrusted under.
    pub memorandum_id: Uuid,
    /// Data category codes.
    pub categories: Vec<String>,
    /// Purpose.
    pub purpose: String,
    /// Whose data.
    pub data_subjects: Vec<String>,
    /// Approximate number of records.
    pub approx_records: Option<i64>,
    /// Transfers abroad.
    pub cross_border: Vec<CrossBorder>,
    /// Responsible department.
    pub responsible_department: Option<String>,
    /// Responsible person.
    pub responsible_person: Option<String>,
    /// First day.
    pub started_on: NaiveDate,
    /// Last day (set by `…/end`).
    pub ended_on: Option<NaiveDate>,
    /// When the consignee confirmed return or deletion (set by `…/confirm-deletion`).
    pub deletion_confirmed_on: Option<NaiveDate>,
    /// The consignee's certificate of deletion, as referenced.
    pub deletion_reference: Option<String>,
    /// The certificate of deletion as uploaded (`GET …/deletion-certificate` for the bytes).
    pub deletion_certificate: Option<Document>,
    /// Notes.
    pub notes: Option<String>,
    /// Active today: from `started_on` through `ended_on`, inclusive.
    pub active: bool,
    /// The consignee holds the data today: active, or ended without deletion confirmed.
    pub holds_data: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag's first part.
    #[schema(example = 1)]
    pub version: i64,
}

/// The end of an entrustment.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ended_on": "2027-03-31"}))]
pub struct EntrustmentEnd {
    /// Last day the consignee processed the data (not before `started_on`).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub ended_on: NaiveDate,
}

/// The consignee's confirmation that it returned or deleted the data.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deletion_confirmed_on": "2027-04-10", "reference": "削除証明書 No. 2027-041"}))]
pub struct DeletionConfirmation {
    /// When deletion was confirmed (not before `ended_on`).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub deletion_confirmed_on: NaiveDate,
    /// The certificate of deletion or other evidence.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reference: Option<String>,
}

/// Filters and paging for entrustment lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct EntrustmentQuery {
    /// Only entrustments of this data category.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub category: Option<String>,
    /// Only active (`true`) or only inactive (`false`) ones, today.
    pub active: Option<bool>,
    /// Only those under this memorandum.
    pub memorandum_id: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (an entrustment id).
    pub cursor: Option<Uuid>,
}
