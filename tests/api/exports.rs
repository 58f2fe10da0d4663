//! The shared CSV writer as the audit export uses it: BOM, RFC 4180, formula neutralising, batches.

use consignee_registry::audit::{self, export::BATCH, Change};
use consignee_registry::auth::{Caller, Role};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{mint, spawn_app};

#[tokio::test]
async fn the_audit_export_is_excel_safe_csv_streamed_in_batches() {
    let app = spawn_app().await;
    let evil = "=HYPERLINK(\"http://evil.example\",\"click\")";
    let claims =
        consignee_registry::auth::token::Claims::new(evil, "procurement", None, std::time::Duration::from_secs(600));
    let created = app
        .client
        .post(format!("{}/api/v1/consignees", app.address))
        .bearer_auth(mint(&claims))
        .json(&json!({"legal_name": "株式会社 \"引用\", 改行\nあり"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // More events than one batch holds, written straight through the audit module.
    let extra = BATCH as usize + 20;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get_blocking().unwrap();
        let caller = Caller { sub: "bulk".to_owned(), role: Role::Admin, name: None, jti: None, request_id: None };
        consignee_registry::db::dispatch::write_transaction(&mut conn, |c| {
            for i in 0..extra {
                let change = Change {
                    action: "test.bulk".to_owned(),
                    resource_type: "test",
                    resource_id: i.to_string(),
                    consignee_id: None,
                    changes: json!({"i": i}),
                    event: None,
                };
                audit::append(c, &caller, chrono::Utc::now(), change)?;
            }
            Ok(())
        })
        .unwrap();
    })
    .await
    .unwrap();
    let response = app.request(Method::GET, "/api/v1/audit/events/export", "privacy_officer").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("seq,at,actor,"), "{}", &text[..40]);
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1 + extra, "every batch arrived");
    assert_eq!(&rows[0][2], format!("'{evil}"), "a formula-like actor is neutralised");
    assert!(rows[0][9].contains("株式会社 \\\"引用\\\", 改行\\nあり"), "{}", &rows[0][9]);
    let seqs: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(seqs, (1..=(1 + extra) as i64).collect::<Vec<_>>(), "in order, none twice");
}
