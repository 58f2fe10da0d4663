//! `consignee-registry backup --to FILE`: a consistent copy of the embedded database taken while
//! the server runs (SQLite `VACUUM INTO` reads one snapshot; writers go on in the WAL).

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use super::pool::Backend;

/// What a finished backup holds.
#[derive(Debug)]
pub struct Copied {
    /// Size of the copy in bytes.
    pub bytes: u64,
    /// Audit events in the copy (its chain's length).
    pub audit_events: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Copies the database at `url` to `to` (which must not exist): into `to.partial` readable by the
/// owner only, checked for integrity, synced, then renamed, so `to` is either whole or absent.
pub fn backup(url: &str, to: &Path) -> Result<Copied, String> {
    let Backend::Sqlite(source) = Backend::from_url(url)? else {
        return Err("backup copies the embedded SQLite database; back up PostgreSQL with pg_dump \
(see the README)"
            .to_owned());
    };
    if to.exists() {
        return Err(format!("{} exists; backup never overwrites a file", to.display()));
    }
    let partial = PathBuf::from(format!("{}.partial", to.display()));
    let _ = std::fs::remove_file(&partial);
    crate::private_files::write_new(&partial, b"")?;
    let copied = copy(&source, &partial).and_then(|()| check(&partial));
    let finished = copied.and_then(|copied| {
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
        std::fs::rename(&partial, to).map_err(|e| format!("cannot move the copy to {}: {e}", to.display()))?;
        Ok(copied)
    });
    if finished.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    finished
}

fn copy(source: &Path, into: &Path) -> Result<(), String> {
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    let mut conn =
        super::pool::establish_sqlite(source).map_err(|e| format!("cannot open {}: {e}", source.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 5000").map_err(|e| e.to_string())?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(into.to_string_lossy())
        .execute(&mut conn)
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    Ok(())
}

fn check(copy: &Path) -> Result<Copied, String> {
    let mut conn = super::pool::establish_sqlite(copy).map_err(|e| e.to_string())?;
    let result: Check = diesel::sql_query("PRAGMA integrity_check").get_result(&mut conn).map_err(|e| e.to_string())?;
    if result.integrity_check != "ok" {
        return Err(format!("the copy fails SQLite's integrity check: {}", result.integrity_check));
    }
    let events: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM audit_events").get_result(&mut conn).map_err(|e| e.to_string())?;
    let bytes = std::fs::metadata(copy).map_err(|e| e.to_string())?.len();
    Ok(Copied { bytes, audit_events: events.n })
}
