//! Lists run a fixed number of queries per page, never one per row: the same list costs the same
//! number of statements with a few rows as with many.

use serde_json::json;

use crate::helpers::fixtures::{create_consignee, create_memorandum, entrusted_consignee, sub_consignment_body};
use crate::helpers::{spawn_app_with, TestApp};

/// Statements run to answer GET `path` (checked 200).
async fn queries_for(app: &TestApp, path: &str) -> u64 {
    let before = app.db.queries_run();
    let (status, page) = app.get_json(path).await;
    assert_eq!(status, 200, "{page}");
    app.db.queries_run() - before
}

async fn add_consignees(app: &TestApp, from: usize, to: usize) {
    for i in from..to {
        if i % 2 == 0 {
            let (_, _, entrustment) = entrusted_consignee(app, &format!("件数{i}株式会社")).await;
            let path = format!("/api/v1/entrustments/{}/sub-consignments", entrustment["id"].as_str().unwrap());
            let (status, _) =
                app.post_json(&path, "procurement", &sub_consignment_body("配送", &["contact_details"])).await;
            assert_eq!(status, 201);
            let reviews = format!("/api/v1/consignees/{}/reviews", entrustment["consignee_id"].as_str().unwrap());
            let (_, page) = app.get_json(&reviews).await;
            let review = page["items"][0]["id"].as_str().unwrap().to_owned();
            let finding = json!({"severity": "low", "description": "件数", "due_on": "2026-01-31"});
            let path = format!("/api/v1/reviews/{review}/findings");
            assert_eq!(app.post_json(&path, "privacy_officer", &finding).await.0, 201);
            let certification = json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-04-01"});
            let path = format!("/api/v1/consignees/{}/certifications", entrustment["consignee_id"].as_str().unwrap());
            assert_eq!(app.post_json(&path, "procurement", &certification).await.0, 201);
            let incident = json!({"kind": "leak", "description": "件数", "categories": ["contact_details"],
                "affected_subjects": 2000, "company_aware_at": "2026-01-05T00:00:00Z"});
            let path = format!("/api/v1/consignees/{}/incidents", entrustment["consignee_id"].as_str().unwrap());
            assert_eq!(app.post_json(&path, "procurement", &incident).await.0, 201);
        } else {
            let consignee = create_consignee(app, &format!("件数{i}株式会社")).await;
            create_memorandum(app, consignee["id"].as_str().unwrap(), &json!({"title": "draft"})).await;
        }
    }
}

#[tokio::test]
async fn lists_cost_the_same_queries_with_two_rows_as_with_twenty() {
    // A revocation cache that outlives the test, and an idle webhook worker, keep their queries out of the counts.
    let app = spawn_app_with(|s| {
        s.revocation_cache_secs = 3600;
        s.webhook_poll_interval = std::time::Duration::from_secs(3600);
    })
    .await;
    let paths = [
        "/api/v1/consignees?limit=200",
        "/api/v1/consignees?limit=200&compliance=compliant",
        "/api/v1/reports/compliance?limit=200",
        "/api/v1/reports/compliance?limit=200&category=contact_details&risk_tier=high",
        "/api/v1/reports/summary",
        "/api/v1/reports/ledger?limit=200",
        "/api/v1/memoranda?limit=200",
        "/api/v1/clause-templates?limit=200",
        "/api/v1/entrustments?limit=200",
        "/api/v1/reviews?limit=200",
        "/api/v1/reviews/due?within=3650d&limit=200",
        "/api/v1/findings?limit=200",
        "/api/v1/certifications?limit=200",
        "/api/v1/incidents?limit=200",
        "/api/v1/incidents?limit=200&reportable=true&overdue=false",
        "/api/v1/data-categories/customer_records/holders?include_ended=true&include_children=true&limit=200",
    ];
    add_consignees(&app, 0, 2).await;
    let mut few = Vec::new();
    for path in paths {
        few.push(queries_for(&app, path).await);
    }
    add_consignees(&app, 2, 20).await;
    for (path, few) in paths.iter().zip(few) {
        assert_eq!(queries_for(&app, path).await, few, "{path}: {few} queries for 2 rows");
    }
    // Every consignee on the page was read above: the page and the two stamps that show their
    // derived values are current (their newest audit events, and the register's shared ones).
    let ping = app.checkout_statements();
    assert_eq!(queries_for(&app, paths[0]).await, 3 + ping);
    // A new one is derived: its memoranda, the required clauses, its entrustments holding data,
    // their categories and its open findings (5), and the compliance facts (required clauses,
    // sensitive categories, signed memoranda, entrustments and their categories,
    // sub-consignments, completed reviews, open findings, certifications, incidents not closed:
    // 10). The facts repeat four of the view's queries: one load could serve both.
    add_consignees(&app, 20, 21).await;
    assert_eq!(queries_for(&app, paths[0]).await, 3 + 15 + ping);
    assert_eq!(queries_for(&app, paths[0]).await, 3 + ping);
}
