//! Every operation in the OpenAPI document, called with every role: the least role that may
//! call it is written down here, so an operation added without a rule fails this test. Allowed
//! roles get the documented success status; the others 403; no token 401.

use reqwest::Method;
use serde_json::Value;

use consignee_registry::openapi;

use crate::helpers::fixtures::{
    all_answers, approved_consignee_with_memorandum, completed_review, create_consignee, create_memorandum,
    end_entrustment, entrusted_consignee, memorandum_body, open_review, pdf, ready_memorandum, signed_memorandum_from,
    sub_consignment_body,
};
use crate::helpers::{spawn_app, token, TestApp};

const ROLES: [&str; 4] = ["viewer", "procurement", "privacy_officer", "admin"];

/// (method, path, least role, a valid body); `public` needs no token.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    ("GET", "/healthz", "public", ""),
    ("GET", "/readyz", "public", ""),
    ("GET", "/metrics", "public", ""),
    ("GET", "/api/v1/auth/me", "viewer", ""),
    ("GET", "/api/v1/auth/revocations", "admin", ""),
    ("POST", "/api/v1/auth/revocations", "admin", r#"{"scope": "token", "value": "matrix-jti", "reason": "matrix"}"#),
    ("GET", "/api/v1/audit/events", "privacy_officer", ""),
    ("GET", "/api/v1/audit/events/export", "privacy_officer", ""),
    ("POST", "/api/v1/audit/events/{seq}/redact", "admin", r#"{"reason": "matrix"}"#),
    ("GET", "/api/v1/audit/verify", "admin", ""),
    ("GET", "/api/v1/audit/checkpoints", "privacy_officer", ""),
    ("POST", "/api/v1/audit/checkpoints", "admin", ""),
    ("GET", "/api/v1/audit/checkpoints/{id}", "privacy_officer", ""),
    ("GET", "/api/v1/audit/public-keys", "privacy_officer", ""),
    ("GET", "/api/v1/consignees", "viewer", ""),
    ("POST", "/api/v1/consignees", "procurement", r#"{"legal_name": "Matrix KK"}"#),
    ("GET", "/api/v1/consignees/{id}", "viewer", ""),
    ("PUT", "/api/v1/consignees/by-ref/{external_ref}", "procurement", r#"{"legal_name": "Matrix sync KK"}"#),
    ("PUT", "/api/v1/consignees/{id}/memoranda/by-ref/{external_ref}", "procurement", r#"{"title": "Matrix sync"}"#),
    ("PATCH", "/api/v1/consignees/{id}", "procurement", r#"{"notes": "matrix"}"#),
    ("DELETE", "/api/v1/consignees/{id}", "procurement", ""),
    ("POST", "/api/v1/consignees/{id}/status", "privacy_officer", r#"{"status": "approved", "reason": "matrix"}"#),
    ("GET", "/api/v1/consignees/{id}/history", "privacy_officer", ""),
    ("GET", "/api/v1/consignees/{id}/compliance", "viewer", ""),
    ("GET", "/api/v1/reports/compliance", "viewer", ""),
    ("GET", "/api/v1/reports/compliance/trend", "viewer", ""),
    ("GET", "/api/v1/reports/summary", "viewer", ""),
    ("GET", "/api/v1/reports/ledger", "viewer", ""),
    ("POST", "/api/v1/consignees/import", "procurement", "legal_name\nMatrix import KK\n"),
    ("POST", "/api/v1/consignees/{id}/memoranda", "procurement", r#"{"title": "Matrix memorandum"}"#),
    ("GET", "/api/v1/consignees/{id}/memoranda", "viewer", ""),
    ("GET", "/api/v1/memoranda", "viewer", ""),
    ("GET", "/api/v1/memoranda/{id}", "viewer", ""),
    ("PATCH", "/api/v1/memoranda/{id}", "procurement", r#"{"notes": "matrix"}"#),
    ("POST", "/api/v1/memoranda/{id}/sign", "procurement", ""),
    (
        "POST",
        "/api/v1/memoranda/{id}/terminate",
        "procurement",
        r#"{"terminated_on": "2026-01-01", "reason": "matrix"}"#,
    ),
    ("PUT", "/api/v1/memoranda/{id}/document", "procurement", "%PDF-1.7\n%%EOF\n"),
    ("GET", "/api/v1/memoranda/{id}/document", "viewer", ""),
    ("GET", "/api/v1/clause-templates", "viewer", ""),
    (
        "POST",
        "/api/v1/clause-templates",
        "admin",
        r#"{"code": "matrix_clause", "title": "Matrix", "description": "matrix"}"#,
    ),
    ("GET", "/api/v1/clause-templates/{code}", "viewer", ""),
    ("PATCH", "/api/v1/clause-templates/{code}", "admin", r#"{"description": "matrix"}"#),
    ("GET", "/api/v1/data-categories", "viewer", ""),
    ("POST", "/api/v1/data-categories", "admin", r#"{"code": "matrix_category", "name": "Matrix"}"#),
    ("GET", "/api/v1/data-categories/{code}", "viewer", ""),
    ("PATCH", "/api/v1/data-categories/{code}", "admin", r#"{"description": "matrix"}"#),
    ("GET", "/api/v1/data-categories/{code}/holders", "viewer", ""),
    ("POST", "/api/v1/consignees/{id}/entrustments", "procurement", ENTRUSTMENT),
    ("GET", "/api/v1/consignees/{id}/entrustments", "viewer", ""),
    ("GET", "/api/v1/entrustments", "viewer", ""),
    ("GET", "/api/v1/entrustments/{id}", "viewer", ""),
    ("PATCH", "/api/v1/entrustments/{id}", "procurement", r#"{"notes": "matrix"}"#),
    ("POST", "/api/v1/entrustments/{id}/end", "procurement", r#"{"ended_on": "2026-06-30"}"#),
    ("POST", "/api/v1/entrustments/{id}/confirm-deletion", "procurement", r#"{"deletion_confirmed_on": "2026-07-01"}"#),
    ("POST", "/api/v1/entrustments/{id}/sub-consignments", "procurement", SUB_CONSIGNMENT),
    ("GET", "/api/v1/entrustments/{id}/sub-consignments", "viewer", ""),
    ("PUT", "/api/v1/entrustments/{id}/deletion-certificate", "procurement", "%PDF-1.7\n%%EOF\n"),
    ("GET", "/api/v1/entrustments/{id}/deletion-certificate", "viewer", ""),
    ("GET", "/api/v1/sub-consignments/{id}", "viewer", ""),
    ("PATCH", "/api/v1/sub-consignments/{id}", "procurement", r#"{"purpose": "matrix"}"#),
    ("GET", "/api/v1/review-checklist-items", "viewer", ""),
    (
        "POST",
        "/api/v1/review-checklist-items",
        "admin",
        r#"{"code": "matrix_item", "category": "technical", "text": "matrix"}"#,
    ),
    ("GET", "/api/v1/review-checklist-items/{code}", "viewer", ""),
    ("PATCH", "/api/v1/review-checklist-items/{code}", "admin", r#"{"text": "matrix"}"#),
    (
        "POST",
        "/api/v1/consignees/{id}/reviews",
        "privacy_officer",
        r#"{"kind": "selection", "method": "questionnaire"}"#,
    ),
    ("GET", "/api/v1/consignees/{id}/reviews", "viewer", ""),
    ("GET", "/api/v1/reviews", "viewer", ""),
    ("GET", "/api/v1/reviews/due", "viewer", ""),
    ("GET", "/api/v1/reviews/{id}", "viewer", ""),
    ("PATCH", "/api/v1/reviews/{id}", "privacy_officer", r#"{"summary": "matrix"}"#),
    ("POST", "/api/v1/reviews/{id}/complete", "privacy_officer", COMPLETION),
    ("POST", "/api/v1/reviews/{id}/documents", "privacy_officer", "%PDF-1.7\n%%EOF\n"),
    ("GET", "/api/v1/reviews/{id}/documents/{sha256}", "viewer", ""),
    ("POST", "/api/v1/reviews/{id}/findings", "privacy_officer", r#"{"severity": "low", "description": "matrix"}"#),
    ("GET", "/api/v1/reviews/{id}/findings", "viewer", ""),
    ("GET", "/api/v1/findings", "viewer", ""),
    ("GET", "/api/v1/findings/{id}", "viewer", ""),
    ("PATCH", "/api/v1/findings/{id}", "privacy_officer", r#"{"description": "matrix"}"#),
    ("POST", "/api/v1/consignees/{id}/certifications", "procurement", CERTIFICATION),
    ("GET", "/api/v1/consignees/{id}/certifications", "viewer", ""),
    ("GET", "/api/v1/certifications", "viewer", ""),
    ("GET", "/api/v1/certifications/{id}", "viewer", ""),
    ("PATCH", "/api/v1/certifications/{id}", "procurement", r#"{"scope": "matrix"}"#),
    ("PUT", "/api/v1/certifications/{id}/document", "procurement", "%PDF-1.7\n%%EOF\n"),
    ("GET", "/api/v1/certifications/{id}/document", "viewer", ""),
    ("POST", "/api/v1/consignees/{id}/incidents", "procurement", INCIDENT),
    ("GET", "/api/v1/consignees/{id}/incidents", "viewer", ""),
    ("GET", "/api/v1/incidents", "viewer", ""),
    ("GET", "/api/v1/incidents/{id}", "viewer", ""),
    ("PATCH", "/api/v1/incidents/{id}", "privacy_officer", r#"{"suspected": true}"#),
    ("POST", "/api/v1/incidents/{id}/close", "privacy_officer", r#"{"containment": "matrix", "root_cause": "matrix"}"#),
    ("GET", "/api/v1/incidents/{id}/ppc-report", "viewer", ""),
    ("POST", "/api/v1/incidents/{id}/documents", "procurement", "%PDF-1.7\n%%EOF\n"),
    ("GET", "/api/v1/incidents/{id}/documents/{sha256}", "viewer", ""),
    ("GET", "/api/v1/events", "viewer", ""),
    ("GET", "/api/v1/webhooks", "admin", ""),
    ("POST", "/api/v1/webhooks", "admin", r#"{"url": "http://127.0.0.1:9/matrix"}"#),
    ("GET", "/api/v1/webhooks/{id}", "admin", ""),
    ("PATCH", "/api/v1/webhooks/{id}", "admin", r#"{"description": "matrix"}"#),
    ("DELETE", "/api/v1/webhooks/{id}", "admin", ""),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret", "admin", ""),
    ("GET", "/api/v1/webhooks/{id}/deliveries", "admin", ""),
    ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "admin", ""),
    ("POST", "/api/v1/privacy/erasures", "admin", r#"{"reference": "DSR-matrix", "email": "matrix@example.jp"}"#),
    ("GET", "/api/v1/privacy/erasures", "admin", ""),
    ("GET", "/api/v1/privacy/erasures/{id}", "admin", ""),
];

/// A webhook (to a closed port; allowed in tests), with a delivery when the path names one.
async fn webhook_target(app: &TestApp, path: &str) -> Option<String> {
    if !path.starts_with("/api/v1/webhooks/{id}") {
        return None;
    }
    let body = serde_json::json!({"url": "http://127.0.0.1:9/matrix", "event_types": ["consignee.created"]});
    let (status, created) = app.post_json("/api/v1/webhooks", "admin", &body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["webhook"]["id"].as_str().unwrap().to_owned();
    let mut url = path.replace("{id}", &id);
    if path.contains("{delivery_id}") {
        create_consignee(app, "Matrix webhook KK").await;
        let (_, deliveries) = app.get_json(&format!("/api/v1/webhooks/{id}/deliveries")).await;
        url = url.replace("{delivery_id}", deliveries["items"][0]["id"].as_str().unwrap());
    }
    Some(url)
}

/// A consignee (or a consignee's draft memorandum) synced once by a fresh external reference, so
/// the call under test updates it.
async fn synced_target(app: &TestApp, path: &str) -> String {
    let reference = format!("m-{}", uuid::Uuid::now_v7().simple());
    let (url, body) = if path.contains("/memoranda/") {
        let consignee = create_consignee(app, &format!("Matrix {path}")).await;
        let url = path.replace("{id}", consignee["id"].as_str().unwrap());
        (url, serde_json::json!({"title": "Matrix sync before"}))
    } else {
        (path.to_owned(), serde_json::json!({"legal_name": "Matrix sync before KK"}))
    };
    let url = url.replace("{external_ref}", &reference);
    let created = app.request(Method::PUT, &url, "procurement").json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    url
}

/// An incident that is not reportable, so it closes with containment and root cause alone.
const INCIDENT: &str = r#"{"kind": "loss", "description": "matrix", "company_aware_at": "2026-01-05T00:00:00Z"}"#;

/// An incident (with a document to download).
async fn incident_target(app: &TestApp, path: &str) -> Option<String> {
    if !path.starts_with("/api/v1/incidents/{") {
        return None;
    }
    let consignee = create_consignee(app, &format!("Matrix {path}")).await;
    let url = format!("/api/v1/consignees/{}/incidents", consignee["id"].as_str().unwrap());
    let (status, incident) = app.post_json(&url, "procurement", &serde_json::from_str(INCIDENT).unwrap()).await;
    assert_eq!(status, 201, "{incident}");
    let id = incident["id"].as_str().unwrap();
    let mut url = path.replace("{id}", id);
    if path.ends_with("{sha256}") {
        let document = upload_pdf_to(app, Method::POST, &format!("/api/v1/incidents/{id}/documents")).await;
        url = url.replace("{sha256}", document["sha256"].as_str().unwrap());
    }
    Some(url)
}

/// The review's answers are set beforehand (the checklist may have grown during the run).
const COMPLETION: &str = r#"{"outcome": "satisfactory"}"#;
const CERTIFICATION: &str =
    r#"{"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-04-01", "expires_on": "2027-03-31"}"#;

/// `{memorandum}` is replaced by the memorandum of the consignee the call targets.
const ENTRUSTMENT: &str = r#"{"memorandum_id": "{memorandum}", "categories": ["contact_details"], "purpose": "matrix", "started_on": "2025-04-01"}"#;
const SUB_CONSIGNMENT: &str = r#"{"name": "Matrix sub", "country": "JP", "categories": ["contact_details"], "purpose": "matrix",
    "consent": {"consented_on": "2025-05-01", "consented_by": "matrix"}}"#;

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap()
}

/// The one success status the document gives the operation.
/// The one documented success status; a sync by reference (200 updated, 201 created) is called
/// on a resource that exists, so 200.
fn documented_success(op: &Value) -> u16 {
    let mut codes: Vec<u16> =
        op["responses"].as_object().unwrap().keys().filter_map(|c| c.parse().ok()).filter(|c| *c < 300).collect();
    codes.sort();
    assert!(codes.len() == 1 || codes == [200, 201], "one success status: {codes:?}");
    codes[0]
}

/// A memorandum in the state the operation at `path` needs (signed to terminate, ready to sign,
/// with a document to download, a draft otherwise).
async fn memorandum_for(app: &TestApp, consignee_id: &str, method: &str, path: &str) -> String {
    let body = memorandum_body(app, "Matrix memorandum").await;
    let memorandum = match (method, path.rsplit('/').next().unwrap()) {
        (_, "terminate") => signed_memorandum_from(app, consignee_id, &body).await,
        (_, "sign") | ("GET", "document") => ready_memorandum(app, consignee_id, &body).await,
        _ => create_memorandum(app, consignee_id, &body).await,
    };
    memorandum["id"].as_str().unwrap().to_owned()
}

/// An entrustment in the state the operation at `path` needs (ended to confirm deletion or take a
/// certificate, with a certificate to download one, active otherwise).
async fn entrustment_for(app: &TestApp, method: &str, path: &str) -> String {
    let (_, _, entrustment) = entrusted_consignee(app, &format!("Matrix {path}")).await;
    let id = entrustment["id"].as_str().unwrap().to_owned();
    if path.ends_with("/confirm-deletion") || path.ends_with("/deletion-certificate") {
        end_entrustment(app, &id, "2026-06-30").await;
    }
    if path.ends_with("/deletion-certificate") && method == "GET" {
        let url = format!("/api/v1/entrustments/{id}/deletion-certificate");
        let uploaded =
            app.request(Method::PUT, &url, "procurement").header("content-type", "application/pdf").body(pdf(200));
        assert_eq!(uploaded.send().await.unwrap().status(), 200);
    }
    id
}

/// The URL to call and the memorandum a body may name: a fresh consignee, the seq of its creation
/// event, a checkpoint, a memorandum, an entrustment or a sub-consignment, so every call has its own target.
async fn target(app: &TestApp, method: &str, path: &str) -> (String, String) {
    if path.contains("{external_ref}") {
        return (synced_target(app, path).await, String::new());
    }
    if path.starts_with("/api/v1/entrustments/") {
        return (path.replace("{id}", &entrustment_for(app, method, path).await), String::new());
    }
    if path.starts_with("/api/v1/sub-consignments/") {
        let entrustment = entrustment_for(app, method, path).await;
        let sub = sub_consignment_body("Matrix sub", &["contact_details"]);
        let (_, created) =
            app.post_json(&format!("/api/v1/entrustments/{entrustment}/sub-consignments"), "procurement", &sub).await;
        return (path.replace("{id}", created["id"].as_str().unwrap()), String::new());
    }
    if let Some(url) = supervision_target(app, method, path).await {
        return (url, String::new());
    }
    if let Some(url) = incident_target(app, path).await {
        return (url, String::new());
    }
    if let Some(url) = webhook_target(app, path).await {
        return (url, String::new());
    }
    if path == "/api/v1/privacy/erasures/{id}" {
        let body = serde_json::json!({"reference": "DSR-matrix-target", "name": "Matrix Person"});
        let (status, report) = app.post_json("/api/v1/privacy/erasures", "admin", &body).await;
        assert_eq!(status, 201, "{report}");
        return (path.replace("{id}", report["erasure"]["id"].as_str().unwrap()), String::new());
    }
    if path == "/api/v1/consignees/{id}/entrustments" && method == "POST" {
        let (consignee, memorandum) = approved_consignee_with_memorandum(app, &format!("Matrix {path}")).await;
        let url = path.replace("{id}", consignee["id"].as_str().unwrap());
        return (url, memorandum["id"].as_str().unwrap().to_owned());
    }
    (target_of_register(app, method, path).await, String::new())
}

/// A review (open, or with a document to download), its finding, a certification (with a
/// document to download), a checklist item no review has answered, or a candidate ready for
/// approval.
async fn supervision_target(app: &TestApp, method: &str, path: &str) -> Option<String> {
    if path.starts_with("/api/v1/review-checklist-items/") {
        let code = format!("m{}", uuid::Uuid::now_v7().simple());
        let item = serde_json::json!({"code": code, "category": "technical", "text": "matrix"});
        assert_eq!(app.post_json("/api/v1/review-checklist-items", "admin", &item).await.0, 201);
        return Some(path.replace("{code}", &code));
    }
    let supervised =
        ["/api/v1/reviews/{", "/api/v1/findings/{", "/api/v1/certifications/{", "/api/v1/consignees/{id}/status"];
    if !supervised.iter().any(|start| path.starts_with(start)) {
        return None;
    }
    let consignee = create_consignee(app, &format!("Matrix {path}")).await;
    let consignee_id = consignee["id"].as_str().unwrap();
    if path.ends_with("/status") {
        completed_review(app, consignee_id, "selection", "satisfactory").await;
        return Some(path.replace("{id}", consignee_id));
    }
    if path.starts_with("/api/v1/certifications/") {
        let url = format!("/api/v1/consignees/{consignee_id}/certifications");
        let (_, created) = app.post_json(&url, "procurement", &serde_json::from_str(CERTIFICATION).unwrap()).await;
        let id = created["id"].as_str().unwrap();
        if method == "GET" && path.ends_with("/document") {
            upload_pdf_to(app, Method::PUT, &format!("/api/v1/certifications/{id}/document")).await;
        }
        return Some(path.replace("{id}", id));
    }
    let review = open_review(app, consignee_id, "periodic").await;
    let review_id = review["id"].as_str().unwrap();
    if path.starts_with("/api/v1/findings/") {
        let body = serde_json::json!({"severity": "low", "description": "matrix"});
        let (_, finding) =
            app.post_json(&format!("/api/v1/reviews/{review_id}/findings"), "privacy_officer", &body).await;
        return Some(path.replace("{id}", finding["id"].as_str().unwrap()));
    }
    if path.ends_with("/complete") {
        let answers = serde_json::json!({"answers": all_answers(app).await});
        let (status, _) = app.patch_json(&format!("/api/v1/reviews/{review_id}"), "privacy_officer", &answers).await;
        assert_eq!(status, 200);
    }
    let mut url = path.replace("{id}", review_id);
    if path.ends_with("{sha256}") {
        let document = upload_pdf_to(app, Method::POST, &format!("/api/v1/reviews/{review_id}/documents")).await;
        url = url.replace("{sha256}", document["sha256"].as_str().unwrap());
    }
    Some(url)
}

/// Uploads a small PDF to `url` as the privacy officer; panics unless 200.
async fn upload_pdf_to(app: &TestApp, method: Method, url: &str) -> Value {
    let uploaded = app.request(method, url, "privacy_officer").header("content-type", "application/pdf").body(pdf(200));
    let response = uploaded.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A fresh consignee, the seq of its creation event, a checkpoint or a memorandum.
async fn target_of_register(app: &TestApp, method: &str, path: &str) -> String {
    let consignee = create_consignee(app, &format!("Matrix {path}")).await;
    let id = consignee["id"].as_str().unwrap();
    if path.starts_with("/api/v1/memoranda/") {
        return path.replace("{id}", &memorandum_for(app, id, method, path).await);
    }
    if path.starts_with("/api/v1/clause-templates/") {
        return path.replace("{code}", "confidentiality");
    }
    if path.starts_with("/api/v1/data-categories/") {
        return path.replace("{code}", "contact_details");
    }
    let (_, events) = app.get_json(&format!("/api/v1/audit/events?resource_id={id}")).await;
    let seq = events["items"][0]["seq"].as_i64().unwrap();
    if path.starts_with("/api/v1/audit/checkpoints/") {
        let (_, checkpoint) = app.post_json("/api/v1/audit/checkpoints", "admin", &serde_json::json!(null)).await;
        return path.replace("{id}", checkpoint["id"].as_str().unwrap());
    }
    path.replace("{id}", id).replace("{seq}", &seq.to_string())
}

#[tokio::test]
async fn every_operation_allows_exactly_the_roles_in_the_table() {
    let app = spawn_app().await;
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            let &(_, _, least, body) = EXPECTED
                .iter()
                .find(|(m, p, _, _)| *m == method && p == path)
                .unwrap_or_else(|| panic!("{method} {path} has no row in the role matrix"));
            let success = documented_success(op);
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let call = |(url, memorandum): (String, String), bearer: Option<String>| {
                let mut request = app.client.request(method.clone(), format!("{}{url}", app.address));
                if !body.is_empty() {
                    let pdf =
                        ["/document", "/documents", "/deletion-certificate"].iter().any(|end| path.ends_with(end));
                    let content_type = match (pdf, path.ends_with("/import")) {
                        (true, _) => "application/pdf",
                        (_, true) => "text/csv",
                        _ => "application/json",
                    };
                    request =
                        request.header("content-type", content_type).body(body.replace("{memorandum}", &memorandum));
                }
                if let Some(bearer) = bearer {
                    request = request.bearer_auth(bearer);
                }
                request.send()
            };
            if least == "public" {
                assert_eq!(
                    call((path.clone(), String::new()), None).await.unwrap().status().as_u16(),
                    success,
                    "{method} {path}"
                );
                checked += 1;
                continue;
            }
            let anonymous = call(target(&app, method.as_str(), path).await, None).await.unwrap().status().as_u16();
            assert_eq!(anonymous, 401, "{method} {path} without a token");
            for role in ROLES {
                let url = target(&app, method.as_str(), path).await;
                let response = call(url, Some(token(&format!("matrix-{role}"), role))).await.unwrap();
                let status = response.status().as_u16();
                let expected = if rank(role) >= rank(least) { success } else { 403 };
                assert_eq!(status, expected, "{method} {path} as {role}: {}", response.text().await.unwrap());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, EXPECTED.len(), "every row of the table names a documented operation");
}
