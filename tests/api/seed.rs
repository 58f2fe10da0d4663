//! `seed`: realistic data written through the audited store functions, in which every compliance
//! standing and every memorandum state occurs, reproducible from its seed.

use consignee_registry::seed::{self, SeedOptions};
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp};

async fn seed_into(app: &TestApp, consignees: u64, seed_value: u64) {
    let options = SeedOptions { consignees, seed: seed_value };
    seed::run(&app.db, app.state.supervision(), app.state.clock.now(), options).await.expect("seeding succeeds");
}

async fn names(app: &TestApp) -> Vec<Value> {
    let (status, page) = app.get_json("/api/v1/consignees?limit=200").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|c| c["legal_name"].clone()).collect()
}

#[tokio::test]
async fn a_small_set_holds_every_standing_status_and_memorandum_state() {
    let app = spawn_app().await;
    seed_into(&app, 12, 1).await;
    let (status, summary) = app.get_json("/api/v1/reports/summary").await;
    assert_eq!(status, 200, "{summary}");
    for standing in ["compliant", "attention", "non_compliant", "not_applicable"] {
        assert!(summary["consignees_by_compliance"][standing].as_u64().unwrap() > 0, "no {standing}: {summary}");
    }
    for state in ["candidate", "approved", "rejected", "suspended", "terminated"] {
        assert!(summary["consignees_by_status"][state].as_u64().unwrap() > 0, "no {state} consignee: {summary}");
    }
    assert!(summary["reviews_overdue"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["open_findings_by_severity"].as_object().unwrap().values().any(|n| n.as_u64() > Some(0)));
    for state in ["draft", "signed", "expired", "terminated"] {
        let (code, page) = app.get_json(&format!("/api/v1/memoranda?status={state}")).await;
        assert_eq!(code, 200, "{page}");
        assert!(!page["items"].as_array().unwrap().is_empty(), "no {state} memorandum");
    }
    let (code, certifications) = app.get_json("/api/v1/certifications?limit=200").await;
    assert_eq!(code, 200);
    assert!(certifications["items"].as_array().unwrap().iter().any(|c| c["expired"] == true), "{certifications}");
}

#[tokio::test]
async fn every_seeded_record_is_in_a_verifying_audit_trail() {
    let app = spawn_app().await;
    seed_into(&app, 12, 3).await;
    let (status, report) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(status, 200);
    assert_eq!(report["valid"], true, "{report}");
    let (_, events) = app.get_json("/api/v1/audit/events?actor=seed&action=memorandum.signed&limit=200").await;
    assert!(!events["items"].as_array().unwrap().is_empty(), "signing is audited like any other: {events}");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_register_and_a_second_run_adds_to_it() {
    let (first, second) = (spawn_app().await, spawn_app().await);
    seed_into(&first, 15, 42).await;
    seed_into(&second, 15, 42).await;
    assert_eq!(names(&first).await, names(&second).await);
    // Numbered on from what is stored: no corporate number is taken twice (409 would fail it).
    seed_into(&first, 15, 42).await;
    assert_eq!(names(&first).await.len(), 30);
}

#[tokio::test]
async fn the_demo_command_fills_the_configured_database() {
    let app = spawn_app().await;
    let output = app.cli(&["seed", "--demo"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("added 30 consignees"));
    assert_eq!(names(&app).await.len(), 30);
    let refused = app.cli(&["seed", "--demo", "--consignees", "5"]);
    assert!(!refused.status.success(), "--demo takes no count");
}
