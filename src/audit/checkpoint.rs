//! Signed checkpoints of the audit chain (as Certificate Transparency signs its tree heads):
//! `(number, seq, head_hash, prev, at, key_id)` signed with the Ed25519 key kept outside the
//! database, written on demand, at start and automatically once per interval of the business time
//! zone. Each names the checkpoint before it (`prev`), and each is published in the event feed as
//! `audit.checkpoint_created`, so a deleted checkpoint leaves a gap that a witness outside can see.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::chain::{self, format_at, GENESIS};
use super::signing::SigningKey;
use super::Change;
use crate::auth::Caller;
use crate::db::schema::{audit_checkpoints as cp, audit_events as ae};
use crate::db::{dispatch, Db, DbConnection};
use crate::error::ApiError;
use crate::events::api::{CheckpointSnapshot, EventData};
use crate::events::snapshot::EventDraft;

/// The audited action of a signed checkpoint (its `resource_id` is the checkpoint's id).
pub const CREATED: &str = "audit_checkpoint.created";

/// One stored checkpoint; `number` and `prev` are `None` on checkpoints signed before they chained.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = cp, treat_none_as_default_value = false)]
pub struct CheckpointRow {
    pub id: String,
    pub seq: i64,
    pub head_hash: String,
    pub at: NaiveDateTime,
    pub key_id: String,
    pub signature: String,
    pub number: Option<i64>,
    pub prev: Option<String>,
}

impl CheckpointRow {
    /// The exact text that is signed (a legacy checkpoint's has no `number` and `prev`).
    pub fn message(&self) -> String {
        match (self.number, &self.prev) {
            (Some(number), Some(prev)) => {
                chained_message(number, self.seq, &self.head_hash, prev, self.at, &self.key_id)
            }
            _ => message(self.seq, &self.head_hash, self.at, &self.key_id),
        }
    }

    /// What the next checkpoint signs as `prev`: SHA-256 (hex) of the message, a line feed and the signature.
    pub fn hash(&self) -> String {
        chain::sha256_hex(format!("{}\n{}", self.message(), self.signature).as_bytes())
    }

    /// The feed event that publishes a chained checkpoint.
    fn draft(&self) -> EventDraft {
        let snapshot = CheckpointSnapshot {
            number: self.number.unwrap_or_default(),
            seq: self.seq,
            head_hash: self.head_hash.clone(),
            prev: self.prev.clone().unwrap_or_default(),
            at: self.at.and_utc(),
            key_id: self.key_id.clone(),
            signature: self.signature.clone(),
        };
        EventDraft::new(1, EventData { checkpoint: Some(snapshot), ..Default::default() })
    }
}

/// The signed text of a legacy (unchained) checkpoint: canonical JSON, keys in byte order, no whitespace.
pub fn message(seq: i64, head_hash: &str, at: NaiveDateTime, key_id: &str) -> String {
    format!(
        r#"{{"at":"{}","head_hash":"{head_hash}","key_id":"{key_id}","seq":{seq},"type":"audit_checkpoint"}}"#,
        format_at(at)
    )
}

/// The signed text of a chained checkpoint: canonical JSON, keys in byte order, no whitespace.
pub fn chained_message(number: i64, seq: i64, head_hash: &str, prev: &str, at: NaiveDateTime, key_id: &str) -> String {
    format!(
        r#"{{"at":"{}","head_hash":"{head_hash}","key_id":"{key_id}","number":{number},"prev":"{prev}","seq":{seq},"type":"audit_checkpoint"}}"#,
        format_at(at)
    )
}

/// Signs checkpoints and decides when the next automatic one is due.
#[derive(Clone)]
pub struct Checkpointer {
    key: Arc<SigningKey>,
    interval: Duration,
    grace: Duration,
    time_zone: Tz,
}

impl Checkpointer {
    /// A checkpointer signing with `key` every `interval` (zero: never automatically); `grace` is
    /// how much longer than the interval an event may wait for the checkpoint that covers it.
    pub fn new(key: SigningKey, interval: Duration, grace: Duration, time_zone: Tz) -> Self {
        Self { key: Arc::new(key), interval, grace, time_zone }
    }

    /// The signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// How often checkpoints are written automatically, if at all.
    pub fn interval(&self) -> Option<Duration> {
        (!self.interval.is_zero()).then_some(self.interval)
    }

    /// How old an event may be before a checkpoint must cover it (interval plus grace); `None`
    /// when automatic checkpoints are off.
    pub fn coverage_window(&self) -> Option<chrono::Duration> {
        let window = self.interval()? + self.grace;
        chrono::Duration::from_std(window).ok()
    }

    /// Signs the head at start unless it is covered already (nothing was appended since the newest
    /// checkpoint's own event) or the chain is empty; nothing when automatic checkpoints are off.
    pub async fn sign_at_start(&self, db: &Db, now: DateTime<Utc>) -> Result<Option<CheckpointRow>, ApiError> {
        if self.interval().is_none() {
            return Ok(None);
        }
        let key = self.key.clone();
        db.write(move |conn| {
            dispatch::lock_audit_chain(conn)?;
            let head: Option<(i64, String, String)> = ae::table
                .select((ae::seq, ae::action, ae::resource_id))
                .order(ae::seq.desc())
                .first(conn)
                .optional()?;
            let Some((seq, action, resource_id)) = head else { return Ok(None) };
            let covered = action == CREATED
                && cp::table.find(&resource_id).select(cp::seq).first::<i64>(conn).optional()? == Some(seq - 1);
            if covered {
                return Ok(None);
            }
            sign_head(conn, &key, &Caller::system(), now).map(Some)
        })
        .await
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

/// Signs and stores the chain head as of now, under the chain lock, linked to the checkpoint before
/// it, and records who asked for it with its feed event (the event comes after the head it signs,
/// so the next checkpoint covers it).
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
    let (number, prev) = next_link(conn)?;
    let mut row = CheckpointRow {
        id: uuid::Uuid::now_v7().to_string(),
        seq,
        head_hash,
        at: at.naive_utc(),
        key_id: key.key_id.clone(),
        signature: String::new(),
        number: Some(number),
        prev: Some(prev),
    };
    row.signature = key.sign(row.message().as_bytes());
    diesel::insert_into(cp::table).values(&row).execute(conn)?;
    let after = serde_json::json!({
        "number": number, "seq": row.seq, "head_hash": row.head_hash, "prev": row.prev, "key_id": row.key_id
    });
    let change = Change::of("audit_checkpoint", row.id.clone(), None, "created", serde_json::json!({ "after": after }))
        .with_event(row.draft());
    super::append(conn, caller, at, change)?;
    tracing::info!(number, seq, key_id = %row.key_id, "signed an audit checkpoint");
    Ok(row)
}

/// The number and `prev` of the next checkpoint: after the newest chained one, or number 1 linked
/// to the newest legacy checkpoint (the genesis hash when there is none).
fn next_link(conn: &mut DbConnection) -> Result<(i64, String), ApiError> {
    let last: Option<CheckpointRow> =
        cp::table.filter(cp::number.is_not_null()).order(cp::number.desc()).first(conn).optional()?;
    if let Some(last) = last {
        return Ok((last.number.unwrap_or_default() + 1, last.hash()));
    }
    let legacy: Option<CheckpointRow> =
        cp::table.filter(cp::number.is_null()).order((cp::seq.desc(), cp::id.desc())).first(conn).optional()?;
    Ok((1, legacy.map_or_else(|| GENESIS.to_owned(), |row| row.hash())))
}

/// The newest legacy checkpoint among `checkpoints` (given in `seq`, id order), which the first
/// chained one links to.
pub fn newest_legacy(checkpoints: &[CheckpointRow]) -> Option<&CheckpointRow> {
    checkpoints.iter().rfind(|c| c.number.is_none())
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
