//! Appending events to the chain, inside the caller's write transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Map, Value};

use super::chain::{self, GENESIS};
use super::model::AuditEventRow;
use crate::auth::Caller;
use crate::db::schema::audit_events;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;
use crate::events::snapshot::EventDraft;
use crate::events::store::{self as events, Appended};

/// A change to be recorded.
#[derive(Debug, Clone)]
pub struct Change {
    /// What happened, e.g. `consignee.updated`.
    pub action: String,
    /// Kind of resource changed.
    pub resource_type: &'static str,
    /// Id of the resource changed.
    pub resource_id: String,
    /// The consignee the resource belongs to, for its history.
    pub consignee_id: Option<String>,
    /// Fields before and after.
    pub changes: Value,
    /// The domain event the change also produces in the feed, if any.
    pub event: Option<EventDraft>,
}

impl Change {
    /// A change to a resource, its action named `{resource_type}.{action}` (`memorandum.signed`).
    pub fn of(
        resource_type: &'static str,
        resource_id: impl Into<String>,
        consignee_id: Option<String>,
        action: &str,
        changes: Value,
    ) -> Self {
        let action = format!("{resource_type}.{action}");
        Self { action, resource_type, resource_id: resource_id.into(), consignee_id, changes, event: None }
    }

    /// The same change, producing the event `draft` in the feed.
    pub fn with_event(self, draft: impl Into<EventDraft>) -> Self {
        Self { event: Some(draft.into()), ..self }
    }
}

/// Appends `change` to the chain; call inside the transaction that makes the change.
pub fn append(conn: &mut DbConnection, caller: &Caller, at: DateTime<Utc>, change: Change) -> Result<i64, ApiError> {
    dispatch::lock_audit_chain(conn)?;
    let last: Option<(i64, String, NaiveDateTime)> = audit_events::table
        .select((audit_events::seq, audit_events::hash, audit_events::at))
        .order(audit_events::seq.desc())
        .first(conn)
        .optional()?;
    // `at` was read before the chain lock; never let time run backwards along `seq`.
    let at = last.as_ref().map_or(at.naive_utc(), |(_, _, last_at)| at.naive_utc().max(*last_at));
    let (seq, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(seq, hash, _)| (seq + 1, hash));
    let changes = serde_json::to_string(&change.changes).map_err(ApiError::internal)?;
    let event = change.event;
    let mut row = AuditEventRow {
        seq,
        at,
        actor: caller.sub.clone(),
        actor_role: caller.role.as_str().to_owned(),
        action: change.action,
        resource_type: change.resource_type.to_owned(),
        resource_id: change.resource_id,
        consignee_id: change.consignee_id,
        request_id: caller.request_id.clone(),
        changes_sha256: chain::sha256_hex(changes.as_bytes()),
        changes: Some(changes),
        prev_hash,
        hash: String::new(),
        redacted_at: None,
        redacted_by: None,
        redaction_reason: None,
        hash_format: chain::FORMAT,
    };
    row.hash = chain::link_hash(&row.prev_hash, &row.link());
    diesel::insert_into(audit_events::table).values(&row).execute(conn)?;
    if let Some(draft) = event {
        let audited = Appended {
            seq,
            at,
            action: &row.action,
            resource_type: &row.resource_type,
            resource_id: &row.resource_id,
            changes: &change.changes,
        };
        events::insert(conn, audited, draft)?;
    }
    Ok(seq)
}

/// `{"before": {...}, "after": {...}}` holding only the top-level fields that differ.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let mut was = Map::new();
    let mut now = Map::new();
    for key in old.keys().chain(new.keys().filter(|k| !old.contains_key(*k))) {
        let (a, b) = (old.get(key).unwrap_or(&Value::Null), new.get(key).unwrap_or(&Value::Null));
        if a != b {
            was.insert(key.clone(), a.clone());
            now.insert(key.clone(), b.clone());
        }
    }
    serde_json::json!({ "before": was, "after": now })
}
