//! Hardening: headers on every response, slow and deep bodies, CORS for configured origins only,
//! and the optional per-subject rate limit.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::fixtures::{consignee_body, create_consignee};
use crate::helpers::{problem, spawn_app, spawn_app_with, token, TestApp};

/// Writes `head` and `body` without closing, then reads what the server answers within 10 s.
async fn stalled_exchange(app: &TestApp, head: String, body: &[u8]) -> (String, Duration) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server answered and closed within 10 s");
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

fn post_head(app: &TestApp, content_length: usize) -> String {
    let host = app.address.trim_start_matches("http://");
    let token = token("tester-procurement", "procurement");
    format!(
        "POST /api/v1/consignees HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
Content-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

#[tokio::test]
async fn every_response_is_nosniff_without_a_server_header_and_with_its_cache_policy() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Headers KK").await;
    let id = created["id"].as_str().unwrap();
    let cases = [
        (app.request(Method::GET, &format!("/api/v1/consignees/{id}"), "viewer"), "private, no-cache"),
        (app.request(Method::GET, "/api/v1/consignees", "viewer"), "no-store"),
        (app.request(Method::GET, "/api/v1/reports/compliance", "viewer"), "no-store"),
        (app.request(Method::GET, "/api/v1/reports/compliance", "viewer").header("accept", "text/csv"), "no-store"),
        (app.request(Method::GET, "/api/v1/consignees/nope", "viewer"), "no-store"),
        (app.anonymous(Method::GET, "/api/v1/consignees"), "no-store"),
        (app.anonymous(Method::GET, "/readyz"), "no-store"),
        (app.anonymous(Method::GET, "/api-docs/openapi.json"), "no-store"),
    ];
    for (request, policy) in cases {
        let response = request.send().await.unwrap();
        let url = response.url().clone();
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(response.headers()["cache-control"], policy, "{url}");
        assert!(!response.headers().contains_key("server"), "{url} names no server");
        assert!(!response.headers().contains_key("access-control-allow-origin"), "{url}: CORS is off");
    }
    let single = app.request(Method::GET, &format!("/api/v1/consignees/{id}"), "viewer").send().await.unwrap();
    let etag = single.headers()["etag"].clone();
    let revalidated =
        app.request(Method::GET, &format!("/api/v1/consignees/{id}"), "viewer").header("if-none-match", etag);
    let revalidated = revalidated.send().await.unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["cache-control"], "private, no-cache", "a 304 keeps the resource's policy");
    assert_eq!(revalidated.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn json_nested_deeper_than_32_levels_is_400_and_brackets_in_text_do_not_count() {
    let app = spawn_app().await;
    let deep = format!("{{\"legal_name\":\"Deep KK\",\"notes\":{}1{}}}", "[".repeat(40), "]".repeat(40));
    let response = app
        .request(Method::POST, "/api/v1/consignees", "procurement")
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert!(body["detail"].as_str().unwrap().contains("deeper than 32 levels"), "{body}");
    let mut text = consignee_body("Brackets KK");
    text["notes"] = json!(format!("{}\\\"{{", "[".repeat(100)));
    let (status, created) = app.post_json("/api/v1/consignees", "procurement", &text).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(app.all_consignees().await.len(), 1, "only the valid consignee is stored");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_408_problem_json_and_stores_nothing() {
    let app = spawn_app_with(|s| s.http.request_body_timeout = Duration::from_millis(300)).await;
    let body = serde_json::to_vec(&consignee_body("Slow KK")).unwrap();
    let (answer, took) = stalled_exchange(&app, post_head(&app, body.len()), &body[..body.len() / 2]).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json") && answer.contains("/problems/request-timeout"), "{answer}");
    assert!(took < Duration::from_secs(5), "answered after the timeout, not a hang: {took:?}");
    assert!(app.all_consignees().await.is_empty());
}

#[tokio::test]
async fn a_request_head_that_stops_arriving_is_closed_with_408() {
    let app = spawn_app_with(|s| s.http.request_head_timeout = Duration::from_millis(300)).await;
    let head = post_head(&app, 10);
    let (answer, took) = stalled_exchange(&app, head[..40].to_owned(), b"").await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < Duration::from_secs(5), "closed after the timeout: {took:?}");
}

#[tokio::test]
async fn cors_answers_only_the_allowed_origins() {
    let allowed = "https://contracts.example.com";
    let app = spawn_app_with(|s| s.http.cors_allowed_origins = vec![allowed.to_owned()]).await;
    let preflight = app
        .anonymous(Method::OPTIONS, "/api/v1/consignees")
        .header("origin", allowed)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type, idempotency-key")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.headers()["access-control-allow-origin"], allowed);
    assert!(preflight.headers()["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    let get = app.request(Method::GET, "/api/v1/consignees", "viewer").header("origin", allowed).send().await.unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(get.headers()["access-control-allow-origin"], allowed);
    assert!(get.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase().contains("etag"));
    let other = "https://evil.example.net";
    let get = app.request(Method::GET, "/api/v1/consignees", "viewer").header("origin", other).send().await.unwrap();
    assert!(!get.headers().contains_key("access-control-allow-origin"), "another origin gets no CORS grant");
    let preflight = app
        .anonymous(Method::OPTIONS, "/api/v1/consignees")
        .header("origin", other)
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .unwrap();
    assert!(!preflight.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn without_an_allow_list_a_preflight_gets_no_cors_grant() {
    let app = spawn_app().await;
    let preflight = app
        .anonymous(Method::OPTIONS, "/api/v1/consignees")
        .header("origin", "https://contracts.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(!preflight.headers().contains_key("access-control-allow-origin"));
    assert!(preflight.status().is_client_error(), "{}", preflight.status());
}

#[tokio::test]
async fn an_allowed_origin_that_is_not_an_origin_stops_the_start() {
    for bad in ["*", "https://app.example.com/path", "ftp://files.example.com", "app.example.com"] {
        let database = crate::helpers::TestDatabase::create().await;
        let mut settings = crate::helpers::settings(&database.url, database.data_dir());
        settings.http.cors_allowed_origins = vec![bad.to_owned()];
        let error = consignee_registry::startup::Application::build(settings).await.err().expect("refused");
        assert!(error.contains("CR_CORS_ALLOWED_ORIGINS"), "{bad}: {error}");
    }
}

#[tokio::test]
async fn requests_are_not_limited_by_default() {
    let app = spawn_app().await;
    for _ in 0..150 {
        let response = app.request(Method::GET, "/api/v1/data-categories", "viewer").send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn a_subject_over_its_rate_gets_429_with_retry_after_and_others_go_on() {
    let app = spawn_app_with(|s| {
        s.http.rate_limit_per_minute = 6;
        s.http.rate_limit_burst = 2;
    })
    .await;
    let post = app
        .request(Method::POST, "/api/v1/consignees", "procurement")
        .header("idempotency-key", "rate-once")
        .json(&consignee_body("Counted once KK"));
    assert_eq!(post.send().await.unwrap().status(), 201, "one request, counted once");
    let list = || app.request(Method::GET, "/api/v1/consignees", "procurement");
    assert_eq!(list().send().await.unwrap().status(), 200);
    let over = list().send().await.unwrap();
    let wait: u64 = over.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    let body = problem(over, 429).await;
    assert_eq!(body["type"], "/problems/too-many-requests");
    assert_eq!(app.request(Method::GET, "/api/v1/consignees", "viewer").send().await.unwrap().status(), 200);
    assert_eq!(app.all_consignees().await.len(), 1);
}
