//! Probes, Swagger UI and redirects.

use reqwest::Method;

use consignee_registry::db::migrations;

use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn probes_answer_without_a_token() {
    let app = spawn_app().await;
    let live = app.anonymous(Method::GET, "/healthz").send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert!(live.headers().contains_key("x-request-id"));
    let ready = app.anonymous(Method::GET, "/readyz").send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn readiness_fails_while_migrations_are_pending() {
    let app = spawn_app().await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || migrations::revert_last(&mut db.get_blocking().unwrap()).unwrap())
        .await
        .unwrap();
    let body = problem(app.anonymous(Method::GET, "/readyz").send().await.unwrap(), 503).await;
    assert!(body["detail"].as_str().unwrap().contains("migrations"));
}

#[tokio::test]
async fn swagger_ui_is_served_and_redirected_to() {
    let app = spawn_app().await;
    let ui = app.anonymous(Method::GET, "/swagger-ui/").send().await.unwrap();
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger"));
    for path in ["/swagger-ui", "/"] {
        let response = app.anonymous(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(response.headers()["location"], "/swagger-ui/");
    }
    let doc = app.anonymous(Method::GET, "/api-docs/openapi.json").send().await.unwrap();
    assert_eq!(doc.status(), 200);
    let doc: serde_json::Value = doc.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}
