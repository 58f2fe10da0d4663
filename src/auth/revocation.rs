//! Revoked tokens: stored in the database, cached on each node for a few seconds. A refresh
//! runs once at a time (waiting requests share it), loads only what committed since the last
//! one, and drops revocations whose tokens have all expired.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::store::{self, CacheRow};
use super::token::Claims;
use crate::db::Db;
use crate::error::ApiError;

/// Seconds after a subject revocation during which newly issued tokens are still refused,
/// so an issuer whose clock runs a little ahead cannot slip a token past it.
pub const REVOCATION_SKEW_SECS: i64 = 5;

/// What is revoked at one moment (each entry with the moment it may be forgotten), and the last
/// audit `seq` loaded.
#[derive(Debug, Clone)]
struct Snapshot {
    jtis: HashMap<String, Option<DateTime<Utc>>>,
    /// Subject → (latest revocation, when it may be forgotten).
    subjects: HashMap<String, (DateTime<Utc>, Option<DateTime<Utc>>)>,
    last_seq: i64,
}

impl Default for Snapshot {
    fn default() -> Self {
        // Rows from before seq was recorded carry 0: the first load starts below it.
        Self { jtis: HashMap::new(), subjects: HashMap::new(), last_seq: -1 }
    }
}

impl Snapshot {
    fn apply(&mut self, rows: Vec<CacheRow>) {
        for (jti, subject, at, expires_at, seq) in rows {
            let (at, expires_at) = (at.and_utc(), expires_at.map(|t| t.and_utc()));
            if let Some(jti) = jti {
                self.jtis.insert(jti, expires_at);
            }
            if let Some(subject) = subject {
                let entry = self.subjects.entry(subject).or_insert((at, expires_at));
                if at >= entry.0 {
                    *entry = (at, expires_at);
                }
            }
            self.last_seq = self.last_seq.max(seq);
        }
    }

    /// Forgets revocations whose tokens have all expired.
    fn prune(&mut self, now: DateTime<Utc>) {
        let live = |expires_at: &Option<DateTime<Utc>>| expires_at.is_none_or(|end| end > now);
        self.jtis.retain(|_, expires_at| live(expires_at));
        self.subjects.retain(|_, (_, expires_at)| live(expires_at));
    }

    fn revokes(&self, claims: &Claims) -> bool {
        if claims.jti.as_ref().is_some_and(|j| self.jtis.contains_key(j)) {
            return true;
        }
        // A subject revocation refuses every token issued up to that moment (plus clock skew).
        let cutoff = |at: &DateTime<Utc>| at.timestamp() + REVOCATION_SKEW_SECS;
        self.subjects.get(&claims.sub).is_some_and(|(at, _)| claims.iat.is_none_or(|iat| iat <= cutoff(at)))
    }
}

/// The node's view of revoked tokens, refreshed when older than its lifetime.
pub struct Revocations {
    db: Db,
    lifetime: Duration,
    cached: RwLock<(Option<Instant>, Arc<Snapshot>)>,
    refreshing: tokio::sync::Mutex<()>,
    /// Bumped by every local revocation, so a load that started before it is not taken as fresh.
    generation: AtomicU64,
    /// How many times the cache has read the database.
    loads: AtomicU64,
}

impl Revocations {
    /// A cache over `db` that refreshes after `lifetime`.
    pub fn new(db: Db, lifetime: Duration) -> Self {
        Self {
            db,
            lifetime,
            cached: RwLock::new((None, Arc::new(Snapshot::default()))),
            refreshing: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            loads: AtomicU64::new(0),
        }
    }

    /// Whether `claims` names a revoked token.
    pub async fn is_revoked(&self, claims: &Claims) -> Result<bool, ApiError> {
        Ok(self.snapshot().await?.revokes(claims))
    }

    /// How many times the cache has read the database (one read per refresh, however many wait).
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::SeqCst)
    }

    /// Marks the cache stale so this node sees a new revocation at once.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut guard) = self.cached.write() {
            guard.0 = None;
        }
    }

    /// The snapshot, and whether it is younger than the lifetime.
    fn current(&self) -> (bool, Arc<Snapshot>) {
        let guard = self.cached.read().unwrap_or_else(|e| e.into_inner());
        (guard.0.is_some_and(|at| at.elapsed() < self.lifetime), guard.1.clone())
    }

    async fn snapshot(&self) -> Result<Arc<Snapshot>, ApiError> {
        if let (true, snapshot) = self.current() {
            return Ok(snapshot);
        }
        let _only_one = self.refreshing.lock().await;
        let (fresh, base) = self.current();
        if fresh {
            return Ok(base);
        }
        let (generation, started, now) = (self.generation.load(Ordering::SeqCst), Instant::now(), Utc::now());
        let after = base.last_seq;
        self.loads.fetch_add(1, Ordering::SeqCst);
        let rows = self.db.run(move |c| store::load_since(c, after, now)).await?;
        let mut next = (*base).clone();
        next.apply(rows);
        next.prune(now);
        let next = Arc::new(next);
        let mut guard = self.cached.write().unwrap_or_else(|e| e.into_inner());
        let unchanged = self.generation.load(Ordering::SeqCst) == generation;
        *guard = (unchanged.then_some(started), next.clone());
        Ok(next)
    }
}
