//! A fresh database per test: a temp SQLite file, or a PostgreSQL database cloned from a
//! migrated template when `TEST_DATABASE_URL` points at PostgreSQL.

use std::path::PathBuf;
use std::sync::OnceLock;

use consignee_registry::db::{migrations, DbConnection};
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use sha2::{Digest, Sha256};

/// One test's database, dropped when the test ends.
pub struct TestDatabase {
    /// URL the app connects to.
    pub url: String,
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The PostgreSQL server URL, when the suite runs on PostgreSQL.
pub fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"));
    assert_built_for(if url.is_some() { "postgres" } else { "sqlite" });
    url
}

/// The backend `build.rs` compiled the tests for (from `TEST_DATABASE_URL` at build time), which
/// decides the tests ignored as the other backend's only.
const BUILT_FOR: &str = if cfg!(test_backend = "postgres") { "postgres" } else { "sqlite" };

/// Panics when `TEST_DATABASE_URL` now names another backend than the build's: backend-only tests
/// would be ignored or run on the wrong one (a test binary run directly after the variable changed).
fn assert_built_for(runtime: &str) {
    assert_eq!(
        runtime, BUILT_FOR,
        "TEST_DATABASE_URL selects {runtime} but the tests were built for {BUILT_FOR}: run them through `cargo test` \
         with the same TEST_DATABASE_URL, which rebuilds them for it"
    );
}

fn with_database(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
    format!("{base}/{name}")
}

impl TestDatabase {
    /// A migrated database for one test.
    pub async fn create() -> Self {
        tokio::task::spawn_blocking(|| Self::create_blocking(true)).await.unwrap()
    }

    /// An empty database (no migrations), for migration tests.
    pub async fn create_empty() -> Self {
        tokio::task::spawn_blocking(|| Self::create_blocking(false)).await.unwrap()
    }

    fn create_blocking(migrated: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let Some(admin) = postgres_admin_url() else {
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            return Self { url, dir, postgres: None };
        };
        let name = format!("cr_test_{}", uuid::Uuid::now_v7().simple());
        let template = if migrated { template(&admin) } else { "template0" };
        let mut conn = PgConnection::establish(&admin).expect("TEST_DATABASE_URL is reachable");
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut conn).unwrap();
        Self { url: with_database(&admin, &name), dir, postgres: Some((admin, name)) }
    }

    /// A database restored from `backup` as the README says: the SQLite copy put in place, or
    /// a `pg_dump -Fc` archive loaded with `pg_restore` into an empty database.
    pub async fn restored_from(backup: PathBuf) -> Self {
        let database = Self::create_empty().await;
        tokio::task::spawn_blocking(move || {
            match database.url.strip_prefix("sqlite://") {
                Some(path) => {
                    std::fs::copy(&backup, path).unwrap();
                }
                None => {
                    let status = std::process::Command::new("pg_restore")
                        .args(["--no-owner", "--exit-on-error", "-d", &database.url])
                        .arg(&backup)
                        .status()
                        .expect("pg_restore runs");
                    assert!(status.success(), "pg_restore: {status}");
                }
            }
            database
        })
        .await
        .unwrap()
    }

    /// A directory private to this test.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres {
            if let Ok(mut conn) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

/// The migrated template, created once per migration set (under an advisory lock).
fn template(admin: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("cr_template_{}", &migrations_digest()[..16]);
        let mut conn = PgConnection::establish(admin).expect("TEST_DATABASE_URL is reachable");
        diesel::sql_query("SELECT pg_advisory_lock(727700)").execute(&mut conn).unwrap();
        let exists = diesel::sql_query(format!("SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'"))
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
            > 0;
        if !exists {
            let building = format!("{name}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(&mut conn).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}")).execute(&mut conn).unwrap();
            {
                let pg = PgConnection::establish(&with_database(admin, &building)).unwrap();
                migrations::run_pending(&mut DbConnection::Postgres(pg)).unwrap();
            }
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}")).execute(&mut conn).unwrap();
        }
        diesel::sql_query("SELECT pg_advisory_unlock(727700)").execute(&mut conn).unwrap();
        name
    })
}

fn migrations_digest() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<PathBuf> = walk(&root);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.strip_prefix(&root).unwrap().to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap());
    }
    hex::encode(hasher.finalize())
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}
