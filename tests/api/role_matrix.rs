//! Every operation in the OpenAPI document, called with every role: the least role that may
//! call it is written down here, so an operation added without a rule fails this test.

use reqwest::Method;
use serde_json::Value;

use consignee_registry::openapi;

use crate::helpers::fixtures::create_consignee;
use crate::helpers::{spawn_app, token};

const ROLES: [&str; 4] = ["viewer", "procurement", "privacy_officer", "admin"];

/// (method, path, least role); `public` needs no token.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/healthz", "public"),
    ("GET", "/readyz", "public"),
    ("GET", "/api/v1/auth/me", "viewer"),
    ("GET", "/api/v1/auth/revocations", "admin"),
    ("POST", "/api/v1/auth/revocations", "admin"),
    ("GET", "/api/v1/audit/events", "privacy_officer"),
    ("GET", "/api/v1/audit/events/export", "privacy_officer"),
    ("POST", "/api/v1/audit/events/{seq}/redact", "admin"),
    ("GET", "/api/v1/audit/verify", "admin"),
    ("GET", "/api/v1/consignees", "viewer"),
    ("POST", "/api/v1/consignees", "procurement"),
    ("GET", "/api/v1/consignees/{id}", "viewer"),
    ("PATCH", "/api/v1/consignees/{id}", "procurement"),
    ("DELETE", "/api/v1/consignees/{id}", "procurement"),
    ("POST", "/api/v1/consignees/{id}/status", "privacy_officer"),
    ("GET", "/api/v1/consignees/{id}/history", "privacy_officer"),
];

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap()
}

#[tokio::test]
async fn every_operation_allows_exactly_the_roles_in_the_table() {
    let app = spawn_app().await;
    let doc: Value = serde_json::from_str(&openapi::document_json()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let least = EXPECTED
                .iter()
                .find(|(m, p, _)| *m == method && p == path)
                .map(|(_, _, role)| *role)
                .unwrap_or_else(|| panic!("{method} {path} has no row in the role matrix"));
            // A fresh consignee (and its creation event) per operation, so an allowed DELETE
            // cannot turn the checks that follow into 404s.
            let consignee = create_consignee(&app, &format!("Matrix {method} {path}")).await;
            let id = consignee["id"].as_str().unwrap();
            let url = format!("{}{}", app.address, path.replace("{id}", id).replace("{seq}", "1"));
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let call = |bearer: Option<String>| {
                let mut request = app.client.request(method.clone(), &url).header("content-type", "application/json");
                if let Some(bearer) = bearer {
                    request = request.bearer_auth(bearer);
                }
                request.body("{}").send()
            };
            let anonymous = call(None).await.unwrap().status().as_u16();
            if least == "public" {
                assert!(anonymous < 400, "{method} {path} is public, got {anonymous}");
                checked += 1;
                continue;
            }
            assert_eq!(anonymous, 401, "{method} {path} without a token");
            // Least privileged first: when a role may delete, it is the last to try.
            for role in ROLES {
                let status = call(Some(token(&format!("matrix-{role}"), role))).await.unwrap().status().as_u16();
                if rank(role) >= rank(least) {
                    assert!(status != 401 && status != 403, "{method} {path} as {role}: {status}");
                } else {
                    assert_eq!(status, 403, "{method} {path} as {role}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, EXPECTED.len(), "every row of the table names a documented operation");
}
