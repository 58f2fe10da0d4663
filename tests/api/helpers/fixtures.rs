//! Records made through the API, so a tightened rule changes one helper, not every test.

use serde_json::{json, Value};

use super::TestApp;

/// A valid corporate number made from `seed` (12 digits plus the computed check digit).
pub fn corporate_number(seed: u64) -> String {
    let body = format!("{:012}", seed % 1_000_000_000_000);
    let sum: u32 =
        body.chars().rev().enumerate().map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 1 } else { 2 }).sum();
    format!("{}{body}", 9 - sum % 9)
}

/// A complete, valid create body.
pub fn consignee_body(legal_name: &str) -> Value {
    json!({
        "legal_name": legal_name,
        "name_kana": "サンプルブツリュウ",
        "name_en": "Sample Logistics",
        "country": "JP",
        "address": "東京都中央区日本橋2-7-1",
        "contact": {"name": "山田 太郎", "email": "privacy@example.co.jp", "phone": "+81-3-1234-5678"},
        "risk_tier": "high",
        "notes": "ships course materials"
    })
}

/// Creates a consignee from `body` as procurement; panics unless 201.
pub async fn create_consignee_from(app: &TestApp, body: &Value) -> Value {
    let (status, created) = app.post_json("/api/v1/consignees", "procurement", body).await;
    assert_eq!(status, 201, "create failed: {created}");
    created
}

/// Creates a candidate consignee named `legal_name`.
pub async fn create_consignee(app: &TestApp, legal_name: &str) -> Value {
    create_consignee_from(app, &consignee_body(legal_name)).await
}

/// Moves a consignee to `status` as the privacy officer; panics unless 200.
pub async fn set_status(app: &TestApp, id: &str, status: &str) -> Value {
    let path = format!("/api/v1/consignees/{id}/status");
    let body = json!({"status": status, "reason": format!("test moves it to {status}")});
    let (code, changed) = app.post_json(&path, "privacy_officer", &body).await;
    assert_eq!(code, 200, "status change to {status} failed: {changed}");
    changed
}

/// A consignee that is in `status`, reached along allowed transitions.
pub async fn consignee_in_status(app: &TestApp, legal_name: &str, status: &str) -> Value {
    let created = create_consignee(app, legal_name).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path: &[&str] = match status {
        "candidate" => &[],
        "approved" => &["approved"],
        "rejected" => &["rejected"],
        "suspended" => &["approved", "suspended"],
        "terminated" => &["approved", "terminated"],
        other => panic!("unknown status {other}"),
    };
    let mut current = created;
    for step in path {
        current = set_status(app, &id, step).await;
    }
    current
}

/// An approved consignee, ready to have data entrusted to it.
pub async fn approved_consignee(app: &TestApp, legal_name: &str) -> Value {
    consignee_in_status(app, legal_name, "approved").await
}
