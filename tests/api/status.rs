//! The consignee status transition table, every pair tried.

use serde_json::{json, Value};

use crate::helpers::fixtures::{completed_review, consignee_in_status};
use crate::helpers::{error_fields, spawn_app};

const STATUSES: [&str; 5] = ["candidate", "approved", "rejected", "suspended", "terminated"];
const ALLOWED: [(&str, &str); 6] = [
    ("candidate", "approved"),
    ("candidate", "rejected"),
    ("approved", "suspended"),
    ("approved", "terminated"),
    ("suspended", "approved"),
    ("suspended", "terminated"),
];

#[tokio::test]
async fn every_transition_follows_the_table() {
    let app = spawn_app().await;
    for from in STATUSES {
        for to in STATUSES {
            let before = consignee_in_status(&app, &format!("{from} to {to}"), from).await;
            let path = format!("/api/v1/consignees/{}/status", before["id"].as_str().unwrap());
            if to == "approved" && ALLOWED.contains(&(from, to)) {
                let kind = if from == "candidate" { "selection" } else { "ad_hoc" };
                completed_review(&app, before["id"].as_str().unwrap(), kind, "satisfactory").await;
            }
            let before = app.get_json(&format!("/api/v1/consignees/{}", before["id"].as_str().unwrap())).await.1;
            let (code, body) =
                app.post_json(&path, "privacy_officer", &json!({"status": to, "reason": "review"})).await;
            let (_, after) = app.get_json(&format!("/api/v1/consignees/{}", before["id"].as_str().unwrap())).await;
            if ALLOWED.contains(&(from, to)) {
                assert_eq!(code, 200, "{from} -> {to}: {body}");
                assert_eq!(after["status"], to);
                assert_eq!(after["status_reason"], "review");
                assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
                assert!(after["status_changed_at"].is_string());
            } else {
                assert_eq!(code, 409, "{from} -> {to}: {body}");
                let detail = body["detail"].as_str().unwrap();
                assert!(detail.contains(from) && detail.contains(to), "{detail}");
                assert_eq!(after, before, "{from} -> {to} changed nothing");
            }
        }
    }
}

#[tokio::test]
async fn a_status_change_needs_a_known_status_and_a_reason() {
    let app = spawn_app().await;
    let before = consignee_in_status(&app, "Reasonless KK", "candidate").await;
    let path = format!("/api/v1/consignees/{}/status", before["id"].as_str().unwrap());
    for (body, field) in [
        (json!({"status": "approved"}), "reason"),
        (json!({"status": "approved", "reason": ""}), "reason"),
        (json!({"status": "promoted", "reason": "x"}), "status"),
        (json!({"reason": "x"}), "status"),
    ] {
        let (code, problem): (u16, Value) = app.post_json(&path, "privacy_officer", &body).await;
        assert_eq!(code, 422, "{body}");
        assert_eq!(error_fields(&problem), [field], "{body}");
    }
    let (_, after) = app.get_json(&format!("/api/v1/consignees/{}", before["id"].as_str().unwrap())).await;
    assert_eq!(after, before);
}
