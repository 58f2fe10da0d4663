//! Reading, verifying and redacting the trail.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::api::{EventFilter, VerifyReport};
use super::chain::{self, GENESIS};
use super::model::AuditEventRow;
use super::record::{append, Change};
use crate::auth::Caller;
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

/// Which events to list.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Field filters from the query string.
    pub query: EventFilter,
    /// Only events of this consignee (its history).
    pub consignee_id: Option<String>,
}

/// Up to `limit` events after `after_seq`, in `seq` order.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEventRow>, ApiError> {
    let q = &filter.query;
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
    let consignee = filter.consignee_id.clone().or_else(|| q.consignee_id.map(|id| id.to_string()));
    if let Some(v) = consignee {
        query = query.filter(ae::consignee_id.eq(v));
    }
    Ok(query.order(ae::seq.asc()).limit(limit).load(conn)?)
}

const VERIFY_BATCH: i64 = 1000;

/// Walks the whole chain and reports the first broken link.
pub fn verify(conn: &mut DbConnection) -> Result<VerifyReport, ApiError> {
    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    loop {
        let rows: Vec<AuditEventRow> =
            ae::table.filter(ae::seq.ge(expected_seq)).order(ae::seq.asc()).limit(VERIFY_BATCH).load(conn)?;
        if rows.is_empty() {
            let head = (expected_seq > 1).then_some(prev_hash);
            return Ok(report(expected_seq - 1, None, head));
        }
        for row in rows {
            if let Some(problem) = check_link(&row, expected_seq, &prev_hash) {
                return Ok(report(expected_seq - 1, Some((row.seq, problem)), None));
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
    }
}

fn check_link(row: &AuditEventRow, expected_seq: i64, prev_hash: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!("seq {expected_seq} is missing"));
    }
    if row.prev_hash != prev_hash {
        return Some("prev_hash does not match the hash of the previous event".to_owned());
    }
    if chain::link_hash(prev_hash, &row.link()) != row.hash {
        return Some("hash does not match the event's contents".to_owned());
    }
    match &row.changes {
        Some(text) if chain::sha256_hex(text.as_bytes()) != row.changes_sha256 => {
            Some("changes do not match changes_sha256".to_owned())
        }
        _ => None,
    }
}

fn report(checked: i64, broken: Option<(i64, String)>, head_hash: Option<String>) -> VerifyReport {
    let (first_broken_seq, problem) = broken.map_or((None, None), |(seq, p)| (Some(seq), Some(p)));
    VerifyReport { valid: first_broken_seq.is_none(), events_checked: checked, first_broken_seq, problem, head_hash }
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
    if row.redacted_at.is_some() {
        return Err(ApiError::Conflict(format!("audit event {seq} is already redacted")));
    }
    diesel::update(ae::table.find(seq))
        .set((
            ae::changes.eq(None::<String>),
            ae::redacted_at.eq(Some(at.naive_utc())),
            ae::redacted_by.eq(Some(caller.sub.clone())),
            ae::redaction_reason.eq(Some(reason.to_owned())),
        ))
        .execute(conn)?;
    let change = Change {
        action: "audit_event.redacted".to_owned(),
        resource_type: "audit_event",
        resource_id: seq.to_string(),
        consignee_id: row.consignee_id.clone(),
        changes: serde_json::json!({ "reason": reason, "changes_sha256": row.changes_sha256 }),
    };
    append(conn, caller, at, change)?;
    Ok(ae::table.find(seq).first(conn)?)
}
