//! Webhooks: signed deliveries to a real receiver on 127.0.0.1 that fails for a while, each event
//! delivered once after the retries; secret rotation; an endpoint that keeps failing is disabled;
//! redelivery; refused URLs; two nodes deliver each event once.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::create_consignee;
use crate::helpers::receiver::{signed_by, Receiver};
use crate::helpers::{error_fields, spawn_app, spawn_app_with, TestApp};

/// Registers a webhook for `types` at `url`; answers (webhook, secret).
pub async fn register(app: &TestApp, url: &str, types: &[&str]) -> (Value, String) {
    let (status, created) =
        app.post_json("/api/v1/webhooks", "admin", &json!({"url": url, "event_types": types})).await;
    assert_eq!(status, 201, "{created}");
    (created["webhook"].clone(), created["secret"].as_str().unwrap().to_owned())
}

async fn deliveries(app: &TestApp, webhook_id: &str) -> Vec<Value> {
    let (status, page) = app.get_json(&format!("/api/v1/webhooks/{webhook_id}/deliveries?limit=200")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// Waits until `done` holds of the webhook's deliveries and then until every node's worker has
/// finished two more claim cycles, so any attempt still to come would have been made; answers the
/// deliveries.
async fn settled(nodes: &[&TestApp], webhook_id: &str, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let history = deliveries(nodes[0], webhook_id).await;
        if done(&history) {
            break;
        }
        assert!(Instant::now() < deadline, "the deliveries never were {what}: {history:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let polled = || nodes.iter().map(|node| node.state.webhook_polls.completed()).collect::<Vec<_>>();
    let since = polled();
    while polled().iter().zip(&since).any(|(now, then)| *now < then + 2) {
        assert!(Instant::now() < deadline, "a worker stopped polling: {:?} since {since:?}", polled());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    deliveries(nodes[0], webhook_id).await
}

/// Whether every delivery has succeeded.
fn all_succeeded(history: &[Value]) -> bool {
    history.iter().all(|d| d["status"] == "succeeded")
}

#[tokio::test]
async fn a_receiver_that_fails_for_a_while_gets_each_event_once_signed() {
    let app = spawn_app().await;
    let receiver = Receiver::start(4).await;
    let (webhook, secret) = register(&app, &receiver.url, &["consignee.created"]).await;
    assert!(secret.starts_with("whsec_"));
    let (_, shown) = app.get_json(&format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap())).await;
    assert!(shown.get("secret").is_none() && !shown.to_string().contains(&secret), "the secret is shown once");

    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(create_consignee(&app, &format!("通知{i}株式会社")).await["id"].as_str().unwrap().to_owned());
    }
    receiver.wait_for("three deliveries", |r| r.iter().filter(|r| r.answered == 204).count() == 3).await;
    let webhook_id = webhook["id"].as_str().unwrap();
    settled(&[&app], webhook_id, "three succeeded", |h| h.len() == 3 && all_succeeded(h)).await;
    let delivered = receiver.delivered();
    assert_eq!(delivered.len(), 3, "each event delivered exactly once");
    assert_eq!(receiver.received().len(), 7, "four failures, then three deliveries");
    for got in &delivered {
        assert!(signed_by(got, &secret), "the signature verifies: {got:?}");
        let event: Value = serde_json::from_str(&got.body).unwrap();
        assert_eq!(got.id, format!("evt_{}", event["seq"]));
        assert_eq!(event["type"], "consignee.created");
        let age = chrono::Utc::now().timestamp() - got.timestamp.parse::<i64>().unwrap();
        assert!((0..60).contains(&age), "a current timestamp");
    }
    let resources: BTreeSet<String> = delivered
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap()["resource_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(resources, ids.into_iter().collect());
    let retried_ids: BTreeSet<String> = receiver.received().into_iter().map(|r| r.id).collect();
    assert_eq!(retried_ids.len(), 3, "a retry keeps its webhook-id");

    let history = deliveries(&app, webhook["id"].as_str().unwrap()).await;
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|d| d["status"] == "succeeded" && d["delivered_at"].is_string()));
    let attempts: usize = history.iter().map(|d| d["attempts"].as_array().unwrap().len()).sum();
    assert_eq!(attempts, 7, "every attempt recorded");
    let failed =
        history.iter().flat_map(|d| d["attempts"].as_array().unwrap()).find(|a| a["status_code"] == 503).unwrap();
    assert_eq!(failed["error"], "HTTP 503");
    assert!(failed["latency_ms"].as_i64().unwrap() >= 0);

    // A rotation: both secrets sign during the grace period.
    let path = format!("/api/v1/webhooks/{}/rotate-secret", webhook["id"].as_str().unwrap());
    let (status, rotated) = app.post_json(&path, "admin", &Value::Null).await;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    create_consignee(&app, "回転株式会社").await;
    receiver.wait_for("a fourth delivery", |r| r.iter().filter(|r| r.answered == 204).count() == 4).await;
    let last = receiver.delivered().pop().unwrap();
    assert!(signed_by(&last, new_secret) && signed_by(&last, &secret), "{}", last.signature);
    assert_eq!(last.signature.split(' ').count(), 2);

    // Retention: finished deliveries (and their attempts) go; one still waiting stays.
    let id = webhook["id"].as_str().unwrap().to_owned();
    let (status, _) = app.patch_json(&format!("/api/v1/webhooks/{id}"), "admin", &json!({"enabled": false})).await;
    assert_eq!(status, 200);
    create_consignee(&app, "保留株式会社").await;
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    let pruned = app.behind_the_back(move |c| consignee_registry::webhooks::deliveries::prune(c, later).unwrap()).await;
    assert_eq!(pruned, 4);
    let kept = deliveries(&app, &id).await;
    assert_eq!((kept.len(), kept[0]["status"].as_str()), (1, Some("pending")));
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_disabled_and_an_event_can_be_delivered_again() {
    let app = spawn_app_with(|s| s.webhook_retry_for = Duration::from_millis(400)).await;
    let receiver = Receiver::start(0).await;
    receiver.state.status.store(307, Ordering::SeqCst);
    let (webhook, secret) = register(&app, &receiver.url, &[]).await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    create_consignee(&app, "失敗株式会社").await;

    let mut disabled = Value::Null;
    for _ in 0..200 {
        disabled = app.get_json(&format!("/api/v1/webhooks/{id}")).await.1;
        if disabled["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(disabled["enabled"], false, "{disabled}");
    let reason = disabled["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("HTTP 307") && reason.contains("redirects are not followed"), "{reason}");
    assert!(receiver.received().len() >= 2, "retried before giving up");
    assert!(receiver.received().iter().all(|r| r.answered == 307), "the redirect was never followed");
    let history = deliveries(&app, &id).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["status"], "failed");
    let (_, failed_only) = app.get_json(&format!("/api/v1/webhooks/{id}/deliveries?status=failed")).await;
    assert_eq!(failed_only["items"].as_array().unwrap().len(), 1);
    let (_, none) = app.get_json(&format!("/api/v1/webhooks/{id}/deliveries?status=succeeded")).await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let (_, audit) = app.get_json(&format!("/api/v1/audit/events?resource_id={id}&action=webhook.disabled")).await;
    assert_eq!(audit["items"][0]["actor"], "system");

    let redeliver = format!("/api/v1/webhooks/{id}/deliveries/{}/redeliver", history[0]["id"].as_str().unwrap());
    let (status, _) = app.post_json(&redeliver, "admin", &Value::Null).await;
    assert_eq!(status, 409, "a disabled webhook delivers nothing");
    create_consignee(&app, "待機株式会社").await;
    let waiting = settled(&[&app], &id, "two", |h| h.len() == 2).await;
    assert!(waiting[0]["status"] == "pending" && waiting[0]["attempts"].as_array().unwrap().is_empty(), "and waits");

    receiver.state.status.store(200, Ordering::SeqCst);
    let (status, enabled) = app.patch_json(&format!("/api/v1/webhooks/{id}"), "admin", &json!({"enabled": true})).await;
    assert_eq!((status, &enabled["enabled"], &enabled["disabled_reason"]), (200, &json!(true), &Value::Null));
    let (status, queued) = app.post_json(&redeliver, "admin", &Value::Null).await;
    assert_eq!((status, &queued["status"]), (202, &json!("pending")), "{queued}");
    receiver
        .wait_for("the redelivery and the waiting one", |r| r.iter().filter(|r| r.answered == 200).count() == 2)
        .await;
    let again: Vec<String> = receiver.delivered().iter().map(|r| r.id.clone()).collect();
    assert!(receiver.delivered().iter().all(|r| signed_by(r, &secret)));
    let redelivered = format!("evt_{}", history[0]["event_seq"]);
    assert!(again.contains(&redelivered), "the same event, the same webhook-id: {again:?}");
    // Disabled by hand while a delivery is still being retried, and enabled again after its retry
    // time has passed: the retries start over, so one more failure does not give up.
    receiver.state.status.store(500, Ordering::SeqCst);
    create_consignee(&app, "再開株式会社").await;
    let (status, off) = app.patch_json(&format!("/api/v1/webhooks/{id}"), "admin", &json!({"enabled": false})).await;
    assert_eq!((status, off["disabled_reason"].as_str()), (200, Some("disabled by tester-admin")));
    // Waits out the real retry period (`webhook_retry_for`, 400 ms): a duration to pass, not a
    // wait to show that nothing happened.
    tokio::time::sleep(Duration::from_millis(500)).await;
    receiver.state.failures_left.store(1, Ordering::SeqCst);
    receiver.state.status.store(201, Ordering::SeqCst);
    let (status, _) = app.patch_json(&format!("/api/v1/webhooks/{id}"), "admin", &json!({"enabled": true})).await;
    assert_eq!(status, 200);
    receiver.wait_for("the resumed delivery", |r| r.iter().any(|r| r.answered == 201)).await;
    let (_, still) = app.get_json(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(still["enabled"], true, "{still}");

    let (status, _) = app
        .post_json(
            &format!("/api/v1/webhooks/{id}/deliveries/{}/redeliver", uuid::Uuid::now_v7()),
            "admin",
            &Value::Null,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn urls_that_may_not_be_delivered_to_are_refused() {
    let app = spawn_app().await;
    for url in [
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/hook",
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "not a url",
    ] {
        let (status, body) = app.post_json("/api/v1/webhooks", "admin", &json!({"url": url})).await;
        assert_eq!((status, error_fields(&body)), (422, vec!["url".to_owned()]), "{url}: {body}");
    }
    let (status, body) = app
        .post_json(
            "/api/v1/webhooks",
            "admin",
            &json!({"url": "https://example.com/", "event_types": ["consignee.exploded"]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) =
        app.post_json("/api/v1/webhooks", "admin", &json!({"url": "https://example.com/", "secret": "mine"})).await;
    assert_eq!(status, 422, "{body}");
    let (webhook, secret) =
        register(&app, "https://hooks.example.com/registry?token=s3cr3t", &["memorandum.signed"]).await;
    let path = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    let (_, audit) =
        app.get_json(&format!("/api/v1/audit/events?resource_id={}", webhook["id"].as_str().unwrap())).await;
    let trail = audit.to_string();
    assert!(
        trail.contains("https://hooks.example.com") && !trail.contains("s3cr3t") && !trail.contains(&secret),
        "{trail}"
    );
    let (status, _) = app.patch_json(&path, "admin", &json!({"url": "https://hooks.example.com/registry"})).await;
    assert_eq!(status, 200);
    let (status, body) = app.patch_json(&path, "admin", &json!({"url": "http://192.168.1.10/"})).await;
    assert_eq!((status, error_fields(&body)), (422, vec!["url".to_owned()]));
    let (_, kept) = app.get_json(&path).await;
    assert_eq!((kept["url"].as_str(), kept["version"].as_i64()), (Some("https://hooks.example.com/registry"), Some(2)));
    let (status, _) =
        app.post_json("/api/v1/webhooks", "privacy_officer", &json!({"url": "https://example.com/"})).await;
    assert_eq!(status, 403);
    let response = app.request(Method::DELETE, &path, "admin").send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(app.get_json(&path).await.0, 404);
}

#[tokio::test]
async fn the_address_is_checked_again_at_every_delivery() {
    // The first node (which allows 127.0.0.1) registers the webhook but its worker stays idle; the
    // second node, which allows no private network, is the one that delivers.
    let app = spawn_app_with(|s| s.webhook_poll_interval = Duration::from_secs(3600)).await;
    let strict = app
        .second_node(|s| {
            s.webhook_allow_networks.clear();
            s.webhook_poll_interval = Duration::from_millis(50);
        })
        .await;
    let receiver = Receiver::start(0).await;
    let (webhook, _) = register(&app, &receiver.url, &["consignee.created"]).await;
    create_consignee(&strict, "厳格株式会社").await;
    let id = webhook["id"].as_str().unwrap();
    let mut attempts = Vec::new();
    for _ in 0..200 {
        attempts = deliveries(&app, id).await[0]["attempts"].as_array().unwrap().clone();
        if !attempts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let error = attempts[0]["error"].as_str().unwrap();
    assert!(error.contains("127.0.0.1") && error.contains("loopback"), "{error}");
    assert_eq!(attempts[0]["status_code"], Value::Null);
    assert!(receiver.received().is_empty(), "nothing reached the private address");
}

#[tokio::test]
async fn two_nodes_deliver_each_event_once() {
    let app = spawn_app().await;
    let second = app.second_node(|_| {}).await;
    let receiver = Receiver::start(2).await;
    let (webhook, _) = register(&app, &receiver.url, &["consignee.created"]).await;
    for i in 0..10 {
        let node = if i % 2 == 0 { &app } else { &second };
        create_consignee(node, &format!("二台{i}株式会社")).await;
    }
    receiver.wait_for("ten deliveries", |r| r.iter().filter(|r| r.answered == 204).count() == 10).await;
    let webhook_id = webhook["id"].as_str().unwrap();
    settled(&[&app, &second], webhook_id, "ten succeeded", |h| h.len() == 10 && all_succeeded(h)).await;
    let delivered = receiver.delivered();
    let ids: BTreeSet<&str> = delivered.iter().map(|r| r.id.as_str()).collect();
    assert_eq!((delivered.len(), ids.len()), (10, 10), "each event delivered once by one of the nodes");
}
