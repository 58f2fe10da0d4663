//! The data category taxonomy: seeded from the company's own categories, kept by admins.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{error_fields, problem, spawn_app};

#[tokio::test]
async fn the_seeded_taxonomy_groups_the_companys_categories() {
    let app = spawn_app().await;
    let (status, page) = app.get_json("/api/v1/data-categories?limit=200").await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 12);
    let (_, children) = app.get_json("/api/v1/data-categories?parent=customer_records").await;
    let codes: Vec<&str> = children["items"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "course_applications",
            "learning_reports",
            "material_requests",
            "membership",
            "newsletter_subscriptions",
            "publication_orders"
        ]
    );
    let (_, sensitive) = app.get_json("/api/v1/data-categories?sensitive=true").await;
    assert_eq!(sensitive["items"][0]["code"], "health_information");
    let (_, one) = app.get_json("/api/v1/data-categories/cctv_footage").await;
    assert_eq!((one["name_ja"].as_str(), one["created_by"].as_str()), (Some("来訪者の防犯カメラ映像"), Some("system")));
}

#[tokio::test]
async fn admins_add_regroup_and_retire_categories_and_bad_input_is_named() {
    let app = spawn_app().await;
    let body = json!({"code": "seminar_recordings", "name": "Seminar recordings", "name_ja": " セミナー録画 ", "parent": "customer_records"});
    let (status, created) = app.post_json("/api/v1/data-categories", "admin", &body).await;
    assert_eq!((status, created["name_ja"].as_str()), (201, Some("セミナー録画")), "{created}");
    let (status, _) = app.post_json("/api/v1/data-categories", "admin", &body).await;
    assert_eq!(status, 409, "the code is taken");
    let (status, _) =
        app.post_json("/api/v1/data-categories", "privacy_officer", &json!({"code": "x_y", "name": "x"})).await;
    assert_eq!(status, 403);
    let bad = json!({"code": "Bad Code", "name": " ", "parent": "no_such_parent"});
    let response = app.request(Method::POST, "/api/v1/data-categories", "admin").json(&bad).send().await.unwrap();
    assert_eq!(error_fields(&problem(response, 422).await), ["code", "name"]);
    let orphan = json!({"code": "orphan", "name": "Orphan", "parent": "no_such_parent"});
    let (status, refused) = app.post_json("/api/v1/data-categories", "admin", &orphan).await;
    assert_eq!((status, refused["errors"][0]["code"].as_str()), (422, Some("not_found")));

    let path = "/api/v1/data-categories/customer_records";
    let (status, refused) = app.patch_json(path, "admin", &json!({"parent": "seminar_recordings"})).await;
    assert_eq!((status, refused["errors"][0]["code"].as_str()), (422, Some("cycle")), "{refused}");
    let (_, unchanged) = app.get_json(path).await;
    assert!(unchanged["parent"].is_null() && unchanged["version"] == 1);
    let (status, retired) =
        app.patch_json("/api/v1/data-categories/seminar_recordings", "admin", &json!({"retired": true})).await;
    assert_eq!((status, retired["retired"].as_bool(), retired["version"].as_i64()), (200, Some(true), Some(2)));
    for patch in [json!({"retired": null}), json!({"name": null}), json!({"sensitive": "yes"})] {
        let (status, _) = app.patch_json(path, "admin", &patch).await;
        assert_eq!(status, 422, "{patch}");
    }
    let (_, events) = app.get_json("/api/v1/audit/events?resource_id=seminar_recordings").await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["data_category.created", "data_category.updated"]);
}
