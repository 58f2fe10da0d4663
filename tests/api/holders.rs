//! "Which consignees hold this kind of data?": active, ended-but-not-deleted, deletion-confirmed,
//! child-category and sub-consigned holders, in one call; and the sub-consignment rules.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    approved_consignee_with_memorandum, create_entrustment, end_entrustment, entrusted_consignee, entrustment_body,
    memorandum_body, signed_memorandum_from, sub_consignment_body,
};
use crate::helpers::{error_fields, problem, spawn_app, TestApp};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn sub_consign(app: &TestApp, entrustment: &str, body: &Value) -> (u16, Value) {
    app.post_json(&format!("/api/v1/entrustments/{entrustment}/sub-consignments"), "procurement", body).await
}

async fn holders(app: &TestApp, code: &str, query: &str) -> Vec<Value> {
    let (status, page) = app.get_json(&format!("/api/v1/data-categories/{code}/holders?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn names(items: &[Value]) -> Vec<&str> {
    items.iter().map(|h| h["consignee"]["legal_name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn holders_are_active_ended_but_undeleted_children_and_sub_consignees() {
    let app = spawn_app().await;
    let (_, _, active) = entrusted_consignee(&app, "A 保有中").await;
    let (_, _, ended) = entrusted_consignee(&app, "B 終了・未削除").await;
    end_entrustment(&app, &id(&ended), "2026-01-31").await;
    let (_, _, deleted) = entrusted_consignee(&app, "C 削除確認済").await;
    end_entrustment(&app, &id(&deleted), "2026-01-31").await;
    let path = format!("/api/v1/entrustments/{}/confirm-deletion", id(&deleted));
    assert_eq!(app.post_json(&path, "procurement", &json!({"deletion_confirmed_on": "2026-02-10"})).await.0, 200);
    let (payer, memorandum) = approved_consignee_with_memorandum(&app, "D 決済のみ").await;
    let mut payments = entrustment_body(&id(&memorandum));
    payments["categories"] = json!(["payment_data", "membership"]);
    create_entrustment(&app, &id(&payer), &payments).await;

    let (status, courier) =
        sub_consign(&app, &id(&active), &sub_consignment_body("配送会社", &["contact_details"])).await;
    assert_eq!(status, 201, "{courier}");
    let mut again = sub_consignment_body("再委託先", &["contact_details"]);
    again["parent_id"] = json!(id(&courier));
    let (status, resub) = sub_consign(&app, &id(&active), &again).await;
    assert_eq!(status, 201, "{resub}");
    let (status, _) =
        sub_consign(&app, &id(&active), &sub_consignment_body("講座運営", &["course_applications"])).await;
    assert_eq!(status, 201);

    let now = holders(&app, "contact_details", "").await;
    assert_eq!(names(&now), ["A 保有中"]);
    let subs: Vec<&str> =
        now[0]["sub_consignees"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(subs, ["配送会社", "再委託先"], "only those receiving contact details");
    assert_eq!(now[0]["sub_consignees"][1]["parent_id"], courier["id"]);
    assert_eq!(now[0]["entrustment"]["categories"], json!(["contact_details"]));
    assert_eq!(now[0]["memorandum"]["status"], "signed");
    assert_eq!(names(&holders(&app, "contact_details", "include_ended=true").await), ["A 保有中", "B 終了・未削除"]);

    assert!(holders(&app, "customer_records", "").await.is_empty(), "no one holds the group itself");
    let family = holders(&app, "customer_records", "include_children=true").await;
    assert_eq!(names(&family), ["A 保有中", "D 決済のみ"]);
    assert_eq!(family[1]["entrustment"]["categories"], json!(["membership"]), "only the matching categories");
    assert_eq!(family[0]["sub_consignees"][0]["name"], "講座運営");

    let (status, first) =
        app.get_json("/api/v1/data-categories/contact_details/holders?include_ended=true&limit=1").await;
    assert_eq!((status, first["items"].as_array().unwrap().len()), (200, 1));
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = holders(&app, "contact_details", &format!("include_ended=true&cursor={cursor}")).await;
    assert_eq!(names(&rest), ["B 終了・未削除"]);
    let (status, _) = app.get_json("/api/v1/data-categories/no_such_category/holders").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sub_consignments_receive_only_what_is_passed_on_with_consent() {
    let app = spawn_app().await;
    let (_, _, entrustment) = entrusted_consignee(&app, "再委託元株式会社").await;
    let entrustment = id(&entrustment);
    let (status, body) = sub_consign(&app, &entrustment, &sub_consignment_body("x", &["payment_data"])).await;
    assert_eq!((status, error_fields(&body)), (422, vec!["categories".to_owned()]), "not entrusted");
    let (_, courier) = sub_consign(&app, &entrustment, &sub_consignment_body("配送会社", &["contact_details"])).await;
    let mut wider = sub_consignment_body("再々委託", &["course_applications"]);
    wider["parent_id"] = json!(id(&courier));
    let (status, body) = sub_consign(&app, &entrustment, &wider).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("not_a_subset")),
        "more than the parent passes on"
    );
    let (_, _, elsewhere) = entrusted_consignee(&app, "別の委託先").await;
    let mut foreign = sub_consignment_body("y", &["contact_details"]);
    foreign["parent_id"] = json!(id(&courier));
    let (status, body) = sub_consign(&app, &id(&elsewhere), &foreign).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("parent_id")));
    let mut bad = sub_consignment_body(" ", &["contact_details"]);
    bad["corporate_number"] = json!("1234567890123");
    bad["country"] = json!("XX");
    bad["ended_on"] = json!("2025-01-01");
    let response = app
        .request(Method::POST, &format!("/api/v1/entrustments/{entrustment}/sub-consignments"), "procurement")
        .json(&bad)
        .send()
        .await
        .unwrap();
    let fields = error_fields(&problem(response, 422).await);
    for field in ["name", "corporate_number", "country"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }

    let path = format!("/api/v1/sub-consignments/{}", id(&courier));
    let (status, ended) = app.patch_json(&path, "procurement", &json!({"ended_on": "2026-03-31"})).await;
    assert_eq!((status, ended["ended_on"].as_str()), (200, Some("2026-03-31")));
    let (status, _) = app.patch_json(&path, "procurement", &json!({"parent_id": null})).await;
    assert_eq!(status, 422, "parent_id is fixed once recorded");
    let (_, page) = app.get_json(&format!("/api/v1/entrustments/{entrustment}/sub-consignments")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(holders(&app, "contact_details", "").await[0]["sub_consignees"].as_array().unwrap().is_empty(), "ended");
}

#[tokio::test]
async fn no_sub_consignment_under_a_memorandum_without_the_consent_clause() {
    let app = spawn_app().await;
    let (status, _) = app
        .patch_json("/api/v1/clause-templates/sub_consignment_prior_consent", "admin", &json!({"retired": true}))
        .await;
    assert_eq!(status, 200);
    let (consignee, _) = approved_consignee_with_memorandum(&app, "同意条項なし株式会社").await;
    let mut terms = memorandum_body(&app, "再委託を認めない覚書").await;
    terms["clauses"].as_array_mut().unwrap().push(json!({"code": "sub_consignment_prior_consent", "included": false}));
    let memorandum = signed_memorandum_from(&app, &id(&consignee), &terms).await;
    let entrustment = create_entrustment(&app, &id(&consignee), &entrustment_body(&id(&memorandum))).await;
    let (status, refused) =
        sub_consign(&app, &id(&entrustment), &sub_consignment_body("z", &["contact_details"])).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("sub_consignment_prior_consent"));
    let (_, page) = app.get_json(&format!("/api/v1/entrustments/{}/sub-consignments", id(&entrustment))).await;
    assert!(page["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn what_sub_consignees_receive_cannot_be_taken_from_under_them() {
    let app = spawn_app().await;
    let (_, _, entrustment) = entrusted_consignee(&app, "引上げ株式会社").await;
    let entrustment = id(&entrustment);
    let (_, courier) =
        sub_consign(&app, &entrustment, &sub_consignment_body("配送会社", &["contact_details", "course_applications"]))
            .await;
    let mut child = sub_consignment_body("再委託先", &["course_applications"]);
    child["parent_id"] = json!(id(&courier));
    assert_eq!(sub_consign(&app, &entrustment, &child).await.0, 201);

    let path = format!("/api/v1/entrustments/{entrustment}");
    let (status, refused) = app.patch_json(&path, "procurement", &json!({"categories": ["contact_details"]})).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("course_applications"));
    let courier_path = format!("/api/v1/sub-consignments/{}", id(&courier));
    let (status, refused) =
        app.patch_json(&courier_path, "procurement", &json!({"categories": ["contact_details"]})).await;
    assert_eq!(status, 409, "its child still receives course applications: {refused}");
    let (_, unchanged) = app.get_json(&path).await;
    assert_eq!(unchanged["categories"], json!(["contact_details", "course_applications"]));
    let (status, _) = app
        .patch_json(
            &courier_path,
            "procurement",
            &json!({"categories": ["course_applications", "contact_details", "contact_details"]}),
        )
        .await;
    assert_eq!(status, 200, "the same set, reordered and repeated");
}
