//! Incidents at consignees on a fixed clock: APPI Art. 26 reportability for each ground, the
//! report deadlines in the business time zone, the consignee's compliance while a report is
//! overdue, closing, the report to the PPC, and bad input refused with nothing changed.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{create_entrustment, entrusted_consignee, entrustment_body, pdf};
use crate::helpers::{error_fields, spawn_app_at, TestApp};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// Tuesday 2026-11-24, 16:00 in Tokyo.
async fn app_on_tuesday() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-24T07:00:00Z")));
    (spawn_app_at(clock.clone(), |_| {}).await, clock)
}

/// A misdelivery the consignee detected at 10:00 and reported at 15:30 (Tokyo) on 2026-11-24.
fn misdelivery(entrustment: &Value) -> Value {
    json!({
        "kind": "misdelivery",
        "description": " 請求書の誤送付 ",
        "occurred_on": "2026-11-20",
        "detected_at": "2026-11-24T10:00:00+09:00",
        "reported_by_consignee_at": "2026-11-24T15:30:00+09:00",
        "entrustments": [entrustment["id"]],
        "categories": ["contact_details"],
        "affected_subjects": 1200,
        "affected_subjects_is_upper_bound": true,
    })
}

async fn record(app: &TestApp, consignee_id: &str, body: &Value) -> Value {
    let path = format!("/api/v1/consignees/{consignee_id}/incidents");
    let (status, incident) = app.post_json(&path, "procurement", body).await;
    assert_eq!(status, 201, "{incident}");
    incident
}

async fn incident_ids(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app.get_json(&format!("/api/v1/incidents?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|i| id(i).to_owned()).collect()
}

async fn incident_check(app: &TestApp, consignee_id: &str) -> (String, Value) {
    let (status, compliance) = app.get_json(&format!("/api/v1/consignees/{consignee_id}/compliance")).await;
    assert_eq!(status, 200, "{compliance}");
    let check = compliance["checks"].as_array().unwrap().iter().find(|c| c["code"] == "incident_reports").unwrap();
    (compliance["status"].as_str().unwrap().to_owned(), check.clone())
}

#[tokio::test]
async fn an_incident_derives_its_deadlines_and_answers_the_first_questions() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, memorandum, entrustment) = entrusted_consignee(&app, "誤送付株式会社").await;
    let (other, _, _) = entrusted_consignee(&app, "同種保有株式会社").await;
    let incident = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    assert_eq!(incident["description"], "請求書の誤送付");
    assert_eq!(incident["company_aware_at"], "2026-11-24T06:30:00Z", "defaults to the consignee's report");
    assert_eq!(
        (incident["reportable"].as_bool(), &incident["reportable_reasons"]),
        (Some(true), &json!(["more_than_1000_subjects"]))
    );
    // The day of awareness is day 1: five days end on the 28th, thirty on 23 December.
    assert_eq!(
        (incident["preliminary_report_due"].as_str(), incident["final_report_due"].as_str()),
        (Some("2026-11-28"), Some("2026-12-23"))
    );
    assert_eq!(
        (incident["preliminary_report_state"].as_str(), incident["overdue"].as_bool()),
        (Some("due"), Some(false))
    );
    let review = &incident["follow_up_review"];
    assert_eq!(
        (review["scheduled_for"].as_str(), review["scheduled_by_incident"].as_bool()),
        (Some("2026-11-24"), Some(true))
    );
    let (_, scheduled) = app.get_json(&format!("/api/v1/reviews/{}", review["id"].as_str().unwrap())).await;
    assert_eq!(
        (scheduled["kind"].as_str(), scheduled["consignee_id"].as_str()),
        (Some("ad_hoc"), Some(id(&consignee)))
    );

    let impact = &incident["impact"];
    assert_eq!(impact["categories"][0]["code"], "contact_details");
    let holders: Vec<&str> =
        impact["other_holders"].as_array().unwrap().iter().map(|h| h["consignee_id"].as_str().unwrap()).collect();
    assert_eq!(holders, [id(&other)], "the other consignee holding contact details, not this one");
    let clause = &impact["notification_clauses"][0];
    assert_eq!(clause["memorandum_id"], memorandum["id"]);
    assert_eq!(
        (clause["notify_within_hours"].as_i64(), clause["took_hours"].as_f64(), clause["met"].as_bool()),
        (Some(24), Some(5.5), Some(true))
    );

    let second = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    assert_eq!(
        second["follow_up_review"]["id"], incident["follow_up_review"]["id"],
        "the open ad-hoc review is linked"
    );
    assert_eq!(second["follow_up_review"]["scheduled_by_incident"], false);
    let path = format!("/api/v1/consignees/{}/incidents?schedule_review=false", id(&other));
    let (status, quiet) = app
        .post_json(
            &path,
            "procurement",
            &json!({"kind": "loss", "description": "USB紛失",
        "company_aware_at": "2026-11-24T09:00:00+09:00"}),
        )
        .await;
    assert_eq!((status, &quiet["follow_up_review"]), (201, &Value::Null));
    assert_eq!(
        (quiet["reportable"].as_bool(), quiet["final_report_state"].as_str()),
        (Some(false), Some("not_required"))
    );
    let candidate = crate::helpers::fixtures::create_consignee(&app, "事故候補株式会社").await;
    let path = format!("/api/v1/consignees/{}/incidents?schedule_review=false", id(&candidate));
    let loss = json!({"kind": "loss", "description": "試用中の紛失", "company_aware_at": "2026-11-24T09:00:00+09:00"});
    assert_eq!(app.post_json(&path, "procurement", &loss).await.0, 201);
    let deleted = app
        .request(Method::DELETE, &format!("/api/v1/consignees/{}", id(&candidate)), "procurement")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 409, "a candidate with an incident is kept as evidence");

    let (status, audit) =
        app.get_json(&format!("/api/v1/audit/events?resource_type=incident&resource_id={}", id(&incident))).await;
    assert_eq!(status, 200, "{audit}");
    assert_eq!(audit["items"][0]["action"], "incident.created");
}

#[tokio::test]
async fn each_ground_of_article_26_makes_an_incident_reportable_on_its_own() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, memorandum, _) = entrusted_consignee(&app, "根拠株式会社").await;
    let mut body = entrustment_body(id(&memorandum));
    body["categories"] = json!(["health_information"]);
    let health = create_entrustment(&app, id(&consignee), &body).await;
    let base = json!({"kind": "leak", "description": "漏えい", "company_aware_at": "2026-11-24T09:00:00+09:00"});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        (
            with(json!({"categories": ["health_information"], "entrustments": [health["id"]]})),
            json!(["sensitive_data"]),
            "2026-12-23",
        ),
        (with(json!({"financial_damage_risk": true})), json!(["financial_damage_risk"]), "2026-12-23"),
        (
            with(json!({"kind": "unauthorized_access", "wrongful_intent": true})),
            json!(["wrongful_intent"]),
            "2027-01-22",
        ),
        (with(json!({"affected_subjects": 1001})), json!(["more_than_1000_subjects"]), "2026-12-23"),
        (
            with(json!({"affected_subjects": 900, "affected_subjects_is_upper_bound": true, "suspected": true,
            "categories": ["health_information"]})),
            json!(["sensitive_data"]),
            "2026-12-23",
        ),
    ];
    for (body, reasons, final_due) in cases {
        let incident = record(&app, id(&consignee), &body).await;
        assert_eq!(
            (&incident["reportable_reasons"], incident["reportable"].as_bool()),
            (&reasons, Some(true)),
            "{body}"
        );
        assert_eq!(incident["final_report_due"], final_due, "{body}");
        assert_eq!(incident["preliminary_report_due"], "2026-11-28", "{body}");
    }
    let not_reportable = [
        with(json!({"affected_subjects": 1000})),
        with(json!({"kind": "unauthorized_access", "wrongful_intent": false})),
        with(json!({"categories": ["health_information"], "advanced_encryption": true})),
    ];
    for body in not_reportable {
        let incident = record(&app, id(&consignee), &body).await;
        assert_eq!(incident["reportable"], false, "{body}");
        assert_eq!(
            (&incident["preliminary_report_due"], incident["preliminary_report_state"].as_str()),
            (&Value::Null, Some("not_required"))
        );
    }
    assert_eq!(incident_ids(&app, "reportable=true").await.len(), 5);
    assert_eq!(incident_ids(&app, "reportable=false&kind=unauthorized_access").await.len(), 1);
}

#[tokio::test]
async fn an_overdue_report_makes_the_consignee_non_compliant_until_it_is_made() {
    let (app, clock) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "期限株式会社").await;
    let incident = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    let path = format!("/api/v1/incidents/{}", id(&incident));
    let (status, check) = incident_check(&app, id(&consignee)).await;
    assert_eq!((status.as_str(), check["result"].as_str()), ("attention", Some("warn")), "{check}");

    // Saturday 23:59 in Tokyo is still day 5; Sunday 00:00 is past it.
    clock.set(at("2026-11-28T14:59:00Z"));
    assert_eq!(app.get_json(&path).await.1["preliminary_report_state"], "due");
    clock.set(at("2026-11-28T15:00:00Z"));
    let (_, overdue) = app.get_json(&path).await;
    assert_eq!(
        (overdue["preliminary_report_state"].as_str(), overdue["overdue"].as_bool()),
        (Some("overdue"), Some(true))
    );
    assert_eq!(incident_ids(&app, "status=open&reportable=true&overdue=true").await, [id(&incident)]);
    assert!(incident_ids(&app, "overdue=false").await.is_empty());
    let (status, check) = incident_check(&app, id(&consignee)).await;
    assert_eq!((status.as_str(), check["result"].as_str()), ("non_compliant", Some("fail")), "{check}");
    assert_eq!(check["ids"], json!([id(&incident)]));
    let (_, summary) = app.get_json("/api/v1/reports/summary").await;
    assert_eq!(
        (summary["open_incidents"].as_i64(), summary["incidents_with_overdue_reports"].as_i64()),
        (Some(1), Some(1))
    );

    clock.set(at("2026-11-29T03:00:00Z"));
    let late = json!({"preliminary_reported_at": "2026-11-29T10:00:00+09:00"});
    let (status, reported) = app.patch_json(&path, "privacy_officer", &late).await;
    assert_eq!(status, 200, "{reported}");
    assert_eq!(
        (reported["preliminary_report_state"].as_str(), reported["overdue"].as_bool()),
        (Some("late"), Some(false))
    );
    let (status, check) = incident_check(&app, id(&consignee)).await;
    assert_eq!(
        (status.as_str(), check["result"].as_str()),
        ("attention", Some("warn")),
        "the final report is still due"
    );
    let done = json!({"final_reported_at": "2026-11-29T11:00:00+09:00"});
    let (_, reported) = app.patch_json(&path, "privacy_officer", &done).await;
    assert_eq!(reported["final_report_state"], "met");
    let (_, check) = incident_check(&app, id(&consignee)).await;
    assert_eq!(check["result"], "pass");
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_recorded() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "不正入力株式会社").await;
    let (other, _, foreign) = entrusted_consignee(&app, "他社株式会社").await;
    let good = misdelivery(&entrustment);
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("detected_at", json!("2026-11-19T10:00:00+09:00")), "detected_at"),
        (with("reported_by_consignee_at", json!("2026-11-24T09:00:00+09:00")), "reported_by_consignee_at"),
        (with("categories", json!(["payment_data"])), "categories[0]"),
        (with("categories", json!(["no_such_category"])), "categories[0]"),
        (with("entrustments", json!([foreign["id"]])), "entrustments[0]"),
        (with("affected_subjects", json!(-1)), "affected_subjects"),
        (with("final_reported_at", json!("2026-11-24T15:40:00+09:00")), "final_reported_at"),
        (with("occurred_on", json!("2026-12-01")), "occurred_on"),
        (with("detected_at", json!("2026-11-25T10:00:00+09:00")), "detected_at"),
        (with("kind", json!("unauthorized_access")), "wrongful_intent"),
        (with("status", json!("contained")), "containment"),
        (with("status", json!("closed")), "status"),
        (with("reported_by_consignee_at", Value::Null), "company_aware_at"),
        (with("preliminary_reported_at", json!("2026-11-24T15:00:00+09:00")), "preliminary_reported_at"),
        (
            with("corrective_actions", json!([{"description": "x", "finding_id": id(&other)}])),
            "corrective_actions[0].finding_id",
        ),
    ];
    let path = format!("/api/v1/consignees/{}/incidents", id(&consignee));
    for (body, field) in cases {
        let (status, problem) = app.post_json(&path, "procurement", &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert!(error_fields(&problem).contains(&field.to_owned()), "{field} in {problem}");
    }
    let both = with("final_reported_at", json!("2026-11-24T15:40:00+09:00"));
    let mut both = both;
    both["preliminary_reported_at"] = json!("2026-11-24T15:50:00+09:00");
    let (status, problem) = app.post_json(&path, "procurement", &both).await;
    assert_eq!(
        (status, error_fields(&problem)),
        (422, vec!["final_reported_at".to_owned()]),
        "final before preliminary"
    );
    assert!(incident_ids(&app, "").await.is_empty(), "nothing was recorded");
    let (_, reviews) = app.get_json(&format!("/api/v1/consignees/{}/reviews", id(&consignee))).await;
    assert!(reviews["items"].as_array().unwrap().iter().all(|r| r["kind"] != "ad_hoc"), "no review was scheduled");
    let (status, _) = app.post_json(&path, "viewer", &good).await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json(&format!("/api/v1/consignees/{}/incidents", uuid::Uuid::now_v7())).await;
    assert_eq!(status, 404);

    let incident = record(&app, id(&consignee), &good).await;
    let incident_path = format!("/api/v1/incidents/{}", id(&incident));
    let (status, problem) = app.patch_json(&incident_path, "privacy_officer", &json!({"affected_subjects": -5})).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["affected_subjects".to_owned()]));
    let (status, _) = app.patch_json(&incident_path, "procurement", &json!({"suspected": true})).await;
    assert_eq!(status, 403, "incident updates are the privacy office's");
    let (_, unchanged) = app.get_json(&incident_path).await;
    assert_eq!((unchanged["version"].as_i64(), unchanged["affected_subjects"].as_i64()), (Some(1), Some(1200)));
}

#[tokio::test]
async fn closing_needs_containment_cause_and_the_reports_then_freezes_the_facts() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "終結株式会社").await;
    let incident = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    let path = format!("/api/v1/incidents/{}", id(&incident));
    let (status, problem) = app.post_json(&format!("{path}/close"), "privacy_officer", &json!({})).await;
    assert_eq!(status, 422, "{problem}");
    let fields = error_fields(&problem);
    for field in ["containment", "root_cause", "preliminary_reported_at", "final_reported_at", "subjects_notified_at"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {problem}");
    }
    let reports = json!({"status": "contained", "containment": "回収済み",
        "preliminary_reported_at": "2026-11-24T15:40:00+09:00", "final_reported_at": "2026-11-24T15:45:00+09:00",
        "subjects_notified_at": "2026-11-24T15:50:00+09:00"});
    let (status, contained) = app.patch_json(&path, "privacy_officer", &reports).await;
    assert_eq!((status, contained["status"].as_str()), (200, Some("contained")), "{contained}");
    let (status, problem) = app.post_json(&format!("{path}/close"), "privacy_officer", &json!({})).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["root_cause".to_owned()]));
    let blank = json!({"root_cause": "   "});
    let (status, problem) = app.post_json(&format!("{path}/close"), "privacy_officer", &blank).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["root_cause".to_owned()]), "a blank cause is no cause");
    let (status, _) =
        app.post_json(&format!("{path}/close"), "procurement", &json!({"root_cause": "宛名の並び替え"})).await;
    assert_eq!(status, 403);
    let (status, closed) =
        app.post_json(&format!("{path}/close"), "privacy_officer", &json!({"root_cause": "宛名の並び替え"})).await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(
        (closed["status"].as_str(), closed["closed_by"].as_str()),
        (Some("closed"), Some("tester-privacy_officer"))
    );
    assert_eq!(closed["root_cause"], "宛名の並び替え");

    let (status, _) = app.patch_json(&path, "privacy_officer", &json!({"description": "later"})).await;
    assert_eq!(status, 409, "a closed incident's facts are frozen");
    let (status, _) = app.post_json(&format!("{path}/close"), "privacy_officer", &json!({})).await;
    assert_eq!(status, 409);
    let upload = app
        .request(Method::POST, &format!("{path}/documents"), "procurement")
        .header("content-type", "application/pdf")
        .body(pdf(1024))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 409);
    let (_, after) = app.get_json(&path).await;
    assert_eq!(
        (after["version"].as_i64(), after["description"].as_str()),
        (closed["version"].as_i64(), Some("請求書の誤送付"))
    );
    let (_, check) = incident_check(&app, id(&consignee)).await;
    assert_eq!(check["result"], "pass", "a closed incident owes no report: {check}");
}

#[tokio::test]
async fn the_ppc_report_assembles_the_items_and_lists_what_each_report_lacks() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "報告株式会社").await;
    let incident = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    let path = format!("/api/v1/incidents/{}", id(&incident));
    let (status, report) = app.get_json(&format!("{path}/ppc-report")).await;
    assert_eq!(status, 200, "{report}");
    let numbers: Vec<i64> = report["items"].as_array().unwrap().iter().map(|i| i["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, (1..=9).collect::<Vec<_>>());
    assert_eq!(report["consignee_name"], "報告株式会社");
    assert!(report["items"][0]["content"].as_str().unwrap().contains("2026-11-24 15:30 JST"), "{report}");
    assert_eq!(report["items"][2]["content"], "at most 1200 people");
    assert_eq!(report["missing_for_preliminary"], json!([]));
    assert_eq!(report["missing_for_final"], json!(["subjects", "cause", "subject_response", "recurrence_prevention"]));

    let (status, _) = app
        .patch_json(
            &path,
            "privacy_officer",
            &json!({"categories": null, "affected_subjects": null,
        "affected_subjects_is_upper_bound": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, report) = app.get_json(&format!("{path}/ppc-report")).await;
    assert_eq!(report["missing_for_preliminary"], json!(["personal_data", "subjects"]));

    let known = json!({"categories": ["contact_details"], "affected_subjects": 1180, "root_cause": "宛名の並び替え",
        "corrective_actions": [{"description": "発送前の二名確認", "due_on": "2026-12-20"}],
        "subjects_notified_at": "2026-11-24T15:55:00+09:00"});
    let (status, updated) = app.patch_json(&path, "privacy_officer", &known).await;
    assert_eq!(status, 200, "{updated}");
    let (_, report) = app.get_json(&format!("{path}/ppc-report")).await;
    assert_eq!((&report["missing_for_preliminary"], &report["missing_for_final"]), (&json!([]), &json!([])));
    assert_eq!(report["reportable_reasons"], json!(["more_than_1000_subjects"]));
}

#[tokio::test]
async fn documents_attach_once_and_download() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "文書株式会社").await;
    let incident = record(&app, id(&consignee), &misdelivery(&entrustment)).await;
    let path = format!("/api/v1/incidents/{}/documents?filename=report.pdf", id(&incident));
    let bytes = pdf(2048);
    let mut sha = String::new();
    for _ in 0..2 {
        let uploaded = app
            .request(Method::POST, &path, "procurement")
            .header("content-type", "application/pdf")
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), 200);
        sha = uploaded.json::<Value>().await.unwrap()["sha256"].as_str().unwrap().to_owned();
    }
    let (_, after) = app.get_json(&format!("/api/v1/incidents/{}", id(&incident))).await;
    assert_eq!(after["documents"].as_array().unwrap().len(), 1, "the same bytes attach once");
    assert_eq!(after["version"], 2);
    let download = app
        .request(Method::GET, &format!("/api/v1/incidents/{}/documents/{sha}", id(&incident)), "viewer")
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn patches_merge_keep_versions_honestly_and_refuse_stale_writes() {
    let (app, _) = app_on_tuesday().await;
    let (consignee, _, entrustment) = entrusted_consignee(&app, "差分株式会社").await;
    let mut body = misdelivery(&entrustment);
    body["detected_at"] = json!("2026-11-24T10:00:00.123456789+09:00");
    let incident = record(&app, id(&consignee), &body).await;
    let path = format!("/api/v1/incidents/{}", id(&incident));
    assert_eq!(
        incident["detected_at"], "2026-11-24T01:00:00.123456Z",
        "times keep the microseconds both databases store"
    );
    let (status, same) =
        app.patch_json(&path, "privacy_officer", &json!({"detected_at": "2026-11-24T10:00:00.123456789+09:00"})).await;
    assert_eq!((status, same["version"].as_i64()), (200, Some(1)), "an unchanged value is no change");
    let (_, again) = app.get_json(&path).await;
    assert_eq!(again["detected_at"], incident["detected_at"]);

    let aware = json!({"company_aware_at": "2026-11-24T15:45:00+09:00"});
    let (_, moved) = app.patch_json(&path, "privacy_officer", &aware).await;
    assert_eq!(moved["company_aware_at"], "2026-11-24T06:45:00Z");
    let (_, back) = app.patch_json(&path, "privacy_officer", &json!({"company_aware_at": null})).await;
    assert_eq!(back["company_aware_at"], "2026-11-24T06:30:00Z", "cleared, it falls back to the consignee's report");
    let (status, problem) =
        app.patch_json(&path, "privacy_officer", &json!({"publicly_announced_at": "0000-01-01T00:00:00+09:00"})).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["publicly_announced_at".to_owned()]));
    let (status, problem) =
        app.patch_json(&path, "privacy_officer", &json!({"categories": [" contact_details"]})).await;
    assert_eq!((status, error_fields(&problem)), (422, vec!["categories[0]".to_owned()]));

    let stale = app
        .request(Method::PATCH, &path, "privacy_officer")
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"1\"")
        .body(json!({"suspected": true}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    let etag = app.request(Method::GET, &path, "viewer").send().await.unwrap().headers()["etag"].clone();
    let unchanged =
        app.request(Method::GET, &path, "viewer").header("if-none-match", etag.clone()).send().await.unwrap();
    assert_eq!(unchanged.status(), 304);
    let uploaded = app
        .request(Method::POST, &format!("{path}/documents"), "procurement")
        .header("content-type", "application/pdf")
        .body(pdf(512))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let changed = app.request(Method::GET, &path, "viewer").header("if-none-match", etag).send().await.unwrap();
    assert_eq!(changed.status(), 200, "a document changes the representation and its ETag");
}
