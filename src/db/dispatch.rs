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

/// One column of a table as the database's catalog describes it.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct CatalogColumn {
    /// The table.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub table_name: String,
    /// The column.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub column_name: String,
    /// Its declared type, lowercased (`text`, `bigint`, `bytea`, `blob`, `timestamp without time zone`…).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub data_type: String,
    /// Its position in the primary key (from 1), 0 when not part of it.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub pk: i32,
    /// Whether it is `NOT NULL`.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub not_null: bool,
}

impl CatalogColumn {
    /// Whether the column holds text (every text type of both backends).
    pub fn is_text(&self) -> bool {
        ["text", "char", "clob"].iter().any(|t| self.data_type.contains(t))
    }

    /// Whether the column holds bytes.
    pub fn is_binary(&self) -> bool {
        matches!(self.data_type.as_str(), "bytea" | "blob")
    }
}

/// Every column of every table of the database (SQLite: `sqlite_master` and `pragma_table_info`;
/// PostgreSQL: `pg_catalog` for the current schema), by table and position.
pub fn catalog(conn: &mut DbConnection) -> Result<Vec<CatalogColumn>, ApiError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, lower(p.type) AS data_type, p.pk AS pk, \
             p.\"notnull\" <> 0 AS not_null \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid",
        )
        .load(c)?,
        DbConnection::Postgres(c) => sql_query(
            "SELECT t.relname::text AS table_name, a.attname::text AS column_name, \
             format_type(a.atttypid, NULL) AS data_type, \
             COALESCE((SELECT k.n FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY k(att, n) \
                       WHERE i.indrelid = t.oid AND i.indisprimary AND k.att = a.attnum), 0)::int AS pk, \
             a.attnotnull AS not_null \
             FROM pg_class t JOIN pg_namespace s ON s.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid \
             WHERE s.nspname = current_schema() AND t.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY t.relname, a.attnum",
        )
        .load(c)?,
    })
}

/// The SQL function that makes a JSON array of its arguments, as text once cast.
pub fn json_array_function(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => "json_array",
        DbConnection::Postgres(_) => "json_build_array",
    }
}
