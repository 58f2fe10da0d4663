//! Audit trail request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::AuditEventRow;
use crate::error::ApiError;

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    /// Position in the trail; gapless and increasing.
    #[schema(example = 42)]
    pub seq: i64,
    /// When the change was made; never earlier than the previous event's `at`.
    pub at: DateTime<Utc>,
    /// Token subject of whoever made it.
    #[schema(example = "alice")]
    pub actor: String,
    /// Their role at the time.
    #[schema(example = "procurement")]
    pub actor_role: String,
    /// What happened.
    #[schema(example = "consignee.updated")]
    pub action: String,
    /// Kind of resource changed.
    #[schema(example = "consignee")]
    pub resource_type: String,
    /// Id of the resource changed.
    pub resource_id: String,
    /// The consignee the resource belongs to.
    pub consignee_id: Option<String>,
    /// The request that made the change (the `X-Request-Id` it answered with).
    pub request_id: Option<String>,
    /// Fields before and after; `null` once redacted.
    #[schema(value_type = Option<Object>)]
    pub changes: Option<Value>,
    /// SHA-256 of the stored `changes` text; kept after redaction.
    pub changes_sha256: String,
    /// `hash` of the previous event.
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and this event's canonical form.
    pub hash: String,
    /// Present when `changes` was redacted.
    pub redaction: Option<Redaction>,
}

/// Who erased an event's `changes`, when and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Redaction {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (token subject).
    pub by: String,
    /// Why.
    pub reason: String,
}

impl TryFrom<AuditEventRow> for AuditEvent {
    type Error = ApiError;

    fn try_from(row: AuditEventRow) -> Result<Self, ApiError> {
        let changes = row.changes.as_deref().map(serde_json::from_str).transpose().map_err(ApiError::internal)?;
        let redaction = match (row.redacted_at, row.redacted_by, row.redaction_reason) {
            (Some(at), Some(by), Some(reason)) => Some(Redaction { at: at.and_utc(), by, reason }),
            _ => None,
        };
        Ok(Self {
            seq: row.seq,
            at: row.at.and_utc(),
            actor: row.actor,
            actor_role: row.actor_role,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            consignee_id: row.consignee_id,
            request_id: row.request_id,
            changes,
            changes_sha256: row.changes_sha256,
            prev_hash: row.prev_hash,
            hash: row.hash,
            redaction,
        })
    }
}

/// Filters for the audit trail.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// Kind of resource, e.g. `consignee`.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub resource_type: Option<String>,
    /// Id of one resource.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub resource_id: Option<String>,
    /// Token subject of the actor.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub actor: Option<String>,
    /// The consignee the events concern (its records included), even after it was deleted.
    pub consignee_id: Option<uuid::Uuid>,
    /// Action, e.g. `consignee.status_changed`.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Events at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Events before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// Paging through events in `seq` order.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct SeqPage {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page: events after this `seq`.
    #[validate(range(min = 0, max = 9_007_199_254_740_991_i64))]
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub cursor: Option<i64>,
}

/// Why an event's `changes` are to be erased.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RedactRequest {
    /// The reason, e.g. the erasure request it answers.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "erasure request #2026-031 from the data subject")]
    pub reason: String,
}

/// The result of walking the chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyReport {
    /// True when every link holds.
    pub valid: bool,
    /// How many events were checked.
    pub events_checked: i64,
    /// `seq` of the first event whose link does not hold.
    pub first_broken_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
    /// `hash` of the last event (the chain head) when valid.
    pub head_hash: Option<String>,
}
