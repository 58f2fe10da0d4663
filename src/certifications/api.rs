//! Certification request and response types, with their validation rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::documents::api::Document;

/// A certification scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CertificationScheme {
    /// The Privacy Mark (プライバシーマーク), granted by JIPDEC.
    PrivacyMark,
    /// ISO/IEC 27001 information security management.
    #[serde(rename = "iso_27001")]
    #[strum(serialize = "iso_27001")]
    Iso27001,
    /// ISO/IEC 27701 privacy information management.
    #[serde(rename = "iso_27701")]
    #[strum(serialize = "iso_27701")]
    Iso27701,
    /// ISO/IEC 27017 cloud security.
    #[serde(rename = "iso_27017")]
    #[strum(serialize = "iso_27017")]
    Iso27017,
    /// A SOC 2 Type 2 report.
    #[serde(rename = "soc2_type2")]
    #[strum(serialize = "soc2_type2")]
    Soc2Type2,
    /// Another scheme, named in `scheme_name`.
    Other,
}

impl CertificationScheme {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A certification as a client sends it (create body, and the result of applying a patch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "scheme": "privacy_mark", "scheme_name": null, "certificate_number": "第12345678(05)号",
    "issuer": "JIPDEC", "issued_on": "2025-04-01", "expires_on": "2027-03-31",
    "scope": "全社"
}))]
pub struct CertificationInput {
    /// The scheme.
    pub scheme: CertificationScheme,
    /// The scheme's name; required for `other`, not allowed otherwise.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub scheme_name: Option<String>,
    /// The certificate's registration number.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub certificate_number: Option<String>,
    /// Who issued it (JIPDEC, a certification body, an audit firm).
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub issuer: String,
    /// When it was issued (or the report period began).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub issued_on: NaiveDate,
    /// When it expires (not before `issued_on`); absent when it does not.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub expires_on: Option<NaiveDate>,
    /// What it covers (sites, services, organisational units).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub scope: Option<String>,
}

/// A certification as stored, with whether it has expired today.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e07-2222-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "scheme": "privacy_mark", "scheme_name": null, "certificate_number": "第12345678(05)号",
    "issuer": "JIPDEC", "issued_on": "2025-04-01", "expires_on": "2027-03-31", "scope": "全社",
    "document": null, "expired": false,
    "created_at": "2026-03-30T01:00:00Z", "updated_at": "2026-03-30T01:00:00Z",
    "created_by": "alice", "updated_by": "alice", "version": 1
}))]
pub struct Certification {
    /// Server-assigned id (UUID v7).
    pub id: Uuid,
    /// The certified consignee.
    pub consignee_id: Uuid,
    /// The scheme.
    pub scheme: CertificationScheme,
    /// The scheme's name (for `other`).
    pub scheme_name: Option<String>,
    /// Registration number.
    pub certificate_number: Option<String>,
    /// Issuer.
    pub issuer: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Expires on.
    pub expires_on: Option<NaiveDate>,
    /// Scope.
    pub scope: Option<String>,
    /// The certificate as uploaded (`GET …/document` for the bytes).
    pub document: Option<Document>,
    /// `expires_on` has passed (today in the business time zone).
    pub expired: bool,
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

/// Filters and paging for certification lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct CertificationQuery {
    /// Only certifications whose `expires_on` is before this date.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub expires_before: Option<NaiveDate>,
    /// Only this scheme.
    pub scheme: Option<CertificationScheme>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a certification id).
    pub cursor: Option<Uuid>,
}
