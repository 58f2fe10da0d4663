//! The approval gate: a consignee becomes `approved` only on a passing review, and each way the
//! gate refuses says what is missing and changes nothing.

use serde_json::{json, Value};

use crate::helpers::fixtures::{completed_review, consignee_in_status, create_consignee, open_review, set_status};
use crate::helpers::{spawn_app, TestApp};

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// Tries to approve; returns the status and the answer.
async fn approve(app: &TestApp, consignee_id: &str) -> (u16, Value) {
    let path = format!("/api/v1/consignees/{consignee_id}/status");
    app.post_json(&path, "privacy_officer", &json!({"status": "approved", "reason": "selection passed"})).await
}

/// 409 whose detail contains `needle`, and the consignee unchanged.
async fn refused(app: &TestApp, consignee: &Value, needle: &str) {
    let (_, before) = app.get_json(&format!("/api/v1/consignees/{}", id(consignee))).await;
    let (status, body) = approve(app, id(consignee)).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["detail"].as_str().unwrap().contains(needle), "{needle} in {body}");
    let (_, after) = app.get_json(&format!("/api/v1/consignees/{}", id(consignee))).await;
    assert_eq!(after, before, "a refused approval changes nothing");
}

#[tokio::test]
async fn a_candidate_needs_a_completed_selection_review_that_passed() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "選定株式会社").await;
    refused(&app, &consignee, "selection review").await;
    let open = open_review(&app, id(&consignee), "selection").await;
    refused(&app, &consignee, "selection review").await;
    completed_review(&app, id(&consignee), "periodic", "satisfactory").await;
    refused(&app, &consignee, "selection review").await;
    crate::helpers::fixtures::complete_review(&app, id(&open), "unsatisfactory", None).await;
    refused(&app, &consignee, "unsatisfactory").await;
    completed_review(&app, id(&consignee), "selection", "satisfactory").await;
    let (status, approved) = approve(&app, id(&consignee)).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert!(approved["approved_on"].is_string());
}

#[tokio::test]
async fn needs_improvement_passes_once_every_finding_of_it_is_acted_on() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "改善株式会社").await;
    let review = completed_review(&app, id(&consignee), "selection", "needs_improvement").await;
    let findings = format!("/api/v1/reviews/{}/findings", id(&review));
    let mut ids = Vec::new();
    for severity in ["high", "low"] {
        let body = json!({"severity": severity, "description": "backups unencrypted", "due_on": "2027-01-31"});
        let (status, finding) = app.post_json(&findings, "privacy_officer", &body).await;
        assert_eq!(status, 201, "{finding}");
        ids.push(id(&finding).to_owned());
    }
    refused(&app, &consignee, &ids[0]).await;
    let plan = json!({"status": "action_planned", "corrective_action": "encrypt backups"});
    assert_eq!(app.patch_json(&format!("/api/v1/findings/{}", ids[0]), "privacy_officer", &plan).await.0, 200);
    refused(&app, &consignee, &ids[1]).await;
    let accept = json!({"status": "accepted_risk", "risk_justification": "low-value test data only"});
    assert_eq!(app.patch_json(&format!("/api/v1/findings/{}", ids[1]), "privacy_officer", &accept).await.0, 200);
    let (status, body) = approve(&app, id(&consignee)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_latest_selection_review_decides() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "再選定株式会社").await;
    let first = open_review(&app, id(&consignee), "selection").await;
    crate::helpers::fixtures::complete_review(&app, id(&first), "satisfactory", Some("2026-03-01")).await;
    let second = open_review(&app, id(&consignee), "selection").await;
    crate::helpers::fixtures::complete_review(&app, id(&second), "unsatisfactory", Some("2026-04-01")).await;
    refused(&app, &consignee, id(&second)).await;
}

#[tokio::test]
async fn re_approving_a_suspended_consignee_needs_a_review_after_the_suspension() {
    let app = spawn_app().await;
    let consignee = consignee_in_status(&app, "停止株式会社", "suspended").await;
    refused(&app, &consignee, "after the suspension").await;
    let stale = open_review(&app, id(&consignee), "periodic").await;
    crate::helpers::fixtures::complete_review(&app, id(&stale), "satisfactory", Some("2026-01-05")).await;
    refused(&app, &consignee, "after the suspension").await;
    let failed = completed_review(&app, id(&consignee), "ad_hoc", "unsatisfactory").await;
    refused(&app, &consignee, id(&failed)).await;
    let again = set_status(&app, id(&consignee), "approved").await;
    assert_eq!(again["status"], "approved");
}
