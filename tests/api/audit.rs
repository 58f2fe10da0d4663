//! The audit trail: every change recorded in its transaction, hash-chained, verifiable, redactable.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{approved_consignee, consignee_in_status, create_consignee};
use crate::helpers::{problem, spawn_app, TestApp};

async fn events(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, page) = app.get_json(&format!("/api/v1/audit/events?limit=200&{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn verify(app: &TestApp) -> Value {
    let (status, report) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(status, 200);
    report
}

async fn tamper(app: &TestApp, sql: &'static str) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        db.get_blocking().unwrap().batch_execute(sql).unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn every_change_is_recorded_with_who_what_and_the_request() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/v1/consignees", "procurement")
        .json(&json!({"legal_name": "Audited KK", "contact": {"email": "a@example.jp"}}))
        .send()
        .await
        .unwrap();
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/consignees/{id}");
    app.patch_json(&path, "procurement", &json!({"notes": "first note", "risk_tier": "high"})).await;
    app.patch_json(&path, "procurement", &json!({"notes": "first note"})).await;
    app.post_json(&format!("{path}/status"), "privacy_officer", &json!({"status": "rejected", "reason": "no P-mark"}))
        .await;
    let trail = events(&app, &format!("resource_id={id}")).await;
    let actions: Vec<&str> = trail.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["consignee.created", "consignee.updated", "consignee.status_changed"],
        "a no-op patch records nothing"
    );
    assert_eq!(trail[0]["actor"], "tester-procurement");
    assert_eq!(trail[0]["actor_role"], "procurement");
    assert_eq!(trail[0]["request_id"], request_id.as_str());
    assert_eq!(trail[0]["consignee_id"], id);
    assert_eq!(trail[0]["changes"]["after"]["contact"]["email"], "a@example.jp");
    assert_eq!(
        trail[1]["changes"],
        json!({"before": {"notes": null, "risk_tier": "medium"}, "after": {"notes": "first note", "risk_tier": "high"}})
    );
    assert_eq!(trail[2]["actor_role"], "privacy_officer");
    assert_eq!(
        trail[2]["changes"],
        json!({"before": {"status": "candidate", "status_reason": null}, "after": {"status": "rejected", "status_reason": "no P-mark"}})
    );
    let other = create_consignee(&app, "Deleted KK").await;
    let other_id = other["id"].as_str().unwrap();
    app.request(Method::DELETE, &format!("/api/v1/consignees/{other_id}"), "procurement").send().await.unwrap();
    let deleted = events(&app, &format!("resource_id={other_id}&action=consignee.deleted")).await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["changes"]["before"]["legal_name"], "Deleted KK");
    let report = verify(&app).await;
    assert_eq!(report["valid"], true);
    assert_eq!(report["events_checked"], 5);
}

#[tokio::test]
async fn parallel_writers_never_fork_the_chain_or_leave_gaps() {
    let app = spawn_app().await;
    let mut writers = Vec::new();
    for w in 0..8 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/consignees", app.address);
        let bearer = crate::helpers::token(&format!("writer-{w}"), "procurement");
        writers.push(tokio::spawn(async move {
            for i in 0..10 {
                let body = json!({"legal_name": format!("Parallel {w}-{i}")});
                let status = client.post(&url).bearer_auth(&bearer).json(&body).send().await.unwrap().status();
                assert_eq!(status, 201);
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let trail = events(&app, "").await;
    let seqs: Vec<i64> = trail.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=80).collect::<Vec<_>>());
    for pair in trail.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    let report = verify(&app).await;
    assert_eq!((report["valid"].clone(), report["events_checked"].clone()), (json!(true), json!(80)));
    assert_eq!(report["head_hash"], trail[79]["hash"]);
}

#[tokio::test]
async fn tampering_is_found_at_exactly_the_changed_event() {
    let app = spawn_app().await;
    for name in ["One KK", "Two KK", "Three KK"] {
        create_consignee(&app, name).await;
    }
    tamper(&app, "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2").await;
    let report = verify(&app).await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["first_broken_seq"], 2);
    let output = app.cli(&["audit", "verify"]);
    assert!(!output.status.success(), "the CLI exits non-zero on a broken chain");
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["first_broken_seq"], 2);
    tamper(&app, "UPDATE audit_events SET actor = 'tester-procurement' WHERE seq = 2").await;
    assert_eq!(verify(&app).await["valid"], true, "restoring the row restores the chain");
    tamper(&app, "UPDATE audit_events SET changes = '{\"after\":{}}' WHERE seq = 3").await;
    let report = verify(&app).await;
    assert_eq!(report["first_broken_seq"], 3);
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("changes"));
}

#[tokio::test]
async fn erasing_changes_behind_the_apis_back_is_found() {
    let app = spawn_app().await;
    for name in ["One KK", "Two KK", "Three KK"] {
        create_consignee(&app, name).await;
    }
    let (status, _) = app.post_json("/api/v1/audit/events/1/redact", "admin", &json!({"reason": "erasure"})).await;
    assert_eq!(status, 200);
    assert_eq!(verify(&app).await["valid"], true, "a recorded redaction explains the erasure");
    tamper(&app, "UPDATE audit_events SET changes = NULL WHERE seq = 2").await;
    let report = verify(&app).await;
    assert_eq!(report["first_broken_seq"], 2);
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("without a recorded redaction"));
    let (again, _) = app.post_json("/api/v1/audit/events/4/redact", "admin", &json!({"reason": "x"})).await;
    assert_eq!(again, 409, "a redaction record is not redactable");
}

#[tokio::test]
async fn redaction_erases_personal_data_and_the_chain_still_verifies() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Personal KK").await;
    let seq = events(&app, "").await[0]["seq"].as_i64().unwrap();
    let path = format!("/api/v1/audit/events/{seq}/redact");
    let (status, redacted) = app.post_json(&path, "admin", &json!({"reason": "erasure request 2026-031"})).await;
    assert_eq!(status, 200, "{redacted}");
    assert_eq!(redacted["changes"], Value::Null);
    assert_eq!(redacted["redaction"]["reason"], "erasure request 2026-031");
    assert_eq!(redacted["redaction"]["by"], "tester-admin");
    assert!(!redacted.to_string().contains("privacy@example.co.jp"));
    let trail = events(&app, "").await;
    assert_eq!(trail.last().unwrap()["action"], "audit_event.redacted");
    assert_eq!(trail.last().unwrap()["consignee_id"], created["id"]);
    assert_eq!(verify(&app).await["valid"], true);
    let (again, _) = app.post_json(&path, "admin", &json!({"reason": "twice"})).await;
    assert_eq!(again, 409);
    let (missing, _) = app.post_json("/api/v1/audit/events/999/redact", "admin", &json!({"reason": "x"})).await;
    assert_eq!(missing, 404);
    let (blank, _) = app.post_json(&path, "admin", &json!({"reason": ""})).await;
    assert_eq!(blank, 422);
}

#[tokio::test]
async fn events_are_filtered_paged_and_exported() {
    let app = spawn_app().await;
    let a = consignee_in_status(&app, "Filter A KK", "rejected").await;
    create_consignee(&app, "Filter B KK").await;
    assert_eq!(events(&app, "").await.len(), 3);
    assert_eq!(events(&app, "action=consignee.created").await.len(), 2);
    assert_eq!(events(&app, "actor=tester-privacy_officer").await.len(), 1);
    assert_eq!(events(&app, "resource_type=consignee").await.len(), 3);
    assert_eq!(events(&app, &format!("resource_id={}", a["id"].as_str().unwrap())).await.len(), 2);
    assert_eq!(events(&app, "from=2100-01-01T00:00:00Z").await.len(), 0);
    assert_eq!(events(&app, "to=2000-01-01T00:00:00Z").await.len(), 0);
    assert_eq!(events(&app, "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").await.len(), 3);
    let (_, first) = app.get_json("/api/v1/audit/events?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app.get_json(&format!("/api/v1/audit/events?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"][0]["seq"], 3);
    assert_eq!(second["next_cursor"], Value::Null);
    let bad = app.request(Method::GET, "/api/v1/audit/events?from=yesterday", "admin").send().await.unwrap();
    problem(bad, 400).await;
    let export = app.request(Method::GET, "/api/v1/audit/events/export?action=consignee.created", "privacy_officer");
    let export = export.send().await.unwrap();
    assert_eq!(export.status(), 200);
    assert!(export.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = export.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("seq"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1][9].contains("Filter B KK"), "changes column holds the JSON");
}

#[tokio::test]
async fn a_consignee_history_holds_its_own_events_and_the_trail_outlives_deletion() {
    let app = spawn_app().await;
    let mine = approved_consignee(&app, "History KK").await;
    let other = create_consignee(&app, "Other KK").await;
    let (status, page) = app.get_json(&format!("/api/v1/consignees/{}/history", mine["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["consignee.created", "review.created", "review.completed", "consignee.status_changed"]);
    let other_id = other["id"].as_str().unwrap();
    app.request(Method::DELETE, &format!("/api/v1/consignees/{other_id}"), "procurement").send().await.unwrap();
    let gone = app.request(Method::GET, &format!("/api/v1/consignees/{other_id}/history"), "admin");
    problem(gone.send().await.unwrap(), 404).await;
    let kept = events(&app, &format!("consignee_id={other_id}")).await;
    let actions: Vec<&str> = kept.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["consignee.created", "consignee.deleted"], "the trail keeps a deleted candidate's history");
    let unknown = app.request(Method::GET, "/api/v1/consignees/01900000-0000-7000-8000-000000000000/history", "admin");
    problem(unknown.send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn no_api_changes_or_deletes_events() {
    let app = spawn_app().await;
    create_consignee(&app, "Immutable KK").await;
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let response = app.request(method.clone(), "/api/v1/audit/events", "admin").send().await.unwrap();
        problem(response, 405).await;
        let response = app.request(method, "/api/v1/audit/events/1", "admin").send().await.unwrap();
        problem(response, 404).await;
    }
    assert_eq!(events(&app, "").await.len(), 1);
}
