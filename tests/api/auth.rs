//! Bearer tokens: what is refused, what is accepted, revocation, and the generated secret.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use consignee_registry::auth::token::Claims;
use consignee_registry::config::JwtAlgorithm;
use consignee_registry::startup::Application;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{consignee_body, create_consignee};
use crate::helpers::{mint, problem, settings, spawn_app, spawn_app_with, token, TestApp, TestDatabase, SECRET};

fn claims(role: &str) -> Claims {
    Claims::new("mallory", role, None, Duration::from_secs(600))
}

/// Claims from the identity provider the RS256/ES256 tests configure.
fn idp_claims(role: &str) -> Claims {
    let mut c = claims(role);
    c.iss = Some("https://idp.example".to_owned());
    c.aud = Some(json!("consignee-registry"));
    c
}

fn encode(header: &Value, payload: &Value, signature: &str) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{signature}", part(header), part(payload))
}

fn tampered(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["role"] = json!("admin");
    format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2])
}

/// Asserts a 401 with the Bearer challenge; returns the detail.
async fn refused(response: reqwest::Response) -> String {
    let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(challenge.as_deref(), Some(r#"Bearer error="invalid_token""#), "status {}", response.status());
    problem(response, 401).await["detail"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_tokens_are_401_and_change_nothing() {
    let app = spawn_app_with(|s| {
        s.jwt_issuer = Some("https://idp.example".to_owned());
        s.jwt_audience = Some("consignee-registry".to_owned());
    })
    .await;
    let good = |c: &mut Claims| {
        c.iss = Some("https://idp.example".to_owned());
        c.aud = Some(json!("consignee-registry"));
    };
    let with = |edit: &dyn Fn(&mut Claims)| {
        let mut c = claims("admin");
        good(&mut c);
        edit(&mut c);
        mint(&c)
    };
    let now = chrono::Utc::now().timestamp();
    let valid = with(&|_| {});
    let mut hs384 = claims("admin");
    good(&mut hs384);
    let hs384 =
        jsonwebtoken::encode(&Header::new(Algorithm::HS384), &hs384, &EncodingKey::from_secret(SECRET.as_bytes()))
            .unwrap();
    let none_alg = encode(&json!({"alg": "none", "typ": "JWT"}), &serde_json::to_value(claims("admin")).unwrap(), "");
    let other_key =
        jsonwebtoken::encode(&Header::default(), &claims("admin"), &EncodingKey::from_secret(&[7u8; 48])).unwrap();
    let no_sub = {
        let payload =
            json!({"role": "admin", "exp": now + 600, "iss": "https://idp.example", "aud": "consignee-registry"});
        jsonwebtoken::encode(&Header::default(), &payload, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
    };
    let cases: Vec<(&str, String)> = vec![
        ("none algorithm", none_alg),
        ("HS384", hs384),
        (
            "tampered payload",
            tampered(&with(&|c| {
                c.other.insert("role".to_owned(), json!("viewer"));
            })),
        ),
        ("bad signature", other_key),
        ("expired", with(&|c| c.exp = now - 3600)),
        ("not yet valid", with(&|c| c.nbf = Some(now + 3600))),
        ("wrong issuer", with(&|c| c.iss = Some("https://evil.example".to_owned()))),
        ("no issuer", with(&|c| c.iss = None)),
        ("wrong audience", with(&|c| c.aud = Some(json!("another-service")))),
        ("issued in the future", with(&|c| c.iat = Some(now + 3600))),
        ("missing sub", no_sub),
        (
            "unknown role",
            with(&|c| {
                c.other.insert("role".to_owned(), json!("superuser"));
            }),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (name, bad) in &cases {
        let response = app
            .client
            .post(format!("{}/api/v1/consignees", app.address))
            .bearer_auth(bad)
            .json(&consignee_body(name))
            .send()
            .await
            .unwrap();
        let detail = refused(response).await;
        assert!(!detail.contains(SECRET), "{name}: {detail}");
    }
    let url = format!("{}/api/v1/consignees", app.address);
    let empty = app.client.get(&url).header("authorization", "Bearer ").send().await.unwrap();
    refused(empty).await;
    let basic = app.client.get(&url).header("authorization", "Basic YWxpY2U6cGFzcw==").send().await.unwrap();
    refused(basic).await;
    let cookie = app.client.get(&url).header("cookie", format!("token={valid}")).send().await.unwrap();
    refused(cookie).await;
    let listed = with(&|c| c.aud = Some(json!(["other-service", "consignee-registry"])));
    let ok = app.client.get(&url).bearer_auth(listed).send().await.unwrap();
    assert_eq!(ok.status(), 200, "an audience list naming this service passes (RFC 7519)");
    let ok = app.client.get(&url).bearer_auth(&valid).send().await.unwrap();
    assert_eq!(ok.status(), 200, "the same claims, properly signed, pass");
    let page: Value = ok.json().await.unwrap();
    assert_eq!(page["items"], json!([]), "no refused request stored anything");
}

#[tokio::test]
async fn a_small_clock_skew_is_tolerated() {
    let app = spawn_app().await;
    let mut c = claims("viewer");
    c.exp = chrono::Utc::now().timestamp() - 10;
    let response = app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(mint(&c)).send().await;
    assert_eq!(response.unwrap().status(), 200);
}

#[tokio::test]
async fn a_forbidden_call_names_the_required_role() {
    let app = spawn_app().await;
    let response = app.request(Method::POST, "/api/v1/consignees", "viewer").json(&consignee_body("X")).send().await;
    let body = problem(response.unwrap(), 403).await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("procurement") && detail.contains("viewer"), "{detail}");
    assert!(app.all_consignees().await.is_empty());
}

#[tokio::test]
async fn me_shows_the_caller_and_its_permissions() {
    let app = spawn_app().await;
    let mut c = Claims::new("alice", "procurement", Some("Alice".to_owned()), Duration::from_secs(60));
    c.jti = Some("token-1".to_owned());
    let response = app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(mint(&c)).send().await;
    let me: Value = response.unwrap().json().await.unwrap();
    assert_eq!(me["sub"], "alice");
    assert_eq!(me["role"], "procurement");
    assert_eq!(me["name"], "Alice");
    assert_eq!(me["jti"], "token-1");
    assert_eq!(me["permissions"], json!(["read_register", "edit_register"]));
}

/// The role `/auth/me` reports for a token carrying `other` besides its registered claims, or
/// the status when the token is refused.
async fn role_for(app: &TestApp, other: Value) -> Result<String, u16> {
    let mut c = claims("unused");
    c.other = serde_json::from_value(other).unwrap();
    let response = app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(mint(&c)).send().await;
    let response = response.unwrap();
    match response.status().as_u16() {
        200 => Ok(response.json::<Value>().await.unwrap()["role"].as_str().unwrap().to_owned()),
        status => Err(status),
    }
}

const PREFIX: &str = "consignee-registry:";

#[tokio::test]
async fn with_a_role_prefix_only_values_carrying_it_name_a_role() {
    let app = spawn_app_with(|s| {
        s.jwt_role_claim = "realm_access.roles".to_owned();
        s.jwt_role_prefix = Some(PREFIX.to_owned());
    })
    .await;
    let roles = |values: Value| json!({"realm_access": {"roles": values}});
    assert_eq!(role_for(&app, roles(json!(["admin"]))).await, Err(401), "an identity provider's own admin role");
    let mixed = roles(json!(["consignee-registry:procurement", "admin", "offline_access"]));
    assert_eq!(role_for(&app, mixed).await.as_deref(), Ok("procurement"), "the bare admin does not count");
    let both = roles(json!(["consignee-registry:viewer", "consignee-registry:privacy_officer"]));
    assert_eq!(role_for(&app, both).await.as_deref(), Ok("privacy_officer"), "the highest prefixed role");
    let unknown = roles(json!(["consignee-registry:owner", "consignee-registry:"]));
    assert_eq!(role_for(&app, unknown).await, Err(401), "a prefixed name of no role");
    let doubled = roles(json!(["consignee-registry:consignee-registry:admin", "other:admin"]));
    assert_eq!(role_for(&app, doubled).await, Err(401), "only the whole prefix, once, is taken off");
}

#[tokio::test]
async fn with_a_role_prefix_a_string_claim_counts_only_with_it_and_the_cli_mints_it() {
    let app = spawn_app_with(|s| s.jwt_role_prefix = Some(PREFIX.to_owned())).await;
    assert_eq!(role_for(&app, json!({"role": "admin"})).await, Err(401));
    assert_eq!(role_for(&app, json!({"role": "consignee-registry:admin"})).await.as_deref(), Ok("admin"));
    let output = app
        .cli_command(&["token", "--sub", "cli", "--role", "privacy_officer"])
        .env("CR_JWT_ROLE_PREFIX", PREFIX)
        .output();
    let minted = String::from_utf8(output.unwrap().stdout).unwrap();
    let me = app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(minted.trim()).send().await;
    assert_eq!(
        me.unwrap().json::<Value>().await.unwrap()["role"],
        "privacy_officer",
        "the CLI mints what the server reads"
    );
}

#[tokio::test]
async fn without_a_role_prefix_any_value_naming_a_role_counts() {
    // Keycloak's client roles: a path through the client id.
    let app = spawn_app_with(|s| s.jwt_role_claim = "resource_access.consignee-registry.roles".to_owned()).await;
    let roles = |values: Value| json!({"resource_access": {"consignee-registry": {"roles": values}, "other": {"roles": ["admin"]}}});
    assert_eq!(role_for(&app, roles(json!(["offline_access", "admin"]))).await.as_deref(), Ok("admin"));
    assert_eq!(role_for(&app, roles(json!(["consignee-registry:admin"]))).await, Err(401), "no prefix is taken off");
    assert_eq!(role_for(&app, roles(json!(["offline_access"]))).await, Err(401), "no role: refused as before");
}

#[tokio::test]
async fn records_carry_who_created_and_changed_them() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Who KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let (_, patched) = app.patch_json(&path, "admin", &json!({"notes": "by admin"})).await;
    assert_eq!(patched["created_by"], "tester-procurement");
    assert_eq!(patched["updated_by"], "tester-admin");
}

#[tokio::test]
async fn a_revoked_jti_is_refused_at_once_and_on_every_node() {
    let app = spawn_app().await;
    let other_node = app.second_node(|s| s.revocation_cache_secs = 1).await;
    let service = Claims::new("contract-system", "procurement", None, Duration::from_secs(86_400));
    let jti = service.jti.clone().unwrap();
    let service_token = mint(&service);
    let me = |address: &str| app.client.get(format!("{address}/api/v1/auth/me")).bearer_auth(&service_token).send();
    assert_eq!(me(&other_node.address).await.unwrap().status(), 200, "the other node has cached the list");
    let (status, revocation) = app
        .post_json("/api/v1/auth/revocations", "admin", &json!({"scope": "token", "value": jti, "reason": "leaked"}))
        .await;
    assert_eq!(status, 201, "{revocation}");
    assert_eq!(revocation["jti"], jti.as_str());
    refused(me(&app.address).await.unwrap()).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = me(&other_node.address).await.unwrap().status();
        if status == 401 {
            break;
        }
        assert!(Instant::now() < deadline, "the other node never refused the revoked token");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let fresh = token("contract-system", "procurement");
    let ok = app.client.get(format!("{}/api/v1/auth/me", app.address)).bearer_auth(fresh).send().await;
    assert_eq!(ok.unwrap().status(), 200, "other tokens of the subject still work");
    let (_, list) = app.get_json("/api/v1/auth/revocations").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn revoking_a_subject_refuses_its_earlier_tokens_only() {
    let app = spawn_app().await;
    let old = token("departed", "privacy_officer");
    let (status, _) = app
        .post_json(
            "/api/v1/auth/revocations",
            "admin",
            &json!({"scope": "subject", "value": "departed", "reason": "left"}),
        )
        .await;
    assert_eq!(status, 201);
    let url = format!("{}/api/v1/auth/me", app.address);
    refused(app.client.get(&url).bearer_auth(&old).send().await.unwrap()).await;
    let mut skewed = Claims::new("departed", "viewer", None, Duration::from_secs(600));
    skewed.iat = Some(chrono::Utc::now().timestamp() + 3);
    refused(app.client.get(&url).bearer_auth(mint(&skewed)).send().await.unwrap()).await;
    let mut later = Claims::new("departed", "viewer", None, Duration::from_secs(600));
    later.iat = Some(chrono::Utc::now().timestamp() + 10);
    let response = app.client.get(&url).bearer_auth(mint(&later)).send().await.unwrap();
    assert_eq!(response.status(), 200, "a token issued after the revocation works");
    for body in [
        json!({"reason": "x", "value": "a"}),
        json!({"scope": "everyone", "value": "a", "reason": "x"}),
        json!({"scope": "token", "value": "", "reason": "x"}),
        json!({"scope": "token", "value": "a"}),
        json!({"jti": "a", "reason": "x"}),
    ] {
        let (status, _) = app.post_json("/api/v1/auth/revocations", "admin", &body).await;
        assert_eq!(status, 422, "{body}");
    }
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl").args(args).output().expect("openssl is installed");
    assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn key_pair(dir: &Path, algorithm: &str) -> (Vec<u8>, std::path::PathBuf) {
    let private = dir.join(format!("{algorithm}.pem"));
    let public = dir.join(format!("{algorithm}.pub.pem"));
    let (p, p2) = (private.to_str().unwrap(), public.to_str().unwrap());
    match algorithm {
        "es256" => openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p]),
        _ => openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p]),
    }
    openssl(&["pkey", "-in", p, "-pubout", "-out", p2]);
    (std::fs::read(&private).unwrap(), public)
}

#[tokio::test]
async fn public_key_algorithms_accept_their_own_tokens_only() {
    let keys = tempfile::tempdir().unwrap();
    for (name, algorithm, jwt) in
        [("es256", JwtAlgorithm::Es256, Algorithm::ES256), ("rs256", JwtAlgorithm::Rs256, Algorithm::RS256)]
    {
        let (private, public) = key_pair(keys.path(), name);
        let app = spawn_app_with(|s| {
            s.jwt_algorithm = algorithm;
            s.jwt_secret = None;
            s.jwt_public_key_file = Some(public.clone());
            s.jwt_issuer = Some("https://idp.example".to_owned());
            s.jwt_audience = Some("consignee-registry".to_owned());
        })
        .await;
        let signing = match jwt {
            Algorithm::ES256 => EncodingKey::from_ec_pem(&private).unwrap(),
            _ => EncodingKey::from_rsa_pem(&private).unwrap(),
        };
        let url = format!("{}/api/v1/auth/me", app.address);
        let idp_token = jsonwebtoken::encode(&Header::new(jwt), &idp_claims("viewer"), &signing).unwrap();
        assert_eq!(app.client.get(&url).bearer_auth(idp_token).send().await.unwrap().status(), 200, "{name}");
        let public_pem = std::fs::read(&public).unwrap();
        let confused =
            jsonwebtoken::encode(&Header::default(), &idp_claims("admin"), &EncodingKey::from_secret(&public_pem))
                .unwrap();
        refused(app.client.get(&url).bearer_auth(confused).send().await.unwrap()).await;
        refused(app.client.get(&url).bearer_auth(token("x", "admin")).send().await.unwrap()).await;
    }
}

#[tokio::test]
#[cfg_attr(test_backend = "sqlite", ignore = "PostgreSQL only: on SQLite the absent secret is generated (next test)")]
async fn postgres_refuses_to_start_without_a_configured_key() {
    let database = TestDatabase::create().await;
    let mut config = settings(&database.url, database.data_dir());
    config.jwt_secret = None;
    let error = Application::build(config).await.err().expect("PostgreSQL needs a configured key");
    assert!(error.contains("CR_JWT_SECRET"), "{error}");
}

#[tokio::test]
#[cfg_attr(test_backend = "postgres", ignore = "SQLite only: PostgreSQL refuses to start without a key (above)")]
async fn the_embedded_default_generates_and_keeps_a_private_secret() {
    let database = TestDatabase::create().await;
    let mut config = settings(&database.url, database.data_dir());
    config.jwt_secret = None;
    let mut confused = config.clone();
    confused.jwt_public_key_file = Some(config.data_dir.join("idp.pem"));
    let error = Application::build(confused).await.err().expect("a public key with HS256 is refused");
    assert!(error.contains("CR_JWT_ALGORITHM"), "{error}");
    let first = Application::build(config.clone()).await.unwrap();
    let file = config.data_dir.join("jwt-secret");
    let secret = std::fs::read_to_string(&file).unwrap();
    assert!(secret.len() >= 64);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    drop(first);
    let _second = Application::build(config.clone()).await.unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), secret, "the secret is kept across restarts");
    let output = Command::new(env!("CARGO_BIN_EXE_consignee-registry"))
        .args(["token", "--sub", "alice", "--role", "procurement", "--ttl", "2h"])
        .env("DATABASE_URL", &config.database_url)
        .env("CR_DATA_DIR", &config.data_dir)
        .env_remove("CR_JWT_SECRET")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let minted = printed.trim_end();
    assert_eq!(printed.lines().count(), 1, "stdout holds only the token");
    let keys = consignee_registry::auth::keys::KeyMaterial::hs256(secret.trim().as_bytes()).unwrap();
    let verifier = consignee_registry::auth::token::Verifier::new(keys, &config);
    let claims = verifier.verify(minted).expect("the minted token verifies with the generated secret");
    assert_eq!((claims.sub.as_str(), claims.other["role"].as_str().unwrap()), ("alice", "procurement"));
    assert!(claims.jti.is_some());
    assert!((7100..=7200).contains(&(claims.exp - claims.iat.unwrap())));
}

#[tokio::test]
async fn revocations_whose_tokens_have_all_expired_are_dropped_from_the_cache() {
    let app = spawn_app().await;
    let service = Claims::new("svc", "viewer", None, Duration::from_secs(600));
    let (jti, service_token) = (service.jti.clone().unwrap(), mint(&service));
    let (status, revocation) = app
        .post_json("/api/v1/auth/revocations", "admin", &json!({"scope": "token", "value": jti, "reason": "leaked"}))
        .await;
    assert_eq!(status, 201);
    let expires_at = chrono::DateTime::parse_from_rfc3339(revocation["expires_at"].as_str().unwrap()).unwrap();
    let ninety_days = chrono::Utc::now() + chrono::Duration::days(90);
    assert!((expires_at.timestamp() - ninety_days.timestamp()).abs() < 120, "revoked_at + CR_JWT_MAX_TTL (+ skew)");
    let url = format!("{}/api/v1/auth/me", app.address);
    refused(app.client.get(&url).bearer_auth(&service_token).send().await.unwrap()).await;
    // Once the longest token lifetime has passed, a fresh node does not hold it any more.
    let id = revocation["id"].as_str().unwrap().to_owned();
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use consignee_registry::db::schema::token_revocations as tr;
        use diesel::prelude::*;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
        diesel::update(tr::table.find(id)).set(tr::expires_at.eq(Some(past))).execute(&mut db.get_blocking().unwrap())
    })
    .await
    .unwrap()
    .unwrap();
    let fresh = app.second_node(|_| {}).await;
    let url = format!("{}/api/v1/auth/me", fresh.address);
    assert_eq!(app.client.get(&url).bearer_auth(&service_token).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_stale_revocation_cache_is_refreshed_once_for_all_waiting_requests() {
    let app = spawn_app_with(|s| s.revocation_cache_secs = 1).await;
    let url = format!("{}/api/v1/auth/me", app.address);
    let bearer = token("burst", "viewer");
    assert_eq!(app.client.get(&url).bearer_auth(&bearer).send().await.unwrap().status(), 200);
    let before = app.auth.revocations.loads();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let burst: Vec<_> = (0..20).map(|_| tokio::spawn(app.client.get(&url).bearer_auth(&bearer).send())).collect();
    for request in burst {
        assert_eq!(request.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(app.auth.revocations.loads() - before, 1, "one refresh served the whole burst");
}
