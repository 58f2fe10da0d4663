//! A memorandum's standing moves with the date in the business time zone (Asia/Tokyo): expiry,
//! auto-renewal by whole terms, and the notice deadline, across a term boundary and a year end.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{create_consignee, fixed_term, memorandum_body, signed_memorandum_from};
use crate::helpers::{spawn_app_at, TestApp};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// The memorandum's body and ETag as a viewer sees them now.
async fn read(app: &TestApp, path: &str) -> (Value, String) {
    let response = app.request(Method::GET, path, "viewer").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), etag)
}

async fn list_ids(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app.get_json(&format!("/api/v1/memoranda?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn auto_renewal_rolls_the_term_and_the_notice_deadline_across_the_year_end() {
    // 2026-12-01 00:30 in Tokyo is still 2026-11-30 in UTC.
    let clock = Arc::new(ManualClock::new(at("2026-11-30T15:30:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = create_consignee(&app, "自動更新株式会社").await;
    let mut body = memorandum_body(&app, "自動更新の覚書").await;
    body["expires_on"] = json!("2026-12-31");
    body["auto_renewal"] = json!({"term_months": 12, "notice_days": 30});
    let memorandum = signed_memorandum_from(&app, consignee["id"].as_str().unwrap(), &body).await;
    let path = format!("/api/v1/memoranda/{}", memorandum["id"].as_str().unwrap());

    let (today, first_tag) = read(&app, &path).await;
    assert_eq!((today["status"].as_str(), today["in_force"].as_bool()), (Some("signed"), Some(true)));
    assert_eq!(today["current_term_ends_on"], "2026-12-31");
    assert_eq!(today["notice_deadline"], "2026-12-01", "the last day to give notice is today");

    clock.set(at("2026-12-01T15:00:00Z")); // 2026-12-02 in Tokyo: this term's deadline has passed
    let (next_day, second_tag) = read(&app, &path).await;
    assert_eq!(next_day["current_term_ends_on"], "2026-12-31");
    assert_eq!(next_day["notice_deadline"], "2027-12-01", "the next deadline that can still be met");
    assert_ne!(first_tag, second_tag, "derived values moved, so the ETag did");
    assert_eq!(next_day["version"], today["version"], "the stored row did not change");

    clock.set(at("2026-12-31T14:59:59Z")); // 23:59:59 on 2026-12-31 in Tokyo: last day of the term
    assert_eq!(read(&app, &path).await.0["current_term_ends_on"], "2026-12-31");
    clock.set(at("2026-12-31T15:00:00Z")); // 2027-01-01 in Tokyo, still 2026 in UTC
    let (renewed, _) = read(&app, &path).await;
    assert_eq!((renewed["status"].as_str(), renewed["in_force"].as_bool()), (Some("signed"), Some(true)));
    assert_eq!(renewed["current_term_ends_on"], "2027-12-31");
    assert_eq!(renewed["notice_deadline"], "2027-12-01");
    assert_eq!(renewed["expires_on"], "2026-12-31", "the first term's end is kept as recorded");
    assert!(list_ids(&app, "status=expired").await.is_empty(), "an auto-renewing memorandum never expires");
    assert!(list_ids(&app, "expires_before=2030-01-01").await.is_empty());
}

#[tokio::test]
async fn a_fixed_term_expires_when_its_last_day_ends_in_the_business_time_zone() {
    let clock = Arc::new(ManualClock::new(at("2026-12-31T14:00:00Z"))); // 23:00 on 2026-12-31 in Tokyo
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = create_consignee(&app, "期間満了株式会社").await;
    let consignee_id = consignee["id"].as_str().unwrap().to_owned();
    let body = fixed_term(memorandum_body(&app, "期間の定めのある覚書").await, "2026-12-31");
    let memorandum = signed_memorandum_from(&app, &consignee_id, &body).await;
    let id = memorandum["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/memoranda/{id}");
    let consignee_path = format!("/api/v1/consignees/{consignee_id}");

    let (last_day, tag_before) = read(&app, &path).await;
    assert_eq!((last_day["status"].as_str(), last_day["in_force"].as_bool()), (Some("signed"), Some(true)));
    assert!(last_day["current_term_ends_on"].is_null() && last_day["notice_deadline"].is_null());
    let (holder, consignee_tag_before) = read(&app, &consignee_path).await;
    assert_eq!(holder["memoranda_summary"]["in_force"][0]["id"], id.as_str());
    assert_eq!(list_ids(&app, "status=signed").await, [id.as_str()]);

    clock.set(at("2026-12-31T15:00:00Z")); // midnight in Tokyo
    let (expired, tag_after) = read(&app, &path).await;
    assert_eq!((expired["status"].as_str(), expired["in_force"].as_bool()), (Some("expired"), Some(false)));
    assert_ne!(tag_before, tag_after);
    let cached = app.request(Method::GET, &path, "viewer").header("if-none-match", &tag_before).send().await.unwrap();
    assert_eq!(cached.status(), 200, "a copy from yesterday is stale");
    assert_eq!(list_ids(&app, "status=expired").await, [id.as_str()]);
    assert!(list_ids(&app, "status=signed").await.is_empty());
    let (lapsed, consignee_tag_after) = read(&app, &consignee_path).await;
    assert!(lapsed["memoranda_summary"]["in_force"].as_array().unwrap().is_empty());
    assert_eq!(lapsed["memoranda_summary"]["missing_clauses"].as_array().unwrap().len(), 12);
    assert_ne!(consignee_tag_before, consignee_tag_after);
}

#[tokio::test]
async fn historical_memoranda_are_signed_with_past_dates_and_show_as_expired() {
    let clock = Arc::new(ManualClock::new(at("2026-11-28T03:00:00Z")));
    let app = spawn_app_at(clock, |_| {}).await;
    let consignee = create_consignee(&app, "過去契約株式会社").await;
    let mut body = fixed_term(memorandum_body(&app, "2019年の覚書").await, "2022-03-31");
    body["signed_on"] = json!("2019-03-20");
    body["effective_from"] = json!("2019-04-01");
    let old = signed_memorandum_from(&app, consignee["id"].as_str().unwrap(), &body).await;
    assert_eq!((old["status"].as_str(), old["in_force"].as_bool()), (Some("expired"), Some(false)));
    assert_eq!(old["signed_on"], "2019-03-20");
    body["signed_on"] = json!("2026-11-29");
    body["title"] = json!("future");
    let future = crate::helpers::fixtures::ready_memorandum(&app, consignee["id"].as_str().unwrap(), &body).await;
    let path = format!("/api/v1/memoranda/{}/sign", future["id"].as_str().unwrap());
    let (status, refused) = app.post_json(&path, "procurement", &Value::Null).await;
    assert_eq!(
        (status, refused["errors"][0]["field"].as_str()),
        (422, Some("signed_on")),
        "signed tomorrow: {refused}"
    );
}
