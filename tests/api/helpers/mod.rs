//! Shared test fixtures: an app spawned in-process on its own database, tokens, and API shortcuts.

pub mod database;
pub mod fixtures;
pub mod proxy;
pub mod receiver;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use consignee_registry::auth::keys::KeyMaterial;
use consignee_registry::auth::token::Claims;
use consignee_registry::clock::{SharedClock, SystemClock};
use consignee_registry::config::{HttpSettings, JwtAlgorithm, LogFormat, Settings};
use consignee_registry::db::Db;
use consignee_registry::startup::Application;
use consignee_registry::state::AppState;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

pub use database::TestDatabase;

/// The HS256 secret every test app verifies with.
pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// The checkpoint signing key of test apps on PostgreSQL (where it must be configured);
/// on SQLite the app generates its own.
pub const SIGNING_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHdcGyJzWsNrDzlANPcn3yvtFfLmK9mMx+rL4itEkkjg
-----END PRIVATE KEY-----
";

/// A running app on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The app's pool, for checks behind the API's back.
    pub db: Db,
    /// Settings the app was started with.
    pub settings: Settings,
    /// The state handlers share (to drive scheduled work).
    pub state: actix_web::web::Data<AppState>,
    /// Token verification and the revocation cache.
    pub auth: actix_web::web::Data<consignee_registry::auth::Auth>,
    /// Keeps the database alive until the test ends (`None` on a second node).
    _database: Option<TestDatabase>,
}

/// Settings for a test app on `database_url`.
pub fn settings(database_url: &str, data_dir: PathBuf) -> Settings {
    let audit_signing_key_file = database_url.starts_with("postgres").then(|| {
        let path = data_dir.with_file_name("audit-signing-key.pem");
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            let mut file =
                std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&path).unwrap();
            std::io::Write::write_all(&mut file, SIGNING_KEY.as_bytes()).unwrap();
        }
        path
    });
    Settings {
        bind: "127.0.0.1:0".to_owned(),
        database_url: database_url.to_owned(),
        data_dir,
        log: "warn".to_owned(),
        log_format: LogFormat::Text,
        body_limit: 64 * 1024,
        document_limit: 20 * 1024 * 1024,
        import_limit: 10 * 1024 * 1024,
        workers: 1,
        db_pool_size: 3,
        db_timeout_ms: 2_000,
        db_busy_timeout_ms: 2_000,
        jwt_algorithm: JwtAlgorithm::Hs256,
        jwt_secret: Some(SECRET.to_owned()),
        jwt_public_key_file: None,
        jwt_issuer: None,
        jwt_audience: None,
        revocation_cache_secs: 2,
        require_if_match: false,
        jwt_role_claim: "role".to_owned(),
        jwt_role_prefix: None,
        jwt_max_ttl: Duration::from_secs(90 * 86_400),
        audit_signing_key_file,
        audit_checkpoint_interval: Duration::ZERO,
        audit_checkpoint_grace: Duration::from_secs(3600),
        time_zone: chrono_tz::Asia::Tokyo,
        review_months_high: 6,
        review_months_medium: 12,
        review_months_low: 24,
        compliance_memorandum_days: 60,
        compliance_review_days: 30,
        compliance_deletion_days: 30,
        compliance_snapshots: false,
        incident_preliminary_days: 5,
        incident_final_days: 30,
        incident_final_days_wrongful: 60,
        idempotency_ttl: Duration::from_secs(24 * 3600),
        idempotency_lease: Duration::from_secs(30),
        metrics: true,
        event_scan_interval: Duration::ZERO,
        webhook_allow_networks: vec!["127.0.0.1/32".parse().unwrap()],
        webhook_timeout: Duration::from_secs(2),
        webhook_retry_base: Duration::from_millis(20),
        webhook_retry_max: Duration::from_millis(200),
        webhook_retry_for: Duration::from_secs(3600),
        webhook_secret_grace: Duration::from_secs(3600),
        webhook_poll_interval: Duration::from_millis(50),
        webhook_delivery_retention: Duration::from_secs(30 * 86_400),
        erasure_retain: Vec::new(),
        http: HttpSettings {
            request_head_timeout: Duration::from_secs(5),
            request_body_timeout: Duration::from_secs(60),
            keep_alive: Duration::from_secs(5),
            max_connections: 1_000,
            cors_allowed_origins: Vec::new(),
            rate_limit_per_minute: 0,
            rate_limit_burst: 60,
        },
    }
}

/// An app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// An app with settings adjusted by `customize`.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create().await;
    let mut settings = settings(&database.url, database.data_dir());
    customize(&mut settings);
    start(settings, database).await
}

/// Starts an app with exactly `settings` on `database`.
pub async fn start(settings: Settings, database: TestDatabase) -> TestApp {
    start_node(settings, Some(database), Arc::new(SystemClock)).await
}

/// An app on its own database whose rules read "now" from `clock`.
pub async fn spawn_app_at(clock: SharedClock, customize: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create().await;
    let mut settings = settings(&database.url, database.data_dir());
    customize(&mut settings);
    start_node(settings, Some(database), clock).await
}

async fn start_node(settings: Settings, database: Option<TestDatabase>, clock: SharedClock) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        consignee_registry::telemetry::init("info", LogFormat::Text);
    }
    let app = Application::build_with_clock(settings.clone(), clock).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let state = app.state();
    let auth = app.auth();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, db, settings, state, auth, _database: database }
}

/// A token for `sub` with `role`, valid for an hour.
pub fn token(sub: &str, role: &str) -> String {
    mint(&Claims::new(sub, role, None, Duration::from_secs(3600)))
}

/// Signs arbitrary claims with the test secret.
pub fn mint(claims: &Claims) -> String {
    KeyMaterial::hs256(SECRET.as_bytes()).unwrap().mint(claims).unwrap()
}

impl TestApp {
    /// Statements a pool checkout runs: PostgreSQL's connection check; none on SQLite, whose
    /// connections cannot break.
    pub fn checkout_statements(&self) -> u64 {
        u64::from(self.is_postgres())
    }

    /// Another server on the same database (a second node behind a load balancer).
    pub async fn second_node(&self, customize: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = self.settings.clone();
        customize(&mut settings);
        start_node(settings, None, self.state.clock.clone()).await
    }

    /// Runs the CLI against this app's database and keys.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_command(args).output().expect("the CLI runs")
    }

    /// The CLI command against this app's database and keys, to run off the test's runtime.
    pub fn cli_command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_consignee-registry"));
        command
            .args(args)
            .env("DATABASE_URL", &self.settings.database_url)
            .env("CR_DATA_DIR", &self.settings.data_dir)
            .env("CR_JWT_SECRET", SECRET)
            .env("CR_LOG", "error");
        if let Some(key) = &self.settings.audit_signing_key_file {
            command.env("CR_AUDIT_SIGNING_KEY_FILE", key);
        }
        command
    }

    /// True when the suite runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.db.backend().is_postgres()
    }

    /// A request as `role` (subject `tester-ROLE`).
    pub fn request(&self, method: Method, path: &str, role: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
            .bearer_auth(token(&format!("tester-{role}"), role))
    }

    /// A request with no token.
    pub fn anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path))
    }

    /// GET as admin, returning the status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        json(self.request(Method::GET, path, "admin").send().await.unwrap()).await
    }

    /// POST JSON as `role`, returning the status and JSON body.
    pub async fn post_json(&self, path: &str, role: &str, body: &Value) -> (u16, Value) {
        json(self.request(Method::POST, path, role).json(body).send().await.unwrap()).await
    }

    /// PATCH with a merge patch as `role`.
    pub async fn patch_json(&self, path: &str, role: &str, body: &Value) -> (u16, Value) {
        let request = self
            .request(Method::PATCH, path, role)
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string());
        json(request.send().await.unwrap()).await
    }

    /// Runs `f` on a pooled connection behind the API's back.
    pub async fn behind_the_back<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut consignee_registry::db::DbConnection) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&mut db.get_blocking().unwrap())).await.unwrap()
    }

    /// Every consignee, page after page, as admin.
    pub async fn all_consignees(&self) -> Vec<Value> {
        let (mut all, mut cursor) = (Vec::new(), String::new());
        loop {
            let (status, page) = self.get_json(&format!("/api/v1/consignees?limit=200{cursor}")).await;
            assert_eq!(status, 200, "{page}");
            all.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => return all,
            }
        }
    }
}

/// The status and JSON body of a response (`Null` for an empty body).
pub async fn json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts a problem+json response with `status`, returning its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
    body
}

/// The fields named in a validation problem.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}
