//! Entrustments: data flows only to an approved consignee under a memorandum in force, and the
//! register says at any moment what each consignee holds.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    approved_consignee_with_memorandum, create_consignee, create_entrustment, create_memorandum, end_entrustment,
    entrusted_consignee, entrustment_body, fixed_term, memorandum_body, pdf, set_status, signed_memorandum,
    signed_memorandum_from,
};
use crate::helpers::{error_fields, problem, spawn_app, TestApp};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn try_create(app: &TestApp, consignee: &str, body: &Value) -> reqwest::Response {
    let path = format!("/api/v1/consignees/{consignee}/entrustments");
    app.request(Method::POST, &path, "procurement").json(body).send().await.unwrap()
}

async fn entrustment_count(app: &TestApp) -> usize {
    let (_, page) = app.get_json("/api/v1/entrustments?limit=200").await;
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_entrustment_records_what_the_consignee_holds() {
    let app = spawn_app().await;
    let (consignee, memorandum) = approved_consignee_with_memorandum(&app, "委託先株式会社").await;
    let mut body = entrustment_body(&id(&memorandum));
    body["categories"] = json!(["course_applications", "contact_details", "contact_details"]);
    body["cross_border"] =
        json!([{"country": "sg", "basis": "equivalent_measures", "legal_system_checked_on": "2026-04-01"}]);
    let response = try_create(&app, &id(&consignee), &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/entrustments/{}", id(&created)));
    assert_eq!(
        created["categories"],
        json!(["contact_details", "course_applications"]),
        "each code once, in code order"
    );
    assert_eq!(created["cross_border"][0]["country"], "SG");
    assert_eq!((created["active"].as_bool(), created["holds_data"].as_bool()), (Some(true), Some(true)));
    let (_, holder) = app.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    assert_eq!(holder["categories_held"], json!(["contact_details", "course_applications"]));
    assert_eq!(holder["holds_sensitive"], false);

    let mut health = entrustment_body(&id(&memorandum));
    health["categories"] = json!(["health_information"]);
    create_entrustment(&app, &id(&consignee), &health).await;
    let (_, holder) = app.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    assert_eq!(holder["holds_sensitive"], true);
    let (_, events) = app.get_json(&format!("/api/v1/audit/events?resource_id={}", id(&created))).await;
    assert_eq!(events["items"][0]["action"], "entrustment.created");
}

#[tokio::test]
async fn data_flows_only_to_an_approved_consignee_under_its_memorandum_in_force() {
    let app = spawn_app().await;
    let candidate = id(&create_consignee(&app, "候補株式会社").await);
    let candidates_memorandum = signed_memorandum(&app, &candidate).await;
    let refused =
        problem(try_create(&app, &candidate, &entrustment_body(&id(&candidates_memorandum))).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("approved"), "{refused}");

    let (consignee, memorandum) = approved_consignee_with_memorandum(&app, "承認済株式会社").await;
    let consignee = id(&consignee);
    let draft = create_memorandum(&app, &consignee, &json!({"title": "draft"})).await;
    let refused = problem(try_create(&app, &consignee, &entrustment_body(&id(&draft))).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("draft"), "{refused}");
    let mut too_early = entrustment_body(&id(&memorandum));
    too_early["started_on"] = json!("2025-03-31");
    let refused = problem(try_create(&app, &consignee, &too_early).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("2025-03-31"), "before effective_from: {refused}");
    let foreign = try_create(&app, &consignee, &entrustment_body(&id(&candidates_memorandum))).await;
    assert_eq!(problem(foreign, 422).await["errors"][0]["code"], "other_consignee");
    assert_eq!(entrustment_count(&app).await, 0, "nothing stored");
}

#[tokio::test]
async fn unknown_and_retired_categories_and_bad_fields_are_422() {
    let app = spawn_app().await;
    let (consignee, memorandum) = approved_consignee_with_memorandum(&app, "分類株式会社").await;
    let (consignee, memorandum) = (id(&consignee), id(&memorandum));
    let mut unknown = entrustment_body(&memorandum);
    unknown["categories"] = json!(["contact_details", "no_such_one", "nor_this"]);
    let body = problem(try_create(&app, &consignee, &unknown).await, 422).await;
    assert_eq!(error_fields(&body), ["categories"], "one error lists them all");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("no_such_one") && message.contains("nor_this"), "{message}");

    let (status, _) = app.patch_json("/api/v1/data-categories/cctv_footage", "admin", &json!({"retired": true})).await;
    assert_eq!(status, 200);
    let mut retired = entrustment_body(&memorandum);
    retired["categories"] = json!(["cctv_footage"]);
    let body = problem(try_create(&app, &consignee, &retired).await, 422).await;
    assert_eq!(body["errors"][0]["code"], "retired_category");

    let mut bad = entrustment_body(&memorandum);
    bad["categories"] = json!([]);
    bad["purpose"] = json!(" ");
    bad["approx_records"] = json!(-1);
    bad["cross_border"] = json!([{"country": "XX", "basis": "consent"}]);
    let fields = error_fields(&problem(try_create(&app, &consignee, &bad).await, 422).await);
    for field in ["categories", "purpose", "approx_records", "cross_border[0].country"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    let mut basis = entrustment_body(&memorandum);
    basis["cross_border"] = json!([{"country": "US", "basis": "trust_me"}]);
    assert_eq!(
        error_fields(&problem(try_create(&app, &consignee, &basis).await, 422).await),
        ["cross_border[0].basis"]
    );
    assert_eq!(entrustment_count(&app).await, 0);
}

#[tokio::test]
async fn ending_and_confirming_deletion_follow_the_dates() {
    let app = spawn_app().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "終了株式会社").await;
    let (consignee, entrustment) = (id(&consignee), id(&entrustment));
    let action = |verb: &str| format!("/api/v1/entrustments/{entrustment}/{verb}");
    let (status, _) = app
        .post_json(&action("confirm-deletion"), "procurement", &json!({"deletion_confirmed_on": "2026-01-01"}))
        .await;
    assert_eq!(status, 409, "deletion before the end");
    let (status, body) = app.post_json(&action("end"), "procurement", &json!({"ended_on": "2025-03-01"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("ended_on")), "before started_on");

    let ended = end_entrustment(&app, &entrustment, "2026-06-30").await;
    assert_eq!(
        (ended["active"].as_bool(), ended["holds_data"].as_bool()),
        (Some(false), Some(true)),
        "held until deletion"
    );
    let (_, holder) = app.get_json(&format!("/api/v1/consignees/{consignee}")).await;
    assert_eq!(holder["categories_held"], json!(["contact_details", "course_applications"]));
    let (status, _) = app.post_json(&action("end"), "procurement", &json!({"ended_on": "2026-07-01"})).await;
    assert_eq!(status, 409, "ending twice");
    let (status, body) = app
        .post_json(&action("confirm-deletion"), "procurement", &json!({"deletion_confirmed_on": "2026-06-29"}))
        .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("deletion_confirmed_on")));

    let certificate = json!({"deletion_confirmed_on": "2026-07-10", "reference": " 削除証明書 No. 41 "});
    let (status, confirmed) = app.post_json(&action("confirm-deletion"), "procurement", &certificate).await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(
        (confirmed["holds_data"].as_bool(), confirmed["deletion_reference"].as_str()),
        (Some(false), Some("削除証明書 No. 41"))
    );
    let (_, holder) = app.get_json(&format!("/api/v1/consignees/{consignee}")).await;
    assert_eq!(holder["categories_held"], json!([]));
    let (status, _) = app.post_json(&action("confirm-deletion"), "procurement", &certificate).await;
    assert_eq!(status, 409, "confirming twice");
    let (_, events) = app.get_json(&format!("/api/v1/audit/events?resource_id={entrustment}")).await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["entrustment.created", "entrustment.ended", "entrustment.deletion_confirmed"]);
}

#[tokio::test]
async fn a_new_memorandum_must_cover_the_entrustments_dates() {
    let app = spawn_app().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "移行株式会社").await;
    let consignee = id(&consignee);
    let mut old_terms = fixed_term(memorandum_body(&app, "2024年の覚書").await, "2025-12-31");
    old_terms["signed_on"] = json!("2024-03-20");
    old_terms["effective_from"] = json!("2024-04-01");
    let lapsed = signed_memorandum_from(&app, &consignee, &old_terms).await;
    let path = format!("/api/v1/entrustments/{}", id(&entrustment));
    let (status, reordered) =
        app.patch_json(&path, "procurement", &json!({"categories": ["course_applications", "contact_details"]})).await;
    assert_eq!(
        (status, reordered["version"].as_i64()),
        (200, Some(1)),
        "the same set in another order changes nothing"
    );
    let (status, refused) = app.patch_json(&path, "procurement", &json!({"memorandum_id": id(&lapsed)})).await;
    assert_eq!(status, 409, "expired before today: {refused}");
    let successor = signed_memorandum(&app, &consignee).await;
    let (status, moved) = app
        .patch_json(&path, "procurement", &json!({"memorandum_id": id(&successor), "approx_records": 15000.0}))
        .await;
    assert_eq!(
        (status, moved["memorandum_id"].as_str(), moved["approx_records"].as_i64()),
        (200, Some(id(&successor).as_str()), Some(15000))
    );
    let (status, _) = app.patch_json(&path, "procurement", &json!({"categories": null})).await;
    assert_eq!(status, 422, "categories cannot be null");
    let (status, _) = app.patch_json(&path, "procurement", &json!({"ended_on": "2026-01-01"})).await;
    assert_eq!(status, 422, "the end goes through …/end");
}

#[tokio::test]
async fn lists_filter_by_category_activity_memorandum_and_consignee() {
    let app = spawn_app().await;
    let (first, memorandum, active) = entrusted_consignee(&app, "一覧一株式会社").await;
    let mut other = entrustment_body(&id(&memorandum));
    other["categories"] = json!(["payment_data"]);
    let ended = create_entrustment(&app, &id(&first), &other).await;
    end_entrustment(&app, &id(&ended), "2026-01-31").await;
    let (second, _, _) = entrusted_consignee(&app, "一覧二株式会社").await;
    let ids = |query: String| {
        let app = &app;
        async move {
            let (status, page) = app.get_json(&format!("/api/v1/entrustments?{query}")).await;
            assert_eq!(status, 200, "{page}");
            page["items"].as_array().unwrap().iter().map(id).collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(String::new()).await.len(), 3);
    assert_eq!(ids("category=payment_data".to_owned()).await, [id(&ended)]);
    assert_eq!(ids("active=false".to_owned()).await, [id(&ended)]);
    assert_eq!(ids("active=true".to_owned()).await.len(), 2);
    assert_eq!(ids(format!("consignee_id={}", id(&second))).await.len(), 1);
    assert_eq!(ids(format!("memorandum_id={}", id(&memorandum))).await, [id(&active), id(&ended)]);
    let (_, own) = app.get_json(&format!("/api/v1/consignees/{}/entrustments?active=true", id(&first))).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn suspending_a_consignee_that_holds_data_warns_and_lists_the_entrustments() {
    let app = spawn_app().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "停止株式会社").await;
    let suspended = set_status(&app, &id(&consignee), "suspended").await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["warnings"][0]["code"], "still_holds_data");
    assert_eq!(suspended["warnings"][0]["entrustment_ids"], json!([id(&entrustment)]));
    let (_, plain) = app.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    assert!(plain.get("warnings").is_none(), "warnings only answer the change");
    let (quiet, _) = approved_consignee_with_memorandum(&app, "無保有株式会社").await;
    let suspended = set_status(&app, &id(&quiet), "suspended").await;
    assert!(suspended.get("warnings").is_none(), "{suspended}");
}

#[tokio::test]
async fn the_row_rule_and_the_sql_filter_agree_on_who_holds_data() {
    let app = spawn_app().await;
    let (consignee, memorandum, active) = entrusted_consignee(&app, "一致株式会社").await;
    let (consignee, memorandum) = (id(&consignee), id(&memorandum));
    let mut future = entrustment_body(&memorandum);
    future["started_on"] = json!("2099-01-01");
    let future = create_entrustment(&app, &consignee, &future).await;
    let ended = create_entrustment(&app, &consignee, &entrustment_body(&memorandum)).await;
    end_entrustment(&app, &id(&ended), "2026-01-31").await;
    let deleted = create_entrustment(&app, &consignee, &entrustment_body(&memorandum)).await;
    end_entrustment(&app, &id(&deleted), "2026-01-31").await;
    let confirm = format!("/api/v1/entrustments/{}/confirm-deletion", id(&deleted));
    assert_eq!(app.post_json(&confirm, "procurement", &json!({"deletion_confirmed_on": "2026-02-01"})).await.0, 200);

    let listed = |query: &'static str| {
        let app = &app;
        async move {
            let (_, page) = app.get_json(&format!("/api/v1/data-categories/contact_details/holders?{query}")).await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["entrustment"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let (active_now, holding_now) = (listed("").await, listed("include_ended=true").await);
    for entrustment in [&active, &future, &ended, &deleted] {
        let (_, row) = app.get_json(&format!("/api/v1/entrustments/{}", id(entrustment))).await;
        let key = id(entrustment);
        assert_eq!(row["active"].as_bool().unwrap(), active_now.contains(&key), "active: {row}");
        assert_eq!(row["holds_data"].as_bool().unwrap(), holding_now.contains(&key), "holds: {row}");
    }
    assert_eq!(active_now, [id(&active)]);
    assert_eq!(holding_now, [id(&active), id(&ended)], "not the future one, not the deleted one");
    let (_, inactive) = app.get_json(&format!("/api/v1/entrustments?active=false&consignee_id={consignee}")).await;
    assert_eq!(inactive["items"].as_array().unwrap().len(), 3, "future, ended and deleted");
}

#[tokio::test]
async fn deletion_is_confirmed_only_after_the_end_has_come_and_not_in_advance() {
    let app = spawn_app().await;
    let (_, _, entrustment) = entrusted_consignee(&app, "予定終了株式会社").await;
    let entrustment = id(&entrustment);
    end_entrustment(&app, &entrustment, "2099-03-31").await;
    let confirm = format!("/api/v1/entrustments/{entrustment}/confirm-deletion");
    let (status, refused) =
        app.post_json(&confirm, "procurement", &json!({"deletion_confirmed_on": "2099-03-31"})).await;
    assert_eq!(status, 409, "the end has not come: {refused}");
    let (_, ended) = app.get_json(&format!("/api/v1/entrustments/{entrustment}")).await;
    assert_eq!((ended["active"].as_bool(), ended["deletion_confirmed_on"].as_str()), (Some(true), None));

    let (_, _, past) = entrusted_consignee(&app, "終了済株式会社").await;
    end_entrustment(&app, &id(&past), "2026-01-31").await;
    let confirm = format!("/api/v1/entrustments/{}/confirm-deletion", id(&past));
    let (status, refused) =
        app.post_json(&confirm, "procurement", &json!({"deletion_confirmed_on": "2099-01-01"})).await;
    assert_eq!((status, refused["errors"][0]["code"].as_str()), (422, Some("future")));
}

#[tokio::test]
async fn data_may_not_flow_before_the_memorandum_was_signed() {
    let app = spawn_app().await;
    let (consignee, _) = approved_consignee_with_memorandum(&app, "後日署名株式会社").await;
    let mut backdated = memorandum_body(&app, "遡及適用の覚書").await;
    backdated["signed_on"] = json!("2025-10-01");
    let memorandum = signed_memorandum_from(&app, &id(&consignee), &backdated).await;
    let mut early = entrustment_body(&id(&memorandum));
    early["started_on"] = json!("2025-05-01");
    let refused = problem(try_create(&app, &id(&consignee), &early).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("2025-05-01"), "{refused}");
    early["started_on"] = json!("2025-10-01");
    create_entrustment(&app, &id(&consignee), &early).await;
}

#[tokio::test]
async fn terminating_a_consignee_with_an_entrustment_still_to_start_warns() {
    let app = spawn_app().await;
    let (consignee, memorandum) = approved_consignee_with_memorandum(&app, "開始前株式会社").await;
    let mut later = entrustment_body(&id(&memorandum));
    later["started_on"] = json!("2099-01-01");
    let scheduled = create_entrustment(&app, &id(&consignee), &later).await;
    let terminated = set_status(&app, &id(&consignee), "terminated").await;
    assert_eq!(terminated["warnings"].as_array().unwrap().len(), 1, "{terminated}");
    assert_eq!(terminated["warnings"][0]["code"], "scheduled_entrustment");
    assert_eq!(terminated["warnings"][0]["entrustment_ids"], json!([id(&scheduled)]));
}

#[tokio::test]
async fn the_certificate_of_deletion_is_kept_through_the_documents_module() {
    let app = spawn_app().await;
    let (_, _, entrustment) = entrusted_consignee(&app, "証明書株式会社").await;
    let entrustment = id(&entrustment);
    let path = format!("/api/v1/entrustments/{entrustment}/deletion-certificate");
    let upload = |bytes: Vec<u8>| {
        app.request(Method::PUT, &path, "procurement").header("content-type", "application/pdf").body(bytes).send()
    };
    problem(upload(pdf(500)).await.unwrap(), 409).await;
    end_entrustment(&app, &entrustment, "2026-06-30").await;
    let bytes = pdf(300_000);
    let stored = upload(bytes.clone()).await.unwrap();
    assert_eq!(stored.status(), 200);
    let meta: Value = stored.json().await.unwrap();
    let (_, row) = app.get_json(&format!("/api/v1/entrustments/{entrustment}")).await;
    assert_eq!(row["deletion_certificate"], meta);
    let download = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(download.bytes().await.unwrap()[..] == bytes[..]);
    let wrong = app.request(Method::PUT, &path, "procurement").header("content-type", "image/png").body(pdf(100));
    problem(wrong.send().await.unwrap(), 415).await;
    let (_, events) = app
        .get_json(&format!(
            "/api/v1/audit/events?resource_id={entrustment}&action=entrustment.deletion_certificate_uploaded"
        ))
        .await;
    assert_eq!(events["items"][0]["changes"]["document"]["sha256"], meta["sha256"]);
}
