//! Idempotency-Key on POST: a retry gets the first response without a second record, the same key
//! with another request is 422, concurrent retries create one record, keys belong to their caller
//! and expire.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{consignee_body, create_consignee, memorandum_body, ready_memorandum};
use crate::helpers::{problem, spawn_app, spawn_app_at, token, TestApp};

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.request(Method::POST, path, "procurement").header("idempotency-key", key).json(body).send().await.unwrap()
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

#[tokio::test]
async fn a_retry_gets_the_first_response_and_creates_nothing_more() {
    let app = spawn_app().await;
    let body = consignee_body("再送株式会社");
    let first = post_with_key(&app, "/api/v1/consignees", "create-1", &body).await;
    assert_eq!(first.status(), 201);
    let (location, etag) = (first.headers()["location"].clone(), first.headers()["etag"].clone());
    assert!(first.headers().get("idempotent-replayed").is_none());
    let created: Value = first.json().await.unwrap();
    let retry = post_with_key(&app, "/api/v1/consignees", "create-1", &body).await;
    assert_eq!(retry.status(), 201);
    assert_eq!((&retry.headers()["location"], &retry.headers()["etag"]), (&location, &etag));
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().await.unwrap(), created);
    assert_eq!(app.all_consignees().await.len(), 1, "the retry created nothing");

    let other = post_with_key(&app, "/api/v1/consignees", "create-1", &consignee_body("別物株式会社")).await;
    let refused = problem(other, 422).await;
    assert_eq!(refused["errors"][0]["field"], "idempotency-key", "{refused}");
    for bad in ["k".repeat(256), "日本".to_owned(), "tab\there".to_owned()] {
        let response = app
            .request(Method::POST, "/api/v1/consignees", "procurement")
            .header("idempotency-key", reqwest::header::HeaderValue::from_bytes(bad.as_bytes()).unwrap())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad:?}");
    }
    assert_eq!(app.all_consignees().await.len(), 1);

    let again = post_with_key(&app, "/api/v1/consignees", "create-2", &body).await;
    assert_eq!(again.status(), 201, "a new key runs the request again");
    assert_eq!(app.all_consignees().await.len(), 2);
}

#[tokio::test]
async fn a_refusal_is_replayed_as_it_was() {
    let app = spawn_app().await;
    let invalid = json!({"legal_name": ""});
    let first = post_with_key(&app, "/api/v1/consignees", "invalid-1", &invalid).await;
    assert_eq!(first.status(), 422);
    let retry = post_with_key(&app, "/api/v1/consignees", "invalid-1", &invalid).await;
    assert_eq!((retry.status().as_u16(), retry.headers()["idempotent-replayed"].to_str().unwrap()), (422, "true"));
    assert_eq!(retry.headers()["content-type"], "application/problem+json");
    assert_eq!(problem(retry, 422).await["errors"][0]["field"], "legal_name");
}

#[tokio::test]
async fn an_action_retried_answers_its_first_result_not_a_conflict() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "署名再送株式会社").await;
    let body = memorandum_body(&app, "覚書").await;
    let memorandum = ready_memorandum(&app, consignee["id"].as_str().unwrap(), &body).await;
    let path = format!("/api/v1/memoranda/{}/sign", memorandum["id"].as_str().unwrap());
    let sign =
        |key: &'static str| app.request(Method::POST, &path, "procurement").header("idempotency-key", key).send();
    let first = sign("sign-1").await.unwrap();
    assert_eq!(first.status(), 200);
    let signed: Value = first.json().await.unwrap();
    let retry = sign("sign-1").await.unwrap();
    assert_eq!(retry.status(), 200, "the retry of a sign that worked answers its result");
    assert_eq!(retry.json::<Value>().await.unwrap(), signed);
    assert_eq!(sign("sign-2").await.unwrap().status(), 409, "signing again under a new key is the usual 409");
}

#[tokio::test]
async fn concurrent_retries_create_one_record() {
    let app = spawn_app().await;
    let body = consignee_body("同時再送株式会社");
    let sends = (0..20).map(|_| post_with_key(&app, "/api/v1/consignees", "burst", &body));
    let responses = futures_util::future::join_all(sends).await;
    let mut ids = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => ids.push(response.json::<Value>().await.unwrap()["id"].clone()),
            409 => {}
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]), "every 201 is the same consignee: {ids:?}");
    assert_eq!(app.all_consignees().await.len(), 1);
}

#[tokio::test]
async fn keys_belong_to_their_caller_and_expire() {
    let clock = Arc::new(ManualClock::new(at("2026-11-24T01:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let body = json!({"kind": "loss", "description": "鍵", "company_aware_at": "2026-11-24T00:00:00Z"});
    let consignee = create_consignee(&app, "鍵株式会社").await;
    let path = format!("/api/v1/consignees/{}/incidents?schedule_review=false", consignee["id"].as_str().unwrap());
    let as_subject = |sub: &str| {
        app.client
            .post(format!("{}{path}", app.address))
            .bearer_auth(token(sub, "procurement"))
            .header("idempotency-key", "shared")
            .json(&body)
            .send()
    };
    let first: Value = as_subject("alice").await.unwrap().json().await.unwrap();
    let other: Value = as_subject("bob").await.unwrap().json().await.unwrap();
    assert_ne!(first["id"], other["id"], "another caller's key is another key");
    let replayed: Value = as_subject("alice").await.unwrap().json().await.unwrap();
    assert_eq!(replayed["id"], first["id"]);
    clock.set(at("2026-11-25T01:00:01Z"));
    let expired = as_subject("alice").await.unwrap();
    assert_eq!(expired.status(), 201);
    assert!(expired.headers().get("idempotent-replayed").is_none());
    let expired: Value = expired.json().await.unwrap();
    assert_ne!(expired["id"], first["id"], "after 24 hours the key is new again");
}

/// Keys stored, counted behind the API's back.
async fn stored_keys(app: &TestApp) -> i64 {
    use consignee_registry::db::schema::idempotency_keys as k;
    use diesel::{QueryDsl, RunQueryDsl};
    app.behind_the_back(|c| k::table.count().get_result(c).unwrap()).await
}

/// Sends a keyed POST that declares `declared` bytes but sends only the first kilobyte, and reads
/// the answer while the rest is still owed: an answer proves the server decided without the body.
async fn answer_owing_the_body(app: &TestApp, bearer: Option<&str>, declared: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST /api/v1/consignees HTTP/1.1\r\nHost: {host}\r\n{auth}Idempotency-Key: owed-body\r\n\
Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    );
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[b' '; 1024]).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer)).await;
    let n = read.expect("the server answered before the body arrived").unwrap();
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

/// Sends a keyed POST of `total` bytes in 64 KiB chunks without a declared length, as long as the
/// server reads them, and returns its answer.
async fn answer_to_chunks(app: &TestApp, bearer: &str, total: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let head = format!(
        "POST /api/v1/consignees HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {bearer}\r\n\
Idempotency-Key: chunked\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = [format!("{:x}\r\n", 64 * 1024).into_bytes(), vec![b' '; 64 * 1024], b"\r\n".to_vec()].concat();
    let (mut read, mut answer) = (0, Vec::new());
    let second = std::time::Duration::from_secs(1);
    for _ in 0..total / (64 * 1024) {
        if !matches!(tokio::time::timeout(second, stream.write_all(&chunk)).await, Ok(Ok(()))) {
            break; // the server stopped reading: it has answered
        }
    }
    let mut buffer = vec![0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer)).await {
        if n == 0 || read > 0 {
            break;
        }
        (read, answer) = (n, buffer[..n].to_vec());
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_refused_request_claims_no_key_and_reads_no_body() {
    let app = spawn_app().await;
    let five_mb = 5 * 1024 * 1024;
    let viewer = token("tester-viewer", "viewer");
    assert!(answer_owing_the_body(&app, Some(&viewer), five_mb).await.starts_with("HTTP/1.1 403"), "role first");
    assert!(answer_owing_the_body(&app, None, five_mb).await.starts_with("HTTP/1.1 401"), "token first");
    let procurement = token("tester-procurement", "procurement");
    let over = answer_owing_the_body(&app, Some(&procurement), five_mb).await;
    assert!(over.starts_with("HTTP/1.1 413"), "the route's JSON limit, before reading: {over}");
    assert!(over.contains("application/problem+json"), "{over}");

    // Sent without a declared length, a body is read no further than the route's limit.
    let chunked = answer_to_chunks(&app, &procurement, 5 * 1024 * 1024).await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    assert_eq!(stored_keys(&app).await, 0, "no refused request left a key");

    let created = post_with_key(&app, "/api/v1/consignees", "allowed", &consignee_body("許可株式会社")).await;
    assert_eq!(created.status(), 201);
    assert_eq!(stored_keys(&app).await, 1, "an authorized request keeps its key");
}

/// A long request keeps its claim past the lease while its holder renews it: a retry on another
/// node during a long import is refused (409; on SQLite also 503 while the import holds the write
/// lock), never run a second time, and gets the stored response once the import has answered.
#[tokio::test]
async fn a_long_import_keeps_its_claim_on_every_node_until_it_answers() {
    use std::time::{Duration, Instant};
    const ROWS: usize = 8000;
    let lease = Duration::from_secs(1);
    let app = crate::helpers::spawn_app_with(|s| s.idempotency_lease = lease).await;
    let second = app.second_node(|s| s.idempotency_lease = lease).await;
    let rows: Vec<String> = (0..ROWS).map(|i| format!("長時間{i}株式会社")).collect();
    let csv = format!("legal_name\n{}\n", rows.join("\n"));
    let send = |node: &TestApp| {
        node.request(Method::POST, "/api/v1/consignees/import", "procurement")
            .header("idempotency-key", "long-import")
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
    };
    let started = Instant::now();
    let first = tokio::spawn(send(&app));
    tokio::time::sleep(lease + lease / 2).await;
    let mut refused = 0;
    while !first.is_finished() {
        let retry = send(&second).await.unwrap();
        let (status, replayed) = (retry.status().as_u16(), retry.headers().contains_key("idempotent-replayed"));
        if status == 200 && replayed {
            break; // the import answered meanwhile
        }
        assert!(status == 409 || status == 503, "a retry while the import runs is refused, not run: {status}");
        refused += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), 200);
    assert!(refused >= 1, "the import outlasted its lease ({:?}) and a retry came meanwhile", started.elapsed());
    let replay = send(&second).await.unwrap();
    assert_eq!((replay.status().as_u16(), replay.headers().contains_key("idempotent-replayed")), (200, true));
    assert_eq!(app.all_consignees().await.len(), ROWS, "imported once");
}
