//! Sub-consignment request and response types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::domain::code::CategoryCode;
use crate::domain::country::CountryCode;

/// The company's consent to a sub-consignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"consented_on": "2026-04-10", "consented_by": "個人情報保護管理者 鈴木", "reference": "承諾書 2026-017"}))]
pub struct Consent {
    /// When the company consented.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub consented_on: NaiveDate,
    /// Who consented for the company.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub consented_by: String,
    /// The written consent, as referenced.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reference: Option<String>,
}

/// A consignee's own subcontractor for an entrustment (create body, and a patch's result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "株式会社配送パートナー", "corporate_number": "7000012050002", "country": "JP",
    "categories": ["contact_details"], "purpose": "Delivering course materials", "parent_id": null,
    "consent": {"consented_on": "2026-04-10", "consented_by": "個人情報保護管理者 鈴木", "reference": "承諾書 2026-017"},
    "ended_on": null}))]
pub struct SubConsignmentInput {
    /// Name of the sub-consignee.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its 13-digit corporate number; the check digit is verified.
    #[validate(custom(function = "crate::consignees::api::validate_corporate_number"))]
    #[schema(pattern = "^[0-9]{13}$")]
    pub corporate_number: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    #[validate(custom(function = "crate::consignees::api::validate_country"))]
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// Which of the entrustment's (or the parent's) categories it receives.
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Vec<CategoryCode>, min_items = 1, max_items = 50)]
    pub categories: Vec<String>,
    /// What it processes them for.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub purpose: String,
    /// A sub-consignment of the same entrustment that passes the data on to this one.
    pub parent_id: Option<Uuid>,
    /// The company's prior consent.
    #[validate(nested)]
    pub consent: Consent,
    /// Last day it received the data.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub ended_on: Option<NaiveDate>,
}

/// A sub-consignment as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e07-2222-7aaa-8bbb-000000000002", "entrustment_id": "01a21e06-1111-7aaa-8bbb-000000000001",
    "name": "株式会社配送パートナー", "corporate_number": "7000012050002", "country": "JP",
    "categories": ["contact_details"], "purpose": "Delivering course materials", "parent_id": null,
    "consent": {"consented_on": "2026-04-10", "consented_by": "個人情報保護管理者 鈴木", "reference": "承諾書 2026-017"},
    "ended_on": null, "created_at": "2026-04-10T02:00:00Z", "updated_at": "2026-04-10T02:00:00Z",
    "created_by": "alice", "updated_by": "alice", "version": 1}))]
pub struct SubConsignment {
    /// Server-assigned id.
    pub id: Uuid,
    /// The entrustment whose data it receives.
    pub entrustment_id: Uuid,
    /// Name.
    pub name: String,
    /// Corporate number.
    pub corporate_number: Option<String>,
    /// Country.
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// Categories it receives.
    pub categories: Vec<String>,
    /// Purpose.
    pub purpose: String,
    /// The sub-consignment it receives the data through.
    pub parent_id: Option<Uuid>,
    /// The company's consent.
    pub consent: Consent,
    /// Last day it received the data.
    pub ended_on: Option<NaiveDate>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who recorded it.
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag.
    #[schema(example = 1)]
    pub version: i64,
}

/// A JSON merge patch (RFC 7396) of a sub-consignment; `consent` and `categories` are replaced
/// whole, `parent_id` is fixed once recorded.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ended_on": "2027-03-31"}))]
pub struct SubConsignmentPatch {
    /// Name.
    #[serde(default, deserialize_with = "crate::http::patch::non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Corporate number.
    #[serde(default, deserialize_with = "crate::http::patch::double_option")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{13}$")]
    pub corporate_number: Option<Option<String>>,
    /// Country.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(value_type = CountryCode, nullable = false)]
    pub country: Option<String>,
    /// Categories it receives.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(value_type = Vec<CategoryCode>, nullable = false, min_items = 1, max_items = 50)]
    pub categories: Option<Vec<String>>,
    /// Purpose.
    #[serde(default, deserialize_with = "crate::http::patch::non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub purpose: Option<String>,
    /// The company's consent, replaced whole.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(nullable = false)]
    pub consent: Option<Consent>,
    /// Last day it received the data.
    #[serde(default, deserialize_with = "crate::http::patch::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ended_on: Option<Option<NaiveDate>>,
}

impl SubConsignmentPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: SubConsignmentInput) -> SubConsignmentInput {
        input.name = self.name.unwrap_or(input.name);
        input.country = self.country.unwrap_or(input.country);
        input.categories = self.categories.unwrap_or(input.categories);
        input.purpose = self.purpose.unwrap_or(input.purpose);
        input.consent = self.consent.unwrap_or(input.consent);
        crate::http::patch::optional(&mut input.corporate_number, self.corporate_number);
        crate::http::patch::optional(&mut input.ended_on, self.ended_on);
        input
    }
}

/// Paging for an entrustment's sub-consignments.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubConsignmentQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a sub-consignment id).
    pub cursor: Option<Uuid>,
}
