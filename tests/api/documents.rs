//! The signed document of a memorandum: upload and download through the one documents module,
//! with the limits, type checks and refusals that keep what is stored intact.

use consignee_registry::db::schema::{document_chunks as dc, documents as d};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::fixtures::{create_consignee, create_memorandum, pdf, upload_pdf};
use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};

async fn draft(app: &TestApp) -> String {
    let consignee = create_consignee(app, "文書株式会社").await;
    let memorandum = create_memorandum(app, consignee["id"].as_str().unwrap(), &json!({"title": "draft"})).await;
    memorandum["id"].as_str().unwrap().to_owned()
}

fn upload(app: &TestApp, id: &str, content_type: &str, bytes: Vec<u8>) -> reqwest::RequestBuilder {
    app.request(Method::PUT, &format!("/api/v1/memoranda/{id}/document"), "procurement")
        .header("content-type", content_type)
        .body(bytes)
}

/// (documents, chunks) stored, counted behind the API's back.
async fn stored(app: &TestApp) -> (i64, i64) {
    app.behind_the_back(|c| {
        let documents: i64 = d::table.count().get_result(c).unwrap();
        let chunks: i64 = dc::table.count().get_result(c).unwrap();
        (documents, chunks)
    })
    .await
}

/// Sends `head` and then `body` on a raw connection, half-closes it, and returns what came back.
async fn raw_exchange(app: &TestApp, head: String, body: &[u8]) -> String {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server answered or closed within 10 s");
    String::from_utf8_lossy(&answer).into_owned()
}

fn raw_head(app: &TestApp, id: &str, content_length: usize) -> String {
    let token = crate::helpers::token("tester-procurement", "procurement");
    format!(
        "PUT /api/v1/memoranda/{id}/document HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
Content-Type: application/pdf\r\nContent-Length: {content_length}\r\n\r\n"
    )
    .replace("localhost", app.address.trim_start_matches("http://"))
}

#[tokio::test]
async fn a_multi_megabyte_pdf_comes_back_byte_for_byte() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    let bytes = pdf(5 * 1024 * 1024 + 12_345);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let response = upload(&app, &id, "application/pdf", bytes.clone())
        .header("content-disposition", "attachment; filename*=UTF-8''%E8%A6%9A%E6%9B%B8%202026.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"].to_str().unwrap(), format!("\"{sha256}\""));
    let meta: Value = response.json().await.unwrap();
    assert_eq!(meta["sha256"], sha256.as_str());
    assert_eq!(meta["size"], bytes.len());
    assert_eq!(
        (meta["content_type"].as_str(), meta["filename"].as_str()),
        (Some("application/pdf"), Some("覚書 2026.pdf"))
    );
    assert_eq!(meta["uploaded_by"], "tester-procurement");
    assert_eq!(stored(&app).await, (1, 6), "5 MiB and a bit in 1 MiB chunks");

    let path = format!("/api/v1/memoranda/{id}/document");
    let download = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    assert_eq!(download.status(), 200);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"].to_str().unwrap(), bytes.len().to_string());
    assert_eq!(headers["etag"].to_str().unwrap(), format!("\"{sha256}\""));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("filename*=UTF-8''%E8%A6%9A%E6%9B%B8"),
        "{disposition}"
    );
    let body = download.bytes().await.unwrap();
    assert_eq!(hex::encode(Sha256::digest(&body)), sha256);
    assert!(body[..] == bytes[..], "the same bytes");

    let cached = app
        .request(Method::GET, &path, "viewer")
        .header("if-none-match", format!("\"{sha256}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    let (_, memorandum) = app.get_json(&format!("/api/v1/memoranda/{id}")).await;
    assert_eq!(memorandum["document"], meta);
    assert_eq!(memorandum["version"], 2);
}

#[tokio::test]
async fn a_draft_document_is_replaced_and_the_old_bytes_removed() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    assert_eq!(upload_pdf(&app, &id, pdf(3000)).await.status(), 200);
    let second = pdf(1_500_000);
    let response = app
        .request(Method::PUT, &format!("/api/v1/memoranda/{id}/document?filename=../../署名済み.pdf"), "procurement")
        .header("content-type", "application/pdf")
        .header("content-disposition", "attachment; filename=\"ignored.pdf\"")
        .body(second.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let meta: Value = response.json().await.unwrap();
    assert_eq!(meta["filename"], "署名済み.pdf", "?filename= wins, reduced to its last segment");
    assert_eq!(stored(&app).await, (1, 2), "only the new document's two chunks remain");
    let (_, events) =
        app.get_json(&format!("/api/v1/audit/events?resource_id={id}&action=memorandum.document_uploaded")).await;
    let last = &events["items"][1]["changes"];
    assert_eq!(last["document"]["sha256"], meta["sha256"]);
    assert_eq!(last["replaced_sha256"].as_str().map(str::len), Some(64));
}

#[tokio::test]
async fn wrong_types_empty_bodies_and_bad_names_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    let text = upload(&app, &id, "text/plain", b"%PDF-1.7".to_vec()).send().await.unwrap();
    assert!(problem(text, 415).await["detail"].as_str().unwrap().contains("application/pdf"));
    let png_as_pdf = upload(&app, &id, "application/pdf", b"\x89PNG\r\n\x1a\n0000".to_vec()).send().await.unwrap();
    assert!(problem(png_as_pdf, 415).await["detail"].as_str().unwrap().contains("%PDF-"));
    let short = upload(&app, &id, "application/pdf", b"%PD".to_vec()).send().await.unwrap();
    problem(short, 415).await;
    let empty = upload(&app, &id, "application/pdf", Vec::new()).send().await.unwrap();
    assert_eq!(problem(empty, 422).await["errors"][0]["field"], "body");
    let blank_name = app
        .request(Method::PUT, &format!("/api/v1/memoranda/{id}/document?filename=%20"), "procurement")
        .header("content-type", "application/pdf")
        .body(pdf(100))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(blank_name, 422).await["errors"][0]["field"], "filename");
    let png = upload(&app, &id, "image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).send().await.unwrap();
    assert_eq!(png.status(), 200, "a real PNG signature is accepted");
    assert_eq!(stored(&app).await.0, 1, "only the accepted upload");
    let viewer = app.request(Method::PUT, &format!("/api/v1/memoranda/{id}/document"), "viewer");
    problem(viewer.header("content-type", "application/pdf").body(pdf(100)).send().await.unwrap(), 403).await;
}

#[tokio::test]
async fn an_oversized_upload_is_413_before_the_body_is_read() {
    let app = spawn_app_with(|s| s.document_limit = 1024 * 1024).await;
    let id = draft(&app).await;
    // Declares 50 MiB but sends a few bytes: the answer must come without the rest being sent.
    let answer = raw_exchange(&app, raw_head(&app, &id, 50 * 1024 * 1024), b"%PDF-1.7\n").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"));
    let declared = upload(&app, &id, "application/pdf", pdf(1024 * 1024 + 100));
    problem(declared.send().await.unwrap(), 413).await;
    // Chunked, so no length is declared: the limit is applied while reading.
    let big = pdf(1024 * 1024 + 100);
    let head = raw_head(&app, &id, 0).replace("Content-Length: 0", "Transfer-Encoding: chunked");
    let mut body = format!("{:x}\r\n", big.len()).into_bytes();
    body.extend_from_slice(&big);
    body.extend_from_slice(b"\r\n0\r\n\r\n");
    let answer = raw_exchange(&app, head, &body).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(stored(&app).await, (0, 0));
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_stores_nothing() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    let bytes = pdf(200_000);
    let answer = raw_exchange(&app, raw_head(&app, &id, bytes.len()), &bytes[..100_000]).await;
    assert!(answer.starts_with("HTTP/1.1 400") && answer.contains("application/problem+json"), "{answer}");
    assert_eq!(stored(&app).await, (0, 0));
    let (_, memorandum) = app.get_json(&format!("/api/v1/memoranda/{id}")).await;
    assert!(memorandum["document"].is_null() && memorandum["version"] == 1, "{memorandum}");
    let (status, _) = app.get_json(&format!("/api/v1/memoranda/{id}/document")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn many_small_chunks_assemble_into_the_same_bytes() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    let bytes = pdf(1_200_000);
    let head = raw_head(&app, &id, 0).replace("Content-Length: 0", "Transfer-Encoding: chunked");
    let mut body = Vec::new();
    for piece in bytes.chunks(997) {
        body.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        body.extend_from_slice(piece);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_exchange(&app, head, &body).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(stored(&app).await, (1, 2), "two 1 MiB-bounded chunks");
    let download = app.request(Method::GET, &format!("/api/v1/memoranda/{id}/document"), "viewer").send().await;
    assert!(download.unwrap().bytes().await.unwrap()[..] == bytes[..]);
}

#[tokio::test]
async fn head_answers_the_headers_without_reading_the_bytes() {
    // An idle webhook worker keeps its polling out of the query counts.
    let app = spawn_app_with(|s| s.webhook_poll_interval = std::time::Duration::from_secs(3600)).await;
    let id = draft(&app).await;
    let bytes = pdf(3 * 1024 * 1024);
    assert_eq!(upload_pdf(&app, &id, bytes.clone()).await.status(), 200);
    let path = format!("/api/v1/memoranda/{id}/document");
    let before = app.db.queries_run();
    let head = app.request(Method::HEAD, &path, "viewer").send().await.unwrap();
    let head_queries = app.db.queries_run() - before;
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"].to_str().unwrap(), bytes.len().to_string());
    assert!(head.headers()["etag"].to_str().unwrap().len() == 66);
    let before = app.db.queries_run();
    let body = app.request(Method::GET, &path, "viewer").send().await.unwrap().bytes().await.unwrap();
    assert_eq!(body.len(), bytes.len(), "the connection is still usable after HEAD");
    // Each chunk is a pool checkout (a connection check on PostgreSQL) and one read.
    let per_chunk = 1 + app.checkout_statements();
    assert_eq!(app.db.queries_run() - before, head_queries + per_chunk * 3, "GET reads the three chunks HEAD skipped");
}

#[tokio::test]
async fn file_names_lose_direction_overrides_and_dot_names() {
    let app = spawn_app().await;
    let id = draft(&app).await;
    for (query, expected) in [("%E2%80%AEfdp.exe", "fdp.exe"), ("..", "document.pdf"), ("a%2F", "document.pdf")] {
        let response = app
            .request(Method::PUT, &format!("/api/v1/memoranda/{id}/document?filename={query}"), "procurement")
            .header("content-type", "application/pdf")
            .body(pdf(100))
            .send()
            .await
            .unwrap();
        let meta: Value = response.json().await.unwrap();
        assert_eq!(meta["filename"], expected, "{query}");
    }
}
