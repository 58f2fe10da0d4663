//! Revocation storage: each revocation is stored with the audit `seq` it was recorded under
//! (so caches can load what committed since their last load) and the moment it can be forgotten.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::revocation::REVOCATION_SKEW_SECS;
use super::Caller;
use crate::audit::{self, Change};
use crate::clock::{Clock, SystemClock};
use crate::db::schema::token_revocations as tr;
use crate::db::DbConnection;
use crate::error::ApiError;

/// A stored revocation.
#[derive(Debug, Serialize, ToSchema, Queryable)]
#[schema(example = json!({"id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "jti": null, "subject": "contract-system",
    "revoked_at": "2026-11-28T05:00:00Z", "expires_at": "2027-02-26T05:00:35Z", "reason": "service account key rotated", "created_by": "alice"}))]
pub struct Revocation {
    /// Revocation id.
    pub id: String,
    /// Revoked token id.
    pub jti: Option<String>,
    /// Revoked subject (tokens issued up to `revoked_at`).
    pub subject: Option<String>,
    /// When.
    #[schema(value_type = DateTime<Utc>)]
    #[serde(serialize_with = "utc")]
    pub revoked_at: NaiveDateTime,
    /// When every token it covers has expired (`revoked_at` plus the longest token lifetime);
    /// after that nodes drop it from their cache.
    #[schema(value_type = Option<DateTime<Utc>>)]
    #[serde(serialize_with = "utc_opt")]
    pub expires_at: Option<NaiveDateTime>,
    /// Why.
    pub reason: String,
    /// Who.
    pub created_by: String,
}

fn utc<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    at.and_utc().serialize(s)
}

fn utc_opt<S: serde::Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    at.map(|t| t.and_utc()).serialize(s)
}

const COLUMNS: (tr::id, tr::jti, tr::subject, tr::revoked_at, tr::expires_at, tr::reason, tr::created_by) =
    (tr::id, tr::jti, tr::subject, tr::revoked_at, tr::expires_at, tr::reason, tr::created_by);

/// What to revoke: `(jti, subject)`, exactly one present.
pub struct Target {
    /// A token id.
    pub jti: Option<String>,
    /// A subject.
    pub subject: Option<String>,
}

/// Stores a revocation and records it, in the caller's transaction.
pub fn insert(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    target: Target,
    reason: String,
    max_ttl: std::time::Duration,
) -> Result<Revocation, ApiError> {
    // Tokens carry wall-clock `iat`, so the revocation moment is wall-clock time too.
    let revoked_at = SystemClock.now();
    let lifetime = chrono::Duration::from_std(max_ttl).unwrap_or(chrono::Duration::MAX);
    let slack = chrono::Duration::seconds(REVOCATION_SKEW_SECS + super::token::LEEWAY_SECS as i64);
    let expires_at = revoked_at.checked_add_signed(lifetime).and_then(|t| t.checked_add_signed(slack));
    let revocation = Revocation {
        id: uuid::Uuid::now_v7().to_string(),
        jti: target.jti,
        subject: target.subject,
        revoked_at: revoked_at.naive_utc(),
        expires_at: expires_at.map(|t| t.naive_utc()),
        reason,
        created_by: caller.sub.clone(),
    };
    let changes = serde_json::json!({ "after": { "jti": revocation.jti, "subject": revocation.subject, "reason": revocation.reason } });
    let change = Change {
        action: "token.revoked".to_owned(),
        resource_type: "token_revocation",
        resource_id: revocation.id.clone(),
        consignee_id: None,
        changes,
        event: None,
    };
    let seq = audit::append(conn, caller, at, change)?;
    diesel::insert_into(tr::table)
        .values((
            tr::id.eq(&revocation.id),
            tr::jti.eq(&revocation.jti),
            tr::subject.eq(&revocation.subject),
            tr::revoked_at.eq(revocation.revoked_at),
            tr::expires_at.eq(revocation.expires_at),
            tr::reason.eq(&revocation.reason),
            tr::created_by.eq(&revocation.created_by),
            tr::seq.eq(seq),
        ))
        .execute(conn)?;
    Ok(revocation)
}

/// Up to `limit` revocations after the cursor id, oldest first.
pub fn list(conn: &mut DbConnection, after: String, limit: i64) -> Result<Vec<Revocation>, ApiError> {
    Ok(tr::table.select(COLUMNS).filter(tr::id.gt(after)).order(tr::id.asc()).limit(limit).load(conn)?)
}

/// A revocation as the cache holds it: `(jti, subject, revoked_at, expires_at, seq)`.
pub type CacheRow = (Option<String>, Option<String>, NaiveDateTime, Option<NaiveDateTime>, i64);

/// Revocations recorded after audit `seq` that still cover a token valid at `now`.
pub fn load_since(conn: &mut DbConnection, seq: i64, now: DateTime<Utc>) -> Result<Vec<CacheRow>, ApiError> {
    Ok(tr::table
        .select((tr::jti, tr::subject, tr::revoked_at, tr::expires_at, tr::seq))
        .filter(tr::seq.gt(seq))
        .filter(tr::expires_at.is_null().or(tr::expires_at.gt(now.naive_utc())))
        .order(tr::seq.asc())
        .load(conn)?)
}
