//! Erasing a person on request: their e-mail and name leave every record, kept response and
//! audit event (a database text search finds them nowhere), except what a retention duty keeps.

use consignee_registry::db::DbConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    approved_consignee, create_entrustment, entrustment_body, memorandum_body, signed_memorandum_from,
};
use crate::helpers::{error_fields, problem, spawn_app, spawn_app_with, TestApp};

const EMAIL: &str = "hanako.erase@example.jp";
const NAME: &str = "消去 花子";

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The tables holding `needle` anywhere (ASCII case ignored): every column of every table, as
/// text, and the bytes of binary columns.
async fn tables_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let (db, needle) = (app.db.clone(), needle.to_lowercase());
    tokio::task::spawn_blocking(move || {
        let mut pooled = db.get_blocking().unwrap();
        let pattern = format!("%{needle}%");
        match &mut *pooled {
            DbConnection::Sqlite(conn) => {
                let tables: Vec<Name> = diesel::sql_query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .load(conn)
                .unwrap();
                let mut found = Vec::new();
                for table in tables.into_iter().map(|t| t.name) {
                    let columns: Vec<Name> =
                        diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}')")).load(conn).unwrap();
                    let any = columns.iter().map(|c| format!("lower(CAST(\"{}\" AS TEXT)) LIKE ?1", c.name));
                    let sql =
                        format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE {}", any.collect::<Vec<_>>().join(" OR "));
                    let count: Count = diesel::sql_query(sql).bind::<Text, _>(&pattern).get_result(conn).unwrap();
                    if count.n > 0 {
                        found.push(table);
                    }
                }
                found
            }
            DbConnection::Postgres(conn) => {
                let tables: Vec<Name> = diesel::sql_query(
                    "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .load(conn)
                .unwrap();
                let mut found = Vec::new();
                for table in tables.into_iter().map(|t| t.name) {
                    let binary: Vec<Name> = diesel::sql_query(format!(
                        "SELECT column_name::text AS name FROM information_schema.columns \
                         WHERE table_name = '{table}' AND data_type = 'bytea'"
                    ))
                    .load(conn)
                    .unwrap();
                    let bytes =
                        binary.iter().map(|c| format!(" OR position(convert_to($2, 'UTF8') in \"{}\") > 0", c.name));
                    let sql = format!(
                        "SELECT COUNT(*) AS n FROM \"{table}\" x WHERE lower(x::text) LIKE $1{}",
                        bytes.collect::<String>()
                    );
                    let count: Count = diesel::sql_query(sql)
                        .bind::<Text, _>(&pattern)
                        .bind::<Text, _>(&needle)
                        .get_result(conn)
                        .unwrap();
                    if count.n > 0 {
                        found.push(table);
                    }
                }
                found
            }
        }
    })
    .await
    .unwrap()
}

/// An approved consignee whose contact is the person, with a signed memorandum the person
/// signed, an entrustment they are responsible for and a review they perform: (consignee,
/// memorandum, entrustment, review) ids.
async fn person_everywhere(app: &TestApp) -> (String, String, String, String) {
    let consignee = approved_consignee(app, "消去対象株式会社").await;
    let id = consignee["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/consignees/{id}");
    let contact = json!({"contact": {"name": NAME, "email": EMAIL, "phone": "+81-3-0000-1111"}});
    assert_eq!(app.patch_json(&path, "procurement", &contact).await.0, 200);
    assert_eq!(app.patch_json(&path, "procurement", &json!({"notes": "連絡先を更新"})).await.0, 200);
    let mut terms = memorandum_body(app, "消去テスト覚書").await;
    terms["signatories"][1]["name"] = json!(NAME);
    let memorandum = signed_memorandum_from(app, &id, &terms).await["id"].as_str().unwrap().to_owned();
    let mut entrust = entrustment_body(&memorandum);
    entrust["responsible_person"] = json!(NAME);
    let entrustment = create_entrustment(app, &id, &entrust).await["id"].as_str().unwrap().to_owned();
    let review =
        json!({"kind": "periodic", "method": "questionnaire", "scheduled_for": "2026-12-10", "reviewer": NAME});
    let (status, review) = app.post_json(&format!("/api/v1/consignees/{id}/reviews"), "privacy_officer", &review).await;
    assert_eq!(status, 201, "{review}");
    (id, memorandum, entrustment, review["id"].as_str().unwrap().to_owned())
}

/// A consignee created with an Idempotency-Key, its response (holding the person) kept.
fn keyed_create(app: &TestApp) -> reqwest::RequestBuilder {
    let body = json!({"legal_name": "再送株式会社", "contact": {"name": NAME, "email": EMAIL}});
    app.request(Method::POST, "/api/v1/consignees", "procurement").header("idempotency-key", "erase-me").json(&body)
}

async fn erase(app: &TestApp, body: Value) -> Value {
    let (status, report) = app.post_json("/api/v1/privacy/erasures", "admin", &body).await;
    assert_eq!(status, 201, "{report}");
    report
}

#[tokio::test]
async fn an_erasure_takes_the_person_out_of_every_record_response_and_audit_event() {
    let app = spawn_app().await;
    let (consignee, memorandum, entrustment, review) = person_everywhere(&app).await;
    assert_eq!(keyed_create(&app).send().await.unwrap().status(), 201);
    assert!(tables_holding(&app, EMAIL).await.len() >= 3, "the person is there to begin with");

    let report = erase(&app, json!({"reference": "DSR-2026-0042", "email": EMAIL.to_uppercase(), "name": NAME})).await;
    let erased = &report["erasure"]["erased"];
    assert_eq!((erased["consignee"].clone(), erased["memorandum"].clone()), (json!(2), json!(1)), "{report}");
    assert_eq!((erased["entrustment"].clone(), erased["review"].clone()), (json!(1), json!(1)), "{report}");
    assert_eq!(erased["idempotent_response"], 1, "{report}");
    assert!(erased["audit_event"].as_i64().unwrap() >= 5, "{report}");
    assert_eq!(report["withheld"], json!([]));
    for needle in [EMAIL, NAME] {
        assert_eq!(tables_holding(&app, needle).await, Vec::<String>::new(), "{needle} is nowhere");
    }

    let (_, stored) = app.get_json(&format!("/api/v1/consignees/{consignee}")).await;
    assert!(stored["contact"].is_null() || stored["contact"]["email"].is_null(), "{stored}");
    let (_, signed) = app.get_json(&format!("/api/v1/memoranda/{memorandum}")).await;
    assert_eq!(
        (signed["status"].clone(), signed["signatories"][1]["name"].clone()),
        (json!("signed"), json!("[erased]"))
    );
    let (_, entrusted) = app.get_json(&format!("/api/v1/entrustments/{entrustment}")).await;
    assert!(entrusted["responsible_person"].is_null(), "{entrusted}");
    let (_, reviewed) = app.get_json(&format!("/api/v1/reviews/{review}")).await;
    assert_eq!(reviewed["reviewer"], "[erased]");
    let replay = keyed_create(&app).send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert!(!replay.text().await.unwrap().contains(EMAIL), "a replay no longer holds the person");

    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
    let id = report["erasure"]["id"].as_str().unwrap();
    let (status, kept) = app.get_json(&format!("/api/v1/privacy/erasures/{id}")).await;
    assert_eq!((status, kept["reference"].clone()), (200, json!("DSR-2026-0042")));
    assert_eq!(kept["erased"], report["erasure"]["erased"]);
    let (_, trail) = app.get_json(&format!("/api/v1/consignees/{consignee}/history?limit=200")).await;
    assert!(trail["items"].as_array().unwrap().iter().any(|e| e["action"] == "consignee.erased"), "{trail}");

    let again = erase(&app, json!({"reference": "DSR-2026-0042", "email": EMAIL, "name": NAME})).await;
    assert_eq!((again["erasure"]["erased"].clone(), again["changed"].clone()), (json!({}), json!([])), "nothing left");
}

#[tokio::test]
async fn records_under_a_retention_duty_are_withheld_with_the_reason() {
    let app =
        spawn_app_with(|s| s.erasure_retain = vec![consignee_registry::privacy::api::RecordType::Memorandum]).await;
    let (consignee, memorandum, _, _) = person_everywhere(&app).await;
    let report = erase(&app, json!({"reference": "DSR-7", "name": NAME})).await;
    let withheld = report["withheld"].as_array().unwrap();
    let memo = withheld.iter().find(|w| w["record_id"] == memorandum.as_str()).expect("the memorandum is withheld");
    assert_eq!(memo["record_type"], "memorandum");
    assert!(memo["reason"].as_str().unwrap().contains("retention duty"), "{memo}");
    assert!(withheld.iter().all(|w| w["reason"].as_str().unwrap().contains("memorandum records")), "{report}");
    assert!(report["changed"].as_array().unwrap().iter().any(|c| c["record_id"] == consignee.as_str()));
    let mut holding = tables_holding(&app, NAME).await;
    holding.sort();
    assert_eq!(holding, ["audit_events", "memoranda"], "only the memorandum and its own history keep the name");
    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
}

#[tokio::test]
async fn an_erasure_needs_a_reference_and_an_e_mail_or_a_name() {
    let app = spawn_app().await;
    let post = |body: Value| app.request(Method::POST, "/api/v1/privacy/erasures", "admin").json(&body).send();
    assert_eq!(error_fields(&problem(post(json!({"reference": "DSR-1"})).await.unwrap(), 422).await), ["email"]);
    let bad = problem(post(json!({"reference": " ", "email": "not-an-e-mail"})).await.unwrap(), 422).await;
    assert_eq!(error_fields(&bad), ["email", "reference"]);
    let unknown = problem(post(json!({"reference": "DSR-1", "phone": "0"})).await.unwrap(), 422).await;
    assert_eq!(error_fields(&unknown), ["phone"]);
    let body = json!({"reference": "DSR-1", "name": NAME});
    let viewer = app.request(Method::POST, "/api/v1/privacy/erasures", "privacy_officer").json(&body);
    problem(viewer.send().await.unwrap(), 403).await;
    let (_, page) = app.get_json("/api/v1/privacy/erasures").await;
    assert_eq!(page["items"], json!([]), "nothing was erased or recorded");
}
