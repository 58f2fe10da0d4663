//! Data category request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::http::patch::{double_option, non_null, non_null_trimmed};

/// A kind of personal data.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "course_applications", "name": "Course applications", "name_ja": "講座申込情報",
    "description": "Applications for courses and seminars.", "sensitive": false, "parent": "customer_records",
    "retired": false, "created_at": "2026-11-28T00:00:00Z", "updated_at": "2026-11-28T00:00:00Z",
    "created_by": "system", "updated_by": "system", "version": 1
}))]
pub struct DataCategory {
    /// Stable code entrustments name the category by.
    pub code: String,
    /// Name.
    pub name: String,
    /// Japanese name.
    pub name_ja: Option<String>,
    /// What the category covers.
    pub description: Option<String>,
    /// Special care-required personal information (要配慮個人情報, APPI Art. 2(3)).
    pub sensitive: bool,
    /// The grouping category it belongs to.
    pub parent: Option<String>,
    /// Retired categories stay for the records that use them but take no new entrustments.
    pub retired: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who added it (`system` for the seeded taxonomy).
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag.
    #[schema(example = 1)]
    pub version: i64,
}

/// A new data category.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "seminar_recordings", "name": "Seminar recordings", "name_ja": "セミナー録画",
    "description": "Video recordings of online seminars showing participants.", "sensitive": false,
    "parent": "customer_records"}))]
pub struct DataCategoryInput {
    /// Lower-case snake-case code, unique.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub code: String,
    /// Name.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Japanese name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name_ja: Option<String>,
    /// What the category covers.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: Option<String>,
    /// Special care-required personal information.
    #[serde(default)]
    pub sensitive: bool,
    /// Code of the grouping category.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub parent: Option<String>,
}

/// Changes to a data category: absent fields stay, `null` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"retired": true}))]
pub struct DataCategoryPatch {
    /// Name.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    pub name: Option<String>,
    /// Japanese name.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name_ja: Option<Option<String>>,
    /// What the category covers.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000)]
    pub description: Option<Option<String>>,
    /// Special care-required personal information.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub sensitive: Option<bool>,
    /// Code of the grouping category.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(value_type = Option<String>, pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub parent: Option<Option<String>>,
    /// Whether the category is retired.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub retired: Option<bool>,
}

/// Filters and paging for the data category list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataCategoryQuery {
    /// Only retired (`true`) or only current (`false`) categories.
    pub retired: Option<bool>,
    /// Only sensitive (`true`) or only other (`false`) categories.
    pub sensitive: Option<bool>,
    /// Only the sub-categories of this code.
    pub parent: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a category code).
    pub cursor: Option<String>,
}
