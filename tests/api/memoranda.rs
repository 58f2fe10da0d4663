//! Protection memoranda: recording, the rules on their terms, signing, terminating, and what a
//! consignee's response says about them.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    approved_consignee_with_memorandum, create_consignee, create_memorandum, memorandum_body, pdf, ready_memorandum,
    sign_memorandum, signed_memorandum, upload_pdf,
};
use crate::helpers::{error_fields, problem, spawn_app, TestApp};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn new_consignee(app: &TestApp) -> String {
    id(&create_consignee(app, "覚書テスト株式会社").await)
}

async fn sign(app: &TestApp, memorandum: &str) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/memoranda/{memorandum}/sign"), "procurement").send().await.unwrap()
}

/// Every audit action recorded for a resource, oldest first.
async fn actions(app: &TestApp, resource_id: &str) -> Vec<String> {
    let (_, events) = app.get_json(&format!("/api/v1/audit/events?resource_id={resource_id}")).await;
    events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_draft_is_created_read_and_listed_with_its_location_and_etag() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let mut body = memorandum_body(&app, "  個人情報の取扱いに関する覚書  ").await;
    body["external_ref"] = json!("CT-2026-0142");
    let response = app
        .request(Method::POST, &format!("/api/v1/consignees/{consignee}/memoranda"), "procurement")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/memoranda/{}", id(&created)));
    assert!(etag.starts_with("\"1-"), "{etag}");
    assert_eq!(created["title"], "個人情報の取扱いに関する覚書", "trimmed");
    assert_eq!((created["status"].as_str(), created["in_force"].as_bool()), (Some("draft"), Some(false)));
    assert_eq!(created["consignee_id"], consignee.as_str());
    assert_eq!(created["created_by"], "tester-procurement");
    assert!(created["document"].is_null() && created["required_clauses"].is_null());

    let cached = app.request(Method::GET, &location, "viewer").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(cached.status(), 304);
    let (_, listed) = app.get_json(&format!("/api/v1/consignees/{consignee}/memoranda")).await;
    assert_eq!(listed["items"][0]["id"], created["id"]);
    let (_, by_ref) = app.get_json("/api/v1/memoranda?external_ref=CT-2026-0142").await;
    assert_eq!(by_ref["items"].as_array().unwrap().len(), 1);
    let (_, other) = app.get_json("/api/v1/memoranda?external_ref=CT-0000").await;
    assert!(other["items"].as_array().unwrap().is_empty());
    assert_eq!(actions(&app, &id(&created)).await, ["memorandum.created"]);
}

#[tokio::test]
async fn unknown_consignees_and_memoranda_are_404() {
    let app = spawn_app().await;
    let missing = "01a21e05-0000-7000-8000-000000000000";
    let (status, _) =
        app.post_json(&format!("/api/v1/consignees/{missing}/memoranda"), "procurement", &json!({"title": "x"})).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/api/v1/consignees/{missing}/memoranda")).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/api/v1/memoranda/{missing}")).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/api/v1/memoranda/{missing}/document")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_terms_are_422_naming_each_field_and_store_nothing() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let path = format!("/api/v1/consignees/{consignee}/memoranda");
    let bad = json!({
        "title": " ",
        "effective_from": "2026-04-01",
        "expires_on": "2026-04-01",
        "auto_renewal": {"term_months": 0, "notice_days": 30},
        "signatories": [{"name": "", "party": "company"}],
        "clauses": [
            {"code": "confidentiality", "included": true},
            {"code": "confidentiality", "included": false},
            {"code": "Bad Code", "included": true},
            {"code": "audit_rights", "included": true, "notify_within_hours": 24},
            {"code": "incident_notification", "included": true, "notify_within_hours": 0}
        ]
    });
    let response = app.request(Method::POST, &path, "procurement").json(&bad).send().await.unwrap();
    let fields = error_fields(&problem(response, 422).await);
    for field in [
        "title",
        "expires_on",
        "auto_renewal.term_months",
        "signatories[0].name",
        "clauses[1].code",
        "clauses[2].code",
        "clauses[3].notify_within_hours",
        "clauses[4].notify_within_hours",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    let renewal_without_end = json!({"title": "x", "auto_renewal": {"term_months": 12, "notice_days": 30}});
    let response = app.request(Method::POST, &path, "procurement").json(&renewal_without_end).send().await.unwrap();
    assert_eq!(error_fields(&problem(response, 422).await), ["expires_on"]);
    let unknown = json!({"title": "x", "clauses": [{"code": "no_such_clause", "included": true}]});
    let response = app.request(Method::POST, &path, "procurement").json(&unknown).send().await.unwrap();
    let body = problem(response, 422).await;
    assert_eq!(error_fields(&body), ["clauses[0].code"]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("no_such_clause"));
    let party = json!({"title": "x", "signatories": [{"name": "A", "party": "observer"}]});
    let response = app.request(Method::POST, &path, "procurement").json(&party).send().await.unwrap();
    assert_eq!(error_fields(&problem(response, 422).await), ["signatories[0].party"]);
    let (_, listed) = app.get_json(&path).await;
    assert!(listed["items"].as_array().unwrap().is_empty(), "nothing stored");
}

#[tokio::test]
async fn integral_floats_count_as_integers() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let body =
        json!({"title": "x", "expires_on": "2027-03-31", "auto_renewal": {"term_months": 12.0, "notice_days": 90.0}});
    let created = create_memorandum(&app, &consignee, &body).await;
    assert_eq!(created["auto_renewal"], json!({"term_months": 12, "notice_days": 90}));
    let (status, _) = app.post_json(
        &format!("/api/v1/consignees/{consignee}/memoranda"),
        "procurement",
        &json!({"title": "x", "expires_on": "2027-03-31", "auto_renewal": {"term_months": 12.5, "notice_days": 90}}),
    ).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn external_refs_are_unique_per_consignee() {
    let app = spawn_app().await;
    let (first, second) = (new_consignee(&app).await, id(&create_consignee(&app, "別会社").await));
    let body = json!({"title": "x", "external_ref": "CT-1"});
    create_memorandum(&app, &first, &body).await;
    create_memorandum(&app, &second, &body).await;
    let response = app
        .request(Method::POST, &format!("/api/v1/consignees/{first}/memoranda"), "procurement")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(problem(response, 409).await["detail"].as_str().unwrap().contains("CT-1"));
    let other = create_memorandum(&app, &first, &json!({"title": "y", "external_ref": "CT-2"})).await;
    let (status, _) = app
        .patch_json(&format!("/api/v1/memoranda/{}", id(&other)), "procurement", &json!({"external_ref": "CT-1"}))
        .await;
    assert_eq!(status, 409);
    let (_, unchanged) = app.get_json(&format!("/api/v1/memoranda/{}", id(&other))).await;
    assert_eq!((unchanged["external_ref"].as_str(), unchanged["version"].as_i64()), (Some("CT-2"), Some(1)));
}

#[tokio::test]
async fn supersedes_must_name_an_earlier_memorandum_of_the_same_consignee_without_a_cycle() {
    let app = spawn_app().await;
    let (consignee, stranger) = (new_consignee(&app).await, id(&create_consignee(&app, "別会社").await));
    let a = id(&create_memorandum(&app, &consignee, &json!({"title": "A"})).await);
    let b = id(&create_memorandum(&app, &consignee, &json!({"title": "B", "supersedes": a})).await);
    let c = id(&create_memorandum(&app, &consignee, &json!({"title": "C", "supersedes": b})).await);
    let foreign = id(&create_memorandum(&app, &stranger, &json!({"title": "F"})).await);
    let cases = [
        (&a, json!(a), "self"),
        (&a, json!(c), "cycle"),
        (&a, json!(foreign), "other_consignee"),
        (&a, json!("01a21e05-0000-7000-8000-000000000000"), "not_found"),
    ];
    for (target, supersedes, code) in cases {
        let (status, body) = app
            .patch_json(&format!("/api/v1/memoranda/{target}"), "procurement", &json!({"supersedes": supersedes}))
            .await;
        assert_eq!(status, 422, "{code}: {body}");
        assert_eq!(
            (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
            (Some("supersedes"), Some(code))
        );
    }
    let (_, a_now) = app.get_json(&format!("/api/v1/memoranda/{a}")).await;
    assert!(a_now["supersedes"].is_null() && a_now["version"] == 1, "unchanged: {a_now}");
}

#[tokio::test]
async fn signing_lists_everything_missing_then_freezes_the_terms() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let body = json!({
        "title": "Incomplete",
        "signatories": [{"name": "鈴木 一郎", "party": "company"}],
        "clauses": [{"code": "incident_notification", "included": true}, {"code": "confidentiality", "included": false}]
    });
    let draft = id(&create_memorandum(&app, &consignee, &body).await);
    let refused = problem(sign(&app, &draft).await, 422).await;
    let fields = error_fields(&refused);
    for field in [
        "signatories",
        "signed_on",
        "effective_from",
        "document",
        "clauses.confidentiality",
        "clauses.security_measures",
        "clauses.incident_notification.notify_within_hours",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    assert!(!fields.contains(&"clauses.incident_notification".to_owned()), "it is included: {fields:?}");
    assert_eq!(fields.iter().filter(|f| f.starts_with("clauses.") && !f.ends_with("hours")).count(), 11);
    let (_, still) = app.get_json(&format!("/api/v1/memoranda/{draft}")).await;
    assert_eq!((still["status"].as_str(), still["version"].as_i64()), (Some("draft"), Some(1)));

    let full = memorandum_body(&app, "Complete").await;
    let ready = id(&ready_memorandum(&app, &consignee, &full).await);
    let signed = sign_memorandum(&app, &ready).await;
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signed_by"], "tester-procurement");
    assert_eq!(signed["required_clauses"].as_array().unwrap().len(), 12);
    problem(sign(&app, &ready).await, 409).await;
    let path = format!("/api/v1/memoranda/{ready}");
    let (status, _) = app.patch_json(&path, "procurement", &json!({"expires_on": "2030-03-31"})).await;
    assert_eq!(status, 409, "terms are frozen");
    let (status, noted) =
        app.patch_json(&path, "procurement", &json!({"notes": "原本は法務部保管", "external_ref": "CT-9"})).await;
    assert_eq!(status, 200, "{noted}");
    assert_eq!((noted["notes"].as_str(), noted["status"].as_str()), (Some("原本は法務部保管"), Some("signed")));
    let replaced = upload_pdf(&app, &ready, pdf(2048)).await;
    problem(replaced, 409).await;
    assert_eq!(
        actions(&app, &ready).await,
        ["memorandum.created", "memorandum.document_uploaded", "memorandum.signed", "memorandum.updated"]
    );
}

async fn terminate(app: &TestApp, memorandum: &str, body: Value) -> (u16, Value) {
    app.post_json(&format!("/api/v1/memoranda/{memorandum}/terminate"), "procurement", &body).await
}

#[tokio::test]
async fn terminating_needs_a_signed_memorandum_and_a_past_date() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let draft = id(&create_memorandum(&app, &consignee, &json!({"title": "draft"})).await);
    let (status, _) = terminate(&app, &draft, json!({"terminated_on": "2026-01-01", "reason": "x"})).await;
    assert_eq!(status, 409, "a draft is not terminated");
    let signed = id(&signed_memorandum(&app, &consignee).await);
    let (status, body) = terminate(&app, &signed, json!({"terminated_on": "2099-01-01", "reason": "x"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("terminated_on")));
    let (status, body) = terminate(&app, &signed, json!({"terminated_on": "2025-01-01", "reason": "x"})).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("date_order")), "before signed_on");
    let (status, body) = terminate(&app, &signed, json!({"terminated_on": "2026-01-01", "reason": " "})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("reason")));
    let lapsed = crate::helpers::fixtures::fixed_term(memorandum_body(&app, "lapsed").await, "2025-12-31");
    let lapsed = id(&crate::helpers::fixtures::signed_memorandum_from(&app, &consignee, &lapsed).await);
    let (status, body) = terminate(&app, &lapsed, json!({"terminated_on": "2026-01-01", "reason": "x"})).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("date_order")), "after it expired: {body}");
    let (status, ended) =
        terminate(&app, &signed, json!({"terminated_on": "2026-01-01", "reason": "置換のため"})).await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!((ended["status"].as_str(), ended["in_force"].as_bool()), (Some("terminated"), Some(false)));
    assert_eq!(
        (ended["terminated_on"].as_str(), ended["termination_reason"].as_str()),
        (Some("2026-01-01"), Some("置換のため"))
    );
    let (status, _) = terminate(&app, &signed, json!({"terminated_on": "2026-01-01", "reason": "again"})).await;
    assert_eq!(status, 409, "terminating twice");
}

#[tokio::test]
async fn a_successor_does_not_end_the_memorandum_it_supersedes() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let old = id(&signed_memorandum(&app, &consignee).await);
    let mut body = memorandum_body(&app, "2026年改訂版").await;
    body["supersedes"] = json!(old);
    let successor = crate::helpers::fixtures::signed_memorandum_from(&app, &consignee, &body).await;
    assert_eq!(successor["supersedes"], old.as_str());
    let (_, old_now) = app.get_json(&format!("/api/v1/memoranda/{old}")).await;
    assert_eq!(old_now["status"], "signed");
    let (_, summary) = app.get_json(&format!("/api/v1/consignees/{consignee}")).await;
    assert_eq!(summary["memoranda_summary"]["in_force"].as_array().unwrap().len(), 2, "both in force");
}

#[tokio::test]
async fn the_consignee_shows_its_memoranda_in_force_and_missing_clauses() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let path = format!("/api/v1/consignees/{consignee}");
    let (_, before) = app.get_json(&path).await;
    assert!(before["memoranda_summary"]["in_force"].as_array().unwrap().is_empty());
    assert_eq!(before["memoranda_summary"]["missing_clauses"].as_array().unwrap().len(), 12, "all, none in force");
    let etag_before = app.request(Method::GET, &path, "viewer").send().await.unwrap().headers()["etag"].clone();
    let memorandum = signed_memorandum(&app, &consignee).await;
    let response =
        app.request(Method::GET, &path, "viewer").header("if-none-match", etag_before.clone()).send().await.unwrap();
    assert_eq!(response.status(), 200, "the summary changed, so the tag did, though the consignee row did not");
    assert_ne!(response.headers()["etag"], etag_before);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after["version"], before["version"]);
    let summary = &after["memoranda_summary"];
    assert_eq!(summary["in_force"][0]["id"], memorandum["id"]);
    assert_eq!(summary["in_force"][0]["expires_on"], "2027-03-31");
    assert!(summary["in_force"][0]["current_term_ends_on"].is_string(), "renews yearly: {summary}");
    assert_eq!(summary["missing_clauses"], json!([]));
    let (_, listed) = app.get_json("/api/v1/consignees").await;
    assert_eq!(listed["items"][0]["memoranda_summary"], *summary);
}

#[tokio::test]
async fn a_candidate_with_a_memorandum_cannot_be_deleted() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    create_memorandum(&app, &consignee, &json!({"title": "draft"})).await;
    let response =
        app.request(Method::DELETE, &format!("/api/v1/consignees/{consignee}"), "procurement").send().await.unwrap();
    assert!(problem(response, 409).await["detail"].as_str().unwrap().contains("memoranda"));
    let (status, _) = app.get_json(&format!("/api/v1/consignees/{consignee}")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_cross_consignee_list_filters_by_consignee_and_status() {
    let app = spawn_app().await;
    let (consignee, _) = approved_consignee_with_memorandum(&app, "一覧株式会社").await;
    let other = new_consignee(&app).await;
    create_memorandum(&app, &other, &json!({"title": "draft", "expires_on": "2099-03-31"})).await;
    let count = |query: String| {
        let app = &app;
        async move {
            let (status, page) = app.get_json(&format!("/api/v1/memoranda?{query}")).await;
            assert_eq!(status, 200, "{page}");
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count(String::new()).await, 2);
    assert_eq!(count(format!("consignee_id={}", id(&consignee))).await, 1);
    assert_eq!(count("status=draft".to_owned()).await, 1);
    assert_eq!(count("status=signed".to_owned()).await, 1);
    assert_eq!(count("status=expired".to_owned()).await, 0);
    assert_eq!(count("expires_before=2099-04-01".to_owned()).await, 1, "the auto-renewing one never expires");
    assert_eq!(count("expires_before=2099-03-31".to_owned()).await, 0);
    assert_eq!(count("limit=1".to_owned()).await, 1);
    let response = app.request(Method::GET, "/api/v1/memoranda?status=lapsed", "viewer").send().await.unwrap();
    assert_eq!(response.status(), 400);
    let response = app.request(Method::GET, "/api/v1/memoranda?expires_before=%2B10000-01-01", "viewer").send().await;
    assert_eq!(error_fields(&problem(response.unwrap(), 422).await), ["expires_before"], "years beyond RFC 3339");
    let body = json!({"title": "x", "effective_from": "+10000-01-01"});
    let (status, refused) =
        app.post_json(&format!("/api/v1/consignees/{}/memoranda", id(&consignee)), "procurement", &body).await;
    assert_eq!((status, error_fields(&refused)), (422, vec!["effective_from".to_owned()]));
}

#[tokio::test]
async fn concurrent_patches_cannot_close_a_supersedes_cycle() {
    let app = spawn_app().await;
    let consignee = new_consignee(&app).await;
    let a = id(&create_memorandum(&app, &consignee, &json!({"title": "A"})).await);
    let b = id(&create_memorandum(&app, &consignee, &json!({"title": "B"})).await);
    for _ in 0..5 {
        let (pa, pb) = (format!("/api/v1/memoranda/{a}"), format!("/api/v1/memoranda/{b}"));
        let (to_b, to_a) = (json!({"supersedes": b}), json!({"supersedes": a}));
        let ((sa, _), (sb, _)) =
            tokio::join!(app.patch_json(&pa, "procurement", &to_b), app.patch_json(&pb, "procurement", &to_a));
        assert!(!(sa == 200 && sb == 200), "both sides of a cycle were stored");
        assert!([200, 422].contains(&sa) && [200, 422].contains(&sb), "{sa} {sb}");
        for path in [&pa, &pb] {
            let (status, _) = app.patch_json(path, "procurement", &json!({"supersedes": null})).await;
            assert_eq!(status, 200);
        }
    }
}
