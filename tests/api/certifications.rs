//! Certifications of consignees: recorded with their scheme and validity, the certificate kept
//! through the documents module, and listed by expiry across consignees.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{create_consignee, pdf};
use crate::helpers::{error_fields, problem, spawn_app, spawn_app_at, TestApp};

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

async fn certify(app: &TestApp, consignee_id: &str, body: &Value) -> (u16, Value) {
    app.post_json(&format!("/api/v1/consignees/{consignee_id}/certifications"), "procurement", body).await
}

#[tokio::test]
async fn schemes_dates_and_names_are_checked_and_nothing_bad_is_stored() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "認証株式会社").await;
    let cases = [
        (
            json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-04-01", "expires_on": "2025-03-31"}),
            "expires_on",
        ),
        (json!({"scheme": "other", "issuer": "Body", "issued_on": "2025-04-01"}), "scheme_name"),
        (
            json!({"scheme": "iso_27001", "scheme_name": "ISMS", "issuer": "BSI", "issued_on": "2025-04-01"}),
            "scheme_name",
        ),
        (json!({"scheme": "iso_9001", "issuer": "BSI", "issued_on": "2025-04-01"}), "scheme"),
        (json!({"scheme": "iso_27001", "issuer": "  ", "issued_on": "2025-04-01"}), "issuer"),
    ];
    for (body, field) in cases {
        let (status, refused) = certify(&app, id(&consignee), &body).await;
        assert_eq!((status, error_fields(&refused)), (422, vec![field.to_owned()]), "{body}");
    }
    let (_, page) = app.get_json(&format!("/api/v1/consignees/{}/certifications", id(&consignee))).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    let body = json!({"scheme": "other", "scheme_name": "CSA STAR", "issuer": "BSI", "issued_on": "2025-04-01", "scope": " クラウド基盤 "});
    let (status, created) = certify(&app, id(&consignee), &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["scheme_name"].as_str(), created["scope"].as_str()), (Some("CSA STAR"), Some("クラウド基盤")));
    let path = format!("/api/v1/certifications/{}", id(&created));
    let (status, refused) = app.patch_json(&path, "procurement", &json!({"expires_on": "2024-01-01"})).await;
    assert_eq!((status, error_fields(&refused)), (422, vec!["expires_on".to_owned()]));
    let (status, changed) =
        app.patch_json(&path, "procurement", &json!({"scheme": "iso_27017", "scheme_name": null})).await;
    assert_eq!((status, changed["scheme"].as_str()), (200, Some("iso_27017")));
    let (status, _) = app.patch_json(&path, "viewer", &json!({"scope": "x"})).await;
    assert_eq!(status, 403);
    let (missing, _) = certify(&app, &uuid::Uuid::now_v7().to_string(), &body).await;
    assert_eq!(missing, 404);
}

#[tokio::test]
async fn expiry_is_derived_and_listed_across_consignees() {
    let clock = Arc::new(ManualClock::new(at("2026-03-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let first = create_consignee(&app, "期限株式会社").await;
    let second = create_consignee(&app, "期限二株式会社").await;
    let mark =
        json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2024-04-01", "expires_on": "2026-03-31"});
    let (_, soon) = certify(&app, id(&first), &mark).await;
    let iso = json!({"scheme": "iso_27001", "issuer": "BSI", "issued_on": "2025-01-10", "expires_on": "2028-01-09"});
    let (_, later) = certify(&app, id(&second), &iso).await;
    let (_, forever) =
        certify(&app, id(&second), &json!({"scheme": "soc2_type2", "issuer": "Audit LLC", "issued_on": "2025-06-30"}))
            .await;
    assert_eq!(soon["expired"], false);
    let before =
        app.request(Method::GET, &format!("/api/v1/certifications/{}", id(&soon)), "viewer").send().await.unwrap();
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    clock.set(at("2026-04-01T03:00:00Z"));
    let after =
        app.request(Method::GET, &format!("/api/v1/certifications/{}", id(&soon)), "viewer").send().await.unwrap();
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag, "the ETag moves when expired does");
    assert_eq!(after.json::<Value>().await.unwrap()["expired"], true);
    let ids = |page: Value| {
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(ids(app.get_json("/api/v1/certifications?expires_before=2027-01-01").await.1), [id(&soon)]);
    assert_eq!(ids(app.get_json("/api/v1/certifications?expires_before=2030-01-01").await.1), [id(&soon), id(&later)]);
    let (_, mine) = app.get_json(&format!("/api/v1/certifications?consignee_id={}", id(&second))).await;
    assert_eq!(ids(mine), [id(&later), id(&forever)]);
    assert_eq!(ids(app.get_json("/api/v1/certifications?scheme=soc2_type2").await.1), [id(&forever)]);
    let (status, _) = app.get_json("/api/v1/certifications?expires_before=2026-02-30").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_certificate_is_uploaded_replaced_and_downloaded() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "証書株式会社").await;
    let (_, created) =
        certify(&app, id(&consignee), &json!({"scheme": "iso_27701", "issuer": "BSI", "issued_on": "2025-01-10"}))
            .await;
    let path = format!("/api/v1/certifications/{}/document", id(&created));
    problem(app.request(Method::GET, &path, "viewer").send().await.unwrap(), 404).await;
    for size in [800, 1200] {
        let upload = app.request(Method::PUT, &format!("{path}?filename=cert.pdf"), "procurement");
        let response = upload.header("content-type", "application/pdf").body(pdf(size)).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let download = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().to_vec(), pdf(1200));
    let (_, shown) = app.get_json(&format!("/api/v1/certifications/{}", id(&created))).await;
    assert_eq!(shown["document"]["filename"], "cert.pdf");
    assert_eq!(shown["version"], 3);
    let png = app.request(Method::PUT, &path, "procurement").header("content-type", "image/png").body(pdf(100));
    problem(png.send().await.unwrap(), 415).await;
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}
