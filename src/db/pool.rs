//! The connection pool: a manager that picks the backend from the URL and prepares each connection.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::R2D2Connection;
use diesel::{Connection, PgConnection, SqliteConnection};
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};

use super::DbConnection;

/// Which database server a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres(String),
    /// A file path (`sqlite://path`, `sqlite:path` or a bare path).
    Sqlite(PathBuf),
}

impl Backend {
    /// Reads the backend from a database URL.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(format!(
                "unsupported database URL scheme (use postgres://… or sqlite://path): {}",
                redact_url(url)
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Hides the password of a URL (in the user info or a `password=` parameter) so it can be logged.
pub fn redact_url(url: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &base[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***{}", &base[..scheme_end], user, &base[at..])
        }
        _ => base.to_owned(),
    };
    let Some(query) = query else { return base };
    let params: Vec<String> = query
        .split('&')
        .map(|p| if p.to_ascii_lowercase().starts_with("password=") { "password=***".to_owned() } else { p.to_owned() })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// Bounds how long libpq waits on a server that stops answering, unless the URL says otherwise:
/// to connect (`connect_timeout`, whole seconds, at least 2), for sent data to be acknowledged
/// (`tcp_user_timeout`), and before an idle connection is found dead (TCP keepalives).
pub fn with_network_timeouts(url: &str, connect: Duration) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else { return url.to_owned() };
    let present: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let connect_secs = connect.as_secs_f64().ceil().max(2.0) as u64;
    let wanted = [
        ("connect_timeout", connect_secs.to_string()),
        ("tcp_user_timeout", (connect_secs * 5_000).to_string()),
        ("keepalives_idle", "30".to_owned()),
        ("keepalives_interval", "10".to_owned()),
        ("keepalives_count", "3".to_owned()),
    ];
    for (key, value) in wanted.iter().filter(|(key, _)| !present.iter().any(|p| p == key)) {
        parsed.query_pairs_mut().append_pair(key, value);
    }
    parsed.into()
}

/// Counts the statements every pooled connection runs, so tests can show a list costs a fixed
/// number of queries whatever its length.
#[derive(Debug, Clone, Default)]
struct QueryCounter(Arc<AtomicU64>);

impl Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
            // `CR_LOG=consignee_registry::db=trace` shows every statement, for EXPLAIN and profiles.
            tracing::trace!(sql = %query, "statement");
        }
    }
}

/// r2d2 manager that opens the backend named by the URL (never falls through to another).
#[derive(Debug)]
pub struct DbManager {
    backend: Backend,
    busy_timeout_ms: u64,
    queries: QueryCounter,
}

impl DbManager {
    /// A manager for `backend`; `busy_timeout_ms` is how long an SQLite writer waits for the lock.
    pub fn new(backend: Backend, busy_timeout_ms: u64) -> Self {
        Self { backend, busy_timeout_ms, queries: QueryCounter::default() }
    }

    fn open_sqlite(&self, path: &std::path::Path) -> Result<DbConnection, diesel::r2d2::Error> {
        let mut conn = establish_sqlite(path).map_err(diesel::r2d2::Error::ConnectionError)?;
        let pragmas = format!(
            "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
            self.busy_timeout_ms
        );
        conn.batch_execute(&pragmas).map_err(diesel::r2d2::Error::QueryError)?;
        Ok(DbConnection::Sqlite(conn))
    }
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let mut conn = match &self.backend {
            Backend::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(diesel::r2d2::Error::ConnectionError)?,
            Backend::Sqlite(path) => self.open_sqlite(path)?,
        };
        conn.set_instrumentation(self.queries.clone());
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// The pool of connections to the configured database.
#[derive(Clone)]
pub struct Db {
    pub(super) pool: r2d2::Pool<DbManager>,
    backend: Backend,
    queries: QueryCounter,
    /// Seconds each checkout waited for a connection (a clone shares the samples).
    pub(super) pool_wait: Histogram,
}

/// How to size and time the pool.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Maximum open connections.
    pub max_size: u32,
    /// How long a request waits for a free connection before 503.
    pub connection_timeout: Duration,
    /// How long an SQLite writer waits for the write lock.
    pub busy_timeout_ms: u64,
    /// Connections kept open while idle: 1 for the server, 0 for one-shot commands, whose process
    /// must not exit while the pool opens a connection in the background (libpq's OpenSSL state
    /// is torn down at exit under the opening thread: heap corruption).
    pub min_idle: u32,
}

impl Db {
    /// Opens the pool; fails with a clear message when the database cannot be reached.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Self, String> {
        let backend = match Backend::from_url(url)? {
            Backend::Postgres(url) => Backend::Postgres(with_network_timeouts(&url, options.connection_timeout)),
            Backend::Sqlite(path) => {
                prepare_sqlite_file(&path)?;
                Backend::Sqlite(path)
            }
        };
        let manager = DbManager::new(backend.clone(), options.busy_timeout_ms);
        let queries = manager.queries.clone();
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(options.min_idle))
            // A PostgreSQL connection can break with its server; an SQLite file cannot.
            .test_on_check_out(backend.is_postgres())
            .connection_timeout(options.connection_timeout)
            .build(manager)
            .map_err(|e| format!("cannot connect to the database at {}: {e}", redact_url(url)))?;
        // Buckets from 0.5 ms, doubling to about 4 s (past the usual connection timeout).
        let pool_wait = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        Ok(Self { pool, backend, queries, pool_wait })
    }

    /// The backend this pool talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The pool's connections and how many are idle.
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// How long checkouts waited for a connection, for the application's metrics to expose.
    pub fn pool_wait(&self) -> &Histogram {
        &self.pool_wait
    }

    /// How many statements the pool's connections have run since it opened.
    pub fn queries_run(&self) -> u64 {
        self.queries.0.load(Ordering::Relaxed)
    }

    /// A connection straight from the pool, for CLI commands and tests (never on an actix worker).
    pub fn get_blocking(&self) -> Result<r2d2::PooledConnection<DbManager>, r2d2::Error> {
        self.pool.get()
    }
}

/// The threading mode SQLite settled on in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteThreading {
    /// No lock around a connection's calls: the pool hands each connection to one thread at a time.
    MultiThread,
    /// A lock around every call on a connection (SQLite's default), kept when configuring failed.
    Serialized,
}

/// Puts SQLite in multi-thread mode, once and before this process opens its first SQLite
/// connection (every open goes through [`establish_sqlite`]), and logs the mode it settled on.
/// Serialized mode's lock around every call is pure cost here (about a tenth of a report's CPU in
/// the benchmark's profile). If SQLite was initialized first (by code that opened a connection
/// another way), `sqlite3_config` is refused and SQLite stays in the safe serialized mode.
pub fn sqlite_threading() -> SqliteThreading {
    static MODE: std::sync::OnceLock<SqliteThreading> = std::sync::OnceLock::new();
    *MODE.get_or_init(|| {
        // SAFETY: a configuration call with an integer verb and no further arguments; SQLite
        // refuses it (SQLITE_MISUSE) once initialized, and `OnceLock` makes this the only caller.
        let rc = unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
        if rc == libsqlite3_sys::SQLITE_OK {
            tracing::info!("SQLite threading mode: multi-thread");
            SqliteThreading::MultiThread
        } else {
            tracing::info!(
                rc,
                "SQLite threading mode: serialized (SQLite was initialized before it could be configured)"
            );
            SqliteThreading::Serialized
        }
    })
}

/// Opens the SQLite file at `path`, SQLite's threading mode settled first.
pub fn establish_sqlite(path: &std::path::Path) -> diesel::ConnectionResult<SqliteConnection> {
    sqlite_threading();
    SqliteConnection::establish(&path.to_string_lossy())
}

/// Creates the SQLite file and its directory readable by the owner only (they hold personal data;
/// SQLite gives the WAL the file's mode), and switches the file to WAL once, before the pool opens.
fn prepare_sqlite_file(path: &std::path::Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        crate::private_files::create_dir(dir)?;
    }
    crate::private_files::touch(path)?;
    let mut conn =
        establish_sqlite(path).map_err(|e| format!("cannot open SQLite database {}: {e}", path.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
        .map_err(|e| format!("cannot switch {} to WAL: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_timeouts_are_added_unless_the_url_sets_them() {
        let url = with_network_timeouts("postgres://u:p@db:5432/reg?sslmode=require", Duration::from_millis(2_500));
        assert_eq!(
            url,
            "postgres://u:p@db:5432/reg?sslmode=require&connect_timeout=3&tcp_user_timeout=15000\
&keepalives_idle=30&keepalives_interval=10&keepalives_count=3"
        );
        let own = with_network_timeouts("postgres://db/reg?connect_timeout=9", Duration::from_millis(500));
        assert!(own.contains("connect_timeout=9") && !own.contains("connect_timeout=2"), "{own}");
    }
}
