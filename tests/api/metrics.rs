//! `GET /metrics`: requests per route template and status with their latency, the pool, and
//! webhook deliveries, in the OpenMetrics text format without a token; off with CR_METRICS=false.
//! Each app has its own registry, so the counts below are exact.

use reqwest::Method;
use serde_json::json;

use crate::helpers::fixtures::create_consignee;
use crate::helpers::receiver::Receiver;
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

async fn scrape(app: &TestApp) -> String {
    let response = app.anonymous(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    response.text().await.unwrap()
}

/// The sum of the samples whose lines start with `prefix` (0 when none).
fn sample(text: &str, prefix: &str) -> f64 {
    let values = text.lines().filter(|l| l.starts_with(prefix));
    values.map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap()).sum()
}

#[tokio::test]
async fn requests_the_pool_and_webhook_deliveries_are_measured() {
    let app = spawn_app().await;
    let receiver = Receiver::start(1).await;
    let body = json!({"url": receiver.url, "event_types": ["consignee.created"]});
    assert_eq!(app.post_json("/api/v1/webhooks", "admin", &body).await.0, 201);
    let before = scrape(&app).await;
    let created = create_consignee(&app, "計測株式会社").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get_json(&path).await.0, 200);
    assert_eq!(app.get_json("/api/v1/consignees/01a21e05-499e-71c8-8e2d-5e558e08dc15").await.0, 404);
    receiver.wait_for("the delivery", |r| r.iter().any(|r| r.answered == 204)).await;

    let text = scrape(&app).await;
    assert!(text.ends_with("# EOF\n"), "OpenMetrics text");
    let ok = r#"http_requests_total{route="/api/v1/consignees/{id}",method="GET",status="200"}"#;
    let missing = r#"http_requests_total{route="/api/v1/consignees/{id}",method="GET",status="404"}"#;
    assert_eq!((sample(&text, ok), sample(&text, missing)), (1.0, 1.0), "{text}");
    let created_line = r#"http_requests_total{route="/api/v1/consignees",method="POST",status="201"}"#;
    assert_eq!(sample(&text, created_line), 1.0, "{text}");
    let scrapes = r#"http_requests_total{route="/metrics",method="GET",status="200"}"#;
    assert_eq!((sample(&before, scrapes), sample(&text, scrapes)), (0.0, 1.0), "a scrape counts after it answers");
    let timed = r#"http_request_duration_seconds_count{route="/api/v1/consignees/{id}",method="GET",status="200"}"#;
    assert_eq!(sample(&text, timed), 1.0, "latency per route template");
    assert!(!text.contains(created["id"].as_str().unwrap()), "ids never become labels");
    assert!(sample(&text, "db_pool_connections ") >= 1.0);
    assert!(sample(&text, "db_pool_wait_seconds_count") > sample(&before, "db_pool_wait_seconds_count"));
    for outcome in ["retried", "delivered"] {
        let line = format!(r#"webhook_deliveries_total{{outcome="{outcome}"}}"#);
        assert_eq!((sample(&before, &line), sample(&text, &line)), (0.0, 1.0), "{outcome} counted once");
    }
    assert!(text.contains("webhook_oldest_undelivered_seconds "), "{text}");
}

/// Sends `method` to `path` without a token and reads the answer.
async fn send(app: &TestApp, method: Method, path: &str) {
    app.anonymous(method, path).send().await.unwrap().bytes().await.unwrap();
}

/// Paths no route serves, each kind once per `n`: at the root, under the API, under Swagger UI
/// and below a documented template.
fn made_up_paths(n: usize) -> [String; 4] {
    [
        format!("/made-up-{n}"),
        format!("/api/v1/made-up-{n}"),
        format!("/swagger-ui/made-up-{n}"),
        format!("/api/v1/consignees/{n}/made-up"),
    ]
}

fn made_up_method(n: usize) -> Method {
    Method::from_bytes(format!("MADEUP{n}").as_bytes()).unwrap()
}

#[tokio::test]
async fn made_up_methods_and_paths_add_no_series() {
    let app = spawn_app().await;
    // Warm-up: one request of each kind creates its series, the first scrape its own.
    send(&app, made_up_method(0), "/api/v1/consignees").await;
    for path in made_up_paths(0) {
        send(&app, Method::GET, &path).await;
    }
    scrape(&app).await;
    let before = scrape(&app).await;
    for n in 1..=100 {
        send(&app, made_up_method(n), "/api/v1/consignees").await;
        for path in made_up_paths(n) {
            send(&app, Method::GET, &path).await;
        }
    }
    let after = scrape(&app).await;
    assert_eq!(after.lines().count(), before.lines().count(), "no new series:\n{after}");
    let methods = r#"http_requests_total{route="/api/v1/consignees",method="other","#;
    assert_eq!(sample(&after, methods), 101.0, "made-up methods are one `other` method:\n{after}");
    assert_eq!(sample(&after, r#"http_requests_total{route="other","#), 303.0, "unrouted paths are one route");
    let swagger = r#"http_requests_total{route="/swagger-ui/{_:.*}",method="GET","#;
    assert_eq!(sample(&after, swagger), 101.0, "Swagger UI's assets are one template:\n{after}");
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let app = spawn_app_with(|s| s.metrics = false).await;
    let response = app.anonymous(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}
