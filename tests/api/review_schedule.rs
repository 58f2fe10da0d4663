//! The review schedule on a fixed clock: each risk tier's interval from the last completed
//! review, recomputed when the tier or the intervals change, and the due list's order.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use serde_json::{json, Value};

use crate::helpers::fixtures::{complete_review, create_consignee, open_review};
use crate::helpers::{spawn_app_at, TestApp};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// A consignee of `tier` approved on a selection review performed on `performed_on`.
async fn approved_after_review(app: &TestApp, name: &str, tier: &str, performed_on: &str) -> Value {
    let consignee = create_consignee(app, name).await;
    let path = format!("/api/v1/consignees/{}", id(&consignee));
    assert_eq!(app.patch_json(&path, "procurement", &json!({"risk_tier": tier})).await.0, 200);
    let review = open_review(app, id(&consignee), "selection").await;
    complete_review(app, id(&review), "satisfactory", Some(performed_on)).await;
    let change = json!({"status": "approved", "reason": "selected"});
    let (status, approved) = app.post_json(&format!("{path}/status"), "privacy_officer", &change).await;
    assert_eq!(status, 200, "{approved}");
    approved
}

async fn due_on(app: &TestApp, consignee_id: &str) -> Value {
    app.get_json(&format!("/api/v1/consignees/{consignee_id}")).await.1["next_review_due"].clone()
}

#[tokio::test]
async fn each_tier_is_due_its_interval_after_the_last_review_and_a_new_tier_moves_it() {
    let clock = Arc::new(ManualClock::new(at("2026-05-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let candidate = create_consignee(&app, "未承認株式会社").await;
    assert_eq!(candidate["next_review_due"], Value::Null, "a candidate is not on the schedule");
    let consignee = approved_after_review(&app, "周期株式会社", "high", "2026-04-12").await;
    assert_eq!(consignee["last_reviewed_on"], "2026-04-12");
    assert_eq!(consignee["next_review_due"], "2026-10-12", "high: 6 months");
    let path = format!("/api/v1/consignees/{}", id(&consignee));
    for (tier, due) in [("medium", "2027-04-12"), ("low", "2028-04-12"), ("high", "2026-10-12")] {
        let (status, changed) = app.patch_json(&path, "procurement", &json!({"risk_tier": tier})).await;
        assert_eq!((status, changed["next_review_due"].as_str()), (200, Some(due)), "{tier}");
    }
    clock.set(at("2026-11-01T03:00:00Z"));
    let (_, overdue) = app.get_json(&path).await;
    assert_eq!(overdue["review_overdue"], true);
    let periodic = open_review(&app, id(&consignee), "periodic").await;
    complete_review(&app, id(&periodic), "satisfactory", Some("2026-10-30")).await;
    assert_eq!(due_on(&app, id(&consignee)).await, "2027-04-30", "a completed review restarts the interval");
    let (_, after) = app.get_json(&path).await;
    assert_eq!(after["review_overdue"], false);
    assert_eq!(after["version"], overdue["version"], "a review moves the schedule, not the consignee's version");
    let older = open_review(&app, id(&consignee), "ad_hoc").await;
    complete_review(&app, id(&older), "satisfactory", Some("2026-09-01")).await;
    assert_eq!(due_on(&app, id(&consignee)).await, "2027-04-30", "the latest performed review counts");
}

#[tokio::test]
async fn a_month_end_review_is_due_at_the_month_end_and_new_intervals_apply_at_restart() {
    let clock = Arc::new(ManualClock::new(at("2026-09-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = approved_after_review(&app, "月末株式会社", "high", "2026-08-31").await;
    assert_eq!(consignee["next_review_due"], "2027-02-28");
    let restarted = app.second_node(|s| s.review_months_high = 3).await;
    assert_eq!(due_on(&restarted, id(&consignee)).await, "2026-11-30", "recomputed with 3 months at startup");
}

#[tokio::test]
async fn a_consignee_approved_before_approvals_were_dated_is_due_from_its_last_status_change() {
    // 2026-03-31 23:30 in Tokyo is 14:30 UTC: the approval day is the Tokyo date.
    let clock = Arc::new(ManualClock::new(at("2026-03-31T14:30:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = approved_after_review(&app, "旧承認株式会社", "low", "2026-03-20").await;
    let legacy = consignee["id"].as_str().unwrap().to_owned();
    app.behind_the_back(move |c| {
        use consignee_registry::db::schema::{consignees, derived_settings, reviews};
        use diesel::prelude::*;
        diesel::delete(reviews::table).execute(c).unwrap();
        diesel::delete(derived_settings::table).execute(c).unwrap();
        let row = consignees::table.find(&legacy);
        let unset = (
            consignees::approved_on.eq(None::<chrono::NaiveDate>),
            consignees::last_reviewed_on.eq(None::<chrono::NaiveDate>),
        );
        diesel::update(row).set(unset).execute(c).unwrap();
    })
    .await;
    let restarted = app.second_node(|_| {}).await;
    let (_, shown) = restarted.get_json(&format!("/api/v1/consignees/{}", id(&consignee))).await;
    assert_eq!(
        (shown["approved_on"].as_str(), shown["next_review_due"].as_str()),
        (Some("2026-03-31"), Some("2026-03-31"))
    );
    assert_eq!(shown["review_overdue"], false);
}

#[tokio::test]
async fn the_due_list_puts_the_most_overdue_first_then_by_due_date() {
    let clock = Arc::new(ManualClock::new(at("2025-01-15T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let late = approved_after_review(&app, "遅延株式会社", "high", "2025-01-10").await; // due 2025-07-10
    let later = approved_after_review(&app, "更遅延株式会社", "high", "2025-01-05").await; // due 2025-07-05
    let soon = approved_after_review(&app, "間近株式会社", "medium", "2025-01-14").await; // due 2026-01-14
    let far = approved_after_review(&app, "余裕株式会社", "low", "2025-01-12").await; // due 2027-01-12
    create_consignee(&app, "候補株式会社").await;
    clock.set(at("2025-12-25T03:00:00Z"));
    let (status, page) = app.get_json("/api/v1/reviews/due?within=30d").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let order: Vec<&str> = items.iter().map(|i| i["consignee_id"].as_str().unwrap()).collect();
    assert_eq!(order, [id(&later), id(&late), id(&soon)]);
    assert_eq!((items[0]["overdue"].as_bool(), items[0]["days_overdue"].as_i64()), (Some(true), Some(173)));
    assert_eq!((items[2]["overdue"].as_bool(), items[2]["days_overdue"].as_i64()), (Some(false), Some(0)));
    assert_eq!(items[2]["risk_tier"], "medium");
    let (_, default) = app.get_json("/api/v1/reviews/due").await;
    assert_eq!(default["items"].as_array().unwrap().len(), 3, "the window defaults to 30 days");
    let (_, narrow) = app.get_json("/api/v1/reviews/due?within=0d").await;
    assert_eq!(narrow["items"].as_array().unwrap().len(), 2, "overdue ones are always listed");
    let (_, wide) = app.get_json("/api/v1/reviews/due?within=3650d&limit=2").await;
    assert_eq!(wide["items"].as_array().unwrap().len(), 2);
    let cursor = wide["next_cursor"].as_str().unwrap();
    let (_, rest) = app.get_json(&format!("/api/v1/reviews/due?within=3650d&limit=2&cursor={cursor}")).await;
    let rest: Vec<&str> =
        rest["items"].as_array().unwrap().iter().map(|i| i["consignee_id"].as_str().unwrap()).collect();
    assert_eq!(rest, [id(&soon), id(&far)]);
    for bad in ["30", "30days", "-1d", "99999d", "3651d"] {
        let (status, body) = app.get_json(&format!("/api/v1/reviews/due?within={bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(crate::helpers::error_fields(&body), ["within"]);
    }
    let (status, _) = app.get_json("/api/v1/reviews/due?cursor=garbage").await;
    assert_eq!(status, 400);
}
