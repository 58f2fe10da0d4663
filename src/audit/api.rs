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
#[schema(example = json!({"seq": 42, "at": "2026-11-28T05:12:03.123456Z", "actor": "alice", "actor_role": "procurement",
    "action": "consignee.updated", "resource_type": "consignee", "resource_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "request_id": "contract-sync-2026-11-28-0042",
    "changes": {"before": {"risk_tier": "medium"}, "after": {"risk_tier": "high"}},
    "changes_sha256": "9c1b8f3e2d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c",
    "prev_hash": "0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
    "hash": "5f0c6e1a9b3d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e", "hash_format": 2, "redaction": null}))]
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
    /// The request that made the change (the `X-Request-Id` it answered with); chained only in
    /// hash format 1, so an erasure can redact it.
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
    /// The canonical form `hash` covers: 1 with `request_id` (events recorded before format 2),
    /// 2 without it and with `"format":2`.
    #[schema(example = 2)]
    pub hash_format: i32,
    /// Present when `changes` was redacted.
    pub redaction: Option<Redaction>,
}

/// Who erased an event's `changes`, when and why.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"at": "2026-11-28T06:00:00Z", "by": "admin", "reason": "erasure request #2026-031 from the data subject"}))]
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
            hash_format: row.hash_format,
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
#[schema(example = json!({"reason": "erasure request #2026-031 from the data subject"}))]
pub struct RedactRequest {
    /// The reason, e.g. the erasure request it answers.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "erasure request #2026-031 from the data subject")]
    pub reason: String,
}

/// The result of walking the chain.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid": false, "events_checked": 41, "head_seq": 41, "head_hash": "5f0c6e1a9b3d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
    "checkpoints_checked": 3, "first_broken_seq": 42,
    "problems": [{"seq": 42, "checkpoint_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70",
        "detail": "event seq 42 is missing: checkpoint 019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70 signed at 2026-11-28T15:00:00.000000Z covers the chain up to seq 57"}]}))]
pub struct VerifyReport {
    /// True when every link, checkpoint and expectation holds.
    pub valid: bool,
    /// How many events were checked (up to the first broken link).
    pub events_checked: i64,
    /// `seq` of the last event, when the whole chain was walked.
    pub head_seq: Option<i64>,
    /// `hash` of the last event (the chain head), when the whole chain was walked; keep it with
    /// `head_seq` and pass them back as `expect` next time.
    pub head_hash: Option<String>,
    /// How many stored checkpoints were checked.
    pub checkpoints_checked: i64,
    /// The lowest `seq` named by a problem.
    pub first_broken_seq: Option<i64>,
    /// Everything that does not hold, in `seq` order.
    pub problems: Vec<VerifyProblem>,
}

/// One thing that does not hold.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"seq": 7, "checkpoint_id": null, "detail": "hash does not match the event's contents"}))]
pub struct VerifyProblem {
    /// The event concerned (for a missing event, the missing `seq`).
    pub seq: Option<i64>,
    /// The checkpoint concerned.
    pub checkpoint_id: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl VerifyProblem {
    /// A problem with the event at `seq`.
    pub fn at(seq: i64, detail: String) -> Self {
        Self { seq: Some(seq), checkpoint_id: None, detail }
    }
}

/// `SEQ:HASH`: the chain must have `HASH` at `SEQ` (a head a caller kept from an earlier run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The event.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

impl Expectation {
    /// The `SEQ:HASH` text.
    pub fn text(&self) -> String {
        format!("{}:{}", self.seq, self.hash)
    }

    /// Parses `SEQ:HASH[,SEQ:HASH…]`; 422 naming `expect` otherwise.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, ApiError> {
        text.split(',')
            .map(|item| {
                let (seq, hash) = item.trim().split_once(':').unwrap_or(("", ""));
                let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                match seq.parse::<i64>() {
                    Ok(seq) if seq >= 0 && hex => Ok(Self { seq, hash: hash.to_owned() }),
                    _ => Err(ApiError::invalid(
                        "expect",
                        "format",
                        "must be SEQ:HASH (64 lower-case hex digits), comma-separated",
                    )),
                }
            })
            .collect()
    }
}

/// Chain heads the caller kept, to check the chain against.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// `SEQ:HASH` pairs (comma-separated) from earlier reports or checkpoints kept outside the service,
    /// e.g. `41:5f0c6e1a9b3d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e`.
    #[param(pattern = "^[0-9]{1,18}:[0-9a-f]{64}(,[0-9]{1,18}:[0-9a-f]{64})*$")]
    pub expect: Option<String>,
}
