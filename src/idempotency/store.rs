//! The stored keys: claimed by the first request, finished with its response, pruned on expiry.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys as k;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;

/// A first request still running after this long is taken to have died with its server.
const ABANDONED_AFTER: Duration = Duration::minutes(10);

/// A finished request's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// Its status code.
    pub status: u16,
    /// The headers a retry needs (content type, location, ETag, cache control).
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: Vec<u8>,
}

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// It is the first: run it.
    Run,
    /// The first finished: answer its response.
    Replay(StoredResponse),
    /// The first is still running.
    Running,
    /// The key was used with a different request.
    Mismatch,
}

type Row = (String, Option<i32>, Option<String>, Option<Vec<u8>>, NaiveDateTime);

/// Claims `key` for `caller`'s request hashed `sha256` at `at`; the key lives for `ttl`. Prunes
/// expired keys on the way.
pub fn claim(
    conn: &mut DbConnection,
    (caller, key): (&str, &str),
    sha256: &str,
    at: DateTime<Utc>,
    ttl: Duration,
) -> Result<Claim, ApiError> {
    let now = at.naive_utc();
    diesel::delete(k::table.filter(k::expires_at.le(now))).execute(conn)?;
    dispatch::lock_idempotency_key(conn, caller, key)?;
    let found: Option<Row> = k::table
        .find((caller, key))
        .select((k::request_sha256, k::status, k::response_headers, k::response_body, k::created_at))
        .first(conn)
        .optional()?;
    let Some((hash, status, headers, body, created_at)) = found else {
        let row = (
            k::caller.eq(caller),
            k::idempotency_key.eq(key),
            k::request_sha256.eq(sha256),
            k::created_at.eq(now),
            k::expires_at.eq(now + ttl),
        );
        diesel::insert_into(k::table).values(row).execute(conn)?;
        return Ok(Claim::Run);
    };
    if hash != sha256 {
        return Ok(Claim::Mismatch);
    }
    match status {
        Some(status) => Ok(Claim::Replay(StoredResponse {
            status: u16::try_from(status).map_err(ApiError::internal)?,
            headers: serde_json::from_str(headers.as_deref().unwrap_or("[]")).map_err(ApiError::internal)?,
            body: body.unwrap_or_default(),
        })),
        None if now - created_at < ABANDONED_AFTER => Ok(Claim::Running),
        None => {
            let row = (k::created_at.eq(now), k::expires_at.eq(now + ttl));
            diesel::update(k::table.find((caller, key))).set(row).execute(conn)?;
            Ok(Claim::Run)
        }
    }
}

/// Records the first request's response for retries.
pub fn finish(conn: &mut DbConnection, (caller, key): (&str, &str), response: &StoredResponse) -> Result<(), ApiError> {
    let headers = serde_json::to_string(&response.headers).map_err(ApiError::internal)?;
    let row = (
        k::status.eq(Some(i32::from(response.status))),
        k::response_headers.eq(Some(headers)),
        k::response_body.eq(Some(response.body.clone())),
    );
    diesel::update(k::table.find((caller, key)).filter(k::status.is_null())).set(row).execute(conn)?;
    Ok(())
}

/// Frees the key of a request that failed on the server's side, so a retry runs it again.
pub fn release(conn: &mut DbConnection, (caller, key): (&str, &str)) -> Result<(), ApiError> {
    diesel::delete(k::table.find((caller, key)).filter(k::status.is_null())).execute(conn)?;
    Ok(())
}
