//! Checklist item request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The kind of safeguard an item checks (the four kinds of safety management measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SafeguardCategory {
    /// Responsible person, rules, incident reporting line.
    Organizational,
    /// Confidentiality undertakings, training.
    Personnel,
    /// Area access control, devices and media, disposal.
    Physical,
    /// Access control, encryption, logging, malware protection, backup.
    Technical,
}

impl SafeguardCategory {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One question of the supervision review checklist.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "encryption", "category": "technical",
    "text": "The entrusted data is encrypted in transit and at rest.",
    "retired": false, "created_at": "2026-11-28T00:00:00Z", "updated_at": "2026-11-28T00:00:00Z",
    "created_by": "system", "updated_by": "system", "version": 1
}))]
pub struct ChecklistItem {
    /// Stable code review answers name the item by.
    pub code: String,
    /// The kind of safeguard.
    pub category: SafeguardCategory,
    /// The question or requirement.
    pub text: String,
    /// Retired items need no answer in reviews completed from now on.
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

/// A new checklist item.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "vulnerability_scanning", "category": "technical",
    "text": "Systems holding the entrusted data are scanned for vulnerabilities at least quarterly."}))]
pub struct ChecklistItemInput {
    /// Lower-case snake-case code, unique.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[schema(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub code: String,
    /// The kind of safeguard.
    pub category: SafeguardCategory,
    /// The question or requirement.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
}

/// Changes to a checklist item; `retired: true` retires it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"retired": true}))]
pub struct ChecklistItemPatch {
    /// The kind of safeguard.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(nullable = false)]
    pub category: Option<SafeguardCategory>,
    /// The question or requirement.
    #[serde(default, deserialize_with = "crate::http::patch::non_null_trimmed")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, nullable = false)]
    pub text: Option<String>,
    /// Whether the item is retired.
    #[serde(default, deserialize_with = "crate::http::patch::non_null")]
    #[schema(nullable = false)]
    pub retired: Option<bool>,
}

/// Filters and paging for the checklist.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecklistItemQuery {
    /// Only retired (`true`) or only active (`false`) items.
    pub retired: Option<bool>,
    /// Only items of this kind of safeguard.
    pub category: Option<SafeguardCategory>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (an item code).
    pub cursor: Option<String>,
}
