//! Reports across consignees on a fixed clock: the compliance report as JSON pages and streamed
//! CSV, the dashboard summary, and the daily snapshots behind the trend and `?on=`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::clock::ManualClock;
use consignee_registry::compliance::snapshot;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{create_consignee, end_entrustment, entrusted_consignee, open_review};
use crate::helpers::{problem, spawn_app_at, TestApp};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|i| i["consignee_id"].as_str().unwrap()).collect()
}

/// Three consignees on 2026-12-02: one non-compliant (its high-tier review is overdue), one
/// needing attention (low tier: only the memorandum's notice deadline warns), one candidate.
async fn register(clock: &Arc<ManualClock>) -> (TestApp, [Value; 3]) {
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let (late, _, _) = entrusted_consignee(&app, "=遅延株式会社").await;
    let (fine, _, _) = entrusted_consignee(&app, "良好株式会社").await;
    let path = format!("/api/v1/consignees/{}", id(&fine));
    assert_eq!(app.patch_json(&path, "procurement", &json!({"risk_tier": "low"})).await.0, 200);
    let candidate = create_consignee(&app, "候補株式会社").await;
    clock.set(at("2026-12-02T03:00:00Z"));
    (app, [late, fine, candidate])
}

#[tokio::test]
async fn the_compliance_report_filters_pages_and_streams_csv() {
    let clock = Arc::new(ManualClock::new(at("2026-06-01T03:00:00Z")));
    let (app, [late, fine, candidate]) = register(&clock).await;
    let (status, page) = app.get_json("/api/v1/reports/compliance").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), [id(&late), id(&fine), id(&candidate)]);
    let first = &page["items"][0];
    assert_eq!(
        (first["compliance_status"].as_str(), first["risk_tier"].as_str()),
        (Some("non_compliant"), Some("high"))
    );
    let codes: Vec<&str> = first["checks"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["memorandum_in_force", "review_schedule"], "only the checks that warn or fail");
    assert_eq!(ids(&app.get_json("/api/v1/reports/compliance?compliance=attention").await.1), [id(&fine)]);
    assert_eq!(ids(&app.get_json("/api/v1/reports/compliance?risk_tier=low").await.1), [id(&fine)]);
    let holders = app.get_json("/api/v1/reports/compliance?category=course_applications").await.1;
    assert_eq!(ids(&holders), [id(&late), id(&fine)]);
    let (_, one) = app.get_json("/api/v1/reports/compliance?limit=1&compliance=not_applicable").await;
    assert_eq!((ids(&one), one["next_cursor"].clone()), (vec![id(&candidate)], Value::Null));
    let (_, paged) = app.get_json("/api/v1/reports/compliance?limit=2").await;
    let cursor = paged["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(&app.get_json(&format!("/api/v1/reports/compliance?limit=2&cursor={cursor}")).await.1),
        [id(&candidate)]
    );
    for bad in ["compliance=bad", "risk_tier=extreme", "category=Not-A-Code"] {
        let (status, _) = app.get_json(&format!("/api/v1/reports/compliance?{bad}")).await;
        assert!(status == 400 || status == 422, "{bad}: {status}");
    }

    for request in [
        app.request(Method::GET, "/api/v1/reports/compliance?format=csv", "viewer"),
        app.request(Method::GET, "/api/v1/reports/compliance", "viewer").header("accept", "text/csv"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        assert_eq!(reader.headers().unwrap().get(5), Some("compliance_status"));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!((&rows[0][1], &rows[0][5], &rows[0][6]), ("'=遅延株式会社", "non_compliant", "review_schedule"));
        assert!(rows[0][8].contains("review_schedule: the review due on 2026-12-01 is overdue"), "{:?}", &rows[0]);
    }
    let json =
        app.request(Method::GET, "/api/v1/reports/compliance?format=json", "viewer").header("accept", "text/csv");
    assert!(json.send().await.unwrap().headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}

#[tokio::test]
async fn the_summary_counts_the_register() {
    let clock = Arc::new(ManualClock::new(at("2026-06-01T03:00:00Z")));
    let app = spawn_app_at(clock.clone(), |_| {}).await;
    let (late, _, entrustment) = entrusted_consignee(&app, "集計株式会社").await;
    entrusted_consignee(&app, "集計二株式会社").await;
    create_consignee(&app, "集計候補株式会社").await;
    end_entrustment(&app, id(&entrustment), "2026-06-10").await;
    let review = open_review(&app, id(&late), "periodic").await;
    let finding = json!({"severity": "critical", "description": "鍵の管理なし", "due_on": "2026-07-01"});
    app.post_json(&format!("/api/v1/reviews/{}/findings", id(&review)), "privacy_officer", &finding).await;
    clock.set(at("2026-11-10T03:00:00Z"));
    let (status, summary) = app.get_json("/api/v1/reports/summary").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["on"], "2026-11-10");
    assert_eq!(
        summary["consignees_by_status"],
        json!({"candidate": 1, "approved": 2, "rejected": 0, "suspended": 0, "terminated": 0})
    );
    assert_eq!(summary["consignees_by_risk_tier"], json!({"low": 0, "medium": 0, "high": 3}));
    assert_eq!(
        summary["consignees_by_compliance"],
        json!({"compliant": 0, "attention": 1, "non_compliant": 1, "not_applicable": 1})
    );
    assert_eq!(summary["notice_deadlines_within_30_days"], 0, "2026-12-31 is 51 days away");
    assert_eq!(summary["reviews_due_within_30_days"], 2, "both due on 2026-12-01");
    assert_eq!(summary["reviews_overdue"], 0);
    assert_eq!(summary["open_findings_by_severity"]["critical"], 1);
    assert_eq!(summary["entrustments_awaiting_deletion_confirmation"], 1);
    assert_eq!(summary["sensitive_category_holders"], 0);
    clock.set(at("2026-12-05T03:00:00Z"));
    let (_, later) = app.get_json("/api/v1/reports/summary").await;
    assert_eq!(
        (later["reviews_overdue"].as_i64(), later["notice_deadlines_within_30_days"].as_i64()),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn a_daily_snapshot_is_taken_once_and_answers_for_its_day() {
    let clock = Arc::new(ManualClock::new(at("2026-06-01T03:00:00Z")));
    let (app, [late, _, candidate]) = register(&clock).await;
    let state = app.state.clone();
    let ctx = state.supervision().compliance();
    let second = app.second_node(|_| {}).await;
    let (a, b) = tokio::join!(
        snapshot::tick(&state.db, ctx, state.clock.now()),
        snapshot::tick(&second.state.db, ctx, state.clock.now())
    );
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|taken| **taken).count(), 1, "exactly once across nodes");
    assert!(!snapshot::tick(&state.db, ctx, state.clock.now()).await.unwrap(), "and once a day");
    clock.set(at("2026-12-03T03:00:00Z"));
    let ctx = app.state.supervision().compliance();
    assert!(snapshot::tick(&state.db, ctx, state.clock.now()).await.unwrap());
    let fine_tier = json!({"risk_tier": "high"});
    let path = format!("/api/v1/consignees/{}", id(&candidate));
    assert_eq!(app.patch_json(&path, "procurement", &fine_tier).await.0, 200);

    let (status, trend) = app.get_json("/api/v1/reports/compliance/trend?from=2026-12-01&to=2026-12-31").await;
    assert_eq!(status, 200, "{trend}");
    let days: Vec<&str> = trend["days"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert_eq!(days, ["2026-12-02", "2026-12-03"]);
    assert_eq!(
        trend["days"][0]["counts"],
        json!({"compliant": 0, "attention": 1, "non_compliant": 1, "not_applicable": 1})
    );
    let (_, recent) = app.get_json("/api/v1/reports/compliance/trend").await;
    assert_eq!(recent["to"], "2026-12-03", "the trend defaults to the last 30 days");
    for bad in ["from=2026-12-05&to=2026-12-01", "from=2025-01-01&to=2026-12-01"] {
        let (status, _) = app.get_json(&format!("/api/v1/reports/compliance/trend?{bad}")).await;
        assert_eq!(status, 422, "{bad}");
    }

    let past = format!("/api/v1/consignees/{}/compliance?on=2026-12-02", id(&late));
    let (status, recorded) = app.get_json(&past).await;
    assert_eq!(
        (status, recorded["status"].as_str(), recorded["on"].as_str()),
        (200, Some("non_compliant"), Some("2026-12-02"))
    );
    let missing = format!("/api/v1/consignees/{}/compliance?on=2026-11-30", id(&late));
    problem(app.request(Method::GET, &missing, "viewer").send().await.unwrap(), 404).await;
    let future = format!("/api/v1/consignees/{}/compliance?on=2026-12-04", id(&late));
    problem(app.request(Method::GET, &future, "viewer").send().await.unwrap(), 422).await;
    let (_, history) = app.get_json("/api/v1/audit/events?action=compliance_snapshot.taken").await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "each snapshot is audited, by the system");
    assert_eq!(history["items"][0]["actor"], "system");
}

/// The snapshot judges the register in batches outside the write lock, so writers on SQLite with
/// a short busy timeout never wait for the whole register to be judged (503 before).
#[tokio::test]
async fn writers_during_the_daily_snapshot_are_never_refused() {
    use consignee_registry::seed::{self, SeedOptions};
    let app = crate::helpers::spawn_app_with(|s| s.db_busy_timeout_ms = 100).await;
    let state = app.state.clone();
    let options = SeedOptions { consignees: 300, seed: 25 };
    seed::run(&state.db, state.supervision(), state.clock.now(), options).await.unwrap();
    let ctx = state.supervision().compliance();
    let taking = tokio::spawn(async move { snapshot::tick(&state.db, ctx, state.clock.now()).await });
    let mut written = 0;
    while !taking.is_finished() {
        let body = json!({"legal_name": format!("書込{written}株式会社")});
        let (status, answer) = app.post_json("/api/v1/consignees", "procurement", &body).await;
        assert_eq!(status, 201, "a write during the snapshot: {answer}");
        written += 1;
    }
    assert!(taking.await.unwrap().unwrap(), "the snapshot was taken");
    assert!(written >= 2, "writes happened while it was taken ({written})");
    let (_, page) = app.get_json("/api/v1/reports/compliance/trend").await;
    let counts = &page["days"][0]["counts"];
    let recorded: i64 = counts.as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum();
    assert!(recorded >= 300, "every consignee of the register is in the snapshot: {counts}");
}
