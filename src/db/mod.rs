//! Storage: one connection type over SQLite and PostgreSQL, the pool, and the blocking-pool helper.

pub mod backup;
pub mod dispatch;
pub mod held;
pub mod migrations;
pub mod pool;
pub mod schema;

use actix_web::web;
use diesel::{PgConnection, SqliteConnection};

use crate::error::ApiError;
pub use pool::{Backend, Db};

/// A stored id as a UUID; anything else in the database is a 500, never the client's fault.
pub fn stored_id(text: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(text).map_err(ApiError::internal)
}

/// A connection to either backend; diesel dispatches each query to the live variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the scale-out backend.
    Postgres(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

impl Db {
    /// Runs `f` with a pooled connection on the blocking pool, inside the caller's tracing span
    /// (on the held transaction's connection once a write in a [`held::HeldWrite`] scope opened it).
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(held) = held::open() {
            return self.run_held(held, f).await;
        }
        let (pool, pool_wait) = (self.pool.clone(), self.pool_wait.clone());
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let waited = std::time::Instant::now();
            let mut conn = pool.get()?;
            pool_wait.observe(waited.elapsed().as_secs_f64());
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE` on SQLite) on the blocking pool; inside a
    /// [`held::HeldWrite`] scope, in the transaction it holds open (as a savepoint).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(held) = held::current() {
            return self.write_held(held, f).await;
        }
        self.run(move |conn| dispatch::write_transaction(conn, f)).await
    }
}
