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

/// The verbs an operationId may start with (DESIGN.md: `{verb}_{resource}`, plural for lists).
const VERBS: [&str; 21] = [
    "get",
    "rotate",
    "redeliver",
    "close",
    "sync",
    "list",
    "create",
    "update",
    "delete",
    "change",
    "export",
    "redact",
    "verify",
    "sign",
    "terminate",
    "upload",
    "download",
    "end",
    "confirm",
    "complete",
    "import",
];

#[test]
fn operation_ids_are_unique_and_name_verb_and_resource() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has an operationId"));
        assert!(seen.insert(id.to_owned()), "{id} is used twice");
        let (verb, resource) = id.split_once('_').unwrap_or_else(|| panic!("{id} is {{verb}}_{{resource}}"));
        assert!(VERBS.contains(&verb), "{id}: unknown verb {verb}");
        assert!(!resource.is_empty() && resource.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{id}");
        assert!(!resource.starts_with('_') && !resource.ends_with('_') && !resource.contains("__"), "{id}");
        let returns_page = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .is_some_and(|r| r.contains("/Page_"));
        assert_eq!(verb == "list", returns_page, "{id}: lists, and only lists, return a page");
        if verb == "list" {
            // "history" is already a collection noun (`list_consignee_history`); "memoranda" is Latin.
            assert!(
                resource.ends_with('s') || resource.ends_with("history") || resource.ends_with("memoranda"),
                "{id}: a list names its resource in the plural"
            );
        }
    }
}

#[test]
fn every_page_refers_to_its_item_schema() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let pages: Vec<_> = schemas.iter().filter(|(name, _)| name.starts_with("Page_")).collect();
    assert!(pages.len() >= 4, "{:?}", pages.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for (name, page) in pages {
        let item = name.trim_start_matches("Page_");
        assert_eq!(
            page["properties"]["items"]["items"],
            serde_json::json!({"$ref": format!("#/components/schemas/{item}")})
        );
        assert!(schemas.contains_key(item), "{item} is a component");
    }
}

#[test]
fn every_object_schema_has_an_example() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if schema.get("enum").is_some() {
            continue; // the list of values is the example (and see the test below)
        }
        if schema["format"] == "binary" {
            continue; // raw document bytes
        }
        assert!(schema.get("example").is_some() || schema.get("examples").is_some(), "{name} has an example");
    }
}

/// Swagger UI fills "Try it out" with examples: an example on a list filter would pre-filter
/// the list a new user tries first.
#[test]
fn list_filters_carry_no_example() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    for (_, path, op) in operations(&doc) {
        for param in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query") {
            let schema = match param["schema"]["$ref"].as_str() {
                Some(reference) => &doc["components"]["schemas"][reference.rsplit('/').next().unwrap()],
                None => &param["schema"],
            };
            let name = &param["name"];
            assert!(param.get("example").is_none() && param.get("examples").is_none(), "{path} {name}");
            assert!(schema.get("example").is_none() && schema.get("examples").is_none(), "{path} {name}");
        }
    }
}

#[test]
fn a_resource_with_an_etag_documents_if_none_match_and_304() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut found = 0;
    for (method, path, op) in operations(&doc) {
        if method != "GET" || op["responses"]["200"]["headers"].get("ETag").is_none() {
            continue;
        }
        let params = op["parameters"].as_array().unwrap();
        assert!(params.iter().any(|p| p["name"] == "If-None-Match" && p["in"] == "header"), "{path}");
        assert!(op["responses"].get("304").is_some(), "{path} documents 304");
        found += 1;
    }
    assert!(found >= 1);
}

#[test]
fn trimmed_required_text_must_hold_a_non_blank_character() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let reason = &doc["components"]["schemas"]["StatusChange"]["properties"]["reason"];
    let pattern = reason["pattern"].as_str().unwrap();
    assert!(pattern.contains("\\u3000") && pattern.contains("\\t-\\r"), "{pattern}");
}

#[test]
fn every_create_links_to_the_operations_on_what_it_created() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let ids: Vec<String> =
        operations(&doc).iter().filter_map(|(_, _, op)| op["operationId"].as_str().map(str::to_owned)).collect();
    for (method, path, op) in operations(&doc) {
        let Some(created) = op["responses"]["201"].as_object() else { continue };
        let Some(links) = created.get("links").and_then(Value::as_object) else {
            assert_eq!(path, "/api/v1/auth/revocations", "{method} {path} links what it creates");
            continue;
        };
        for (name, link) in links {
            let target = link["operationId"].as_str().unwrap_or_else(|| panic!("{name} names its operation: {link}"));
            assert!(ids.iter().any(|id| id == target), "{name} links to an operation that exists");
            assert!(link.get("operation_id").is_none(), "the OpenAPI field name is operationId");
            let (param, source) = link["parameters"].as_object().unwrap().iter().next().unwrap();
            let source = source.as_str().unwrap();
            assert!(source.starts_with("$response.body#/") && source.ends_with(&format!("/{param}")), "{source}");
        }
    }
    let webhook = &doc["paths"]["/api/v1/webhooks"]["post"]["responses"]["201"]["links"]["get_webhook"];
    assert_eq!(webhook["parameters"]["id"], "$response.body#/webhook/id", "the created record inside its wrapper");
    let creates = [("/api/v1/consignees", "post"), ("/api/v1/consignees/by-ref/{external_ref}", "put")];
    for (path, method) in creates {
        let links = &doc["paths"][path][method]["responses"]["201"]["links"];
        for id in
            ["get_consignee", "update_consignee", "delete_consignee", "create_memorandum", "change_consignee_status"]
        {
            assert_eq!(links[id]["operationId"], id, "{method} {path} → {id}");
            assert_eq!(links[id]["parameters"]["id"], "$response.body#/id");
        }
    }
}

/// The guard authorizes each request from the document before its body is read, so every API
/// operation must name exactly one permission as its bearer scope (only `get_me` needs just a
/// token), and the scope must be a permission of the one table.
#[test]
fn every_api_operation_names_the_permission_it_needs() {
    use consignee_registry::auth::Permission;
    let doc = serde_json::to_value(openapi::document()).unwrap();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        if !path.starts_with("/api/v1") {
            assert!(op.get("security").is_none(), "{method} {path} is public");
            continue;
        }
        let scopes = op["security"][0]["bearer"].as_array().unwrap_or_else(|| panic!("{id}: no bearer requirement"));
        if id == "get_me" {
            assert!(scopes.is_empty(), "get_me needs only a token");
            continue;
        }
        assert_eq!(scopes.len(), 1, "{id}: one permission");
        let scope = scopes[0].as_str().unwrap();
        assert!(Permission::from_scope(scope).is_some(), "{id}: {scope} is no permission");
    }
}

#[test]
fn the_idempotency_key_lifetime_is_the_configured_one() {
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut found = 0;
    for (_, path, op) in operations(&doc) {
        let params = op["parameters"].as_array().into_iter().flatten();
        for param in params.filter(|p| p["name"] == "Idempotency-Key") {
            let text = param["description"].as_str().unwrap();
            assert!(text.contains("`CR_IDEMPOTENCY_TTL` (24 h by default)"), "{path}: {text}");
            assert!(!text.contains("for 24 h"), "{path}: the lifetime is configurable, not fixed: {text}");
            found += 1;
        }
    }
    assert!(found >= 1);
}
