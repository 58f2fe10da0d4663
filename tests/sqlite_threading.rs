//! SQLite's threading mode, in a test binary of its own: `sqlite3_config` only takes effect before
//! the process opens its first SQLite connection, so no other test may open one first.

use std::ffi::CString;
use std::time::Duration;

use consignee_registry::db::pool::{sqlite_threading, Db, PoolOptions, SqliteThreading};
use libsqlite3_sys as ffi;

/// Whether a connection opened as diesel opens it (no mutex flags) gets a mutex of its own:
/// SQLite gives one in serialized mode and none in multi-thread mode.
fn opens_with_a_mutex(path: &std::path::Path) -> bool {
    let name = CString::new(path.to_str().unwrap()).unwrap();
    let mut db = std::ptr::null_mut();
    let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
    // SAFETY: a valid NUL-terminated name and out-pointer; the handle is closed before returning.
    unsafe {
        assert_eq!(ffi::sqlite3_open_v2(name.as_ptr(), &mut db, flags, std::ptr::null()), ffi::SQLITE_OK);
        let mutex = ffi::sqlite3_db_mutex(db);
        ffi::sqlite3_close(db);
        !mutex.is_null()
    }
}

#[test]
fn the_pool_puts_sqlite_in_multi_thread_mode_before_it_opens_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let options =
        PoolOptions { max_size: 2, connection_timeout: Duration::from_secs(5), busy_timeout_ms: 2_000, min_idle: 0 };
    let db = Db::connect(&format!("sqlite://{}", path.display()), &options).unwrap();
    drop(db.get_blocking().unwrap());
    assert!(!opens_with_a_mutex(&path), "SQLite stayed in serialized mode: configured after its first connection");
    assert_eq!(sqlite_threading(), SqliteThreading::MultiThread, "the mode the server logs");
}
