//! Compliance end to end on a fixed clock: one consignee through each standing as the date moves
//! and its records change, the checks behind it, and the list filtered by it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{create_consignee, entrusted_consignee, set_status};
use crate::helpers::{problem, spawn_app_at, TestApp};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// The consignee's compliance and its ETag.
async fn compliance(app: &TestApp, consignee_id: &str) -> (Value, String) {
    let path = format!("/api/v1/consignees/{consignee_id}/compliance");
    let response = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), etag)
}

fn result_of<'a>(compliance: &'a Value, code: &str) -> &'a Value {
    compliance["checks"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("{code}"))
}

async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app.get_json(&format!("/api/v1/consignees?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|c| id(c).to_owned()).collect()
}

#[tokio::test]
async fn a_consignee_moves_through_every_standing_as_its_records_and_the_date_do() {
    let clock = Arc::new(ManualClock::new(at("2026-06-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let candidate = create_consignee(&app, "候補株式会社").await;
    let (high, _, entrustment) = entrusted_consignee(&app, "高リスク株式会社").await;
    let (low, _, _) = entrusted_consignee(&app, "低リスク株式会社").await;
    let path = format!("/api/v1/consignees/{}", id(&low));
    assert_eq!(app.patch_json(&path, "procurement", &json!({"risk_tier": "low"})).await.0, 200);

    let (judged, _) = compliance(&app, id(&candidate)).await;
    assert_eq!(judged["status"], "not_applicable");
    assert_eq!(judged["checks"].as_array().unwrap().len(), 12);
    let (judged, before) = compliance(&app, id(&high)).await;
    assert_eq!(judged["status"], "compliant", "{judged}");
    assert_eq!((judged["on"].as_str(), judged["consignee_id"].as_str()), (Some("2026-06-01"), Some(id(&high))));
    assert!(judged["checks"].as_array().unwrap().iter().all(|c| c["result"] == "pass"), "{judged}");
    assert_eq!(app.get_json(&format!("/api/v1/consignees/{}", id(&high))).await.1["compliance_status"], "compliant");

    // The high-tier review is due on 2026-12-01; the memorandum's notice deadline is 2026-12-31.
    clock.set(at("2026-11-10T03:00:00Z"));
    let (judged, after) = compliance(&app, id(&high)).await;
    assert_ne!(after, before, "the ETag moves with the checks");
    assert_eq!(judged["status"], "attention");
    assert_eq!(result_of(&judged, "review_schedule")["result"], "warn");
    assert_eq!(result_of(&judged, "memorandum_in_force")["result"], "warn");

    clock.set(at("2026-12-02T03:00:00Z"));
    let (judged, _) = compliance(&app, id(&high)).await;
    assert_eq!(judged["status"], "non_compliant");
    let overdue = result_of(&judged, "review_schedule");
    assert_eq!(overdue["result"], "fail");
    assert!(overdue["reason"].as_str().unwrap().contains("2026-12-01"), "{overdue}");
    assert_eq!(compliance(&app, id(&low)).await.0["status"], "attention", "low tier: only the notice deadline warns");

    assert_eq!(listed(&app, "compliance=non_compliant").await, [id(&high)]);
    assert_eq!(listed(&app, "compliance=attention&limit=1").await, [id(&low)]);
    assert_eq!(listed(&app, "compliance=not_applicable").await, [id(&candidate)]);
    assert!(listed(&app, "compliance=compliant").await.is_empty());
    let (status, _) = app.get_json("/api/v1/consignees?compliance=fine").await;
    assert_eq!(status, 400);

    set_status(&app, id(&low), "suspended").await;
    let (judged, _) = compliance(&app, id(&low)).await;
    let approval = result_of(&judged, "approved");
    assert_eq!((judged["status"].as_str(), approval["result"].as_str()), (Some("non_compliant"), Some("fail")));
    assert_eq!(approval["ids"].as_array().unwrap().len(), 1, "the entrustment through which it holds data");
    assert_ne!(approval["ids"][0], entrustment["id"], "its own entrustment, not the other consignee's");
}

#[tokio::test]
async fn an_unknown_consignee_has_no_compliance() {
    let clock = Arc::new(ManualClock::new(at("2026-06-01T03:00:00Z")));
    let app = spawn_app_at(clock, |_| {}).await;
    let path = format!("/api/v1/consignees/{}/compliance", uuid::Uuid::now_v7());
    problem(app.request(Method::GET, &path, "viewer").send().await.unwrap(), 404).await;
}
