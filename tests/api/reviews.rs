//! Supervision reviews: the checklist as data, planning and recording a review, completing it
//! (every active item answered, once), and its evidence.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{all_answers, complete_review, create_consignee, open_review, pdf};
use crate::helpers::{error_fields, problem, spawn_app, TestApp};

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

async fn reviews_of(app: &TestApp, consignee_id: &str) -> Vec<Value> {
    let (status, page) = app.get_json(&format!("/api/v1/consignees/{consignee_id}/reviews")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_checklist_is_seeded_with_the_four_kinds_of_safeguards_and_admins_maintain_it() {
    let app = spawn_app().await;
    let (status, page) = app.get_json("/api/v1/review-checklist-items?limit=200").await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    for category in ["organizational", "personnel", "physical", "technical"] {
        assert!(items.iter().any(|i| i["category"] == category), "{category} is seeded");
    }
    for code in ["responsible_person", "staff_training", "secure_disposal", "encryption", "backup"] {
        assert!(items.iter().any(|i| i["code"] == code), "{code} is seeded");
    }
    let (_, technical) = app.get_json("/api/v1/review-checklist-items?category=technical").await;
    assert!(technical["items"].as_array().unwrap().iter().all(|i| i["category"] == "technical"));
    let item = json!({"code": "vulnerability_scanning", "category": "technical", "text": "Scanned quarterly."});
    let (created, body) = app.post_json("/api/v1/review-checklist-items", "admin", &item).await;
    assert_eq!(created, 201, "{body}");
    let (again, _) = app.post_json("/api/v1/review-checklist-items", "admin", &item).await;
    assert_eq!(again, 409);
    let (bad, body) = app
        .post_json("/api/v1/review-checklist-items", "admin", &json!({"code": "X", "category": "legal", "text": ""}))
        .await;
    assert_eq!(bad, 422, "{body}");
    let (forbidden, _) = app.post_json("/api/v1/review-checklist-items", "privacy_officer", &item).await;
    assert_eq!(forbidden, 403);
}

#[tokio::test]
async fn completing_needs_an_answer_for_every_active_item_and_retired_items_need_none() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "回答株式会社").await;
    let review = open_review(&app, id(&consignee), "selection").await;
    let path = format!("/api/v1/reviews/{}/complete", id(&review));
    let partial = json!({"outcome": "satisfactory", "answers": [{"item": "encryption", "answer": "yes"}]});
    let (status, body) = app.post_json(&path, "privacy_officer", &partial).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), ["answers"]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("backup"), "{body}");
    let item = json!({"code": "vendor_offboarding", "category": "organizational", "text": "Offboarding is planned."});
    assert_eq!(app.post_json("/api/v1/review-checklist-items", "admin", &item).await.0, 201);
    let seeded_only = all_answers(&app)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["item"] != "vendor_offboarding")
        .cloned()
        .collect::<Vec<_>>();
    let (status, body) =
        app.post_json(&path, "privacy_officer", &json!({"outcome": "satisfactory", "answers": seeded_only})).await;
    assert_eq!(status, 422, "the new item needs an answer too: {body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("vendor_offboarding"));
    let (_, unchanged) = app.get_json(&format!("/api/v1/reviews/{}", id(&review))).await;
    assert_eq!((unchanged["status"].as_str(), unchanged["version"].as_i64()), (Some("open"), Some(1)));
    let retire = json!({"retired": true});
    assert_eq!(app.patch_json("/api/v1/review-checklist-items/vendor_offboarding", "admin", &retire).await.0, 200);
    let (status, completed) =
        app.post_json(&path, "privacy_officer", &json!({"outcome": "satisfactory", "answers": seeded_only})).await;
    assert_eq!(status, 200, "{completed}");
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["outcome"], "satisfactory");
    assert_eq!(completed["completed_by"], "tester-privacy_officer");
    assert!(completed["performed_on"].is_string(), "performed_on defaults to today");
    let (_, consignee_now) = app.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    assert_eq!(consignee_now["last_reviewed_on"], completed["performed_on"]);
    assert_eq!(consignee_now["next_review_due"], Value::Null, "a candidate is not on the schedule yet");
}

#[tokio::test]
async fn what_an_answered_item_asks_cannot_change_but_it_can_be_retired() {
    let app = spawn_app().await;
    let item = json!({"code": "clean_desk", "category": "physical", "text": "A clean-desk rule is kept."});
    assert_eq!(app.post_json("/api/v1/review-checklist-items", "admin", &item).await.0, 201);
    let path = "/api/v1/review-checklist-items/clean_desk";
    let (status, reworded) =
        app.patch_json(path, "admin", &json!({"text": "A clean-desk rule is kept and checked."})).await;
    assert_eq!((status, reworded["version"].as_i64()), (200, Some(2)), "unanswered items can be reworded");
    let consignee = create_consignee(&app, "机上株式会社").await;
    let review = open_review(&app, id(&consignee), "periodic").await;
    let answers = json!({"answers": [{"item": "clean_desk", "answer": "no", "comment": "papers left out"}]});
    assert_eq!(app.patch_json(&format!("/api/v1/reviews/{}", id(&review)), "privacy_officer", &answers).await.0, 200);
    for change in [json!({"text": "Something else."}), json!({"category": "organizational"})] {
        let (status, body) = app.patch_json(path, "admin", &change).await;
        assert_eq!(status, 409, "{body}");
    }
    let (status, retired) = app.patch_json(path, "admin", &json!({"retired": true})).await;
    assert_eq!((status, retired["retired"].as_bool(), retired["version"].as_i64()), (200, Some(true), Some(3)));
    let (_, kept) = app.get_json(path).await;
    assert_eq!(kept["text"], "A clean-desk rule is kept and checked.");
}

#[tokio::test]
async fn unknown_or_repeated_items_a_future_date_and_another_consignees_certification_are_422() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "不正株式会社").await;
    let other = create_consignee(&app, "他社株式会社").await;
    let certification = json!({"scheme": "iso_27001", "issuer": "BSI", "issued_on": "2025-01-10"});
    let (_, foreign) = app
        .post_json(&format!("/api/v1/consignees/{}/certifications", id(&other)), "procurement", &certification)
        .await;
    let body = json!({
        "kind": "periodic", "method": "on_site_audit", "performed_on": "2999-01-01",
        "answers": [{"item": "no_such_item", "answer": "yes"}, {"item": "backup", "answer": "no"},
            {"item": "backup", "answer": "yes"}],
        "evidence": {"references": ["監査報告書"], "certification_ids": [id(&foreign)]}
    });
    let path = format!("/api/v1/consignees/{}/reviews", id(&consignee));
    let (status, refused) = app.post_json(&path, "privacy_officer", &body).await;
    assert_eq!(status, 422, "{refused}");
    let mut fields = error_fields(&refused);
    fields.sort();
    assert_eq!(fields, ["answers[0].item", "answers[2].item", "evidence.certification_ids[0]", "performed_on"]);
    assert!(reviews_of(&app, id(&consignee)).await.is_empty(), "nothing stored");
    let (status, body) =
        app.post_json(&path, "privacy_officer", &json!({"kind": "yearly", "method": "questionnaire"})).await;
    assert_eq!((status, error_fields(&body)), (422, vec!["kind".to_owned()]));
    let (forbidden, _) =
        app.post_json(&path, "procurement", &json!({"kind": "periodic", "method": "questionnaire"})).await;
    assert_eq!(forbidden, 403, "only the privacy office records reviews");
    let (missing, _) = app
        .post_json(
            &format!("/api/v1/consignees/{}/reviews", uuid::Uuid::now_v7()),
            "privacy_officer",
            &json!({"kind": "periodic", "method": "questionnaire"}),
        )
        .await;
    assert_eq!(missing, 404);
}

#[tokio::test]
async fn an_open_review_is_patched_and_a_completed_one_is_frozen_even_against_a_bad_body() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "凍結株式会社").await;
    let review = open_review(&app, id(&consignee), "selection").await;
    assert_eq!(review["reviewer"], "tester-privacy_officer", "the reviewer defaults to the token's subject");
    let path = format!("/api/v1/reviews/{}", id(&review));
    let changes = json!({"reviewer": "鈴木 花子", "answers": all_answers(&app).await, "summary": " 良好 ", "performed_on": "2026-04-12"});
    let (status, patched) = app.patch_json(&path, "privacy_officer", &changes).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!((patched["reviewer"].as_str(), patched["summary"].as_str()), (Some("鈴木 花子"), Some("良好")));
    let (status, body) = app.patch_json(&path, "privacy_officer", &json!({"performed_on": "2999-12-31"})).await;
    assert_eq!((status, error_fields(&body)), (422, vec!["performed_on".to_owned()]));
    let (status, completed) =
        app.post_json(&format!("{path}/complete"), "privacy_officer", &json!({"outcome": "needs_improvement"})).await;
    assert_eq!(status, 200, "answers and the date recorded by PATCH are kept: {completed}");
    assert_eq!(completed["performed_on"], "2026-04-12");
    assert_eq!(completed["answers"].as_array().unwrap().len(), all_answers(&app).await.as_array().unwrap().len());
    for (content_type, body) in
        [("application/json", r#"{"outcome": "satisfactory"}"#), ("application/json", "{not json"), ("text/plain", "x")]
    {
        let twice = app.request(Method::POST, &format!("{path}/complete"), "privacy_officer");
        let twice = twice.header("content-type", content_type).body(body).send().await.unwrap();
        problem(twice, 409).await;
    }
    let (status, _) = app.patch_json(&path, "privacy_officer", &json!({"summary": "changed later"})).await;
    assert_eq!(status, 409);
    let upload = app.request(Method::POST, &format!("{path}/documents"), "privacy_officer");
    let upload = upload.header("content-type", "application/pdf").body(pdf(300)).send().await.unwrap();
    problem(upload, 409).await;
    let (_, after) = app.get_json(&path).await;
    assert_eq!((after["outcome"].as_str(), after["version"].as_i64()), (Some("needs_improvement"), Some(3)));
}

#[tokio::test]
async fn evidence_documents_and_certifications_are_kept_with_the_review() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "証跡株式会社").await;
    let certification =
        json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-04-01", "expires_on": "2027-03-31"});
    let (_, certification) = app
        .post_json(&format!("/api/v1/consignees/{}/certifications", id(&consignee)), "procurement", &certification)
        .await;
    let review = open_review(&app, id(&consignee), "periodic").await;
    let path = format!("/api/v1/reviews/{}", id(&review));
    let evidence = json!({"evidence": {"references": ["質問票 2026-04"], "certification_ids": [id(&certification)]}});
    assert_eq!(app.patch_json(&path, "privacy_officer", &evidence).await.0, 200);
    let bytes = pdf(5000);
    let mut uploaded = Vec::new();
    for _ in 0..2 {
        let upload = app.request(Method::POST, &format!("{path}/documents?filename=report.pdf"), "privacy_officer");
        let response = upload.header("content-type", "application/pdf").body(bytes.clone()).send().await.unwrap();
        assert_eq!(response.status(), 200);
        uploaded.push(response.json::<Value>().await.unwrap());
    }
    assert_eq!(uploaded[0], uploaded[1], "the same bytes again answer the document already attached");
    let (_, shown) = app.get_json(&path).await;
    assert_eq!(shown["evidence"]["documents"].as_array().unwrap().len(), 1);
    assert_eq!(shown["evidence"]["certification_ids"][0], certification["id"]);
    assert_eq!(shown["evidence"]["references"][0], "質問票 2026-04");
    let sha256 = uploaded[0]["sha256"].as_str().unwrap();
    let download = app.request(Method::GET, &format!("{path}/documents/{sha256}"), "viewer").send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);
    let absent = app.request(Method::GET, &format!("{path}/documents/{}", "0".repeat(64)), "viewer");
    problem(absent.send().await.unwrap(), 404).await;
    let wrong = app.request(Method::POST, &format!("{path}/documents"), "privacy_officer");
    let wrong = wrong.header("content-type", "application/pdf").body("not a pdf").send().await.unwrap();
    problem(wrong, 415).await;
    complete_review(&app, id(&review), "satisfactory", Some("2026-04-20")).await;
    let (_, listed) = app.get_json("/api/v1/reviews?status=completed&kind=periodic").await;
    assert!(listed["items"].as_array().unwrap().iter().any(|r| r["id"] == review["id"]));
    let (_, open) = app.get_json(&format!("/api/v1/reviews?status=open&consignee_id={}", id(&consignee))).await;
    assert!(open["items"].as_array().unwrap().is_empty());
    let patch = app.request(Method::PATCH, "/api/v1/reviews/due", "privacy_officer");
    let patch = patch.header("content-type", "application/json").body("{}").send().await.unwrap();
    assert_eq!(patch.status(), 405, "a literal path does not fall through to /reviews/{{id}}");
    assert_eq!(patch.headers()["allow"], "GET, HEAD");
}
