//! The committed OpenAPI document matches the code, and documents every operation fully.

use consignee_registry::openapi;
use serde_json::Value;

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

#[test]
fn the_committed_document_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("openapi/openapi.json is committed");
    let generated = openapi::document_json();
    assert!(committed == generated, "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`");
}

#[test]
fn every_operation_is_documented_with_its_errors() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    for (method, path, op) in operations(&doc) {
        let name = format!("{method} {path}");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name} has a summary");
        assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name} has tags");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|code| code.starts_with('2')), "{name} documents success");
        assert!(responses.contains_key("500"), "{name} documents 500");
        if path.starts_with("/api/v1") {
            for code in ["401", "403"] {
                let problem = &responses[code]["content"]["application/problem+json"];
                assert!(problem.is_object(), "{name} documents {code} as problem+json");
            }
            assert!(op["security"].is_array(), "{name} requires the bearer token");
        }
        if op.get("requestBody").is_some() {
            for code in ["413", "415", "422"] {
                assert!(responses.contains_key(code), "{name} documents {code}");
            }
        }
    }
}
