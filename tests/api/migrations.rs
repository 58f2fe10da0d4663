//! Every migration applies, reverts and applies again on the backend under test.

use consignee_registry::db::pool::PoolOptions;
use consignee_registry::db::{migrations, Db};
use std::time::Duration;

use crate::helpers::TestDatabase;

#[tokio::test]
async fn migrations_apply_revert_and_apply_again() {
    let database = TestDatabase::create_empty().await;
    let url = database.url.clone();
    tokio::task::spawn_blocking(move || {
        let options =
            PoolOptions { max_size: 1, connection_timeout: Duration::from_secs(5), busy_timeout_ms: 1000, min_idle: 0 };
        let db = Db::connect(&url, &options).unwrap();
        let mut conn = db.get_blocking().unwrap();
        assert!(migrations::has_pending(&mut conn).unwrap());
        let applied = migrations::run_pending(&mut conn).unwrap();
        assert!(applied >= 3, "applied {applied}");
        assert!(!migrations::has_pending(&mut conn).unwrap());
        assert_eq!(migrations::revert_all(&mut conn).unwrap(), applied);
        assert!(migrations::has_pending(&mut conn).unwrap());
        assert_eq!(migrations::run_pending(&mut conn).unwrap(), applied);
        assert!(!migrations::has_pending(&mut conn).unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_migrate_command_brings_an_empty_database_up_to_date() {
    let database = TestDatabase::create_empty().await;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_consignee-registry"));
    // A generous connection wait: the rest of the suite loads the same server meanwhile.
    command.arg("migrate").env("DATABASE_URL", &database.url).env("CR_LOG", "error").env("CR_DB_TIMEOUT_MS", "30000");
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("up to date"));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let url = database.url.clone();
    let pending = tokio::task::spawn_blocking(move || {
        let options =
            PoolOptions { max_size: 1, connection_timeout: Duration::from_secs(5), busy_timeout_ms: 1000, min_idle: 0 };
        migrations::has_pending(&mut Db::connect(&url, &options).unwrap().get_blocking().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert!(!pending);
    // Run it again and again: a one-shot command once crashed at exit (about 1 run in 6 on
    // PostgreSQL) while its pool was opening a spare connection in the background.
    for _ in 0..20 {
        let again = command.output().unwrap();
        assert!(again.status.success(), "a later run has nothing to do: {again:?}");
    }
}
