//! Findings of reviews: recorded by the privacy office, moved to closure along the allowed
//! statuses, listed across consignees, and shown on the consignee while open.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use serde_json::{json, Value};

use crate::helpers::fixtures::{completed_review, create_consignee, open_review};
use crate::helpers::{error_fields, spawn_app, spawn_app_at, TestApp};

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

async fn add_finding(app: &TestApp, review_id: &str, body: Value) -> Value {
    let (status, finding) =
        app.post_json(&format!("/api/v1/reviews/{review_id}/findings"), "privacy_officer", &body).await;
    assert_eq!(status, 201, "{finding}");
    finding
}

async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app.get_json(&format!("/api/v1/findings?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|f| id(f).to_owned()).collect()
}

#[tokio::test]
async fn a_finding_moves_to_closure_and_each_status_needs_its_fields() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "指摘株式会社").await;
    let review = completed_review(&app, id(&consignee), "selection", "needs_improvement").await;
    let finding = add_finding(
        &app,
        id(&review),
        json!({"severity": "high", "description": " 暗号化なし ", "due_on": "2026-12-31"}),
    )
    .await;
    assert_eq!((finding["status"].as_str(), finding["description"].as_str()), (Some("open"), Some("暗号化なし")));
    assert_eq!(finding["consignee_id"], consignee["id"]);
    let path = format!("/api/v1/findings/{}", id(&finding));
    let cases = [
        (json!({"status": "resolved"}), "resolved_on"),
        (json!({"status": "resolved", "resolved_on": "2999-01-01"}), "resolved_on"),
        (json!({"status": "accepted_risk"}), "risk_justification"),
        (json!({"status": "accepted_risk", "risk_justification": "   "}), "risk_justification"),
        (json!({"resolved_on": "2026-11-01"}), "resolved_on"),
        (json!({"severity": "fatal"}), "severity"),
        (json!({"status": "action_planned"}), "corrective_action"),
    ];
    for (body, field) in cases {
        let (status, refused) = app.patch_json(&path, "privacy_officer", &body).await;
        assert_eq!((status, error_fields(&refused)), (422, vec![field.to_owned()]), "{body}");
    }
    let (_, unchanged) = app.get_json(&path).await;
    assert_eq!((unchanged["status"].as_str(), unchanged["version"].as_i64()), (Some("open"), Some(1)));
    let (forbidden, _) = app.patch_json(&path, "procurement", &json!({"status": "action_planned"})).await;
    assert_eq!(forbidden, 403);
    let plan = json!({"status": "action_planned", "corrective_action": "AES-256 for backups"});
    assert_eq!(app.patch_json(&path, "privacy_officer", &plan).await.0, 200);
    let (status, resolved) = app
        .patch_json(
            &path,
            "privacy_officer",
            &json!({"status": "resolved", "resolved_on": "2026-11-20", "evidence": ["設定画面"]}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["resolved_on"], "2026-11-20");
    let (status, body) = app.patch_json(&path, "privacy_officer", &json!({"status": "action_planned"})).await;
    assert_eq!(status, 409, "resolved only reopens: {body}");
    let (status, reopened) = app.patch_json(&path, "privacy_officer", &json!({"status": "open"})).await;
    assert_eq!(status, 200, "{reopened}");
    assert_eq!(reopened["resolved_on"], Value::Null, "reopening clears the resolution");
    let accept = json!({"status": "accepted_risk", "risk_justification": "compensating control in place"});
    let (status, accepted) = app.patch_json(&path, "privacy_officer", &accept).await;
    assert_eq!((status, accepted["status"].as_str()), (200, Some("accepted_risk")));
}

#[tokio::test]
async fn a_finding_stays_with_reviews_of_its_own_consignee() {
    let app = spawn_app().await;
    let mine = create_consignee(&app, "自社株式会社").await;
    let other = create_consignee(&app, "別会社株式会社").await;
    let review = open_review(&app, id(&mine), "selection").await;
    let follow_up = open_review(&app, id(&mine), "ad_hoc").await;
    let done = crate::helpers::fixtures::completed_review(&app, id(&mine), "periodic", "needs_improvement").await;
    let kept =
        add_finding(&app, id(&done), json!({"severity": "low", "description": "follow-up on a completed review"}))
            .await;
    let (status, body) = app
        .patch_json(&format!("/api/v1/findings/{}", id(&kept)), "privacy_officer", &json!({"review_id": id(&review)}))
        .await;
    assert_eq!(status, 409, "a completed review keeps its findings: {body}");
    let foreign = open_review(&app, id(&other), "selection").await;
    let finding = add_finding(&app, id(&review), json!({"severity": "low", "description": "教育記録なし"})).await;
    let path = format!("/api/v1/findings/{}", id(&finding));
    let (status, refused) = app.patch_json(&path, "privacy_officer", &json!({"review_id": id(&foreign)})).await;
    assert_eq!((status, error_fields(&refused)), (422, vec!["review_id".to_owned()]));
    let (status, moved) = app.patch_json(&path, "privacy_officer", &json!({"review_id": id(&follow_up)})).await;
    assert_eq!((status, moved["review_id"].as_str()), (200, Some(id(&follow_up))));
    let (status, _) = app.patch_json(&path, "privacy_officer", &json!({"review_id": id(&done)})).await;
    assert_eq!(status, 409, "nor does a finding move onto one");
    let (status, _) = app
        .post_json(
            &format!("/api/v1/reviews/{}/findings", uuid::Uuid::now_v7()),
            "privacy_officer",
            &json!({"severity": "low", "description": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = app
        .post_json(
            &format!("/api/v1/reviews/{}/findings", id(&review)),
            "privacy_officer",
            &json!({"severity": "low", "description": "x", "status": "resolved"}),
        )
        .await;
    assert_eq!((status, error_fields(&body)), (422, vec!["resolved_on".to_owned()]));
    let (_, page) = app.get_json(&format!("/api/v1/reviews/{}/findings", id(&review))).await;
    assert!(page["items"].as_array().unwrap().is_empty(), "the moved finding left; nothing half-written");
}

#[tokio::test]
async fn findings_are_filtered_across_consignees_and_open_ones_show_on_the_consignee() {
    let clock = Arc::new(ManualClock::new(at("2026-05-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = create_consignee(&app, "一覧株式会社").await;
    let other = create_consignee(&app, "他一覧株式会社").await;
    let review = open_review(&app, id(&consignee), "periodic").await;
    let old =
        add_finding(&app, id(&review), json!({"severity": "critical", "description": "a", "due_on": "2026-06-01"}))
            .await;
    let newer =
        add_finding(&app, id(&review), json!({"severity": "medium", "description": "b", "due_on": "2026-07-01"})).await;
    let undated = add_finding(&app, id(&review), json!({"severity": "low", "description": "c"})).await;
    let closed = add_finding(
        &app,
        id(&review),
        json!({"severity": "high", "description": "d", "due_on": "2026-05-15",
        "status": "resolved", "resolved_on": "2026-04-30"}),
    )
    .await;
    let other_review = open_review(&app, id(&other), "periodic").await;
    let foreign = add_finding(
        &app,
        id(&other_review),
        json!({"severity": "critical", "description": "e", "due_on": "2026-06-01"}),
    )
    .await;
    clock.set(at("2026-06-15T03:00:00Z"));
    assert_eq!(listed(&app, "overdue=true").await, [id(&old), id(&foreign)]);
    assert_eq!(listed(&app, &format!("overdue=true&consignee_id={}", id(&consignee))).await, [id(&old)]);
    assert_eq!(
        listed(&app, &format!("overdue=false&consignee_id={}", id(&consignee))).await,
        [id(&newer), id(&undated), id(&closed)]
    );
    assert_eq!(listed(&app, "severity=critical").await, [id(&old), id(&foreign)]);
    assert_eq!(listed(&app, "status=resolved").await, [id(&closed)]);
    let (_, shown) = app.get_json(&format!("/api/v1/findings/{}", id(&old))).await;
    assert_eq!(shown["overdue"], true);
    let (_, summary) = app.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    let open = &summary["open_findings"];
    assert_eq!(open["count"], 3);
    assert_eq!(open["oldest_overdue"]["id"], old["id"]);
    let order: Vec<&str> = open["items"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(order, [id(&old), id(&newer), id(&undated)], "earliest due first, undated last");
    let (status, _) = app.get_json("/api/v1/findings?overdue=maybe").await;
    assert_eq!(status, 400);
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}
