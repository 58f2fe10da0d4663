//! The stored keys: claimed by the first request, finished with its response, pruned on expiry.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys as k;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;

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
    /// It is the first (or takes over from one whose holder died): run it, and finish or release
    /// the claim made at this instant.
    Run(NaiveDateTime),
    /// The first finished: answer its response.
    Replay(StoredResponse),
    /// The first is still running: its holder keeps renewing the claim's lease.
    Running,
    /// The key was used with a different request.
    Mismatch,
}

type Row = (String, Option<i32>, Option<String>, Option<Vec<u8>>, NaiveDateTime);

/// Claims `key` for `caller`'s request hashed `sha256` at `at`, leased for `lease`; the key lives
/// for `ttl` (an expired one is claimed anew). A claim whose lease ran out without a response
/// (its holder died, and its change, written with the response, never committed) is taken over.
pub fn claim(
    conn: &mut DbConnection,
    (caller, key): (&str, &str),
    sha256: &str,
    at: DateTime<Utc>,
    (ttl, lease): (Duration, Duration),
) -> Result<Claim, ApiError> {
    let now = at.naive_utc();
    dispatch::lock_idempotency_key(conn, caller, key)?;
    diesel::delete(k::table.find((caller, key)).filter(k::expires_at.le(now))).execute(conn)?;
    let found: Option<Row> = k::table
        .find((caller, key))
        .select((k::request_sha256, k::status, k::response_headers, k::response_body, k::leased_until))
        .first(conn)
        .optional()?;
    let Some((hash, status, headers, body, leased_until)) = found else {
        let row = (
            k::caller.eq(caller),
            k::idempotency_key.eq(key),
            k::request_sha256.eq(sha256),
            k::created_at.eq(now),
            k::expires_at.eq(now + ttl),
            k::leased_until.eq(now + lease),
        );
        diesel::insert_into(k::table).values(row).execute(conn)?;
        return Ok(Claim::Run(now));
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
        None if leased_until > now => Ok(Claim::Running),
        None => {
            let retaken = (k::created_at.eq(now), k::leased_until.eq(now + lease));
            diesel::update(k::table.find((caller, key))).set(retaken).execute(conn)?;
            Ok(Claim::Run(now))
        }
    }
}

/// A request's claim on a key: whose, which key, and when it was claimed.
pub type Owner = (String, String, NaiveDateTime);

/// Records the first request's response for retries; `false` when the claim is no longer this
/// request's (its lease ran out and a retry took it over), so nothing may be committed with it.
pub fn finish(conn: &mut DbConnection, owner: &Owner, response: &StoredResponse) -> Result<bool, ApiError> {
    let headers = serde_json::to_string(&response.headers).map_err(ApiError::internal)?;
    let row = (
        k::status.eq(Some(i32::from(response.status))),
        k::response_headers.eq(Some(headers)),
        k::response_body.eq(Some(response.body.clone())),
    );
    Ok(diesel::update(mine(owner)).set(row).execute(conn)? == 1)
}

/// Extends the lease of a claim still running to `until`.
pub fn renew(conn: &mut DbConnection, owner: &Owner, until: NaiveDateTime) -> Result<(), ApiError> {
    diesel::update(mine(owner)).set(k::leased_until.eq(until)).execute(conn)?;
    Ok(())
}

/// The key's row as claimed at a given instant.
type Claimed<'a> = diesel::dsl::Filter<
    diesel::dsl::Find<k::table, (&'a String, &'a String)>,
    diesel::dsl::Eq<k::created_at, NaiveDateTime>,
>;

/// The row of this claim while it runs: a claim taken over since is another's.
fn mine((caller, key, at): &Owner) -> diesel::dsl::Filter<Claimed<'_>, diesel::dsl::IsNull<k::status>> {
    k::table.find((caller, key)).filter(k::created_at.eq(*at)).filter(k::status.is_null())
}

/// Frees the key of a request that failed on the server's side, so a retry runs it again.
pub fn release(conn: &mut DbConnection, owner: &Owner) -> Result<(), ApiError> {
    diesel::delete(mine(owner)).execute(conn)?;
    Ok(())
}

/// Deletes the expired keys (run from the server's schedule).
pub fn prune(conn: &mut DbConnection, at: DateTime<Utc>) -> Result<usize, ApiError> {
    Ok(diesel::delete(k::table.filter(k::expires_at.le(at.naive_utc()))).execute(conn)?)
}
