//! When the database is busy or gone, or something unexpected breaks: 503 and opaque 500s.

use std::time::Duration;

use consignee_registry::db::pool::{establish_sqlite, Backend, PoolOptions};
use consignee_registry::db::{Db, DbConnection};
use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::json;

use crate::helpers::fixtures::{consignee_body, create_consignee};
use crate::helpers::proxy::Proxy;
use crate::helpers::{problem, settings, spawn_app, spawn_app_with, start, TestDatabase};

#[tokio::test]
async fn an_unexpected_failure_is_an_opaque_500_with_a_request_id() {
    let app = spawn_app().await;
    create_consignee(&app, "Corrupted KK").await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get_blocking().unwrap();
        conn.batch_execute("UPDATE consignees SET id = 'corrupted-identifier'").unwrap();
    })
    .await
    .unwrap();
    let response = app.request(Method::GET, "/api/v1/consignees", "viewer").send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    let body = problem(response, 500).await;
    let text = body.to_string();
    for leak in ["corrupted-identifier", "uuid", "SELECT", "consignees", "diesel", "panicked"] {
        assert!(!text.to_lowercase().contains(&leak.to_lowercase()), "{leak} leaked: {text}");
    }
}

#[tokio::test]
#[cfg_attr(test_backend = "postgres", ignore = "SQLite only: a file lock; PostgreSQL's outage is the next test")]
async fn a_locked_sqlite_database_is_503_and_nothing_is_half_written() {
    let app = spawn_app_with(|s| s.db_busy_timeout_ms = 200).await;
    let Backend::Sqlite(path) = app.db.backend().clone() else { unreachable!() };
    let mut holder = establish_sqlite(&path).unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    let response = app
        .request(Method::POST, "/api/v1/consignees", "procurement")
        .json(&consignee_body("Blocked KK"))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    problem(response, 503).await;
    holder.batch_execute("ROLLBACK").unwrap();
    assert!(app.all_consignees().await.is_empty());
    create_consignee(&app, "After the lock KK").await;
    assert_eq!(app.all_consignees().await.len(), 1);
}

/// PostgreSQL behind a proxy that goes down (connections closed), then silent (connections
/// never answered), then comes back: requests and readiness answer 503 within the pool's
/// timeout, and the same server serves again without a restart.
#[tokio::test]
#[cfg_attr(
    test_backend = "sqlite",
    ignore = "PostgreSQL only: a lost server; SQLite's equivalent is a locked file (above)"
)]
async fn a_lost_postgres_is_503_quickly_and_the_server_recovers_without_a_restart() {
    let database = TestDatabase::create().await;
    let upstream = database.url.split('@').nth(1).unwrap().split('/').next().unwrap().to_owned();
    let proxy = Proxy::start(upstream.clone()).await;
    let url = database.url.replace(&upstream, &format!("127.0.0.1:{}", proxy.port));
    let mut settings = settings(&url, database.data_dir());
    settings.db_timeout_ms = 500;
    let app = start(settings, database).await;
    create_consignee(&app, "Before the outage KK").await;
    for (outage, name) in [(Proxy::cut as fn(&Proxy), "down"), (Proxy::stall, "silent")] {
        outage(&proxy);
        let started = std::time::Instant::now();
        let response = app.request(Method::GET, "/api/v1/consignees", "viewer").send().await.unwrap();
        problem(response, 503).await;
        let post = app.request(Method::POST, "/api/v1/consignees", "procurement").json(&consignee_body("Lost KK"));
        problem(post.send().await.unwrap(), 503).await;
        problem(app.anonymous(Method::GET, "/readyz").send().await.unwrap(), 503).await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(6), "three 503s while {name} took {took:?}");
        eprintln!("outage ({name}): three requests answered 503 in {took:?}");
    }
    proxy.restore();
    let restored = std::time::Instant::now();
    while app.anonymous(Method::GET, "/readyz").send().await.unwrap().status() != 200 {
        assert!(restored.elapsed() < Duration::from_secs(20), "recovered without a restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("outage: ready again {:?} after the database came back", restored.elapsed());
    create_consignee(&app, "After the outage KK").await;
    let names: Vec<_> = app.all_consignees().await.iter().map(|c| c["legal_name"].clone()).collect();
    assert_eq!(names, ["Before the outage KK", "After the outage KK"], "nothing half-written in between");
}

#[tokio::test]
async fn an_unreachable_or_unsupported_database_is_a_clear_startup_error() {
    let options =
        PoolOptions { max_size: 1, connection_timeout: Duration::from_millis(300), busy_timeout_ms: 100, min_idle: 1 };
    let error =
        tokio::task::spawn_blocking(move || Db::connect("postgres://nobody:secret@127.0.0.1:1/none", &options).err())
            .await
            .unwrap()
            .expect("connecting to a closed port fails");
    assert!(error.contains("cannot connect to the database"), "{error}");
    assert!(!error.contains("secret"), "the password is not shown: {error}");
    let unsupported = Backend::from_url("mysql://root@localhost/db").unwrap_err();
    assert!(unsupported.contains("unsupported database URL"), "{unsupported}");
}

#[tokio::test]
async fn a_failed_audit_write_rolls_the_change_back() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Atomic KK").await;
    let block = if app.is_postgres() {
        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse();"
    } else {
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'refused'); END;"
    };
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn: r2d2::PooledConnection<_> = db.get_blocking().unwrap();
        let conn: &mut DbConnection = &mut conn;
        conn.batch_execute(block).unwrap();
    })
    .await
    .unwrap();
    let response = app
        .request(Method::POST, "/api/v1/consignees", "procurement")
        .json(&consignee_body("Never stored KK"))
        .send()
        .await
        .unwrap();
    problem(response, 500).await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let (status, _) = app.patch_json(&path, "procurement", &json!({"notes": "never"})).await;
    assert_eq!(status, 500);
    let all = app.all_consignees().await;
    assert_eq!(all, vec![created]);
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after_while_the_database_is_fine() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_timeout_ms = 300;
    })
    .await;
    let db = app.db.clone();
    let (held, release) = std::sync::mpsc::channel::<()>();
    let (taken, ready) = tokio::sync::oneshot::channel();
    let holder = tokio::task::spawn_blocking(move || {
        let _only = db.get_blocking().unwrap();
        taken.send(()).unwrap();
        let _ = release.recv();
    });
    ready.await.unwrap();
    let started = std::time::Instant::now();
    let response = app.request(Method::GET, "/api/v1/consignees", "viewer").send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(3), "no hang past the pool timeout");
    assert_eq!(response.headers()["retry-after"], "1");
    problem(response, 503).await;
    drop(held);
    holder.await.unwrap();
    assert_eq!(app.request(Method::GET, "/api/v1/consignees", "viewer").send().await.unwrap().status(), 200);
}
