//! Webhooks: admins register endpoints; a background worker delivers each event signed by the
//! Standard Webhooks scheme, retries with backoff, records every attempt and disables an endpoint
//! that keeps failing.

pub mod api;
pub mod deliveries;
pub mod document;
pub mod handlers;
pub mod policy;
pub mod signing;
pub mod store;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

/// How webhooks are delivered.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Private networks deliveries may reach.
    pub allow: Arc<policy::AllowList>,
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// The first retry's wait; each next one doubles.
    pub retry_base: Duration,
    /// The longest wait between retries.
    pub retry_max: Duration,
    /// How long a delivery is retried before it fails and the webhook is disabled.
    pub retry_for: Duration,
    /// How long the previous secret also signs after a rotation.
    pub secret_grace: Duration,
    /// How often an idle worker looks for due deliveries.
    pub poll: Duration,
    /// How long finished deliveries and their attempts are kept.
    pub retention: Duration,
}

impl WebhookSettings {
    /// `retry_for` as a chrono duration.
    pub fn retry_for_chrono(&self) -> chrono::Duration {
        chrono_of(self.retry_for)
    }

    /// `retention` as a chrono duration.
    pub fn retention_chrono(&self) -> chrono::Duration {
        chrono_of(self.retention)
    }

    /// `secret_grace` as a chrono duration.
    pub fn grace_chrono(&self) -> chrono::Duration {
        chrono_of(self.secret_grace)
    }

    /// How long a claim holds a delivery: past the attempt's timeout, with a margin.
    pub fn lease(&self) -> chrono::Duration {
        chrono_of(self.timeout * 2 + Duration::from_secs(30))
    }
}

/// `d` as a chrono duration, saturating (a setting of centuries means "never").
fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Registers the webhook routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::remove)
        .service(handlers::rotate)
        .service(handlers::list_deliveries)
        .service(handlers::redeliver);
}
