//! Reading, verifying and redacting the trail.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::api::EventFilter;
use super::model::AuditEventRow;
use super::record::{append, Change};
use crate::auth::Caller;
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

/// The action of a redaction record; its `changes` name the `changes_sha256` it erased.
pub const REDACTED: &str = "audit_event.redacted";

/// Up to `limit` events after `after_seq`, in `seq` order.
pub fn list(
    conn: &mut DbConnection,
    q: &EventFilter,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEventRow>, ApiError> {
    let mut query = ae::table.filter(ae::seq.gt(after_seq)).into_boxed();
    if let Some(v) = &q.resource_type {
        query = query.filter(ae::resource_type.eq(v.clone()));
    }
    if let Some(v) = &q.resource_id {
        query = query.filter(ae::resource_id.eq(v.clone()));
    }
    if let Some(v) = &q.actor {
        query = query.filter(ae::actor.eq(v.clone()));
    }
    if let Some(v) = &q.action {
        query = query.filter(ae::action.eq(v.clone()));
    }
    if let Some(v) = q.from {
        query = query.filter(ae::at.ge(v.naive_utc()));
    }
    if let Some(v) = q.to {
        query = query.filter(ae::at.lt(v.naive_utc()));
    }
    if let Some(v) = q.consignee_id {
        query = query.filter(ae::consignee_id.eq(v.to_string()));
    }
    Ok(query.order(ae::seq.asc()).limit(limit).load(conn)?)
}

/// Erases the `changes` of event `seq` (the chain keeps their hash) and records the redaction.
pub fn redact(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    seq: i64,
    reason: &str,
) -> Result<AuditEventRow, ApiError> {
    let row: AuditEventRow = ae::table
        .find(seq)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::NotFound(format!("no audit event {seq}")))?;
    if row.action == REDACTED {
        return Err(ApiError::Conflict("a redaction record holds no personal data and is not redactable".to_owned()));
    }
    // Only an unredacted event is changed, so two concurrent redactions cannot both apply.
    let updated = diesel::update(ae::table.find(seq).filter(ae::redacted_at.is_null()))
        .set((
            ae::changes.eq(None::<String>),
            ae::redacted_at.eq(Some(at.naive_utc())),
            ae::redacted_by.eq(Some(caller.sub.clone())),
            ae::redaction_reason.eq(Some(reason.to_owned())),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict(format!("audit event {seq} is already redacted")));
    }
    let change = Change {
        action: REDACTED.to_owned(),
        resource_type: "audit_event",
        resource_id: seq.to_string(),
        consignee_id: row.consignee_id.clone(),
        changes: serde_json::json!({ "reason": reason, "changes_sha256": row.changes_sha256 }),
        event: None,
    };
    append(conn, caller, at, change)?;
    Ok(ae::table.find(seq).first(conn)?)
}
