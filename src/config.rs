//! Settings from flags and environment (`CR_*`, `DATABASE_URL`), with defaults that need no configuration.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::db::pool::PoolOptions;

/// Token signing algorithm accepted by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[clap(rename_all = "UPPER")]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with a shared secret of at least 32 bytes.
    Hs256,
    /// RSA-SHA256, verified with a PEM public key.
    Rs256,
    /// ECDSA P-256, verified with a PEM public key.
    Es256,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything the server and the CLI commands read from their environment.
#[derive(Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "CR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// `sqlite://path` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/consignee-registry.db", hide_env_values = true)]
    pub database_url: String,
    /// Directory for the embedded database's generated files (the token secret).
    #[arg(long, env = "CR_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Log filter, e.g. `info` or `consignee_registry=debug,actix_web=info`.
    #[arg(long, env = "CR_LOG", default_value = "info")]
    pub log: String,
    /// Log format.
    #[arg(long, env = "CR_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "CR_BODY_LIMIT", default_value_t = 1_048_576)]
    pub body_limit: usize,
    /// Largest accepted document upload in bytes (signed memoranda, evidence, certificates).
    #[arg(long, env = "CR_DOCUMENT_LIMIT", default_value_t = 20 * 1_048_576)]
    pub document_limit: usize,
    /// Largest accepted CSV import in bytes.
    #[arg(long, env = "CR_IMPORT_LIMIT", default_value_t = 10 * 1_048_576)]
    pub import_limit: usize,
    /// HTTP worker threads (0 = one per core).
    #[arg(long, env = "CR_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Maximum database connections.
    #[arg(long, env = "CR_DB_POOL_SIZE", default_value_t = 8)]
    pub db_pool_size: u32,
    /// Milliseconds a request waits for a database connection before 503.
    #[arg(long, env = "CR_DB_TIMEOUT_MS", default_value_t = 5_000)]
    pub db_timeout_ms: u64,
    /// Milliseconds an SQLite writer waits for the write lock before 503.
    #[arg(long, env = "CR_DB_BUSY_TIMEOUT_MS", default_value_t = 5_000)]
    pub db_busy_timeout_ms: u64,
    /// Token algorithm.
    #[arg(long, env = "CR_JWT_ALGORITHM", value_enum, default_value = "HS256")]
    pub jwt_algorithm: JwtAlgorithm,
    /// HS256 secret (at least 32 bytes); generated under the data directory on SQLite when absent.
    #[arg(long, env = "CR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM public key file for RS256/ES256 tokens from an external identity provider.
    #[arg(long, env = "CR_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Required `iss` claim, when set.
    #[arg(long, env = "CR_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, env = "CR_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Seconds a revocation may take to reach every node (the revocation cache lifetime).
    #[arg(long, env = "CR_REVOCATION_CACHE_SECS", default_value_t = 2)]
    pub revocation_cache_secs: u64,
    /// Require `If-Match` on every change (428 without it).
    #[arg(long, env = "CR_REQUIRE_IF_MATCH", default_value_t = false)]
    pub require_if_match: bool,
    /// Claim holding the role: a name, or a dotted path such as `realm_access.roles`; a string or an array.
    #[arg(long, env = "CR_JWT_ROLE_CLAIM", default_value = "role")]
    pub jwt_role_claim: String,
    /// Only role-claim values starting with this prefix count, the rest naming the role
    /// (`consignee-registry:admin` is admin, a bare `admin` is ignored); unset, every value counts.
    #[arg(long, env = "CR_JWT_ROLE_PREFIX")]
    pub jwt_role_prefix: Option<String>,
    /// Longest token lifetime (`exp` − `iat`) accepted; also how long a revocation is kept in the cache.
    #[arg(long, env = "CR_JWT_MAX_TTL", default_value = "90d", value_parser = humantime::parse_duration)]
    pub jwt_max_ttl: Duration,
    /// PKCS#8 PEM Ed25519 key that signs audit checkpoints; generated under the data directory on SQLite when absent.
    #[arg(long, env = "CR_AUDIT_SIGNING_KEY_FILE")]
    pub audit_signing_key_file: Option<PathBuf>,
    /// How often the server signs a checkpoint of the audit chain (`1d`: at each midnight of the
    /// business time zone); `0s` turns automatic checkpoints off.
    #[arg(long, env = "CR_AUDIT_CHECKPOINT_INTERVAL", default_value = "1d", value_parser = humantime::parse_duration)]
    pub audit_checkpoint_interval: Duration,
    /// How much longer than the interval an event may wait for a checkpoint before `verify` reports
    /// it uncovered (checkpoints deleted, or the server not signing).
    #[arg(long, env = "CR_AUDIT_CHECKPOINT_GRACE", default_value = "1h", value_parser = humantime::parse_duration)]
    pub audit_checkpoint_grace: Duration,
    /// The business time zone dates are judged in (IANA name).
    #[arg(long, env = "CR_TIME_ZONE", default_value = "Asia/Tokyo")]
    pub time_zone: chrono_tz::Tz,
    /// Months between supervision reviews of a `high` risk consignee.
    #[arg(long, env = "CR_REVIEW_MONTHS_HIGH", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub review_months_high: u32,
    /// Months between supervision reviews of a `medium` risk consignee.
    #[arg(long, env = "CR_REVIEW_MONTHS_MEDIUM", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub review_months_medium: u32,
    /// Months between supervision reviews of a `low` risk consignee.
    #[arg(long, env = "CR_REVIEW_MONTHS_LOW", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub review_months_low: u32,
    /// Days ahead a memorandum's end or renewal notice deadline makes compliance warn.
    #[arg(long, env = "CR_COMPLIANCE_MEMORANDUM_DAYS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub compliance_memorandum_days: u32,
    /// Days ahead a review due date makes compliance warn.
    #[arg(long, env = "CR_COMPLIANCE_REVIEW_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub compliance_review_days: u32,
    /// Days after an entrustment's end by which deletion must be confirmed.
    #[arg(long, env = "CR_COMPLIANCE_DELETION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub compliance_deletion_days: u32,
    /// Record every consignee's compliance once a business day (for the trend and `?on=`).
    #[arg(long, env = "CR_COMPLIANCE_SNAPSHOTS", default_value_t = true, action = clap::ArgAction::Set)]
    pub compliance_snapshots: bool,
    /// Days for the preliminary report of a reportable incident to the PPC, the day the company
    /// became aware counted as day 1.
    #[arg(long, env = "CR_INCIDENT_PRELIMINARY_DAYS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub incident_preliminary_days: u32,
    /// Days for the final report (APPI Rules Art. 8(2): 30).
    #[arg(long, env = "CR_INCIDENT_FINAL_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub incident_final_days: u32,
    /// Days for the final report when caused with wrongful intent (60).
    #[arg(long, env = "CR_INCIDENT_FINAL_DAYS_WRONGFUL", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub incident_final_days_wrongful: u32,
    /// How long an Idempotency-Key and its response are kept.
    #[arg(long, env = "CR_IDEMPOTENCY_TTL", default_value = "24h", value_parser = humantime::parse_duration)]
    pub idempotency_ttl: Duration,
    /// How long a running request's claim on its Idempotency-Key lasts unless its holder renews
    /// it (every third of it); a retry after its holder died runs once this has passed.
    #[arg(long, env = "CR_IDEMPOTENCY_LEASE", default_value = "30s", value_parser = humantime::parse_duration)]
    pub idempotency_lease: Duration,
    /// Serve `GET /metrics` (OpenMetrics text, without a token).
    #[arg(long, env = "CR_METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,
    /// How often the server looks for scheduled events (a memorandum expiring, a review overdue);
    /// `0s` turns the scan off.
    #[arg(long, env = "CR_EVENT_SCAN_INTERVAL", default_value = "15m", value_parser = humantime::parse_duration)]
    pub event_scan_interval: Duration,
    /// Networks webhooks may reach although not public (private, loopback, link-local, …; comma-separated
    /// CIDRs such as `10.0.0.0/8,127.0.0.1/32`); none by default.
    #[arg(long, env = "CR_WEBHOOK_ALLOW_NETWORKS", value_delimiter = ',')]
    pub webhook_allow_networks: Vec<ipnet::IpNet>,
    /// Time allowed for one webhook delivery attempt.
    #[arg(long, env = "CR_WEBHOOK_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub webhook_timeout: Duration,
    /// Wait before the first retry of a failed delivery; each next wait doubles (with jitter).
    #[arg(long, env = "CR_WEBHOOK_RETRY_BASE", default_value = "10s", value_parser = humantime::parse_duration)]
    pub webhook_retry_base: Duration,
    /// Longest wait between retries.
    #[arg(long, env = "CR_WEBHOOK_RETRY_MAX", default_value = "1h", value_parser = humantime::parse_duration)]
    pub webhook_retry_max: Duration,
    /// How long a delivery is retried before it fails and its webhook is disabled.
    #[arg(long, env = "CR_WEBHOOK_RETRY_FOR", default_value = "24h", value_parser = humantime::parse_duration)]
    pub webhook_retry_for: Duration,
    /// How long the previous secret keeps signing after a rotation.
    #[arg(long, env = "CR_WEBHOOK_SECRET_GRACE", default_value = "24h", value_parser = humantime::parse_duration)]
    pub webhook_secret_grace: Duration,
    /// How often an idle delivery worker looks for due deliveries.
    #[arg(long, env = "CR_WEBHOOK_POLL_INTERVAL", default_value = "1s", value_parser = humantime::parse_duration)]
    pub webhook_poll_interval: Duration,
    /// How long delivered and failed webhook deliveries (with their attempts) are kept.
    #[arg(long, env = "CR_WEBHOOK_DELIVERY_RETENTION", default_value = "30d", value_parser = humantime::parse_duration)]
    pub webhook_delivery_retention: Duration,
    /// Record types under a retention duty or legal hold, whose values an erasure withholds
    /// (comma-separated: consignee, memorandum, entrustment, review, audit_event,
    /// idempotent_response); none by default.
    #[arg(long, env = "CR_ERASURE_RETAIN", value_enum, value_delimiter = ',')]
    pub erasure_retain: Vec<crate::privacy::api::RecordType>,
    /// Connection limits, timeouts, CORS and rate limiting.
    #[command(flatten)]
    pub http: HttpSettings,
}

/// How the HTTP server guards itself: timeouts, connection limits, CORS and rate limiting.
#[derive(Debug, Clone, Args)]
pub struct HttpSettings {
    /// Time allowed to receive a request's head (408 after it, and the connection closes).
    #[arg(long, env = "CR_REQUEST_HEAD_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration)]
    pub request_head_timeout: Duration,
    /// Time allowed to receive a request's whole body (408 problem+json after it).
    #[arg(long, env = "CR_REQUEST_BODY_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub request_body_timeout: Duration,
    /// How long an idle keep-alive connection stays open; `0s` closes after each response.
    #[arg(long, env = "CR_KEEP_ALIVE", default_value = "5s", value_parser = humantime::parse_duration)]
    pub keep_alive: Duration,
    /// Most connections each worker serves at once; further connections wait to be accepted.
    #[arg(long, env = "CR_MAX_CONNECTIONS", default_value_t = 1_000)]
    pub max_connections: usize,
    /// Origins browsers may call the API from (comma-separated, e.g. `https://contracts.example.com`);
    /// none by default, which sends no CORS headers.
    #[arg(long, env = "CR_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
    /// Requests per minute each token subject may make (429 with Retry-After beyond); 0 = unlimited.
    #[arg(long, env = "CR_RATE_LIMIT_PER_MINUTE", default_value_t = 0)]
    pub rate_limit_per_minute: u32,
    /// Requests a subject may make at once above its steady rate.
    #[arg(long, env = "CR_RATE_LIMIT_BURST", default_value_t = 60)]
    pub rate_limit_burst: u32,
}

/// Secrets and database passwords never appear in debug output.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &crate::db::pool::redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("jwt_algorithm", &self.jwt_algorithm)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("jwt_public_key_file", &self.jwt_public_key_file)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_role_claim", &self.jwt_role_claim)
            .field("jwt_role_prefix", &self.jwt_role_prefix)
            .field("jwt_max_ttl", &self.jwt_max_ttl)
            .field("audit_signing_key_file", &self.audit_signing_key_file)
            .field("audit_checkpoint_interval", &self.audit_checkpoint_interval)
            .field("audit_checkpoint_grace", &self.audit_checkpoint_grace)
            .field("time_zone", &self.time_zone)
            .field("review_intervals", &self.review_intervals())
            .field("report_deadlines", &self.report_deadlines())
            .field("require_if_match", &self.require_if_match)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings from the environment alone (flags absent), as tests and tools start from.
    pub fn from_env() -> Self {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            settings: Settings,
        }
        <Only as clap::Parser>::parse_from(["consignee-registry"]).settings
    }

    /// Months between supervision reviews per risk tier.
    pub fn review_intervals(&self) -> crate::reviews::schedule::ReviewIntervals {
        crate::reviews::schedule::ReviewIntervals {
            high: self.review_months_high,
            medium: self.review_months_medium,
            low: self.review_months_low,
        }
    }

    /// The compliance warning windows.
    pub fn compliance_windows(&self) -> crate::compliance::rules::Windows {
        crate::compliance::rules::Windows {
            memorandum_days: self.compliance_memorandum_days,
            review_days: self.compliance_review_days,
            deletion_days: self.compliance_deletion_days,
        }
    }

    /// The days allowed for reports of incidents to the PPC.
    pub fn report_deadlines(&self) -> crate::incidents::deadlines::ReportDeadlines {
        crate::incidents::deadlines::ReportDeadlines {
            preliminary_days: self.incident_preliminary_days,
            final_days: self.incident_final_days,
            final_days_wrongful: self.incident_final_days_wrongful,
        }
    }

    /// What supervision rules judge by on the wall clock's today.
    pub fn supervision(&self) -> crate::state::Supervision {
        crate::state::Supervision {
            today: chrono::Utc::now().with_timezone(&self.time_zone).date_naive(),
            time_zone: self.time_zone,
            intervals: self.review_intervals(),
            windows: self.compliance_windows(),
            report_deadlines: self.report_deadlines(),
        }
    }

    /// How webhooks are delivered (a timeout and retry waits of at least a millisecond).
    pub fn webhooks(&self) -> crate::webhooks::WebhookSettings {
        let at_least = |d: Duration| d.max(Duration::from_millis(1));
        crate::webhooks::WebhookSettings {
            allow: std::sync::Arc::new(crate::webhooks::policy::AllowList(self.webhook_allow_networks.clone())),
            timeout: at_least(self.webhook_timeout),
            retry_base: at_least(self.webhook_retry_base),
            retry_max: at_least(self.webhook_retry_max),
            retry_for: self.webhook_retry_for,
            secret_grace: self.webhook_secret_grace,
            poll: at_least(self.webhook_poll_interval),
            retention: self.webhook_delivery_retention,
        }
    }

    /// Pool sizing and timeouts.
    pub fn pool_options(&self) -> PoolOptions {
        PoolOptions {
            max_size: self.db_pool_size.max(1),
            connection_timeout: Duration::from_millis(self.db_timeout_ms.max(1)),
            busy_timeout_ms: self.db_busy_timeout_ms,
            min_idle: 1,
        }
    }

    /// Pool settings for a one-shot command (`migrate`, `audit verify`): one connection, opened
    /// when asked for and never in the background.
    pub fn one_shot_pool_options(&self) -> PoolOptions {
        PoolOptions { max_size: 1, min_idle: 0, ..self.pool_options() }
    }
}
