//! Startup refusals, role claims from identity providers, token lifetimes, private files.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use consignee_registry::auth::token::Claims;
use consignee_registry::config::JwtAlgorithm;
use consignee_registry::startup::Application;
use serde_json::{json, Value};

use crate::helpers::{mint, problem, settings, spawn_app, spawn_app_with, TestDatabase};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn me(app: &crate::helpers::TestApp, claims: &Claims) -> reqwest::Response {
    app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(mint(claims)).send().await.unwrap()
}

#[tokio::test]
async fn the_role_can_come_from_a_nested_claim_string_or_array() {
    let app = spawn_app_with(|s| s.jwt_role_claim = "realm_access.roles".to_owned()).await;
    let mut claims = Claims::new("kc-user", "ignored", None, Duration::from_secs(600));
    claims.other =
        serde_json::from_value(json!({"realm_access": {"roles": ["offline_access", "viewer", "procurement"]}}))
            .unwrap();
    let response = me(&app, &claims).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["role"], "procurement", "the highest known role");
    claims.other = serde_json::from_value(json!({"realm_access": {"roles": ["offline_access"]}})).unwrap();
    problem(me(&app, &claims).await, 401).await;
    claims.other = serde_json::from_value(json!({"role": "admin"})).unwrap();
    problem(me(&app, &claims).await, 401).await;
    let namespaced = spawn_app_with(|s| s.jwt_role_claim = "https://registry.example/role".to_owned()).await;
    claims.other = serde_json::from_value(json!({"https://registry.example/role": "privacy_officer"})).unwrap();
    assert_eq!(me(&namespaced, &claims).await.json::<Value>().await.unwrap()["role"], "privacy_officer");
    let output = app_cli_token("realm_access.roles");
    let token = String::from_utf8(output.stdout).unwrap();
    let payload = token.trim().split('.').nth(1).unwrap().to_owned();
    use base64::Engine;
    let payload: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload["realm_access"]["roles"], "admin", "the CLI mints where the server reads");
}

fn app_cli_token(role_claim: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_consignee-registry"))
        .args(["token", "--sub", "a", "--role", "admin"])
        .env("CR_JWT_SECRET", crate::helpers::SECRET)
        .env("CR_JWT_ROLE_CLAIM", role_claim)
        .env("DATABASE_URL", "sqlite://unused.db")
        .output()
        .unwrap()
}

#[tokio::test]
async fn tokens_without_iat_or_living_longer_than_allowed_are_refused() {
    let app = spawn_app_with(|s| s.jwt_max_ttl = Duration::from_secs(3600)).await;
    let mut claims = Claims::new("long", "viewer", None, Duration::from_secs(3600));
    assert_eq!(me(&app, &claims).await.status(), 200);
    claims.exp += 60;
    let body = problem(me(&app, &claims).await, 401).await;
    assert!(body["detail"].as_str().unwrap().contains("lifetime"), "{body}");
    claims.iat = None;
    let body = problem(me(&app, &claims).await, 401).await;
    assert!(body["detail"].as_str().unwrap().contains("iat"), "{body}");
}

#[tokio::test]
async fn unsafe_key_settings_are_refused_at_startup() {
    let database = TestDatabase::create().await;
    let base = settings(&database.url, database.data_dir());
    let mut short = base.clone();
    short.jwt_secret = Some("too-short-secret".to_owned());
    let error = Application::build(short).await.err().expect("a short HS256 secret is refused");
    assert!(error.contains("at least 32 bytes"), "{error}");
    let mut idp = base.clone();
    idp.jwt_algorithm = JwtAlgorithm::Rs256;
    idp.jwt_secret = None;
    idp.jwt_public_key_file = Some(database.data_dir().join("idp.pem"));
    idp.jwt_issuer = Some("https://idp.example".to_owned());
    let error = Application::build(idp).await.err().expect("RS256 without an audience is refused");
    assert!(error.contains("CR_JWT_AUDIENCE"), "{error}");
    let mut debug = base.clone();
    debug.jwt_secret = Some("a-secret-that-must-never-be-logged-0123456789".to_owned());
    debug.database_url = "postgres://registry:hunter2@db.internal/registry?password=hunter3".to_owned();
    let printed = format!("{debug:?}");
    for secret in ["never-be-logged", "hunter2", "hunter3"] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[tokio::test]
#[cfg_attr(
    test_backend = "postgres",
    ignore = "SQLite only: the database file, its WAL and the generated token secret exist on the embedded database only"
)]
async fn the_embedded_database_and_secrets_are_private_to_the_owner() {
    let app = spawn_app().await;
    crate::helpers::fixtures::create_consignee(&app, "Private KK").await;
    let file = std::path::PathBuf::from(app.settings.database_url.trim_start_matches("sqlite://"));
    let wal = file.with_extension("db-wal");
    assert_eq!((mode(&file), mode(&wal)), (0o600, 0o600), "the database and its WAL");
    let data = &app.settings.data_dir;
    assert_eq!(mode(data), 0o700);
    assert_eq!(mode(&data.join("audit-signing-key.pem")), 0o600);
    let mut generated = app.settings.clone();
    generated.jwt_secret = None;
    let _first = Application::build(generated.clone()).await.unwrap();
    std::fs::set_permissions(data.join("jwt-secret"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let error = Application::build(generated).await.err().expect("a secret readable by others is refused");
    assert!(error.contains("jwt-secret") && error.contains("chmod 600"), "{error}");
}
