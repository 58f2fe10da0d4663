//! Sync by the contract system's identifiers: PUT by `external_ref` creates, then updates, a
//! consignee or a draft memorandum; a signed memorandum stays frozen; references stay unique.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{consignee_body, create_consignee, memorandum_body, ready_memorandum, sign_memorandum};
use crate::helpers::{error_fields, spawn_app, TestApp};

async fn put(app: &TestApp, path: &str, role: &str, body: &Value) -> (u16, Value, Option<String>) {
    let response = app.request(Method::PUT, path, role).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, response.json().await.unwrap(), location)
}

#[tokio::test]
async fn a_consignee_is_created_then_updated_by_its_external_ref() {
    let app = spawn_app().await;
    let path = "/api/v1/consignees/by-ref/CRM-0042";
    let (status, created, location) = put(&app, path, "procurement", &consignee_body("同期株式会社")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(location, Some(format!("/api/v1/consignees/{}", created["id"].as_str().unwrap())));
    assert_eq!((created["external_ref"].as_str(), created["status"].as_str()), (Some("CRM-0042"), Some("candidate")));
    let mut changed = consignee_body("同期株式会社");
    changed["notes"] = json!("synced again");
    changed["external_ref"] = json!("CRM-0042");
    let (status, updated, _) = put(&app, path, "procurement", &changed).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((updated["id"].clone(), updated["version"].as_i64()), (created["id"].clone(), Some(2)));
    let (status, same, _) = put(&app, path, "procurement", &changed).await;
    assert_eq!((status, same["version"].as_i64()), (200, Some(2)), "the same data is no change");
    assert_eq!(app.all_consignees().await.len(), 1);

    let mut other = consignee_body("同期株式会社");
    other["external_ref"] = json!("CRM-9999");
    let (status, refused, _) = put(&app, path, "procurement", &other).await;
    assert_eq!((status, error_fields(&refused)), (422, vec!["external_ref".to_owned()]));
    let (status, _, _) = put(&app, path, "viewer", &changed).await;
    assert_eq!(status, 403);
    let stale = app.request(Method::PUT, path, "procurement").header("if-match", "\"1\"").json(&changed).send().await;
    assert_eq!(stale.unwrap().status(), 412);

    let second = create_consignee(&app, "別同期株式会社").await;
    let taken = json!({"external_ref": "CRM-0042"});
    let (status, conflict) =
        app.patch_json(&format!("/api/v1/consignees/{}", second["id"].as_str().unwrap()), "procurement", &taken).await;
    assert_eq!(status, 409, "{conflict}");
    let (_, listed) = app.get_json(&format!("/api/v1/consignees/{}", created["id"].as_str().unwrap())).await;
    assert_eq!(listed["notes"], "synced again");
}

#[tokio::test]
async fn a_draft_memorandum_syncs_by_its_external_ref_until_it_is_signed() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "覚書同期株式会社").await;
    let id = consignee["id"].as_str().unwrap();
    let path = format!("/api/v1/consignees/{id}/memoranda/by-ref/CT-7");
    let (status, draft, location) = put(&app, &path, "procurement", &json!({"title": "draft"})).await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(location, Some(format!("/api/v1/memoranda/{}", draft["id"].as_str().unwrap())));
    assert_eq!((draft["external_ref"].as_str(), draft["status"].as_str()), (Some("CT-7"), Some("draft")));
    let terms = memorandum_body(&app, "個人情報の取扱いに関する覚書").await;
    let (status, updated, _) = put(&app, &path, "procurement", &terms).await;
    assert_eq!(
        (status, updated["id"].clone(), updated["title"].as_str()),
        (200, draft["id"].clone(), Some("個人情報の取扱いに関する覚書"))
    );

    let uploaded =
        crate::helpers::fixtures::upload_pdf(&app, draft["id"].as_str().unwrap(), crate::helpers::fixtures::pdf(1024))
            .await;
    assert_eq!(uploaded.status(), 200);
    sign_memorandum(&app, draft["id"].as_str().unwrap()).await;
    let mut changed = terms.clone();
    changed["title"] = json!("changed after signing");
    let (status, frozen, _) = put(&app, &path, "procurement", &changed).await;
    assert_eq!(status, 409, "{frozen}");
    let mut noted = terms.clone();
    noted["notes"] = json!("原本は法務部保管");
    let (status, annotated, _) = put(&app, &path, "procurement", &noted).await;
    assert_eq!((status, annotated["notes"].as_str()), (200, Some("原本は法務部保管")));

    let other = create_consignee(&app, "別覚書株式会社").await;
    let elsewhere = format!("/api/v1/consignees/{}/memoranda/by-ref/CT-7", other["id"].as_str().unwrap());
    let (status, second, _) = put(&app, &elsewhere, "procurement", &json!({"title": "draft"})).await;
    assert_eq!(status, 201, "another consignee's CT-7 is another memorandum");
    assert_ne!(second["id"], draft["id"]);
    let (status, problem, _) = put(
        &app,
        &format!("/api/v1/consignees/{id}/memoranda/by-ref/CT-8"),
        "procurement",
        &json!({"title": "x", "external_ref": "CT-9"}),
    )
    .await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["external_ref".to_owned()]));
    let _ = ready_memorandum;
}

#[tokio::test]
async fn a_sync_refuses_what_no_record_could_hold_and_preconditions_on_nothing() {
    let app = spawn_app().await;
    let body = consignee_body("前提株式会社");
    let (status, problem, _) = put(&app, "/api/v1/consignees/by-ref/bad%00ref", "procurement", &body).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["external_ref".to_owned()]));
    let long = format!("/api/v1/consignees/by-ref/{}", "r".repeat(201));
    assert_eq!(put(&app, &long, "procurement", &body).await.0, 422);
    let conditional = app
        .request(Method::PUT, "/api/v1/consignees/by-ref/NEW-1", "procurement")
        .header("if-match", "\"1\"")
        .json(&body);
    assert_eq!(conditional.send().await.unwrap().status(), 412, "If-Match on a record that does not exist");
    assert!(app.all_consignees().await.is_empty(), "nothing was created");
    let (status, created, _) = put(&app, "/api/v1/consignees/by-ref/%20NEW-1%20", "procurement", &body).await;
    assert_eq!((status, created["external_ref"].as_str()), (201, Some("NEW-1")), "the reference is trimmed");
    assert_eq!(put(&app, "/api/v1/consignees/by-ref/NEW-1", "procurement", &body).await.0, 200, "and found again");
}
