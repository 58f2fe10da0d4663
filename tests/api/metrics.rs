//! `GET /metrics`: requests per route template and status with their latency, the pool, and
//! webhook deliveries, in the OpenMetrics text format without a token; off with CR_METRICS=false.

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

/// The value of the sample whose line starts with `prefix` (0 when absent).
fn sample(text: &str, prefix: &str) -> f64 {
    text.lines().find(|l| l.starts_with(prefix)).map_or(0.0, |l| l.rsplit(' ').next().unwrap().parse().unwrap())
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
    assert!(sample(&text, ok) >= 1.0 && sample(&text, missing) >= 1.0, "{text}");
    let timed = r#"http_request_duration_seconds_count{route="/api/v1/consignees/{id}",method="GET",status="200"}"#;
    assert!(sample(&text, timed) >= 1.0, "latency per route template");
    assert!(!text.contains(created["id"].as_str().unwrap()), "ids never become labels");
    assert!(sample(&text, "db_pool_connections ") >= 1.0);
    assert!(sample(&text, "db_pool_wait_seconds_count") > sample(&before, "db_pool_wait_seconds_count"));
    for outcome in ["retried", "delivered"] {
        let line = format!(r#"webhook_deliveries_total{{outcome="{outcome}"}}"#);
        assert!(sample(&text, &line) > sample(&before, &line), "{outcome} counted");
    }
    assert!(text.contains("webhook_oldest_undelivered_seconds "), "{text}");
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let app = spawn_app_with(|s| s.metrics = false).await;
    let response = app.anonymous(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}
