//! Backup while the server takes writes, restore into a fresh server: every acknowledged record
//! is there as acknowledged, nothing else is, and the audit chain verifies.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::helpers::fixtures::consignee_body;
use crate::helpers::{settings, spawn_app, start, token, TestApp, TestDatabase};

type Acknowledged = Arc<Mutex<BTreeMap<String, Value>>>;

/// Four clients creating consignees until `stop`, keeping every 201's body by id.
fn write_load(app: &TestApp, stop: &Arc<AtomicBool>, acknowledged: &Acknowledged) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4)
        .map(|w| {
            let (client, url) = (app.client.clone(), format!("{}/api/v1/consignees", app.address));
            let (stop, acknowledged, bearer) =
                (stop.clone(), acknowledged.clone(), token(&format!("w{w}"), "procurement"));
            tokio::spawn(async move {
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let mut body = consignee_body(&format!("Backup load {w}-{i} KK"));
                    body["contact"]["email"] = json!(format!("c{w}-{i}@example.jp"));
                    let response = client.post(&url).bearer_auth(&bearer).json(&body).send().await.unwrap();
                    assert_eq!(response.status(), 201, "writes go on during the backup");
                    let created: Value = response.json().await.unwrap();
                    acknowledged.lock().unwrap().insert(created["id"].as_str().unwrap().to_owned(), created);
                }
            })
        })
        .collect()
}

/// Takes the backup the README describes for the app's backend, off the test's runtime so
/// the writers go on meanwhile.
async fn back_up(app: &TestApp, to: &std::path::Path) {
    let path = to.to_string_lossy().into_owned();
    let mut command = if app.is_postgres() {
        let refused = app.cli(&["backup", "--to", &path]);
        assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("pg_dump"));
        let mut dump = std::process::Command::new("pg_dump");
        dump.args(["-Fc", "--no-owner", "-d", &app.settings.database_url, "-f", &path]);
        dump
    } else {
        app.cli_command(&["backup", "--to", &path])
    };
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    if !app.is_postgres() {
        assert!(!app.cli(&["backup", "--to", &path]).status.success(), "an existing file is never overwritten");
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(to).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600, "the copy holds personal data: the owner's only");
    }
}

#[tokio::test]
async fn a_backup_under_write_load_restores_every_acknowledged_record_and_a_verifying_chain() {
    let app = spawn_app().await;
    let seeded = app.cli(&["seed", "--consignees", "300"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let seeded = app.all_consignees().await;
    let (stop, acknowledged): (Arc<AtomicBool>, Acknowledged) = Default::default();
    let writers = write_load(&app, &stop, &acknowledged);
    while acknowledged.lock().unwrap().len() < 20 {
        assert!(!writers.iter().any(|w| w.is_finished()), "a writer stopped (see its panic)");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: BTreeMap<String, Value> = acknowledged.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registry.backup");
    back_up(&app, &file).await;
    let during = acknowledged.lock().unwrap().len();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().clone();
    assert!(all.len() > before.len(), "the load ran on");

    let restored_db = TestDatabase::restored_from(file).await;
    let restored = start(settings(&restored_db.url, app.settings.data_dir.clone()), restored_db).await;
    let stored = restored.all_consignees().await;
    let ids: Vec<&str> = stored.iter().map(|c| c["id"].as_str().unwrap()).collect();
    for (id, created) in &before {
        let copy = stored.iter().find(|c| c["id"] == created["id"]).unwrap_or_else(|| panic!("{id} is restored"));
        for field in ["legal_name", "contact", "version", "created_at", "status"] {
            assert_eq!(copy[field], created[field], "{id}: {field} as acknowledged");
        }
    }
    let known = |id: &str| all.contains_key(id) || seeded.iter().any(|c| c["id"] == id);
    assert!(ids.iter().all(|id| known(id)), "nothing restored that was not acknowledged");
    assert!(seeded.iter().all(|c| ids.contains(&c["id"].as_str().unwrap())), "the seeded register is whole");
    let (status, report) = restored.get_json("/api/v1/audit/verify").await;
    assert_eq!((status, report["valid"].clone()), (200, json!(true)), "{report}");
    assert!(report["events_checked"].as_u64().unwrap() >= ids.len() as u64, "{report}");
    eprintln!(
        "backup under load: {} seeded, {} acknowledged before it, {during} by its end, {} restored, {} in all",
        seeded.len(),
        before.len(),
        ids.len(),
        all.len() + seeded.len()
    );
}
