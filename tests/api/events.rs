//! The event feed: every audited change yields an event in the same transaction, pollers see each
//! once and in order beside concurrent writers, and scheduled events are announced once per
//! occurrence even by two nodes at once.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use consignee_registry::events::schedule;
use serde_json::{json, Value};

use crate::helpers::fixtures::{completed_review, create_consignee, entrusted_consignee, open_review, set_status};
use crate::helpers::{error_fields, spawn_app, spawn_app_at, TestApp};

/// Every event after `cursor` of `types`, page by page.
async fn feed(app: &TestApp, query: &str) -> Vec<Value> {
    let (mut events, mut cursor) = (Vec::new(), 0);
    loop {
        let (status, page) = app.get_json(&format!("/api/v1/events?cursor={cursor}&limit=7{query}")).await;
        assert_eq!(status, 200, "{page}");
        events.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.parse().unwrap(),
            None => return events,
        }
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn every_change_to_the_register_is_an_event_in_order_without_personal_data() {
    let app = spawn_app().await;
    let (consignee, memorandum, entrustment) = entrusted_consignee(&app, "イベント株式会社").await;
    let id = consignee["id"].as_str().unwrap();
    set_status(&app, id, "suspended").await;

    let events = feed(&app, "").await;
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in seq order: {seqs:?}");
    let names = types(&events);
    for expected in [
        "consignee.created",
        "review.completed",
        "consignee.status_changed",
        "memorandum.signed",
        "entrustment.started",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let created = &events[names.iter().position(|t| *t == "consignee.created").unwrap()];
    assert_eq!((created["resource_type"].as_str(), created["resource_id"].as_str()), (Some("consignee"), Some(id)));
    assert_eq!(created["version"], 1);
    assert_eq!(created["data"]["consignee"]["status"], "candidate");
    let suspended = events.iter().rev().find(|e| e["type"] == "consignee.status_changed").unwrap();
    assert_eq!(suspended["data"]["previous_status"], "approved");
    assert_eq!(suspended["data"]["consignee"]["status"], "suspended");
    assert!(suspended["data"]["changed"].as_array().unwrap().contains(&json!("status")));
    let (_, now) = app.get_json(&format!("/api/v1/consignees/{id}")).await;
    assert_eq!(suspended["version"], now["version"], "the event carries the version it produced");
    let signed = events.iter().find(|e| e["type"] == "memorandum.signed").unwrap();
    assert_eq!(signed["resource_id"], memorandum["id"]);
    assert_eq!(signed["data"]["memorandum"]["consignee_id"], consignee["id"]);
    let started = events.iter().find(|e| e["type"] == "entrustment.started").unwrap();
    assert_eq!(started["resource_id"], entrustment["id"]);

    let text = serde_json::to_string(&events).unwrap();
    for personal in ["山田 太郎", "privacy@example.co.jp", "+81-3-1234-5678", "鈴木 一郎", "イベント株式会社"]
    {
        assert!(!text.contains(personal), "{personal} leaked into the feed");
    }

    let only = feed(&app, "&types=memorandum.signed,consignee.status_changed").await;
    assert!(types(&only).iter().all(|t| ["memorandum.signed", "consignee.status_changed"].contains(t)));
    assert_eq!(
        only.len(),
        names.iter().filter(|t| ["memorandum.signed", "consignee.status_changed"].contains(t)).count()
    );

    let (status, body) = app.get_json("/api/v1/events?types=memorandum.signed,consignee.exploded").await;
    assert_eq!((status, error_fields(&body)), (422, vec!["types".to_owned()]), "{body}");
    let (status, _) = app.get_json("/api/v1/events?cursor=-1").await;
    assert!(status == 400 || status == 422, "{status}");
    let last = seqs.last().unwrap();
    let (status, after) = app.get_json(&format!("/api/v1/events?cursor={last}")).await;
    assert_eq!((status, after["items"].as_array().unwrap().len()), (200, 0));
    let (status, _) =
        app.request(reqwest::Method::GET, "/api/v1/events", "viewer").send().await.map(|r| (r.status(), ())).unwrap();
    assert_eq!(status, 200, "events carry no personal data: viewers may read them");
}

#[tokio::test]
async fn a_poller_beside_twenty_writers_sees_every_event_once_in_order() {
    let app = Arc::new(spawn_app().await);
    let writing = Arc::new(AtomicBool::new(true));
    let poller = {
        let (app, writing) = (app.clone(), writing.clone());
        tokio::spawn(async move {
            let (mut seen, mut cursor) = (Vec::<i64>::new(), 0i64);
            loop {
                let done = !writing.load(Ordering::SeqCst);
                let (status, page) = app.get_json(&format!("/api/v1/events?cursor={cursor}&limit=5")).await;
                assert_eq!(status, 200);
                let items = page["items"].as_array().unwrap();
                seen.extend(items.iter().map(|e| e["seq"].as_i64().unwrap()));
                cursor = *seen.last().unwrap_or(&cursor);
                if done && items.is_empty() {
                    return seen;
                }
            }
        })
    };
    let writers: Vec<_> = (0..20)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let created = create_consignee(&app, &format!("並行{i}株式会社")).await;
                let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
                let (status, _) = app.patch_json(&path, "procurement", &json!({"notes": format!("note {i}")})).await;
                assert_eq!(status, 200);
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    writing.store(false, Ordering::SeqCst);
    let seen = poller.await.unwrap();
    let all: Vec<i64> = feed(&app, "").await.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(all.len(), 40, "20 creations and 20 changes");
    assert_eq!(seen, all, "the poller saw every event exactly once, in order");
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// Runs the scheduled scan on `app` now; answers how many events it announced.
async fn tick(app: &TestApp) -> usize {
    let state = app.state.clone();
    schedule::tick(&state.db, state.supervision().compliance(), state.clock.now()).await.unwrap()
}

/// The scheduled events in the feed: (type, resource id, due_on).
async fn scheduled(app: &TestApp) -> Vec<(String, String, String)> {
    let kinds = "memorandum.expiring,memorandum.notice_deadline,review.overdue,finding.overdue,incident.report_overdue,certification.expiring";
    feed(app, &format!("&types={kinds}"))
        .await
        .iter()
        .map(|e| {
            let due = e["data"]["due_on"].as_str().unwrap().to_owned();
            (e["type"].as_str().unwrap().to_owned(), e["resource_id"].as_str().unwrap().to_owned(), due)
        })
        .collect()
}

#[tokio::test]
async fn what_time_brings_is_announced_once_per_occurrence_even_by_two_nodes() {
    let clock = Arc::new(ManualClock::new(at("2026-11-24T07:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let (consignee, memorandum, entrustment) = entrusted_consignee(&app, "期限株式会社").await;
    let id = consignee["id"].as_str().unwrap();
    let certification =
        json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-01-11", "expires_on": "2027-01-10"});
    let (status, certification) =
        app.post_json(&format!("/api/v1/consignees/{id}/certifications"), "procurement", &certification).await;
    assert_eq!(status, 201, "{certification}");
    let review = open_review(&app, id, "ad_hoc").await;
    let finding = json!({"severity": "high", "description": "鍵の管理", "due_on": "2026-11-26"});
    let (status, finding) = app
        .post_json(&format!("/api/v1/reviews/{}/findings", review["id"].as_str().unwrap()), "privacy_officer", &finding)
        .await;
    assert_eq!(status, 201, "{finding}");
    let incident = json!({"kind": "misdelivery", "description": "誤送付", "company_aware_at": "2026-11-24T15:30:00+09:00",
        "entrustments": [entrustment["id"]], "categories": ["contact_details"], "affected_subjects": 1200});
    let (status, incident) =
        app.post_json(&format!("/api/v1/consignees/{id}/incidents"), "procurement", &incident).await;
    assert_eq!(status, 201, "{incident}");

    // 2026-11-24: the renewal notice deadline (2027-03-31 less 90 days) and the certification's
    // end are within the 60-day window.
    assert_eq!(tick(&app).await, 2);
    assert_eq!(tick(&app).await, 0, "announced once");
    let mut expected = vec![
        (
            "memorandum.notice_deadline".to_owned(),
            memorandum["id"].as_str().unwrap().to_owned(),
            "2026-12-31".to_owned(),
        ),
        (
            "certification.expiring".to_owned(),
            certification["id"].as_str().unwrap().to_owned(),
            "2027-01-10".to_owned(),
        ),
    ];
    assert_eq!(scheduled(&app).await.into_iter().collect::<BTreeSet<_>>(), expected.iter().cloned().collect());

    // 2026-11-29, on two nodes at once: the finding (due 11-26) and the preliminary report (due 11-28) are overdue.
    clock.set(at("2026-11-29T03:00:00Z"));
    let second = app.second_node(|_| {}).await;
    let (a, b) = tokio::join!(tick(&app), tick(&second));
    assert_eq!(a + b, 2, "each occurrence announced by one node");
    expected.push(("finding.overdue".to_owned(), finding["id"].as_str().unwrap().to_owned(), "2026-11-26".to_owned()));
    expected.push((
        "incident.report_overdue".to_owned(),
        incident["id"].as_str().unwrap().to_owned(),
        "2026-11-28".to_owned(),
    ));
    let found = scheduled(&app).await;
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found.into_iter().collect::<BTreeSet<_>>(), expected.iter().cloned().collect());

    // Once the preliminary report is made nothing new is due, until the final report's deadline
    // passes and, later, the next review (high risk: 6 months after the one of 2026-12-24).
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/incidents/{}", incident["id"].as_str().unwrap()),
            "privacy_officer",
            &json!({"preliminary_reported_at": "2026-11-29T12:00:00+09:00"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(tick(&app).await, 0);
    clock.set(at("2026-12-24T03:00:00Z"));
    let (status, _) = app
        .patch_json(
            &format!("/api/v1/findings/{}", finding["id"].as_str().unwrap()),
            "privacy_officer",
            &json!({"status": "resolved", "resolved_on": "2026-12-24"}),
        )
        .await;
    assert_eq!(status, 200);
    completed_review(&app, id, "periodic", "satisfactory").await;
    let (_, events) = app.get_json("/api/v1/events?types=incident.report_overdue&limit=200").await;
    let overdue_before = events["items"].as_array().unwrap().len();
    tick(&app).await;
    let (_, events) = app.get_json("/api/v1/events?types=incident.report_overdue&limit=200").await;
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        overdue_before + 1,
        "the final report (due 12-23) is overdue now"
    );
    clock.set(at("2027-07-01T03:00:00Z"));
    tick(&app).await;
    let overdue: Vec<_> = scheduled(&app).await.into_iter().filter(|(t, _, _)| t == "review.overdue").collect();
    assert_eq!(overdue, vec![("review.overdue".to_owned(), id.to_owned(), "2027-06-24".to_owned())]);
    assert_eq!(tick(&app).await, 0);

    let (_, audit) = app.get_json("/api/v1/audit/events?action=review.overdue").await;
    assert_eq!(audit["items"][0]["actor"], "system", "scheduled events are in the audit trail as the system's");
}
