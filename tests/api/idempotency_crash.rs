//! An `Idempotency-Key` after a SIGKILL: the server binary is killed while clients send keyed CSV
//! imports, then restarted; every request retried with its key either gets its stored response
//! (its import committed, with the response, in one transaction) or runs once (nothing had
//! committed) within the claim's lease, and no import is ever applied twice or half.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::crash::Server;
use crate::helpers::{spawn_app, token, TestApp};

/// Rows per import (each a new consignee).
const ROWS: usize = 40;
/// Load time before each SIGKILL, one round each.
const KILL_AFTER_MS: [u64; 3] = [120, 350, 700];
/// The lease the server binary runs with: a claim whose holder died is taken over after it.
const LEASE: &str = "2s";

/// One keyed import: its key, its CSV, and whether its response arrived before the kill.
#[derive(Debug, Clone)]
struct Sent {
    key: String,
    csv: String,
    acknowledged: bool,
}

fn sheet(key: &str) -> String {
    let rows: Vec<String> = (0..ROWS).map(|i| format!("{key} 行{i} 株式会社")).collect();
    format!("legal_name\n{}\n", rows.join("\n"))
}

async fn send(http: &reqwest::Client, address: &str, bearer: &str, sent: &Sent) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{address}/api/v1/consignees/import"))
        .bearer_auth(bearer)
        .header("idempotency-key", &sent.key)
        .header("content-type", "text/csv")
        .body(sent.csv.clone())
        .send()
        .await
}

/// One client: keyed imports one after another until the server stops answering.
async fn client(address: String, name: String, log: Arc<Mutex<Vec<Sent>>>) {
    let (http, bearer) = (reqwest::Client::new(), token("crash-importer", "procurement"));
    for i in 0.. {
        let key = format!("{name}-{i}");
        let sent = Sent { csv: sheet(&key), key, acknowledged: false };
        let at = {
            let mut log = log.lock().unwrap();
            log.push(sent.clone());
            log.len() - 1
        };
        match send(&http, &address, &bearer, &sent).await {
            Ok(response) if response.status() == 200 => log.lock().unwrap()[at].acknowledged = true,
            _ => return,
        }
    }
}

/// Retries `sent` until it is no longer running elsewhere (409 while the dead holder's lease
/// lasts); answers the final response's status, whether it was a replay, and its body.
async fn retry(address: &str, sent: &Sent) -> (u16, bool, Value) {
    let (http, bearer) = (reqwest::Client::new(), token("crash-importer", "procurement"));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = send(&http, address, &bearer, sent).await.unwrap();
        let (status, replayed) = (response.status().as_u16(), response.headers().contains_key("idempotent-replayed"));
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != 409 {
            return (status, replayed, body);
        }
        assert!(Instant::now() < deadline, "{} still claimed long after its lease: {body}", sent.key);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Consignees per import key, counted by name behind the API's back.
async fn imported(app: &TestApp, key: &str) -> i64 {
    use consignee_registry::db::schema::consignees as c;
    use diesel::{QueryDsl, RunQueryDsl, TextExpressionMethods};
    let pattern = format!("{key} 行%");
    app.behind_the_back(move |conn| c::table.filter(c::legal_name.like(pattern)).count().get_result(conn).unwrap())
        .await
}

#[tokio::test]
async fn a_keyed_request_cut_off_by_sigkill_is_answered_once_or_run_once() {
    let app = spawn_app().await;
    let env = [("CR_IDEMPOTENCY_LEASE", LEASE), ("CR_AUDIT_CHECKPOINT_INTERVAL", "0s")];
    let log = Arc::new(Mutex::new(Vec::new()));
    for (round, kill_after) in KILL_AFTER_MS.into_iter().enumerate() {
        let server = Server::start_with(&app, &env);
        let clients: Vec<_> = (0..3)
            .map(|n| tokio::spawn(client(server.address.clone(), format!("r{round}c{n}"), log.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        server.kill();
        for client in clients {
            client.await.unwrap();
        }
    }
    let server = Server::start_with(&app, &env);
    let sent = log.lock().unwrap().clone();
    let (mut replays, mut reruns) = (0, 0);
    for request in &sent {
        let (status, replayed, body) = retry(&server.address, request).await;
        assert_eq!(status, 200, "{}: {body}", request.key);
        if request.acknowledged {
            assert!(replayed, "{}: an acknowledged import answers its stored response", request.key);
        }
        if replayed {
            replays += 1
        } else {
            reruns += 1
        }
        assert_eq!(imported(&app, &request.key).await, ROWS as i64, "{}: applied exactly once", request.key);
    }
    assert!(reruns >= 1, "some import was cut off before it committed ({replays} replayed, {reruns} run again)");
    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
    server.kill();
}
