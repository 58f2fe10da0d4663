//! Erasing a person on request: their e-mail leaves every table (a database search of every
//! column finds it nowhere), their name leaves every field that holds a person and is listed for
//! review where it stands inside free text; what stays is only what the one list of exceptions
//! (`privacy::kept::KEPT`) or a retention duty keeps, reported as withheld.

use consignee_registry::db::DbConnection;
use consignee_registry::privacy::api::RecordType;
use consignee_registry::privacy::kept::KEPT;
use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    approved_consignee, create_entrustment, create_memorandum, entrustment_body, memorandum_body,
    signed_memorandum_from, sub_consignment_body,
};
use crate::helpers::{error_fields, problem, spawn_app, spawn_app_with, TestApp};

const EMAIL: &str = "hanako.erase@example.jp";
const NAME: &str = "消去 花子";

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// A column as the catalog describes it.
#[derive(QueryableByName, Debug, Clone)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

impl Column {
    fn is_text(&self) -> bool {
        matches!(self.data_type.as_str(), "text" | "character varying")
    }

    fn is_binary(&self) -> bool {
        matches!(self.data_type.as_str(), "bytea" | "blob")
    }

    /// SQLite keeps dates and timestamps as TEXT; the schema names them `at`, `day`, `*_at`,
    /// `*_on`, `*_due`, `*_for`, `*_from`, `*_until` (checked against PostgreSQL's types there).
    fn is_named_like_a_time(&self) -> bool {
        let c = self.column_name.as_str();
        ["at", "day"].contains(&c) || ["_at", "_on", "_due", "_for", "_from", "_until"].iter().any(|s| c.ends_with(s))
    }

    /// Excepted for every row by the erasure's one list.
    fn is_kept(&self) -> bool {
        KEPT.iter().any(|k| k.rows.is_none() && k.covers(&self.table_name, &self.column_name, self.pk > 0))
    }

    fn quoted(&self) -> String {
        format!("\"{}\"", self.column_name)
    }
}

/// Every column of every table, from the database's own catalog.
fn catalog(conn: &mut DbConnection) -> Vec<Column> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, lower(p.type) AS data_type, p.pk AS pk \
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        DbConnection::Postgres(_) => {
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS data_type, \
             COALESCE((SELECT k.ordinal_position FROM information_schema.key_column_usage k \
               JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name \
                 AND t.table_schema = k.table_schema AND t.table_name = k.table_name \
               WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema \
                 AND k.table_name = c.table_name AND k.column_name = c.column_name), 0)::int AS pk \
             FROM information_schema.columns c JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' \
             WHERE c.table_schema = current_schema()"
        }
    };
    diesel::sql_query(sql).load(conn).unwrap()
}

/// The record id the erasure reports for a row: its key's values joined by `/`.
fn key_of(columns: &[Column], table: &str) -> String {
    let mut key: Vec<&Column> = columns.iter().filter(|c| c.table_name == table && c.pk > 0).collect();
    key.sort_by_key(|c| c.pk);
    let parts: Vec<String> = key.iter().map(|c| format!("CAST({} AS TEXT)", c.quoted())).collect();
    parts.join(" || '/' || ")
}

/// Where a needle was found: table, column and the record's id.
type Hit = (String, String, String);

/// Every (table, column, record) holding `needle` (ASCII case ignored): every text column and the
/// bytes of every binary column of every table.
async fn holding(app: &TestApp, needle: &str) -> Vec<Hit> {
    let needle = needle.to_lowercase();
    app.behind_the_back(move |conn| {
        let columns = catalog(conn);
        let pattern = format!("%{needle}%");
        let mut hits = Vec::new();
        for column in columns.iter().filter(|c| c.is_text() || c.is_binary()) {
            let (table, quoted) = (&column.table_name, column.quoted());
            let postgres_bytes = column.is_binary() && matches!(conn, DbConnection::Postgres(_));
            let (test, bound) = match postgres_bytes {
                true => (format!("position(convert_to($1, 'UTF8') in {quoted}) > 0"), needle.clone()),
                false => (format!("lower(CAST({quoted} AS TEXT)) LIKE $1"), pattern.clone()),
            };
            let sql = format!("SELECT {} AS name FROM \"{table}\" WHERE {test}", key_of(&columns, table));
            let rows: Vec<Name> = diesel::sql_query(sql).bind::<Text, _>(bound).load(conn).unwrap();
            hits.extend(rows.into_iter().map(|r| (table.clone(), column.column_name.clone(), r.name)));
        }
        hits
    })
    .await
}

/// The tables among `hits`, sorted and deduplicated.
fn tables(hits: &[Hit]) -> Vec<String> {
    let mut tables: Vec<String> = hits.iter().map(|h| h.0.clone()).collect();
    tables.sort();
    tables.dedup();
    tables
}

/// The notes that mention the person: the e-mail (replaced) and the name inside other words (left
/// for review).
fn note() -> String {
    format!("連絡は {} ({}さん) まで", EMAIL.to_uppercase(), NAME)
}

/// The records the person is in, by the API.
struct Planted {
    consignee: String,
    memorandum: String,
    entrustment: String,
    review: String,
    sub_consignment: String,
    draft: String,
}

/// An approved consignee whose contact is the person and whose notes mention them (changed by a
/// request whose X-Request-Id holds the e-mail), with a signed memorandum the person signed, an
/// entrustment they are responsible for with a sub-consignment they consented to, a review they
/// perform, and a draft memorandum whose document's file name holds the e-mail.
async fn person_everywhere(app: &TestApp) -> Planted {
    let consignee = approved_consignee(app, "消去対象株式会社").await;
    let id = consignee["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/consignees/{id}");
    let contact = json!({"contact": {"name": NAME, "email": EMAIL, "phone": "+81-3-0000-1111"}});
    assert_eq!(app.patch_json(&path, "procurement", &contact).await.0, 200);
    let notes = app
        .request(Method::PATCH, &path, "procurement")
        .header("content-type", "application/merge-patch+json")
        .header("x-request-id", format!("ticket:{EMAIL}"))
        .body(json!({"notes": note()}).to_string());
    assert_eq!(notes.send().await.unwrap().status(), 200);
    let mut terms = memorandum_body(app, "消去テスト覚書").await;
    terms["signatories"][1]["name"] = json!(NAME);
    let memorandum = signed_memorandum_from(app, &id, &terms).await["id"].as_str().unwrap().to_owned();
    let mut entrust = entrustment_body(&memorandum);
    entrust["responsible_person"] = json!(NAME);
    let entrustment = create_entrustment(app, &id, &entrust).await["id"].as_str().unwrap().to_owned();
    let mut sub = sub_consignment_body("再委託先株式会社", &["contact_details"]);
    sub["consent"]["consented_by"] = json!(NAME);
    let (status, sub) =
        app.post_json(&format!("/api/v1/entrustments/{entrustment}/sub-consignments"), "procurement", &sub).await;
    assert_eq!(status, 201, "{sub}");
    let review =
        json!({"kind": "periodic", "method": "questionnaire", "scheduled_for": "2026-12-10", "reviewer": NAME});
    let (status, review) = app.post_json(&format!("/api/v1/consignees/{id}/reviews"), "privacy_officer", &review).await;
    assert_eq!(status, 201, "{review}");
    let draft =
        create_memorandum(app, &id, &memorandum_body(app, "下書き").await).await["id"].as_str().unwrap().to_owned();
    let upload = app
        .request(Method::PUT, &format!("/api/v1/memoranda/{draft}/document"), "procurement")
        .header("content-type", "application/pdf")
        .header("content-disposition", format!("attachment; filename=\"DSR {EMAIL}.pdf\""))
        .body(crate::helpers::fixtures::pdf(2048));
    assert!(upload.send().await.unwrap().status().is_success());
    Planted {
        consignee: id,
        memorandum,
        entrustment,
        review: review["id"].as_str().unwrap().to_owned(),
        sub_consignment: sub["id"].as_str().unwrap().to_owned(),
        draft,
    }
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

/// The (record type, record id, field) triples a report lists under `key`.
fn listed(report: &Value, key: &str) -> Vec<(String, String, String)> {
    let items = report[key].as_array().unwrap();
    items
        .iter()
        .flat_map(|item| {
            let fields = item["fields"].as_array().unwrap();
            fields.iter().map(move |f| {
                let of = |k: &str| item[k].as_str().unwrap().to_owned();
                (of("record_type"), of("record_id"), f.as_str().unwrap().to_owned())
            })
        })
        .collect()
}

/// The record type the erasure names a table by (the test fails on a table it does not name).
fn record_type(table: &str) -> String {
    let kind = RecordType::of_table(table).unwrap_or_else(|| panic!("no record type names table {table}"));
    kind.as_str().to_owned()
}

#[tokio::test]
async fn an_erasure_takes_the_person_out_of_every_record_response_and_audit_event() {
    let app = spawn_app().await;
    let planted = person_everywhere(&app).await;
    assert_eq!(keyed_create(&app).send().await.unwrap().status(), 201);
    let before = tables(&holding(&app, EMAIL).await);
    for table in ["consignees", "documents", "audit_events", "idempotency_keys"] {
        assert!(before.contains(&table.to_owned()), "the e-mail is in {table} to begin with: {before:?}");
    }
    assert!(tables(&holding(&app, NAME).await).contains(&"sub_consignments".to_owned()));

    let report = erase(&app, json!({"reference": "DSR-2026-0042", "email": EMAIL.to_uppercase(), "name": NAME})).await;
    let erased = &report["erasure"]["erased"];
    assert_eq!((erased["consignee"].clone(), erased["memorandum"].clone()), (json!(2), json!(1)), "{report}");
    assert_eq!((erased["entrustment"].clone(), erased["review"].clone()), (json!(1), json!(1)), "{report}");
    assert_eq!((erased["sub_consignment"].clone(), erased["document"].clone()), (json!(1), json!(1)), "{report}");
    assert_eq!(erased["idempotent_response"], 1, "{report}");
    assert!(erased["audit_event"].as_i64().unwrap() >= 5, "{report}");
    assert_eq!(report["withheld"], json!([]));
    assert_eq!(holding(&app, EMAIL).await, Vec::<Hit>::new(), "the e-mail is nowhere");
    let review = vec![("consignee".to_owned(), planted.consignee.clone(), "notes".to_owned())];
    assert_eq!(listed(&report, "needs_review"), review, "only the name inside the notes is left for review");
    let left: Vec<Hit> = holding(&app, NAME).await;
    assert_eq!(left, vec![("consignees".to_owned(), "notes".to_owned(), planted.consignee.clone())]);

    let (_, stored) = app.get_json(&format!("/api/v1/consignees/{}", planted.consignee)).await;
    assert!(stored["contact"].is_null() || stored["contact"]["email"].is_null(), "{stored}");
    assert_eq!(stored["notes"], format!("連絡は [erased] ({NAME}さん) まで"));
    let (_, signed) = app.get_json(&format!("/api/v1/memoranda/{}", planted.memorandum)).await;
    assert_eq!(
        (signed["status"].clone(), signed["signatories"][1]["name"].clone()),
        (json!("signed"), json!("[erased]"))
    );
    let (_, entrusted) = app.get_json(&format!("/api/v1/entrustments/{}", planted.entrustment)).await;
    assert!(entrusted["responsible_person"].is_null(), "{entrusted}");
    let (_, sub) = app.get_json(&format!("/api/v1/sub-consignments/{}", planted.sub_consignment)).await;
    assert_eq!(sub["consent"]["consented_by"], "[erased]", "{sub}");
    let (_, reviewed) = app.get_json(&format!("/api/v1/reviews/{}", planted.review)).await;
    assert_eq!(reviewed["reviewer"], "[erased]");
    let (_, draft) = app.get_json(&format!("/api/v1/memoranda/{}", planted.draft)).await;
    assert!(!draft.to_string().to_lowercase().contains(EMAIL), "{draft}");
    let replay = keyed_create(&app).send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert!(!replay.text().await.unwrap().contains(EMAIL), "a replay no longer holds the person");

    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
    let id = report["erasure"]["id"].as_str().unwrap();
    let (status, kept) = app.get_json(&format!("/api/v1/privacy/erasures/{id}")).await;
    assert_eq!((status, kept["reference"].clone()), (200, json!("DSR-2026-0042")));
    assert_eq!(kept["erased"], report["erasure"]["erased"]);
    let (_, trail) = app.get_json(&format!("/api/v1/consignees/{}/history?limit=200", planted.consignee)).await;
    let items = trail["items"].as_array().unwrap();
    assert!(items.iter().any(|e| e["action"] == "consignee.erased"), "{trail}");
    assert!(items.iter().any(|e| e["request_id"] == "ticket:[erased]"), "the request id is erased too: {trail}");

    let again = erase(&app, json!({"reference": "DSR-2026-0042", "email": EMAIL, "name": NAME})).await;
    assert_eq!((again["erasure"]["erased"].clone(), again["changed"].clone()), (json!({}), json!([])), "nothing left");
    assert_eq!(listed(&again, "needs_review"), review, "the name in the notes is still listed until edited");
}

/// Plants `text` in every text column of every table (from the catalog) that the one list of
/// exceptions does not keep, keys and times aside; JSON stays JSON (the text goes in as a string
/// value). Answers the (table, column) pairs planted: the database refuses what a column cannot
/// hold (a foreign key, a checked value), so those are not.
async fn plant_everywhere(app: &TestApp, text: &'static str) -> Vec<(String, String)> {
    app.behind_the_back(move |conn| {
        let columns = catalog(conn);
        let postgres = matches!(conn, DbConnection::Postgres(_));
        if postgres {
            for c in columns
                .iter()
                .filter(|c| c.is_text() || c.data_type.starts_with("date") || c.data_type.starts_with("timestamp"))
            {
                assert_eq!(
                    c.is_named_like_a_time(),
                    !c.is_text(),
                    "{}.{} is named like its type",
                    c.table_name,
                    c.column_name
                );
            }
        }
        let mut planted = Vec::new();
        for c in columns.iter().filter(|c| c.is_text() && c.pk == 0 && !c.is_kept() && !c.is_named_like_a_time()) {
            let (table, col) = (&c.table_name, c.quoted());
            let sql = format!(
                "UPDATE \"{table}\" SET {col} = CASE \
                   WHEN {col} IS NULL THEN {key} || ' {text}' \
                   WHEN {col} = '[]' THEN '[\"{text}\"]' \
                   WHEN substr({col}, 1, 1) = '[' THEN '[\"{text}\",' || substr({col}, 2) \
                   WHEN {col} = '{{}}' THEN '{{\"planted\":\"{text}\"}}' \
                   WHEN substr({col}, 1, 1) = '{{' THEN '{{\"planted\":\"{text}\",' || substr({col}, 2) \
                   ELSE {col} || ' {text}' END",
                key = key_of(&columns, table)
            );
            if matches!(diesel::sql_query(sql).execute(conn), Ok(n) if n > 0) {
                planted.push((table.clone(), c.column_name.clone()));
            }
        }
        planted
    })
    .await
}

/// Records in as many tables as the API fills: everything `person_everywhere` makes, an
/// incident, a certification, a finding, a token revocation, a webhook and a kept response.
async fn every_kind_of_record(app: &TestApp) -> Planted {
    let planted = person_everywhere(app).await;
    let consignee = &planted.consignee;
    let incident = json!({"kind": "misdelivery", "description": "誤送付", "company_aware_at": "2026-11-24T15:30:00+09:00",
        "entrustments": [planted.entrustment], "categories": ["contact_details"]});
    let (status, body) =
        app.post_json(&format!("/api/v1/consignees/{consignee}/incidents"), "procurement", &incident).await;
    assert_eq!(status, 201, "{body}");
    let certification = json!({"scheme": "privacy_mark", "issuer": "JIPDEC", "issued_on": "2025-04-01"});
    let path = format!("/api/v1/consignees/{consignee}/certifications");
    assert_eq!(app.post_json(&path, "procurement", &certification).await.0, 201);
    let finding = json!({"severity": "low", "description": "教育記録なし"});
    let path = format!("/api/v1/reviews/{}/findings", planted.review);
    assert_eq!(app.post_json(&path, "privacy_officer", &finding).await.0, 201);
    let revocation = json!({"scope": "token", "value": "jti-1", "reason": "leaked"});
    assert_eq!(app.post_json("/api/v1/auth/revocations", "admin", &revocation).await.0, 201);
    assert_eq!(keyed_create(app).send().await.unwrap().status(), 201);
    let webhook =
        json!({"url": "http://127.0.0.1:9/hook", "event_types": ["consignee.created"], "description": "連携"});
    assert_eq!(app.post_json("/api/v1/webhooks", "admin", &webhook).await.0, 201);
    planted
}

#[tokio::test]
async fn the_e_mail_planted_in_every_text_column_is_erased_and_a_name_in_free_text_is_listed_for_review() {
    const PLANTED: &str = "連絡 HANAKO.Erase@Example.JP 消去 花子";
    let app = spawn_app().await;
    every_kind_of_record(&app).await;
    let planted = plant_everywhere(&app, PLANTED).await;
    let planted_tables: Vec<String> =
        tables(&planted.iter().map(|(t, c)| (t.clone(), c.clone(), String::new())).collect::<Vec<_>>());
    for table in [
        "consignees",
        "memoranda",
        "entrustments",
        "sub_consignments",
        "reviews",
        "findings",
        "certifications",
        "incidents",
        "documents",
        "events",
        "webhooks",
        "audit_events",
        "idempotency_keys",
        "token_revocations",
        "data_categories",
        "clause_templates",
        "review_checklist_items",
    ] {
        assert!(planted_tables.contains(&table.to_owned()), "{table} was planted: {planted_tables:?}");
    }

    let report = erase(&app, json!({"reference": "DSR-2026-0043", "email": EMAIL, "name": NAME})).await;
    assert_eq!(report["withheld"], json!([]), "nothing planted is excepted");
    assert_eq!(holding(&app, EMAIL).await, Vec::<Hit>::new(), "the e-mail is nowhere");
    let review = listed(&report, "needs_review");
    let person_fields = [
        ("consignees", "contact_name"),
        ("consignees", "contact_email"),
        ("consignees", "contact_phone"),
        ("memoranda", "signatories"),
        ("entrustments", "responsible_person"),
        ("reviews", "reviewer"),
        ("sub_consignments", "consented_by"),
    ];
    for (table, column, record) in holding(&app, NAME).await {
        assert!(!person_fields.contains(&(table.as_str(), column.as_str())), "{table}.{column} holds a person: erased");
        let entry = (record_type(&table), record.clone(), column.clone());
        assert!(review.contains(&entry), "{table}.{column} of {record} still names the person: listed for review");
    }
    assert!(review.len() > 20, "names inside free text stay, for review: {report}");
    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
    if !app.is_postgres() {
        let path = app.settings.database_url.trim_start_matches("sqlite://").to_owned();
        app.behind_the_back(|conn| diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute(conn).unwrap()).await;
        let bytes = std::fs::read(&path).unwrap().to_ascii_lowercase();
        let found = bytes.windows(EMAIL.len()).any(|w| w == EMAIL.as_bytes());
        assert!(!found, "secure_delete overwrote the erased e-mail in the file ({path})");
    }
}

#[tokio::test]
async fn a_request_id_hashed_into_an_old_event_is_withheld_with_the_reason() {
    use consignee_registry::audit::{chain, model::AuditEventRow};
    use consignee_registry::db::schema::audit_events as ae;
    use diesel::prelude::*;
    let app = spawn_app().await;
    let body = json!({"legal_name": "旧形式株式会社"});
    let created =
        app.request(Method::POST, "/api/v1/consignees", "procurement").header("x-request-id", EMAIL).json(&body);
    assert_eq!(created.send().await.unwrap().status(), 201);
    // The event as the server wrote it before hash format 2 (the migration marks such events 1).
    let seq = app
        .behind_the_back(|c| {
            let mut row: AuditEventRow = ae::table.order(ae::seq.desc()).first(c).unwrap();
            row.hash_format = chain::FORMAT_WITH_REQUEST_ID;
            row.hash = chain::link_hash(&row.prev_hash, &row.link());
            diesel::update(ae::table.find(row.seq))
                .set((ae::hash_format.eq(row.hash_format), ae::hash.eq(&row.hash)))
                .execute(c)
                .unwrap();
            row.seq
        })
        .await;
    let report = erase(&app, json!({"reference": "DSR-9", "email": EMAIL})).await;
    let withheld = report["withheld"].as_array().unwrap();
    assert_eq!(withheld.len(), 1, "{report}");
    assert_eq!(
        (withheld[0]["record_type"].clone(), withheld[0]["record_id"].clone()),
        (json!("audit_event"), json!(seq.to_string()))
    );
    assert!(withheld[0]["reason"].as_str().unwrap().starts_with("request_id: chained into the audit trail's hashes"));
    let reason = KEPT.iter().find(|k| k.column == "request_id").unwrap().reason;
    assert!(withheld[0]["reason"].as_str().unwrap().ends_with(reason), "the reason is the one list's");
    let hits = holding(&app, EMAIL).await;
    assert_eq!(hits, vec![("audit_events".to_owned(), "request_id".to_owned(), seq.to_string())]);
    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "an old event still verifies: {verified}");
}

#[tokio::test]
async fn records_under_a_retention_duty_are_withheld_with_the_reason() {
    let app = spawn_app_with(|s| s.erasure_retain = vec![RecordType::Memorandum]).await;
    let planted = person_everywhere(&app).await;
    let report = erase(&app, json!({"reference": "DSR-7", "name": NAME})).await;
    let withheld = report["withheld"].as_array().unwrap();
    let memo =
        withheld.iter().find(|w| w["record_id"] == planted.memorandum.as_str()).expect("the memorandum is withheld");
    assert_eq!(memo["record_type"], "memorandum");
    assert!(memo["reason"].as_str().unwrap().contains("retention duty"), "{memo}");
    assert!(withheld.iter().all(|w| w["reason"].as_str().unwrap().contains("memorandum records")), "{report}");
    assert!(report["changed"].as_array().unwrap().iter().any(|c| c["record_id"] == planted.consignee.as_str()));
    let holding_name = tables(&holding(&app, NAME).await);
    assert_eq!(
        holding_name,
        ["audit_events", "consignees", "memoranda"],
        "the memorandum and its own history keep the name; the notes are for review"
    );
    let (_, verified) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
}

#[tokio::test]
async fn an_erasure_needs_a_reference_free_of_the_person_and_an_e_mail_or_a_name() {
    let app = spawn_app().await;
    let post = |body: Value| app.request(Method::POST, "/api/v1/privacy/erasures", "admin").json(&body).send();
    assert_eq!(error_fields(&problem(post(json!({"reference": "DSR-1"})).await.unwrap(), 422).await), ["email"]);
    let bad = problem(post(json!({"reference": " ", "email": "not-an-e-mail"})).await.unwrap(), 422).await;
    assert_eq!(error_fields(&bad), ["email", "reference"]);
    let unknown = problem(post(json!({"reference": "DSR-1", "phone": "0"})).await.unwrap(), 422).await;
    assert_eq!(error_fields(&unknown), ["phone"]);
    for reference in [format!("DSR-1 {}", EMAIL.to_uppercase()), format!("DSR-1 {NAME}")] {
        let personal =
            problem(post(json!({"reference": reference, "email": EMAIL, "name": NAME})).await.unwrap(), 422).await;
        assert_eq!(error_fields(&personal), ["reference"], "{personal}");
    }
    let body = json!({"reference": "DSR-1", "name": NAME});
    let viewer = app.request(Method::POST, "/api/v1/privacy/erasures", "privacy_officer").json(&body);
    problem(viewer.send().await.unwrap(), 403).await;
    let (_, page) = app.get_json("/api/v1/privacy/erasures").await;
    assert_eq!(page["items"], json!([]), "nothing was erased or recorded");
}
