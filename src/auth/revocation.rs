//! Revoked tokens: stored in the database, cached on each node for a few seconds.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::token::Claims;
use crate::db::schema::token_revocations;
use crate::db::{Db, DbConnection};
use crate::error::ApiError;

/// Seconds after a subject revocation during which newly issued tokens are still refused,
/// so an issuer whose clock runs a little ahead cannot slip a token past it.
pub const REVOCATION_SKEW_SECS: i64 = 5;

/// What is revoked at one moment.
#[derive(Debug, Default)]
struct Snapshot {
    jtis: HashSet<String>,
    subjects: HashMap<String, DateTime<Utc>>,
}

impl Snapshot {
    fn load(conn: &mut DbConnection) -> Result<Self, ApiError> {
        let rows: Vec<(Option<String>, Option<String>, chrono::NaiveDateTime)> = token_revocations::table
            .select((token_revocations::jti, token_revocations::subject, token_revocations::revoked_at))
            .load(conn)?;
        let mut snapshot = Self::default();
        for (jti, subject, at) in rows {
            if let Some(jti) = jti {
                snapshot.jtis.insert(jti);
            }
            if let Some(subject) = subject {
                let at = at.and_utc();
                let entry = snapshot.subjects.entry(subject).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
        Ok(snapshot)
    }

    fn revokes(&self, claims: &Claims) -> bool {
        if claims.jti.as_ref().is_some_and(|j| self.jtis.contains(j)) {
            return true;
        }
        // A subject revocation refuses every token issued up to that moment (plus clock skew).
        let cutoff = |at: &DateTime<Utc>| at.timestamp() + REVOCATION_SKEW_SECS;
        self.subjects.get(&claims.sub).is_some_and(|at| claims.iat.is_none_or(|iat| iat <= cutoff(at)))
    }
}

/// The node's view of revoked tokens, refreshed when older than its lifetime.
pub struct Revocations {
    db: Db,
    lifetime: Duration,
    cached: RwLock<Option<(Instant, Arc<Snapshot>)>>,
    /// Bumped by every local revocation, so a load that started before it is not cached.
    generation: AtomicU64,
}

impl Revocations {
    /// A cache over `db` that refreshes after `lifetime`.
    pub fn new(db: Db, lifetime: Duration) -> Self {
        Self { db, lifetime, cached: RwLock::new(None), generation: AtomicU64::new(0) }
    }

    /// Whether `claims` names a revoked token.
    pub async fn is_revoked(&self, claims: &Claims) -> Result<bool, ApiError> {
        Ok(self.snapshot().await?.revokes(claims))
    }

    /// Drops the cache so this node sees a new revocation at once.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut guard) = self.cached.write() {
            *guard = None;
        }
    }

    async fn snapshot(&self) -> Result<Arc<Snapshot>, ApiError> {
        if let Some((at, snapshot)) = self.cached.read().ok().and_then(|g| g.clone()) {
            if at.elapsed() < self.lifetime {
                return Ok(snapshot);
            }
        }
        let (generation, started) = (self.generation.load(Ordering::SeqCst), Instant::now());
        let fresh = Arc::new(self.db.run(Snapshot::load).await?);
        if let Ok(mut guard) = self.cached.write() {
            if self.generation.load(Ordering::SeqCst) == generation {
                *guard = Some((started, fresh.clone()));
            }
        }
        Ok(fresh)
    }
}
