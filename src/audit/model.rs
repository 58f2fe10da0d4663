//! The stored audit event row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::chain::Link;
use crate::db::schema::audit_events;

/// One row of `audit_events`.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct AuditEventRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub actor_role: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub consignee_id: Option<String>,
    pub request_id: Option<String>,
    pub changes: Option<String>,
    pub changes_sha256: String,
    pub prev_hash: String,
    pub hash: String,
    pub redacted_at: Option<NaiveDateTime>,
    pub redacted_by: Option<String>,
    pub redaction_reason: Option<String>,
    pub hash_format: i32,
}

impl AuditEventRow {
    /// The chained fields of this row.
    pub fn link(&self) -> Link<'_> {
        Link {
            seq: self.seq,
            at: self.at,
            actor: &self.actor,
            actor_role: &self.actor_role,
            action: &self.action,
            resource_type: &self.resource_type,
            resource_id: &self.resource_id,
            consignee_id: self.consignee_id.as_deref(),
            request_id: self.request_id.as_deref(),
            changes_sha256: &self.changes_sha256,
            format: self.hash_format,
        }
    }
}
