//! HTTP conventions every route follows: HEAD, trailing slashes, request ids.

use reqwest::Method;
use serde_json::{json, Value};

use consignee_registry::openapi;

use crate::helpers::fixtures::create_consignee;
use crate::helpers::{problem, spawn_app};

/// Headers that differ between any two responses.
const VOLATILE: [&str; 2] = ["date", "x-request-id"];

#[tokio::test]
async fn head_answers_every_get_route_with_its_status_and_headers_and_no_body() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Head KK").await;
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let url = path.replace("{id}", created["id"].as_str().unwrap());
        let get = app.request(Method::GET, &url, "admin").send().await.unwrap();
        let head = app.request(Method::HEAD, &url, "admin").send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        // The metrics count every request, so their length changes from one request to the next.
        let volatile = |name: &str| VOLATILE.contains(&name) || (path == "/metrics" && name == "content-length");
        for (name, value) in get.headers() {
            if !volatile(name.as_str()) {
                assert_eq!(head.headers().get(name), Some(value), "HEAD {path}: {name}");
            }
        }
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path} has no body");
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
    let anonymous = app.anonymous(Method::HEAD, "/api/v1/consignees").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let status_only = app.request(Method::HEAD, "/api/v1/audit/checkpoints", "viewer").send().await.unwrap();
    assert_eq!(status_only.status(), 403);
    let post_only = format!("/api/v1/consignees/{}/status", created["id"].as_str().unwrap());
    let response = app.request(Method::HEAD, &post_only, "admin").send().await.unwrap();
    assert_eq!((response.status().as_u16(), response.headers()["allow"].to_str().unwrap()), (405, "POST"));
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_path() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Slash KK").await;
    let (status, page) = app.get_json("/api/v1/consignees/?limit=1").await;
    assert_eq!((status, page["items"][0]["id"].clone()), (200, created["id"].clone()));
    let path = format!("/api/v1/consignees/{}/", created["id"].as_str().unwrap());
    let (status, patched) = app.patch_json(&path, "procurement", &json!({"notes": "via slash"})).await;
    assert_eq!((status, patched["notes"].clone()), (200, json!("via slash")));
    let (status, _) = app.post_json("/api/v1/consignees/", "procurement", &json!({"legal_name": "Slash Two KK"})).await;
    assert_eq!(status, 201);
    let wrong = app.request(Method::PUT, "/api/v1/consignees/", "admin").send().await.unwrap();
    assert_eq!(wrong.headers()["allow"], "GET, HEAD, POST");
    problem(wrong, 405).await;
    problem(app.request(Method::GET, "/api/v1/nothing/", "admin").send().await.unwrap(), 404).await;
    let ui = app.anonymous(Method::GET, "/swagger-ui/").send().await.unwrap();
    assert_eq!(ui.status(), 200, "Swagger UI keeps its own slash");
}

#[tokio::test]
async fn a_sane_caller_request_id_is_kept_echoed_and_audited() {
    let app = spawn_app().await;
    let create = |id: &str| {
        app.request(Method::POST, "/api/v1/consignees", "procurement")
            .header("x-request-id", id)
            .json(&json!({"legal_name": format!("Request {}", id.len())}))
            .send()
    };
    let kept = create("contract-sync:2026-11-28/0042").await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "contract-sync:2026-11-28/0042");
    let consignee: Value = kept.json().await.unwrap();
    let (_, events) =
        app.get_json(&format!("/api/v1/audit/events?resource_id={}", consignee["id"].as_str().unwrap())).await;
    assert_eq!(events["items"][0]["request_id"], "contract-sync:2026-11-28/0042");
    for insane in ["has spaces in it", &"x".repeat(129)] {
        let replaced = create(insane).await.unwrap();
        let echoed = replaced.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(echoed, insane);
        assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "{echoed}");
    }
    let generated = app.anonymous(Method::GET, "/healthz").send().await.unwrap();
    assert!(uuid::Uuid::parse_str(generated.headers()["x-request-id"].to_str().unwrap()).is_ok());
}
