//! Clause template request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A clause a memorandum must contain.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "incident_notification", "title": "Incident notification",
    "description": "The consignee notifies the company of a leak or other incident within the agreed number of hours.",
    "retired": false, "created_at": "2026-11-28T00:00:00Z", "updated_at": "2026-11-28T00:00:00Z",
    "created_by": "system", "updated_by": "system", "version": 1
}))]
pub struct ClauseTemplate {
    /// Stable code memoranda name the clause by.
    pub code: String,
    /// Short title.
    pub title: String,
    /// What the clause must say, and where the requirement comes from.
    pub description: String,
    /// Retired clauses are no longer required of memoranda signed from now on.
    pub retired: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who added it (`system` for the seeded set).
    pub created_by: String,
    /// Who last changed it.
    pub updated_by: String,
    /// Row version; the ETag.
    #[schema(example = 1)]
    pub version: i64,
}

/// A new required clause.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "ai_training_prohibited", "title": "No use for AI training",
    "description": "The consignee does not use the entrusted data to train machine-learning models."}))]
pub struct ClauseTemplateInput {
    /// Lower-case snake-case code, unique.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub code: String,
    /// Short title.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What the clause must say.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
}

/// Changes to a clause template; `retired: true` retires it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"retired": true}))]
pub struct ClauseTemplatePatch {
    /// Short title.
    #[serde(default, deserialize_with = "crate::http::patch::non_null_trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    pub title: Option<String>,
    /// What the clause must say.
    #[serde(default, deserialize_with = "crate::http::patch::non_null_trimmed")]
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, nullable = false)]
    pub description: Option<String>,
    /// Whether the clause is retired.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(nullable = false)]
    pub retired: Option<bool>,
}

/// Filters and paging for the clause template list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClauseTemplateQuery {
    /// Only retired (`true`) or only current (`false`) clauses.
    pub retired: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a clause code).
    pub cursor: Option<String>,
}
