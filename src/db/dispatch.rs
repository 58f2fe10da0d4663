//! The one place where SQL differs between the backends.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::sql_query;
use diesel::RunQueryDsl;

use super::DbConnection;
use crate::error::ApiError;

type Manager = <DbConnection as Connection>::TransactionManager;

/// Runs `f` in a transaction that holds the write lock from its first statement.
///
/// SQLite: `BEGIN IMMEDIATE`, so concurrent writers wait on the busy timeout instead of
/// deadlocking on a lock upgrade. PostgreSQL: a plain `BEGIN`.
pub fn write_transaction<T, F>(conn: &mut DbConnection, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError>,
{
    begin_write(conn)?;
    match f(conn) {
        Ok(value) => {
            commit(conn)?;
            Ok(value)
        }
        Err(err) => {
            rollback(conn);
            Err(err)
        }
    }
}

/// Opens a transaction that holds the write lock from its first statement (see [`write_transaction`]).
pub fn begin_write(conn: &mut DbConnection) -> Result<(), ApiError> {
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    Ok(())
}

/// Commits the open transaction.
pub fn commit(conn: &mut DbConnection) -> Result<(), ApiError> {
    Ok(Manager::commit_transaction(conn)?)
}

/// Rolls the open transaction back (a failure is logged: the connection is then broken and the
/// pool discards it).
pub fn rollback(conn: &mut DbConnection) {
    if let Err(rollback) = Manager::rollback_transaction(conn) {
        tracing::error!(error = %rollback, "rollback failed");
    }
}

/// Serializes appends to the audit chain for the rest of the current transaction.
///
/// PostgreSQL takes a transaction-scoped advisory lock; SQLite already holds the
/// database write lock since `BEGIN IMMEDIATE`.
pub fn lock_audit_chain(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT pg_advisory_xact_lock(7277001)").execute(c)?;
    }
    Ok(())
}

/// Serializes the requests that use one caller's Idempotency-Key for the rest of the current
/// transaction (PostgreSQL: an advisory lock on the key's hash; SQLite already holds the write lock).
pub fn lock_idempotency_key(conn: &mut DbConnection, caller: &str, key: &str) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT pg_advisory_xact_lock(7277004, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("{caller}\n{key}"))
            .execute(c)?;
    }
    Ok(())
}

/// Serializes the syncs of one consignee external reference for the rest of the current
/// transaction (PostgreSQL: an advisory lock on its hash; SQLite already holds the write lock).
pub fn lock_external_ref(conn: &mut DbConnection, reference: &str) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT pg_advisory_xact_lock(7277005, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(reference)
            .execute(c)?;
    }
    Ok(())
}

/// Serializes the writes that check one consignee's records against each other (supersedes
/// chains, external refs, deletion of a candidate with nothing attached) for the rest of the
/// current transaction.
///
/// PostgreSQL locks the consignee's row; SQLite already holds the database write lock.
pub fn lock_consignee(conn: &mut DbConnection, consignee_id: &str) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT 1 FROM consignees WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(consignee_id)
            .execute(c)?;
    }
    Ok(())
}

/// Serializes taking the daily compliance snapshot across nodes for the rest of the current
/// transaction (on SQLite the write transaction already is exclusive).
pub fn lock_snapshots(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT pg_advisory_xact_lock(7277003)").execute(c)?;
    }
    Ok(())
}

/// Serializes changes to the data category taxonomy (parent cycles are checked against the whole
/// tree) for the rest of the current transaction.
pub fn lock_taxonomy(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Postgres(c) = conn {
        sql_query("SELECT pg_advisory_xact_lock(7277002)").execute(c)?;
    }
    Ok(())
}

/// Loads a select's rows locking them for the rest of the transaction and skipping rows another
/// transaction holds (`FOR UPDATE SKIP LOCKED`) on PostgreSQL, so workers on several nodes claim
/// disjoint rows; on SQLite the write transaction already is exclusive. A macro because diesel's
/// lock clause types cannot be named in a function's bounds.
macro_rules! load_skip_locked {
    ($conn:expr, $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres(pg) => $query.for_update().skip_locked().load(pg),
            $crate::db::DbConnection::Sqlite(lite) => $query.load(lite),
        }
    };
}
pub(crate) use load_skip_locked;

/// Refreshes the planner's statistics after a bulk load (`ANALYZE` on both backends).
pub fn refresh_statistics(conn: &mut DbConnection) -> Result<(), ApiError> {
    sql_query("ANALYZE").execute(conn)?;
    Ok(())
}

/// Lets SQLite refresh the statistics its planner has come to need (`PRAGMA optimize`, as its
/// documentation advises for long-lived connections); PostgreSQL's autovacuum does this itself.
pub fn optimize(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Sqlite(c) = conn {
        sql_query("PRAGMA optimize").execute(c)?;
    }
    Ok(())
}
