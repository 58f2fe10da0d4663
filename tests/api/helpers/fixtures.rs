//! Records made through the API, so a tightened rule changes one helper, not every test.

use serde_json::{json, Value};

use super::TestApp;

/// A valid corporate number made from `seed` (12 digits plus the computed check digit).
pub fn corporate_number(seed: u64) -> String {
    consignee_registry::domain::corporate_number::with_check_digit(seed)
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

/// Answers to every active checklist item: `yes` to each.
pub async fn all_answers(app: &TestApp) -> Value {
    let (status, page) = app.get_json("/api/v1/review-checklist-items?retired=false&limit=200").await;
    assert_eq!(status, 200, "checklist: {page}");
    let answers: Vec<Value> =
        page["items"].as_array().unwrap().iter().map(|i| json!({"item": i["code"], "answer": "yes"})).collect();
    Value::Array(answers)
}

/// Creates an open review of `kind` of consignee `id` as the privacy officer; panics unless 201.
pub async fn open_review(app: &TestApp, id: &str, kind: &str) -> Value {
    let body = json!({"kind": kind, "method": "questionnaire", "scheduled_for": "2026-04-10"});
    let (status, review) = app.post_json(&format!("/api/v1/consignees/{id}/reviews"), "privacy_officer", &body).await;
    assert_eq!(status, 201, "review create failed: {review}");
    review
}

/// Completes review `id` with `outcome` (every item answered, performed on `performed_on` or today).
pub async fn complete_review(app: &TestApp, id: &str, outcome: &str, performed_on: Option<&str>) -> Value {
    let mut body = json!({"outcome": outcome, "answers": all_answers(app).await});
    if let Some(day) = performed_on {
        body["performed_on"] = json!(day);
    }
    let (status, review) = app.post_json(&format!("/api/v1/reviews/{id}/complete"), "privacy_officer", &body).await;
    assert_eq!(status, 200, "review completion failed: {review}");
    review
}

/// A completed review of `kind` with `outcome` of consignee `id`.
pub async fn completed_review(app: &TestApp, id: &str, kind: &str, outcome: &str) -> Value {
    let review = open_review(app, id, kind).await;
    complete_review(app, review["id"].as_str().unwrap(), outcome, None).await
}

/// Moves a consignee to `status` as the privacy officer; panics unless 200. An approval is
/// preceded by the passing review it needs (a selection review for a candidate, an ad-hoc review
/// after a suspension).
pub async fn set_status(app: &TestApp, id: &str, status: &str) -> Value {
    if status == "approved" {
        let (_, current) = app.get_json(&format!("/api/v1/consignees/{id}")).await;
        let kind = if current["status"] == "candidate" { "selection" } else { "ad_hoc" };
        completed_review(app, id, kind, "satisfactory").await;
    }
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

/// A real PDF (header, catalog, one page, trailer marker) padded with comment lines to about `size` bytes.
pub fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        .to_vec();
    let mut n: u32 = 0x9e37_79b9;
    while bytes.len() + 65 + 6 <= size {
        n ^= n << 13;
        n ^= n >> 17;
        n ^= n << 5;
        bytes.push(b'%');
        bytes.extend((0..63u32).map(|i| b' ' + (n.rotate_left(i) % 94) as u8));
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// The codes of the clauses required today.
pub async fn required_clauses(app: &TestApp) -> Vec<String> {
    let (status, page) = app.get_json("/api/v1/clause-templates?retired=false&limit=200").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap().to_owned()).collect()
}

/// Terms with everything signing needs but the document: both parties' signatories, dates, and
/// every required clause included (incident notification within 24 hours). The first term ends
/// 2027-03-31 and renews yearly, so it stays in force whatever the real date.
pub async fn memorandum_body(app: &TestApp, title: &str) -> Value {
    let clauses: Vec<Value> = required_clauses(app)
        .await
        .into_iter()
        .enumerate()
        .map(|(i, code)| {
            let hours = (code == "incident_notification").then_some(24);
            json!({"code": code, "included": true, "reference": format!("Art. {}", i + 1), "notify_within_hours": hours})
        })
        .collect();
    json!({
        "title": title,
        "signed_on": "2025-03-25",
        "effective_from": "2025-04-01",
        "expires_on": "2027-03-31",
        "auto_renewal": {"term_months": 12, "notice_days": 90},
        "signatories": [
            {"name": "鈴木 一郎", "title": "総務部長", "party": "company"},
            {"name": "佐藤 花子", "title": "代表取締役", "party": "consignee"}
        ],
        "clauses": clauses,
    })
}

/// `body` as a fixed-term memorandum ending on `expires_on` (no auto-renewal).
pub fn fixed_term(mut body: Value, expires_on: &str) -> Value {
    body["expires_on"] = json!(expires_on);
    body.as_object_mut().unwrap().remove("auto_renewal");
    body
}

/// Records a memorandum from `body` for `consignee_id` as procurement; panics unless 201.
pub async fn create_memorandum(app: &TestApp, consignee_id: &str, body: &Value) -> Value {
    let (status, created) =
        app.post_json(&format!("/api/v1/consignees/{consignee_id}/memoranda"), "procurement", body).await;
    assert_eq!(status, 201, "memorandum create failed: {created}");
    created
}

/// Uploads `bytes` as the memorandum's PDF; returns the response.
pub async fn upload_pdf(app: &TestApp, memorandum_id: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.request(reqwest::Method::PUT, &format!("/api/v1/memoranda/{memorandum_id}/document"), "procurement")
        .header("content-type", "application/pdf")
        .header("content-disposition", "attachment; filename=\"memorandum.pdf\"")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// A draft for `consignee_id` with everything signing needs, including the signed PDF.
pub async fn ready_memorandum(app: &TestApp, consignee_id: &str, body: &Value) -> Value {
    let created = create_memorandum(app, consignee_id, body).await;
    let id = created["id"].as_str().unwrap();
    let uploaded = upload_pdf(app, id, pdf(4096)).await;
    assert_eq!(uploaded.status(), 200, "upload failed: {}", uploaded.text().await.unwrap());
    created
}

/// Signs memorandum `id`; panics unless 200.
pub async fn sign_memorandum(app: &TestApp, id: &str) -> Value {
    let (status, signed) = app.post_json(&format!("/api/v1/memoranda/{id}/sign"), "procurement", &Value::Null).await;
    assert_eq!(status, 200, "sign failed: {signed}");
    signed
}

/// A signed memorandum from `body` for `consignee_id`.
pub async fn signed_memorandum_from(app: &TestApp, consignee_id: &str, body: &Value) -> Value {
    let ready = ready_memorandum(app, consignee_id, body).await;
    sign_memorandum(app, ready["id"].as_str().unwrap()).await
}

/// A signed, complete memorandum for `consignee_id`, in force from 2025-04-01 and renewing yearly.
pub async fn signed_memorandum(app: &TestApp, consignee_id: &str) -> Value {
    let body = memorandum_body(app, "個人情報の取扱いに関する覚書").await;
    signed_memorandum_from(app, consignee_id, &body).await
}

/// An approved consignee with a signed memorandum in force.
pub async fn approved_consignee_with_memorandum(app: &TestApp, legal_name: &str) -> (Value, Value) {
    let consignee = approved_consignee(app, legal_name).await;
    let memorandum = signed_memorandum(app, consignee["id"].as_str().unwrap()).await;
    (consignee, memorandum)
}

/// A valid entrustment under `memorandum_id`: contact details and course applications since 2025-04-01.
pub fn entrustment_body(memorandum_id: &str) -> Value {
    json!({
        "memorandum_id": memorandum_id,
        "categories": ["contact_details", "course_applications"],
        "purpose": "講座教材の発送",
        "data_subjects": ["course participants"],
        "approx_records": 12000,
        "cross_border": [],
        "responsible_department": "教育事業部",
        "responsible_person": "山田 太郎",
        "started_on": "2025-04-01"
    })
}

/// Entrusts data to `consignee_id` from `body` as procurement; panics unless 201.
pub async fn create_entrustment(app: &TestApp, consignee_id: &str, body: &Value) -> Value {
    let path = format!("/api/v1/consignees/{consignee_id}/entrustments");
    let (status, created) = app.post_json(&path, "procurement", body).await;
    assert_eq!(status, 201, "entrustment create failed: {created}");
    created
}

/// An approved consignee with a signed memorandum and an active entrustment of contact details
/// and course applications: (consignee, memorandum, entrustment).
pub async fn entrusted_consignee(app: &TestApp, legal_name: &str) -> (Value, Value, Value) {
    let (consignee, memorandum) = approved_consignee_with_memorandum(app, legal_name).await;
    let body = entrustment_body(memorandum["id"].as_str().unwrap());
    let entrustment = create_entrustment(app, consignee["id"].as_str().unwrap(), &body).await;
    (consignee, memorandum, entrustment)
}

/// Ends entrustment `id` on `ended_on`; panics unless 200.
pub async fn end_entrustment(app: &TestApp, id: &str, ended_on: &str) -> Value {
    let path = format!("/api/v1/entrustments/{id}/end");
    let (status, ended) = app.post_json(&path, "procurement", &json!({"ended_on": ended_on})).await;
    assert_eq!(status, 200, "end failed: {ended}");
    ended
}

/// A sub-consignment receiving `categories`, consented on 2025-05-01.
pub fn sub_consignment_body(name: &str, categories: &[&str]) -> Value {
    json!({
        "name": name,
        "country": "JP",
        "categories": categories,
        "purpose": "配送",
        "consent": {"consented_on": "2025-05-01", "consented_by": "個人情報保護管理者", "reference": "承諾書 2025-01"}
    })
}
