//! Embedded migrations, one set per backend.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;

/// Migrations for SQLite.
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// Migrations for PostgreSQL.
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type MigrationResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Applies every pending migration; returns how many ran.
pub fn run_pending(conn: &mut DbConnection) -> MigrationResult<usize> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES)?.len(),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?.len(),
    };
    Ok(applied)
}

/// Reverts every applied migration; returns how many were reverted.
pub fn revert_all(conn: &mut DbConnection) -> MigrationResult<usize> {
    let reverted = match conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES)?.len(),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE)?.len(),
    };
    Ok(reverted)
}

/// Reverts the most recently applied migration.
pub fn revert_last(conn: &mut DbConnection) -> MigrationResult<()> {
    match conn {
        DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES)?,
        DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE)?,
    };
    Ok(())
}

/// True when some migration has not been applied yet.
pub fn has_pending(conn: &mut DbConnection) -> MigrationResult<bool> {
    let pending = match conn {
        DbConnection::Postgres(c) => c.has_pending_migration(POSTGRES)?,
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE)?,
    };
    Ok(pending)
}
