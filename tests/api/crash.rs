//! Crash safety on the embedded database: the server binary (this build's) is killed with
//! SIGKILL in the middle of concurrent creates and updates, then restarted. Every acknowledged
//! write is stored as acknowledged, nothing is half-written, and the audit chain verifies.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use consignee_registry::db::pool::establish_sqlite;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{json, Value};

use crate::helpers::fixtures::{approved_consignee_with_memorandum, consignee_body, entrustment_body};
use crate::helpers::{spawn_app, token, TestApp, SECRET};

/// Load time before each SIGKILL, one round each.
const KILL_AFTER_MS: [u64; 4] = [150, 400, 800, 1_300];
/// Concurrent clients.
const CLIENTS: usize = 6;

/// The server binary of this build, on the app's database and keys.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(app: &TestApp) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_consignee-registry"))
            .env("DATABASE_URL", &app.settings.database_url)
            .env("CR_DATA_DIR", &app.settings.data_dir)
            .env("CR_JWT_SECRET", SECRET)
            .env("CR_BIND", "127.0.0.1:0")
            .env("CR_WORKERS", "2")
            .env("CR_LOG", "error")
            .env("CR_EVENT_SCAN_INTERVAL", "0s")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.split("listening on ").nth(1).map(|rest| rest.split(' ').next().unwrap().to_owned()))
            .expect("the server says where it listens");
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, address }
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }
}

/// What a client was told, per consignee: the acknowledged notes and version, and the notes of
/// a change in flight when the server died (it may or may not have committed).
#[derive(Debug, Clone, Default)]
struct Told {
    legal_name: String,
    version: i64,
    notes: Option<String>,
    in_flight: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Acknowledged {
    consignees: BTreeMap<String, Told>,
    entrustments: Vec<String>,
}

/// One client: create a consignee, update it twice with If-Match, entrust data under `memorandum`;
/// until the server stops answering.
async fn client(address: String, n: String, under: (String, String), acked: Arc<Mutex<Acknowledged>>) {
    let (http, bearer) = (reqwest::Client::new(), token(&format!("crash-{n}"), "procurement"));
    for i in 0.. {
        let name = format!("Crash {n}-{i} KK");
        let Ok(response) = http
            .post(format!("{address}/api/v1/consignees"))
            .bearer_auth(&bearer)
            .json(&consignee_body(&name))
            .send()
            .await
        else {
            return;
        };
        let Ok(created) = response.json::<Value>().await else { return };
        let id = created["id"].as_str().expect("201 with the consignee").to_owned();
        let notes = created["notes"].as_str().map(str::to_owned);
        let told = Told { legal_name: name, version: 1, notes, in_flight: None };
        acked.lock().unwrap().consignees.insert(id.clone(), told);
        for round in 1..=2 {
            let notes = format!("round {round} of client {n}");
            acked.lock().unwrap().consignees.get_mut(&id).unwrap().in_flight = Some(notes.clone());
            let version = round;
            let request = http
                .patch(format!("{address}/api/v1/consignees/{id}"))
                .bearer_auth(&bearer)
                .header("content-type", "application/merge-patch+json")
                .header("if-match", format!("\"{version}\""))
                .body(json!({ "notes": notes }).to_string());
            let Ok(response) = request.send().await else { return };
            assert_eq!(response.status(), 200, "the only writer of its consignee");
            let Ok(updated) = response.json::<Value>().await else { return };
            let mut state = acked.lock().unwrap();
            let told = state.consignees.get_mut(&id).unwrap();
            (told.version, told.notes, told.in_flight) = (updated["version"].as_i64().unwrap(), Some(notes), None);
        }
        let mut body = entrustment_body(&under.1);
        body["purpose"] = json!(format!("発送 {n}-{i}"));
        let path = format!("{address}/api/v1/consignees/{}/entrustments", under.0);
        let Ok(response) = http.post(path).bearer_auth(&bearer).json(&body).send().await else { return };
        assert_eq!(response.status(), 201);
        let Ok(entrustment) = response.json::<Value>().await else { return };
        acked.lock().unwrap().entrustments.push(entrustment["id"].as_str().unwrap().to_owned());
    }
}

#[derive(QueryableByName)]
struct Orphan {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    audit: i64,
    #[diesel(sql_type = BigInt)]
    outbox: i64,
}

/// Every entrustment and consignee with its creation's audit event and outbox (event) row.
fn half_written(database_url: &str) -> Vec<String> {
    let mut conn = establish_sqlite(std::path::Path::new(database_url.trim_start_matches("sqlite://"))).unwrap();
    let sql = "SELECT r.id, \
        (SELECT COUNT(*) FROM audit_events a WHERE a.resource_id = r.id AND a.action = r.kind || '.created') AS audit, \
        (SELECT COUNT(*) FROM events e WHERE e.resource_id = r.id) AS outbox \
        FROM (SELECT id, 'entrustment' AS kind FROM entrustments UNION ALL SELECT id, 'consignee' FROM consignees) r";
    let rows: Vec<Orphan> = diesel::sql_query(sql).load(&mut conn).unwrap();
    rows.into_iter()
        .filter(|r| r.audit != 1 || r.outbox < 1)
        .map(|r| format!("{} ({}, {})", r.id, r.audit, r.outbox))
        .collect()
}

/// Checks the restarted server against what the clients were told; returns the records checked.
async fn check_against(server: &Server, acked: &Acknowledged) -> usize {
    let (http, bearer) = (reqwest::Client::new(), token("auditor", "admin"));
    let get = |path: String| http.get(format!("{}{path}", server.address)).bearer_auth(&bearer).send();
    for (id, told) in &acked.consignees {
        let stored: Value = get(format!("/api/v1/consignees/{id}")).await.unwrap().json().await.unwrap();
        assert_eq!(stored["legal_name"], told.legal_name.as_str(), "{id} is stored");
        let version = stored["version"].as_i64().unwrap();
        let notes = stored["notes"].as_str().map(str::to_owned);
        match version - told.version {
            0 => assert_eq!(notes, told.notes, "{id}: as acknowledged"),
            1 => assert_eq!(notes, told.in_flight, "{id}: one more, the change in flight"),
            _ => panic!("{id}: version {version}, acknowledged {}", told.version),
        }
    }
    for id in &acked.entrustments {
        assert_eq!(get(format!("/api/v1/entrustments/{id}")).await.unwrap().status(), 200, "{id} is stored");
    }
    let report: Value = get("/api/v1/audit/verify".to_owned()).await.unwrap().json().await.unwrap();
    assert_eq!(report["valid"], true, "{report}");
    acked.consignees.len() + acked.entrustments.len()
}

async fn ready(server: &Server) {
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("{}/readyz", server.address)).await {
            if response.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the restarted server became ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_write_loses_no_acknowledged_record_and_half_writes_none() {
    let app = spawn_app().await;
    if app.is_postgres() {
        return; // The embedded database's crash safety; PostgreSQL's is its own WAL's.
    }
    let (consignee, memorandum) = approved_consignee_with_memorandum(&app, "Crash target KK").await;
    let under = (consignee["id"].as_str().unwrap().to_owned(), memorandum["id"].as_str().unwrap().to_owned());
    let acked: Arc<Mutex<Acknowledged>> = Default::default();
    let mut server = Server::start(&app);
    ready(&server).await;
    let mut checked = 0;
    for (round, kill_after) in KILL_AFTER_MS.into_iter().enumerate() {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| tokio::spawn(client(server.address.clone(), format!("{round}.{n}"), under.clone(), acked.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        server.kill();
        for client in clients {
            client.await.unwrap();
        }
        assert_eq!(half_written(&app.settings.database_url), Vec::<String>::new(), "nothing half-written");
        server = Server::start(&app);
        ready(&server).await;
        let told = acked.lock().unwrap().clone();
        checked = check_against(&server, &told).await;
    }
    server.kill();
    eprintln!("crash: {} SIGKILLs mid-write, {checked} acknowledged records checked", KILL_AFTER_MS.len());
    assert!(checked > 20, "the load wrote before each kill: {checked}");
}
