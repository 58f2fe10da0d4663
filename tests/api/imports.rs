//! CSV in and out: the consignee import (UTF-8 or CP932, every bad row reported, all or nothing,
//! dry run and upsert), the list exports, and a round trip through an empty database.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{consignee_body, corporate_number, create_consignee_from, entrusted_consignee};
use crate::helpers::{spawn_app, TestApp};

async fn import(app: &TestApp, query: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let path = format!("/api/v1/consignees/import{query}");
    let response = app
        .request(Method::POST, &path, "procurement")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn export(app: &TestApp, path: &str) -> String {
    let response = app.request(Method::GET, path, "viewer").header("accept", "text/csv").send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

/// The export without the columns an import does not carry over (id, status, compliance, times).
fn carried_over(csv_text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !["id", "status", "compliance_status", "created_at", "updated_at"].contains(&header[*i].as_str()))
        .collect();
    let mut rows: Vec<Vec<String>> =
        reader.records().map(|r| keep.iter().map(|i| r.as_ref().unwrap()[*i].to_owned()).collect()).collect();
    rows.insert(0, keep.iter().map(|i| header[*i].clone()).collect());
    rows
}

#[tokio::test]
async fn a_cp932_sheet_with_japanese_names_imports_as_candidates() {
    let app = spawn_app().await;
    let sheet = format!(
        "legal_name,name_kana,corporate_number,country,risk_tier,contact_email\r\n\
         株式会社東京物流,トウキョウブツリュウ,{},JP,high,privacy@tokyo.example.jp\r\n\
         大阪印刷株式会社,オオサカインサツ,,JP,,\r\n",
        corporate_number(11)
    );
    let (encoded, _, _) = encoding_rs::SHIFT_JIS.encode(&sheet);
    let (status, dry) = import(&app, "?dry_run=true", "text/csv", encoded.to_vec()).await;
    assert_eq!((status, dry), (200, json!({"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "dry_run": true})));
    assert!(app.all_consignees().await.is_empty(), "a dry run writes nothing");
    let (status, done) = import(&app, "", "text/csv; Charset=cp932", encoded.to_vec()).await;
    assert_eq!((status, done["created"].as_i64()), (200, Some(2)), "{done}");
    let all = app.all_consignees().await;
    let names: Vec<&str> = all.iter().map(|c| c["legal_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["株式会社東京物流", "大阪印刷株式会社"]);
    assert!(all.iter().all(|c| c["status"] == "candidate"));
    assert_eq!(
        (all[0]["contact"]["email"].as_str(), all[1]["risk_tier"].as_str()),
        (Some("privacy@tokyo.example.jp"), Some("medium"))
    );
    let (_, history) = app.get_json(&format!("/api/v1/consignees/{}/history", all[0]["id"].as_str().unwrap())).await;
    assert_eq!(history["items"][0]["action"], "consignee.created", "each imported consignee is audited");
}

#[tokio::test]
async fn every_bad_row_is_reported_by_line_and_nothing_is_written() {
    let app = spawn_app().await;
    let existing = create_consignee_from(
        &app,
        &json!({"legal_name": "既存株式会社", "corporate_number": corporate_number(5), "country": "SG", "notes": "残す備考",
            "address": "消す住所"}),
    )
    .await;
    let before = app.all_consignees().await;
    let sheet = format!(
        "legal_name,corporate_number,country,risk_tier\n\
         正常株式会社,,JP,low\n\
         ,,JP,low\n\
         桁違い株式会社,1234567890123,JP,low\n\
         \"複数行\n株式会社\",,XX,extreme\n\
         既存の番号株式会社,{},JP,low\n\
         重複一株式会社,{},JP,low\n\
         重複二株式会社,{},JP,low\n\
         列不足株式会社,JP\n",
        corporate_number(5),
        corporate_number(6),
        corporate_number(6)
    );
    let (status, problem) = import(&app, "", "text/csv", sheet.into_bytes()).await;
    assert_eq!(status, 422, "{problem}");
    let errors: Vec<(u64, &str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    let rows: Vec<u64> = errors.iter().map(|(row, _, _)| *row).collect();
    assert_eq!(
        rows.iter().collect::<std::collections::BTreeSet<_>>().into_iter().copied().collect::<Vec<_>>(),
        [3, 4, 5, 7, 9, 10]
    );
    assert!(errors.contains(&(3, "legal_name", "required")), "{errors:?}");
    assert!(errors.contains(&(4, "corporate_number", "check_digit")), "{errors:?}");
    assert!(
        errors.iter().any(|(row, field, _)| *row == 5 && *field == "country"),
        "a quoted two-line cell: {errors:?}"
    );
    assert!(errors.iter().any(|(row, field, _)| *row == 5 && *field == "risk_tier"), "{errors:?}");
    assert!(errors.contains(&(7, "corporate_number", "exists")), "{errors:?}");
    assert!(errors.contains(&(9, "corporate_number", "duplicate")), "{errors:?}");
    assert!(errors.contains(&(10, "row", "columns")), "{errors:?}");
    assert_eq!(app.all_consignees().await, before, "all or nothing");

    let header = import(&app, "", "text/csv", "name,country\nX,JP\n".as_bytes().to_vec()).await;
    assert_eq!(header.0, 422);
    let fields: Vec<&str> =
        header.1["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "legal_name"]);
    assert_eq!(import(&app, "", "application/json", b"{}".to_vec()).await.0, 415);
    assert_eq!(import(&app, "", "text/csv; charset=latin1", b"legal_name\nA\n".to_vec()).await.0, 415);
    assert_eq!(import(&app, "", "text/csv; charset=utf-8", vec![b'l', 0xff, b'\n']).await.0, 422);
    let viewer = app.request(Method::POST, "/api/v1/consignees/import", "viewer").header("content-type", "text/csv");
    assert_eq!(viewer.body("legal_name\nA\n").send().await.unwrap().status(), 403);

    let upsert = format!(
        "legal_name,corporate_number,risk_tier,address\n既存株式会社（更新）,{},low,\n,,,\n",
        corporate_number(5)
    );
    let (status, result) = import(&app, "?upsert=true", "text/csv", upsert.into_bytes()).await;
    assert_eq!(
        (status, result["updated"].as_i64(), result["rows"].as_i64()),
        (200, Some(1), Some(1)),
        "an empty row is skipped: {result}"
    );
    let (_, changed) = app.get_json(&format!("/api/v1/consignees/{}", existing["id"].as_str().unwrap())).await;
    assert_eq!((changed["legal_name"].as_str(), changed["version"].as_i64()), (Some("既存株式会社（更新）"), Some(2)));
    assert_eq!(
        (changed["country"].as_str(), changed["notes"].as_str()),
        (Some("SG"), Some("残す備考")),
        "columns left out stay"
    );
    assert_eq!(
        (changed["risk_tier"].as_str(), changed["address"].clone()),
        (Some("low"), Value::Null),
        "an empty cell clears"
    );
}

/// The rows, with their fields and codes, a 422 names for `sheet` sent as text/csv.
async fn rows_named(app: &TestApp, sheet: Vec<u8>) -> Vec<(u64, String, String)> {
    let (status, problem) = import(app, "", "text/csv", sheet).await;
    assert_eq!(status, 422, "{problem}");
    let text = |e: &Value, key: &str| e[key].as_str().unwrap().to_owned();
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), text(e, "field"), text(e, "code")))
        .collect()
}

/// A header, a good row, and a row without a legal name on line 3, its lines ended by `end`.
fn third_line_bad(end: &str) -> String {
    ["legal_name,country", "Good Ltd,JP", ",JP", ""].join(end)
}

#[tokio::test]
async fn a_row_is_numbered_by_its_line_whatever_ends_the_lines() {
    let app = spawn_app().await;
    let required = |row: u64| vec![(row, "legal_name".to_owned(), "required".to_owned())];
    for end in ["\r\n", "\n", "\r"] {
        assert_eq!(rows_named(&app, third_line_bad(end).into_bytes()).await, required(3), "line ends {end:?}");
    }
    let blank_lines = "legal_name,country\r\nGood Ltd,JP\r\n\r\n\r\n,JP\r\n";
    assert_eq!(rows_named(&app, blank_lines.into()).await, required(5), "blank lines count as lines");
}

#[tokio::test]
async fn a_bom_or_cp932_does_not_shift_the_row_numbers() {
    let app = spawn_app().await;
    let required = vec![(3, "legal_name".to_owned(), "required".to_owned())];
    for end in ["\r\n", "\n"] {
        let bom = [b"\xEF\xBB\xBF".as_slice(), third_line_bad(end).as_bytes()].concat();
        assert_eq!(rows_named(&app, bom).await, required, "UTF-8 with a BOM, line ends {end:?}");
        let sheet = ["legal_name,country", "株式会社東京物流,JP", ",JP", ""].join(end);
        let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(&sheet);
        assert_eq!(rows_named(&app, cp932.to_vec()).await, required, "CP932, line ends {end:?}");
    }
}

#[tokio::test]
async fn a_row_after_a_multi_line_cell_is_numbered_by_the_line_it_starts_on() {
    let app = spawn_app().await;
    for end in ["\r\n", "\n"] {
        let sheet =
            ["legal_name,country,notes", "Good Ltd,JP,\"one", "two", "three\"", ",JP,", "\"Bad", "Ltd\",XX,", ""];
        let found = rows_named(&app, sheet.join(end).into_bytes()).await;
        let rows: Vec<(u64, &str)> = found.iter().map(|(row, field, _)| (*row, field.as_str())).collect();
        assert_eq!(rows, [(5, "legal_name"), (6, "country")], "line ends {end:?}");
    }
}

#[tokio::test]
async fn header_errors_are_row_1_with_any_line_ends() {
    let app = spawn_app().await;
    for end in ["\r\n", "\n"] {
        let found = rows_named(&app, ["name,country", "X,JP", ""].join(end).into_bytes()).await;
        let rows: Vec<(u64, &str)> = found.iter().map(|(row, field, _)| (*row, field.as_str())).collect();
        assert_eq!(rows, [(1, "name"), (1, "legal_name")], "line ends {end:?}");
    }
}

#[tokio::test]
async fn an_export_imported_into_an_empty_register_exports_the_same() {
    let source = spawn_app().await;
    let mut body = consignee_body("=数式株式会社");
    body["corporate_number"] = json!(corporate_number(77));
    body["notes"] = json!("改行を含む\n備考, カンマも");
    create_consignee_from(&source, &body).await;
    create_consignee_from(&source, &json!({"legal_name": "Plain Ltd", "country": "GB", "risk_tier": "low"})).await;
    entrusted_consignee(&source, "委託先株式会社").await;
    let first = export(&source, "/api/v1/consignees").await;
    assert!(first.contains("'=数式株式会社"), "a formula is neutralised on the way out, and restored on the way in");

    let target = spawn_app().await;
    let bytes = [b"\xEF\xBB\xBF".as_slice(), first.as_bytes()].concat();
    let (status, result) = import(&target, "", "text/csv", bytes).await;
    assert_eq!((status, result["created"].as_i64()), (200, Some(3)), "{result}");
    let second = export(&target, "/api/v1/consignees").await;
    assert_eq!(carried_over(&second), carried_over(&first), "same bytes apart from ids, times and status");
}

#[tokio::test]
async fn lists_and_the_ledger_export_as_csv_with_their_filters() {
    let app = spawn_app().await;
    let (consignee, memorandum, entrustment) = entrusted_consignee(&app, "台帳株式会社").await;
    entrusted_consignee(&app, "別台帳株式会社").await;
    let id = consignee["id"].as_str().unwrap();
    let rows = |text: String| {
        csv::Reader::from_reader(std::io::Cursor::new(text.into_bytes()))
            .records()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    };
    let ledger = rows(export(&app, &format!("/api/v1/reports/ledger?consignee_id={id}")).await);
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (&ledger[0][0], &ledger[0][2], &ledger[0][5]),
        (entrustment["id"].as_str().unwrap(), "台帳株式会社", "contact_details course_applications")
    );
    assert_eq!(&ledger[0][10], memorandum["title"].as_str().unwrap());
    assert_eq!(rows(export(&app, "/api/v1/entrustments?format=csv").await).len(), 2);
    let memoranda = rows(export(&app, &format!("/api/v1/memoranda?consignee_id={id}")).await);
    assert_eq!((memoranda.len(), &memoranda[0][5]), (1, "signed"));
    let reviews = rows(export(&app, "/api/v1/reviews?kind=selection").await);
    assert_eq!((reviews.len(), &reviews[0][8]), (2, "satisfactory"));
    assert_eq!(rows(export(&app, "/api/v1/consignees?q=別台帳").await).len(), 1);
    let (status, page) = app.get_json(&format!("/api/v1/reports/ledger?consignee_id={id}")).await;
    assert_eq!((status, page["items"][0]["consignee_name"].as_str()), (200, Some("台帳株式会社")));
    let json = app.request(Method::GET, "/api/v1/memoranda?format=json", "viewer").header("accept", "text/csv");
    assert!(json.send().await.unwrap().headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}
