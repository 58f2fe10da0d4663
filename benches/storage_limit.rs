//! The storage limit `scripts/bench` holds `POST /consignees` against: a loop in one process that
//! writes the rows a create writes — the consignee, its audit event (hash-linked) and its event
//! (the outbox) — in one write transaction each, into the database at `DATABASE_URL`, through the
//! same pool, pragmas and transaction kind as the server. No HTTP, no validation, no reads.
//!
//! `scripts/bench` builds it (`cargo build --release --bench storage_limit`) and runs it for
//! SECONDS; it prints `{"writes": N, "seconds": S, "per_second": R}`.

use std::time::{Duration, Instant};

use chrono::Utc;
use consignee_registry::audit::chain::{self, GENESIS};
use consignee_registry::audit::model::AuditEventRow;
use consignee_registry::consignees::model::ConsigneeRow;
use consignee_registry::db::dispatch;
use consignee_registry::db::pool::{Db, PoolOptions};
use consignee_registry::db::schema::{audit_events as ae, consignees as c, events as ev};
use consignee_registry::error::ApiError;
use consignee_registry::events::store::EventRow;
use diesel::prelude::*;

fn main() -> Result<(), String> {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL".to_owned())?;
    let options =
        PoolOptions { max_size: 1, connection_timeout: Duration::from_secs(5), busy_timeout_ms: 5000, min_idle: 0 };
    let db = Db::connect(&url, &options)?;
    let mut conn = db.get_blocking().map_err(|e| e.to_string())?;
    let (started, budget) = (Instant::now(), Duration::from_secs(seconds));
    let mut writes = 0u64;
    while started.elapsed() < budget {
        dispatch::write_transaction(&mut conn, |conn| write_one(conn, writes)).map_err(|e| format!("{e:?}"))?;
        writes += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(r#"{{"writes": {writes}, "seconds": {elapsed:.3}, "per_second": {:.1}}}"#, writes as f64 / elapsed);
    Ok(())
}

/// One consignee row, its audit event after the chain's head, and its event row.
fn write_one(conn: &mut consignee_registry::db::DbConnection, n: u64) -> Result<(), ApiError> {
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    let row = consignee(&id, n, now);
    diesel::insert_into(c::table).values(&row).execute(conn)?;
    let last: Option<(i64, String)> =
        ae::table.select((ae::seq, ae::hash)).order(ae::seq.desc()).first(conn).optional()?;
    let (seq, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(seq, hash)| (seq + 1, hash));
    let changes =
        format!(r#"{{"after":{{"legal_name":"{}","risk_tier":"medium","status":"candidate"}}}}"#, row.legal_name);
    let mut audit = AuditEventRow {
        seq,
        at: now,
        actor: "bench".to_owned(),
        actor_role: "procurement".to_owned(),
        action: "consignee.created".to_owned(),
        resource_type: "consignee".to_owned(),
        resource_id: id.clone(),
        consignee_id: Some(id.clone()),
        request_id: None,
        changes_sha256: chain::sha256_hex(changes.as_bytes()),
        changes: Some(changes),
        prev_hash,
        hash: String::new(),
        redacted_at: None,
        redacted_by: None,
        redaction_reason: None,
        hash_format: chain::FORMAT,
    };
    audit.hash = chain::link_hash(&audit.prev_hash, &audit.link());
    diesel::insert_into(ae::table).values(&audit).execute(conn)?;
    let event = EventRow {
        seq,
        event_type: "consignee.created".to_owned(),
        resource_type: "consignee".to_owned(),
        resource_id: id,
        version: Some(1),
        occurred_at: now,
        data: r#"{"consignee":{"status":"candidate","risk_tier":"medium","country":"JP"}}"#.to_owned(),
        occurrence: None,
    };
    diesel::insert_into(ev::table).values(&event).execute(conn)?;
    Ok(())
}

fn consignee(id: &str, n: u64, now: chrono::NaiveDateTime) -> ConsigneeRow {
    let legal_name = format!("Storage Limit {n} KK");
    ConsigneeRow {
        id: id.to_owned(),
        search_text: legal_name.to_lowercase(),
        legal_name,
        name_kana: None,
        name_en: None,
        corporate_number: None,
        country: "JP".to_owned(),
        address: None,
        contact_name: Some("山田 太郎".to_owned()),
        contact_email: Some("privacy@example.co.jp".to_owned()),
        contact_phone: None,
        risk_tier: "medium".to_owned(),
        notes: None,
        status: "candidate".to_owned(),
        status_reason: None,
        status_changed_at: None,
        created_at: now,
        updated_at: now,
        created_by: "bench".to_owned(),
        updated_by: "bench".to_owned(),
        version: 1,
        approved_on: None,
        last_reviewed_on: None,
        next_review_due: None,
        external_ref: None,
    }
}
