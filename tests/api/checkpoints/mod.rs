//! Signed checkpoints: tamper evidence that survives truncating or rewriting the tail of the chain.

use std::process::Command;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use consignee_registry::audit::chain;
use consignee_registry::audit::model::AuditEventRow;
use consignee_registry::clock::ManualClock;
use consignee_registry::db::schema::audit_events as ae;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::create_consignee;
use crate::helpers::receiver::{signed_by, Receiver};
use crate::helpers::{problem, spawn_app, spawn_app_at, TestApp};

mod deletion;

async fn checkpoint(app: &TestApp) -> Value {
    let response = app.request(Method::POST, "/api/v1/audit/checkpoints", "admin").send().await.unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/audit/checkpoints/{}", body["id"].as_str().unwrap()));
    let (status, fetched) = app.get_json(&location).await;
    assert_eq!((status, &fetched), (200, &body));
    body
}

async fn verify(app: &TestApp, query: &str) -> Value {
    let (status, report) = app.get_json(&format!("/api/v1/audit/verify{query}")).await;
    assert_eq!(status, 200, "{report}");
    report
}

async fn consignees(app: &TestApp, names: &[&str]) {
    for name in names {
        create_consignee(app, name).await;
    }
}

#[tokio::test]
async fn a_checkpoint_signs_the_head_and_an_auditor_can_check_it_with_openssl() {
    let app = spawn_app().await;
    consignees(&app, &["One KK", "Two KK"]).await;
    let cp = checkpoint(&app).await;
    let report = verify(&app, "").await;
    let (_, trail) = app.get_json("/api/v1/audit/events").await;
    assert_eq!((cp["seq"].clone(), cp["head_hash"].clone()), (json!(2), trail["items"][1]["hash"].clone()));
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["checkpoints_checked"], 1);
    let (_, events) = app.get_json("/api/v1/audit/events?action=audit_checkpoint.created").await;
    let recorded = &events["items"][0];
    assert_eq!((recorded["seq"].clone(), recorded["actor"].clone()), (json!(3), json!("tester-admin")), "{events}");
    assert_eq!(recorded["changes"]["after"]["head_hash"], cp["head_hash"]);
    let (_, keys) = app.get_json("/api/v1/audit/public-keys").await;
    let key = &keys["items"][0];
    assert_eq!((key["key_id"].clone(), key["current"].clone()), (cp["key_id"].clone(), json!(true)));
    let (_, listed) = app.get_json("/api/v1/audit/checkpoints").await;
    assert_eq!(listed["items"][0], cp);
    // What the README tells an auditor to do, outside the service.
    let message = signed_message(&cp);
    assert!(message.contains(r#""number":1,"prev":"0000"#), "the first checkpoint links to the genesis: {message}");
    let pem = key["public_key_pem"].as_str().unwrap();
    let signature = cp["signature"].as_str().unwrap();
    assert!(openssl_verifies(pem, &message, signature));
    assert!(!openssl_verifies(pem, &message.replace("\"seq\":2", "\"seq\":1"), signature), "another head fails");
}

/// The text a chained checkpoint (from the API or the feed) signs, rebuilt as an auditor would.
fn signed_message(cp: &Value) -> String {
    let at = DateTime::parse_from_rfc3339(cp["at"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    format!(
        r#"{{"at":"{}","head_hash":"{}","key_id":"{}","number":{},"prev":"{}","seq":{},"type":"audit_checkpoint"}}"#,
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
        cp["head_hash"].as_str().unwrap(),
        cp["key_id"].as_str().unwrap(),
        cp["number"],
        cp["prev"].as_str().unwrap(),
        cp["seq"]
    )
}

/// Whether `openssl pkeyutl -verify` accepts `signature` (base64) of `message` under `pem`.
fn openssl_verifies(pem: &str, message: &str, signature: &str) -> bool {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let signature = base64::engine::general_purpose::STANDARD.decode(signature).unwrap();
    std::fs::write(dir.path().join("key.pem"), pem).unwrap();
    std::fs::write(dir.path().join("sig"), &signature).unwrap();
    std::fs::write(dir.path().join("msg"), message).unwrap();
    let output = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "msg", "-sigfile", "sig"])
        .current_dir(dir.path())
        .output()
        .expect("openssl is installed");
    output.status.success()
}

#[tokio::test]
async fn deleting_the_tail_behind_a_checkpoint_is_detected_and_names_the_missing_seq() {
    let app = spawn_app().await;
    consignees(&app, &["One KK", "Two KK", "Three KK"]).await;
    checkpoint(&app).await;
    app.behind_the_back(|c| diesel::delete(ae::table.filter(ae::seq.ge(3))).execute(c).unwrap()).await;
    let report = verify(&app, "").await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["events_checked"], 2, "the remaining chain links up");
    assert_eq!(report["first_broken_seq"], 3, "the missing seq, not the one after it");
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("event seq 3 is missing"), "{report}");
    let output = app.cli(&["audit", "verify"]);
    assert!(!output.status.success(), "the CLI exits non-zero");
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["first_broken_seq"], 3);
}

#[tokio::test]
async fn a_rewritten_tail_with_recomputed_hashes_is_detected() {
    let app = spawn_app().await;
    consignees(&app, &["One KK", "Two KK", "Three KK"]).await;
    checkpoint(&app).await;
    // Rewrite events 2 and 3 (a new actor) and recompute every hash: the links all hold.
    app.behind_the_back(|c| {
        let rows: Vec<AuditEventRow> = ae::table.order(ae::seq.asc()).load(c).unwrap();
        let mut prev = rows[0].hash.clone();
        for mut row in rows.into_iter().skip(1) {
            row.actor = "forger".to_owned();
            row.prev_hash = prev;
            row.hash = chain::link_hash(&row.prev_hash, &row.link());
            diesel::update(ae::table.find(row.seq))
                .set((ae::actor.eq(&row.actor), ae::prev_hash.eq(&row.prev_hash), ae::hash.eq(&row.hash)))
                .execute(c)
                .unwrap();
            prev = row.hash;
        }
    })
    .await;
    let report = verify(&app, "").await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["events_checked"], 4, "every link holds (the checkpoint's own event included)");
    assert_eq!(report["first_broken_seq"], 3);
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("differs from checkpoint"), "{report}");
}

#[tokio::test]
async fn a_kept_head_catches_what_no_checkpoint_covers() {
    let app = spawn_app().await;
    consignees(&app, &["One KK", "Two KK"]).await;
    let kept = verify(&app, "").await;
    let expect = format!("?expect={}:{}", kept["head_seq"], kept["head_hash"].as_str().unwrap());
    assert_eq!(verify(&app, &expect).await["valid"], true);
    app.behind_the_back(|c| diesel::delete(ae::table.filter(ae::seq.eq(2))).execute(c).unwrap()).await;
    let report = verify(&app, &expect).await;
    assert_eq!((report["valid"].clone(), report["first_broken_seq"].clone()), (json!(false), json!(2)), "{report}");
    let kept_head = format!("{}:{}", kept["head_seq"], kept["head_hash"].as_str().unwrap());
    let output = app.cli(&["audit", "verify", "--expect", &kept_head]);
    assert!(!output.status.success(), "the CLI checks the kept head too");
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["first_broken_seq"], 2);
    assert!(!app.cli(&["audit", "verify", "--expect", "two:abc"]).status.success());
    for bad in ["?expect=2", "?expect=x:abc", "?expect=-1:0000"] {
        let response = app.request(Method::GET, &format!("/api/v1/audit/verify{bad}"), "admin").send().await.unwrap();
        let status = response.status().as_u16();
        assert!(status == 400 || status == 422, "{bad}: {status}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn a_forged_checkpoint_signature_is_reported() {
    let app = spawn_app().await;
    consignees(&app, &["One KK"]).await;
    let cp = checkpoint(&app).await;
    let id = cp["id"].as_str().unwrap().to_owned();
    let forged = "A".repeat(86) + "==";
    app.behind_the_back(move |c| {
        use consignee_registry::db::schema::audit_checkpoints as cp;
        diesel::update(cp::table.find(id)).set(cp::signature.eq(forged)).execute(c).unwrap();
    })
    .await;
    let report = verify(&app, "").await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["problems"][0]["checkpoint_id"], cp["id"]);
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("signature that does not verify"));
}

#[tokio::test]
async fn a_rotated_key_vouches_for_the_old_one_so_old_checkpoints_still_verify() {
    let app = spawn_app().await;
    consignees(&app, &["One KK"]).await;
    let old = checkpoint(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("new-key.pem");
    let generated = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out", key_file.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(generated.success());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let path = key_file.clone();
    let refused = consignee_registry::startup::Application::build({
        let mut s = app.settings.clone();
        s.audit_signing_key_file = Some(path);
        s
    })
    .await
    .err()
    .expect("a signing key readable by others is refused");
    assert!(refused.contains("chmod 600"), "{refused}");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let rotated = app.second_node(|s| s.audit_signing_key_file = Some(key_file.clone())).await;
    let new = checkpoint(&rotated).await;
    assert_ne!(new["key_id"], old["key_id"]);
    let report = verify(&rotated, "").await;
    assert_eq!((report["valid"].clone(), report["checkpoints_checked"].clone()), (json!(true), json!(2)), "{report}");
    let (_, keys) = rotated.get_json("/api/v1/audit/public-keys").await;
    let old_key = keys["items"].as_array().unwrap().iter().find(|k| k["key_id"] == old["key_id"]).unwrap().clone();
    assert_eq!((old_key["current"].clone(), old_key["endorsed_by"].clone()), (json!(false), new["key_id"].clone()));
    // A key added behind the server's back (with a checkpoint it signed) is not trusted.
    let forged_key = old_key["key_id"].as_str().unwrap().to_owned();
    rotated
        .behind_the_back(move |c| {
            use consignee_registry::db::schema::audit_signing_keys as k;
            diesel::update(k::table.find(forged_key)).set(k::endorsed_by.eq(None::<String>)).execute(c).unwrap();
        })
        .await;
    let report = verify(&rotated, "").await;
    assert_eq!(report["valid"], false);
    assert!(report["problems"][0]["detail"].as_str().unwrap().contains("does not vouch for"), "{report}");
}

#[tokio::test]
async fn the_daily_checkpoint_is_written_once_per_business_day() {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let clock = Arc::new(ManualClock::new(at("2026-11-28T01:00:00Z")));
    let app =
        spawn_app_at(clock.clone(), |s| s.audit_checkpoint_interval = std::time::Duration::from_secs(86_400)).await;
    let tick = || async { app.state.checkpointer.tick(&app.state.db, app.state.clock.now()).await.unwrap() };
    assert!(tick().await.is_none(), "nothing to sign on an empty chain");
    create_consignee(&app, "Daily KK").await;
    assert_eq!(tick().await.expect("the first checkpoint of the day").seq, 1);
    clock.set(at("2026-11-28T14:59:00Z"));
    assert!(tick().await.is_none(), "23:59 in Tokyo is the same business day");
    clock.set(at("2026-11-28T15:00:30Z"));
    assert!(tick().await.is_some(), "00:00 in Tokyo starts the next one");
    assert!(tick().await.is_none());
    let (_, listed) = app.get_json("/api/v1/audit/checkpoints").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let forbidden = app.request(Method::POST, "/api/v1/audit/checkpoints", "privacy_officer").send().await.unwrap();
    problem(forbidden, 403).await;
}

#[tokio::test]
async fn each_checkpoint_is_published_in_the_feed_and_a_webhook_hands_it_to_a_witness() {
    let app = spawn_app().await;
    let witness = Receiver::start(0).await;
    let (_, secret) = crate::webhooks::register(&app, &witness.url, &["audit.checkpoint_created"]).await;
    consignees(&app, &["One KK"]).await;
    let first = checkpoint(&app).await;
    let second = checkpoint(&app).await;
    let (status, feed) = app.get_json("/api/v1/events?types=audit.checkpoint_created").await;
    assert_eq!(status, 200, "{feed}");
    let events = feed["items"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{feed}");
    let (_, keys) = app.get_json("/api/v1/audit/public-keys").await;
    let pem = keys["items"][0]["public_key_pem"].as_str().unwrap();
    for (event, signed) in events.iter().zip([&first, &second]) {
        assert_eq!((event["resource_type"].as_str(), &event["resource_id"]), (Some("audit_checkpoint"), &signed["id"]));
        let head = &event["data"]["checkpoint"];
        for field in ["number", "seq", "head_hash", "prev", "at", "key_id", "signature"] {
            assert_eq!(head[field], signed[field], "{field}: {event}");
        }
        assert!(openssl_verifies(pem, &signed_message(head), head["signature"].as_str().unwrap()), "{event}");
    }
    assert_eq!(events[1]["data"]["checkpoint"]["prev"], json!(sha256_of(&first)), "the second names the first");
    witness.wait_for("both checkpoints", |r| r.iter().filter(|r| r.answered == 204).count() == 2).await;
    let delivered: Vec<Value> = witness.delivered().iter().map(|r| serde_json::from_str(&r.body).unwrap()).collect();
    assert!(witness.delivered().iter().all(|r| signed_by(r, &secret)));
    assert_eq!(delivered.iter().map(|e| e["data"]["checkpoint"]["number"].clone()).collect::<Vec<_>>(), [1, 2]);
}

/// What the next checkpoint signs as `prev`: SHA-256 of the signed message, a line feed and the signature.
fn sha256_of(cp: &Value) -> String {
    chain::sha256_hex(format!("{}\n{}", signed_message(cp), cp["signature"].as_str().unwrap()).as_bytes())
}
