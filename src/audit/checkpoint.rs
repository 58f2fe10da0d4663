//! Signed checkpoints of the audit chain (as Certificate Transparency signs its tree heads):
//! `(seq, head_hash, at, key_id)` signed with the Ed25519 key kept outside the database, written
//! on demand and automatically once per interval of the business time zone.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::chain::{format_at, GENESIS};
use super::signing::SigningKey;
use super::Change;
use crate::auth::Caller;
use crate::db::schema::{audit_checkpoints as cp, audit_events as ae};
use crate::db::{dispatch, Db, DbConnection};
use crate::error::ApiError;

/// One stored checkpoint.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = cp, treat_none_as_default_value = false)]
pub struct CheckpointRow {
    pub id: String,
    pub seq: i64,
    pub head_hash: String,
    pub at: NaiveDateTime,
    pub key_id: String,
    pub signature: String,
}

impl CheckpointRow {
    /// The exact text that is signed.
    pub fn message(&self) -> String {
        message(self.seq, &self.head_hash, self.at, &self.key_id)
    }
}

/// The signed text: canonical JSON, keys in byte order, no whitespace.
pub fn message(seq: i64, head_hash: &str, at: NaiveDateTime, key_id: &str) -> String {
    format!(
        r#"{{"at":"{}","head_hash":"{head_hash}","key_id":"{key_id}","seq":{seq},"type":"audit_checkpoint"}}"#,
        format_at(at)
    )
}

/// Signs checkpoints and decides when the next automatic one is due.
#[derive(Clone)]
pub struct Checkpointer {
    key: Arc<SigningKey>,
    interval: Duration,
    time_zone: Tz,
}

impl Checkpointer {
    /// A checkpointer signing with `key` every `interval` (zero: never automatically).
    pub fn new(key: SigningKey, interval: Duration, time_zone: Tz) -> Self {
        Self { key: Arc::new(key), interval, time_zone }
    }

    /// The signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// How often checkpoints are written automatically, if at all.
    pub fn interval(&self) -> Option<Duration> {
        (!self.interval.is_zero()).then_some(self.interval)
    }

    /// Signs the current head of the chain now, at `caller`'s request.
    pub async fn checkpoint(&self, db: &Db, caller: Caller, at: DateTime<Utc>) -> Result<CheckpointRow, ApiError> {
        let key = self.key.clone();
        db.write(move |conn| sign_head(conn, &key, &caller, at)).await
    }

    /// Writes the automatic checkpoint when none exists yet in the interval holding `now`
    /// (and the chain is not empty); safe to call from every node at once.
    pub async fn tick(&self, db: &Db, now: DateTime<Utc>) -> Result<Option<CheckpointRow>, ApiError> {
        let Some(interval) = self.interval() else { return Ok(None) };
        let (key, tz) = (self.key.clone(), self.time_zone);
        db.write(move |conn| {
            dispatch::lock_audit_chain(conn)?;
            let latest: Option<NaiveDateTime> = cp::table.select(diesel::dsl::max(cp::at)).first(conn)?;
            let due = latest.is_none_or(|at| period(at.and_utc(), interval, tz) < period(now, interval, tz));
            let empty = ae::table.select(ae::seq).first::<i64>(conn).optional()?.is_none();
            if !due || empty {
                return Ok(None);
            }
            sign_head(conn, &key, &Caller::system(), now).map(Some)
        })
        .await
    }
}

/// The interval `at` falls in, counted in the business time zone's wall-clock time
/// (with `1d`, the business date).
pub fn period(at: DateTime<Utc>, interval: Duration, tz: Tz) -> i64 {
    let local = at.with_timezone(&tz).naive_local().and_utc().timestamp();
    local.div_euclid(interval.as_secs().max(1) as i64)
}

/// Signs and stores the chain head as of now, under the chain lock, and records who asked for it
/// (the event comes after the head it signs, so the next checkpoint covers it).
fn sign_head(
    conn: &mut DbConnection,
    key: &SigningKey,
    caller: &Caller,
    at: DateTime<Utc>,
) -> Result<CheckpointRow, ApiError> {
    dispatch::lock_audit_chain(conn)?;
    let head: Option<(i64, String)> =
        ae::table.select((ae::seq, ae::hash)).order(ae::seq.desc()).first(conn).optional()?;
    let (seq, head_hash) = head.unwrap_or((0, GENESIS.to_owned()));
    let mut row = CheckpointRow {
        id: uuid::Uuid::now_v7().to_string(),
        seq,
        head_hash,
        at: at.naive_utc(),
        key_id: key.key_id.clone(),
        signature: String::new(),
    };
    row.signature = key.sign(row.message().as_bytes());
    diesel::insert_into(cp::table).values(&row).execute(conn)?;
    let change = Change {
        action: "audit_checkpoint.created".to_owned(),
        resource_type: "audit_checkpoint",
        resource_id: row.id.clone(),
        consignee_id: None,
        changes: serde_json::json!({ "after": { "seq": row.seq, "head_hash": row.head_hash, "key_id": row.key_id } }),
        event: None,
    };
    super::append(conn, caller, at, change)?;
    tracing::info!(seq, key_id = %row.key_id, "signed an audit checkpoint");
    Ok(row)
}

/// The checkpoint with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<CheckpointRow, ApiError> {
    cp::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no checkpoint {id}")))
}

/// Up to `limit` checkpoints after the cursor id, oldest first.
pub fn list(conn: &mut DbConnection, after: Option<String>, limit: i64) -> Result<Vec<CheckpointRow>, ApiError> {
    let mut query = cp::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(cp::id.gt(after));
    }
    Ok(query.order(cp::id.asc()).limit(limit).load(conn)?)
}

/// Every checkpoint, in `seq` order (for verification; one a day is a few hundred a year).
pub fn all(conn: &mut DbConnection) -> Result<Vec<CheckpointRow>, ApiError> {
    Ok(cp::table.order((cp::seq.asc(), cp::id.asc())).load(conn)?)
}

/// Runs automatic checkpoints until the process ends, checking once a minute.
pub fn spawn_schedule(checkpointer: Checkpointer, db: Db, clock: crate::clock::SharedClock) {
    if checkpointer.interval().is_none() {
        return;
    }
    tokio::spawn(async move {
        loop {
            if let Err(error) = checkpointer.tick(&db, clock.now()).await {
                tracing::warn!(%error, "the automatic audit checkpoint failed; retrying in a minute");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_period_is_the_business_date() {
        let day = Duration::from_secs(86_400);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let tokyo = chrono_tz::Asia::Tokyo;
        // 14:59 UTC is 23:59 in Tokyo; 15:00 UTC is the next Tokyo day.
        let before = period(at("2026-11-28T14:59:59Z"), day, tokyo);
        assert_eq!(period(at("2026-11-28T00:00:00Z"), day, tokyo), before);
        assert_eq!(period(at("2026-11-28T15:00:00Z"), day, tokyo), before + 1);
    }
}
