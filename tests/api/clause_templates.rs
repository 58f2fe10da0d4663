//! Required clauses are data: seeded from JIS Q 15001 and GDPR Art. 28(3), added and retired by
//! admins, and never applied retroactively to a memorandum already signed.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    create_consignee, memorandum_body, ready_memorandum, required_clauses, sign_memorandum, signed_memorandum,
};
use crate::helpers::{error_fields, problem, spawn_app};

const SEEDED: [&str; 12] = [
    "assistance_with_data_subject_requests",
    "audit_rights",
    "confidentiality",
    "incident_notification",
    "legal_compliance",
    "periodic_reporting",
    "purpose_limitation",
    "remedies_for_breach",
    "responsibilities",
    "return_or_deletion_on_termination",
    "security_measures",
    "sub_consignment_prior_consent",
];

#[tokio::test]
async fn the_seeded_clauses_are_listed_in_pages() {
    let app = spawn_app().await;
    assert_eq!(required_clauses(&app).await, SEEDED);
    let (status, first) = app.get_json("/api/v1/clause-templates?limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    assert_eq!(first["next_cursor"], "legal_compliance");
    let (_, rest) = app.get_json("/api/v1/clause-templates?limit=200&cursor=legal_compliance").await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 7);
    let (_, one) = app.get_json("/api/v1/clause-templates/audit_rights").await;
    assert_eq!((one["created_by"].as_str(), one["retired"].as_bool()), (Some("system"), Some(false)));
    assert!(one["description"].as_str().unwrap().contains("28(3)(h)"));
    let (status, _) = app.get_json("/api/v1/clause-templates/no_such_clause").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_clause_added_later_binds_memoranda_signed_after_it_but_not_before() {
    let app = spawn_app().await;
    let consignee = create_consignee(&app, "条項追加株式会社").await;
    let consignee_id = consignee["id"].as_str().unwrap();
    let earlier = signed_memorandum(&app, consignee_id).await;
    let body = memorandum_body(&app, "prepared before the new clause").await;
    let draft = ready_memorandum(&app, consignee_id, &body).await;

    let new_clause = json!({"code": "ai_training_prohibited", "title": "No AI training",
        "description": "The consignee does not train models on the entrusted data."});
    let (status, added) = app.post_json("/api/v1/clause-templates", "admin", &new_clause).await;
    assert_eq!(status, 201, "{added}");
    let (status, _) = app.post_json("/api/v1/clause-templates", "admin", &new_clause).await;
    assert_eq!(status, 409, "the code is taken");

    let path = format!("/api/v1/memoranda/{}/sign", draft["id"].as_str().unwrap());
    let (status, refused) = app.post_json(&path, "procurement", &Value::Null).await;
    assert_eq!((status, error_fields(&refused)), (422, vec!["clauses.ai_training_prohibited".to_owned()]));
    let (_, earlier_now) = app.get_json(&format!("/api/v1/memoranda/{}", earlier["id"].as_str().unwrap())).await;
    assert_eq!((earlier_now["status"].as_str(), earlier_now["in_force"].as_bool()), (Some("signed"), Some(true)));
    assert_eq!(earlier_now["required_clauses"].as_array().unwrap().len(), 12, "the set it was signed against");
    let (_, holder) = app.get_json(&format!("/api/v1/consignees/{consignee_id}")).await;
    assert_eq!(holder["memoranda_summary"]["missing_clauses"], json!([]), "not retroactive");

    let (status, retired) =
        app.patch_json("/api/v1/clause-templates/ai_training_prohibited", "admin", &json!({"retired": true})).await;
    assert_eq!((status, retired["retired"].as_bool(), retired["version"].as_i64()), (200, Some(true), Some(2)));
    let signed = sign_memorandum(&app, draft["id"].as_str().unwrap()).await;
    assert_eq!(signed["required_clauses"].as_array().unwrap().len(), 12, "a retired clause is not required");
    let (_, events) = app.get_json("/api/v1/audit/events?resource_id=ai_training_prohibited").await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["clause_template.created", "clause_template.updated"]);
}

#[tokio::test]
async fn only_admins_change_templates_and_bad_input_is_named() {
    let app = spawn_app().await;
    let body = json!({"code": "Bad-Code", "title": " ", "description": "x"});
    let response = app.request(Method::POST, "/api/v1/clause-templates", "admin").json(&body).send().await.unwrap();
    assert_eq!(error_fields(&problem(response, 422).await), ["code", "title"]);
    let response =
        app.request(Method::POST, "/api/v1/clause-templates", "privacy_officer").json(&body).send().await.unwrap();
    problem(response, 403).await;
    for patch in [json!({"retired": null}), json!({"title": null}), json!({"retired": "yes"}), json!({"code": "x"})] {
        let (status, _) = app.patch_json("/api/v1/clause-templates/audit_rights", "admin", &patch).await;
        assert_eq!(status, 422, "{patch}");
    }
    let (_, unchanged) = app.get_json("/api/v1/clause-templates/audit_rights").await;
    assert_eq!(unchanged["version"], 1);
}
