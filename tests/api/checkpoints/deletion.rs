//! Deleting checkpoints shows: checkpoints chain to each other, the trail records each one, and
//! events older than the interval plus grace must be covered by one the configured key verifies.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use consignee_registry::audit::chain;
use consignee_registry::audit::checkpoint::{self, CREATED};
use consignee_registry::audit::model::AuditEventRow;
use consignee_registry::audit::{append, Change};
use consignee_registry::auth::Caller;
use consignee_registry::clock::ManualClock;
use consignee_registry::db::schema::{audit_checkpoints as cp, audit_events as ae, events as ev};
use consignee_registry::db::DbConnection;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::{checkpoint, consignees, verify};
use crate::helpers::fixtures::create_consignee;
use crate::helpers::{spawn_app, spawn_app_at, TestApp};

const DAY: Duration = Duration::from_secs(86_400);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// The details of a report's problems, one per line, for assertions and messages.
fn details(report: &Value) -> String {
    report["problems"].as_array().unwrap().iter().map(|p| p["detail"].as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

/// An app signing daily, on a test clock.
async fn daily_app(clock: &Arc<ManualClock>) -> TestApp {
    spawn_app_at(clock.clone(), |s| s.audit_checkpoint_interval = DAY).await
}

/// The automatic checkpoint, as the schedule would write it at the clock's time.
async fn tick(app: &TestApp) -> Option<checkpoint::CheckpointRow> {
    app.state.checkpointer.tick(&app.state.db, app.state.clock.now()).await.unwrap()
}

#[tokio::test]
async fn deleting_the_checkpoint_rows_names_each_checkpoint_the_trail_records() {
    let app = spawn_app().await;
    consignees(&app, &["One KK"]).await;
    let first = checkpoint(&app).await;
    consignees(&app, &["Two KK"]).await;
    let second = checkpoint(&app).await;
    assert_eq!((first["number"].clone(), second["number"].clone()), (json!(1), json!(2)));
    let report = verify(&app, "").await;
    assert_eq!((report["valid"].clone(), report["checkpoints_checked"].clone()), (json!(true), json!(2)), "{report}");
    app.behind_the_back(|c| diesel::delete(cp::table).execute(c).unwrap()).await;
    let report = verify(&app, "").await;
    assert_eq!((report["valid"].clone(), report["checkpoints_checked"].clone()), (json!(false), json!(0)), "{report}");
    let missing: Vec<&Value> = report["problems"].as_array().unwrap().iter().map(|p| &p["checkpoint_id"]).collect();
    assert_eq!(missing, [&first["id"], &second["id"]], "{report}");
    assert!(details(&report).contains(&format!("checkpoint {} is missing", first["id"].as_str().unwrap())));
}

#[tokio::test]
async fn deleting_a_checkpoint_in_the_middle_leaves_a_gap_and_renumbering_breaks_the_link() {
    let app = spawn_app().await;
    let mut signed = Vec::new();
    for name in ["One KK", "Two KK", "Three KK"] {
        consignees(&app, &[name]).await;
        signed.push(checkpoint(&app).await);
    }
    let (middle, last) = (signed[1]["id"].as_str().unwrap().to_owned(), signed[2]["id"].as_str().unwrap().to_owned());
    assert_eq!(signed[2]["number"], 3);
    app.behind_the_back(move |c| diesel::delete(cp::table.find(middle)).execute(c).unwrap()).await;
    let report = verify(&app, "").await;
    assert_eq!(report["valid"], false, "{report}");
    let text = details(&report);
    assert!(text.contains(&format!("checkpoint {} is missing", signed[1]["id"].as_str().unwrap())), "{text}");
    assert!(text.contains("is number 3 but follows number 1"), "{text}");
    // Hiding the gap by renumbering the last one breaks its signature and its link.
    app.behind_the_back(move |c| diesel::update(cp::table.find(last)).set(cp::number.eq(2)).execute(c).unwrap()).await;
    let report = verify(&app, "").await;
    let text = details(&report);
    assert!(text.contains("signature that does not verify") && text.contains("does not link"), "{text}");
}

/// What a forger with write access but no key does: deletes every checkpoint, the events that
/// recorded and published them, renumbers the rest and recomputes every hash.
fn forge(c: &mut DbConnection) {
    diesel::delete(cp::table).execute(c).unwrap();
    let recorded: Vec<i64> = ae::table.filter(ae::action.eq(CREATED)).select(ae::seq).load(c).unwrap();
    diesel::delete(ev::table.filter(ev::seq.eq_any(&recorded))).execute(c).unwrap();
    diesel::delete(ae::table.filter(ae::seq.eq_any(&recorded))).execute(c).unwrap();
    let rows: Vec<AuditEventRow> = ae::table.order(ae::seq.asc()).load(c).unwrap();
    let mut prev = chain::GENESIS.to_owned();
    for (seq, mut row) in (1..).zip(rows) {
        let old = row.seq;
        (row.seq, row.prev_hash) = (seq, prev);
        row.hash = chain::link_hash(&row.prev_hash, &row.link());
        diesel::update(ae::table.find(old))
            .set((ae::seq.eq(seq), ae::prev_hash.eq(&row.prev_hash), ae::hash.eq(&row.hash)))
            .execute(c)
            .unwrap();
        diesel::update(ev::table.find(old)).set(ev::seq.eq(seq)).execute(c).unwrap();
        prev = row.hash;
    }
}

#[tokio::test]
async fn a_forger_with_the_database_but_not_the_key_is_caught_once_the_checkpoint_window_passes() {
    let clock = Arc::new(ManualClock::new(at("2026-11-28T01:00:00Z")));
    let app = daily_app(&clock).await;
    consignees(&app, &["One KK", "Two KK"]).await;
    assert_eq!(tick(&app).await.unwrap().number, Some(1));
    clock.set(at("2026-11-29T01:00:00Z"));
    consignees(&app, &["Three KK"]).await;
    assert_eq!(tick(&app).await.unwrap().number, Some(2));
    consignees(&app, &["Four KK"]).await;
    let honest = verify(&app, "").await;
    assert_eq!((honest["valid"].clone(), honest["events_checked"].clone()), (json!(true), json!(6)), "{honest}");

    app.behind_the_back(forge).await;
    let report = verify(&app, "").await;
    assert_eq!(report["events_checked"], 4, "the forged chain links up");
    assert_eq!(report["valid"], true, "within the window the forgery holds: {report}");

    // A day, the grace hour and a minute after the last event, a checkpoint should cover it.
    clock.set(at("2026-11-30T02:01:00Z"));
    let report = verify(&app, "").await;
    assert_eq!((report["valid"].clone(), report["first_broken_seq"].clone()), (json!(false), json!(1)), "{report}");
    let text = details(&report);
    assert!(text.contains("events from seq 1 to 4 were appended before 2026-11-29T01:01:00.000000Z"), "{text}");
    assert!(text.contains("no checkpoint the configured key verifies covers them"), "{text}");
}

#[tokio::test]
async fn the_server_signs_at_start_unless_the_head_is_covered() {
    let clock = Arc::new(ManualClock::new(at("2026-11-28T01:00:00Z")));
    let app = daily_app(&clock).await;
    assert!(verify(&app, "").await["checkpoints_checked"] == 0, "an empty chain is not signed");
    consignees(&app, &["One KK"]).await;
    let restarted = app.second_node(|_| {}).await;
    let (_, listed) = restarted.get_json("/api/v1/audit/checkpoints").await;
    let items = listed["items"].as_array().unwrap().clone();
    assert_eq!((items.len(), items[0]["seq"].clone(), items[0]["number"].clone()), (1, json!(1), json!(1)));
    let (_, events) = restarted.get_json(&format!("/api/v1/audit/events?action={CREATED}")).await;
    assert_eq!(events["items"][0]["actor"], "system");
    app.second_node(|_| {}).await;
    let (_, listed) = app.get_json("/api/v1/audit/checkpoints").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "nothing was appended since: {listed}");
}

#[tokio::test]
async fn the_coverage_rule_holds_while_checkpoints_are_on_and_is_off_at_0s() {
    for interval in [Duration::ZERO, DAY] {
        let clock = Arc::new(ManualClock::new(at("2026-11-28T01:00:00Z")));
        let app = spawn_app_at(clock.clone(), |s| s.audit_checkpoint_interval = interval).await;
        create_consignee(&app, "Old KK").await;
        clock.set(at("2026-12-28T01:00:00Z"));
        let report = verify(&app, "").await;
        if interval.is_zero() {
            assert_eq!(report["valid"], true, "checkpoints off, nothing to cover: {report}");
            continue;
        }
        assert_eq!(report["valid"], false, "{report}");
        assert!(details(&report).contains("(the newest is none)"), "{report}");
        // What the running server does at the new day: sign it.
        tick(&app).await.expect("a checkpoint of the new day");
        let report = verify(&app, "").await;
        assert_eq!(report["valid"], true, "{report}");
        clock.set(at("2026-12-29T02:01:00Z"));
        assert_eq!(verify(&app, "").await["valid"], true, "its own event needs no further checkpoint");
    }
}

#[tokio::test]
async fn an_existing_database_with_legacy_checkpoints_keeps_verifying() {
    let app = spawn_app().await;
    consignees(&app, &["One KK"]).await;
    // A checkpoint as the server signed it before checkpoints chained: no number, no prev.
    let key = app.state.checkpointer.key();
    let (key_id, signed_at) = (key.key_id.clone(), at("2026-11-28T01:00:00Z").naive_utc());
    let head: (i64, String) =
        app.behind_the_back(|c| ae::table.select((ae::seq, ae::hash)).order(ae::seq.desc()).first(c).unwrap()).await;
    let message = checkpoint::message(head.0, &head.1, signed_at, &key_id);
    let legacy = checkpoint::CheckpointRow {
        id: uuid::Uuid::now_v7().to_string(),
        seq: head.0,
        head_hash: head.1,
        at: signed_at,
        key_id,
        signature: key.sign(message.as_bytes()),
        number: None,
        prev: None,
    };
    let expected_prev = chain::sha256_hex(format!("{message}\n{}", legacy.signature).as_bytes());
    let row = legacy.clone();
    app.behind_the_back(move |c| {
        diesel::insert_into(cp::table).values(&row).execute(c).unwrap();
        let change =
            Change::of("audit_checkpoint", row.id.clone(), None, "created", json!({"after": {"seq": row.seq}}));
        append(c, &Caller::system(), signed_at.and_utc(), change).unwrap();
    })
    .await;
    assert_eq!(verify(&app, "").await["valid"], true);
    let (_, shown) = app.get_json(&format!("/api/v1/audit/checkpoints/{}", legacy.id)).await;
    assert_eq!((shown["number"].clone(), shown["prev"].clone()), (Value::Null, Value::Null), "{shown}");

    let chained = checkpoint(&app).await;
    assert_eq!((chained["number"].clone(), chained["prev"].clone()), (json!(1), json!(expected_prev)));
    assert_eq!(checkpoint(&app).await["number"], 2);
    let report = verify(&app, "").await;
    assert_eq!((report["valid"].clone(), report["checkpoints_checked"].clone()), (json!(true), json!(3)), "{report}");
    // The legacy checkpoint is part of the chain now: deleting it shows.
    let id = legacy.id.clone();
    app.behind_the_back(move |c| diesel::delete(cp::table.find(id)).execute(c).unwrap()).await;
    let text = details(&verify(&app, "").await);
    assert!(text.contains(&format!("checkpoint {} is missing", legacy.id)) && text.contains("does not link"), "{text}");
}
