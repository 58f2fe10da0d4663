//! `GET /metrics` in the OpenMetrics text format (Prometheus scrapes it): requests and their
//! latency per route template and status, the database pool, and webhook deliveries. Each
//! application has its own registry; public, and turned off with `CR_METRICS=false`.

use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use actix_web::http::{header, Method};
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::db::schema::webhook_deliveries as d;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::api::DeliveryStatus;

/// The content type of the OpenMetrics text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The label of a method or route that is not one the API serves, so made-up ones add no series.
pub const OTHER: &str = "other";

/// The methods requests are counted by; any other is [`OTHER`].
const METHODS: [Method; 7] =
    [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS];

/// A request's route template (`/api/v1/consignees/{id}`), method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route template, [`OTHER`] when the app serves no such template.
    pub route: String,
    /// The method, [`OTHER`] when the API knows no such method.
    pub method: String,
    /// The status code.
    pub status: u16,
}

/// What became of a webhook delivery attempt.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeliveryLabels {
    /// `delivered`, `retried` or `failed`.
    pub outcome: &'static str,
}

type Timings = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Every metric of one application, and the route templates requests are counted by.
pub struct Metrics {
    enabled: bool,
    routes: HashSet<String>,
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Timings,
    pool_connections: Gauge,
    pool_idle: Gauge,
    deliveries: Family<DeliveryLabels, Counter>,
    oldest_undelivered: Gauge<f64, AtomicU64>,
}

fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

impl Metrics {
    /// The metrics of an application on `db` (whose pool-wait histogram they expose) that serves
    /// `routes`; `/metrics` answers only when `enabled`.
    pub fn new(enabled: bool, db: &Db, routes: impl IntoIterator<Item = String>) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Timings::new_with_constructor(latency_buckets);
        let (pool_connections, pool_idle) = (Gauge::default(), Gauge::default());
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        let oldest_undelivered = Gauge::<f64, AtomicU64>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer a request", durations.clone());
        let waited = "Time spent waiting for a pooled connection";
        registry.register("db_pool_wait_seconds", waited, db.pool_wait().clone());
        registry.register("db_pool_connections", "Connections the pool holds", pool_connections.clone());
        registry.register("db_pool_idle_connections", "Idle connections in the pool", pool_idle.clone());
        registry.register("webhook_deliveries", "Webhook delivery attempts by outcome", deliveries.clone());
        let oldest = "Age of the oldest event not yet delivered to a webhook (0 when none)";
        registry.register("webhook_oldest_undelivered_seconds", oldest, oldest_undelivered.clone());
        let routes = routes.into_iter().collect();
        Self {
            enabled,
            routes,
            registry,
            requests,
            durations,
            pool_connections,
            pool_idle,
            deliveries,
            oldest_undelivered,
        }
    }

    /// The labels of a request: its method and route template (`pattern`, as actix matched it)
    /// when the app knows them, [`OTHER`] when not.
    pub fn labels(&self, method: &Method, pattern: Option<String>, status: u16) -> RequestLabels {
        let method = if METHODS.contains(method) { method.as_str() } else { OTHER };
        let route = pattern.filter(|p| self.routes.contains(p)).unwrap_or_else(|| OTHER.to_owned());
        RequestLabels { route, method: method.to_owned(), status }
    }

    /// Counts an answered request and its time.
    pub fn observe_request(&self, labels: RequestLabels, took: Duration) {
        self.durations.get_or_create(&labels).observe(took.as_secs_f64());
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts a webhook delivery attempt by what became of the delivery.
    pub fn count_delivery(&self, status: DeliveryStatus) {
        let outcome = match status {
            DeliveryStatus::Succeeded => "delivered",
            DeliveryStatus::Pending => "retried",
            DeliveryStatus::Failed => "failed",
        };
        self.deliveries.get_or_create(&DeliveryLabels { outcome }).inc();
    }
}

/// Registers `/metrics`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(metrics);
}

/// The metrics now, in the OpenMetrics text format.
#[utoipa::path(
    tag = "health",
    operation_id = "get_metrics",
    responses(
        (status = 200, description = "The metrics (OpenMetrics text)", body = String,
            content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"),
        (status = 404, description = "Metrics are turned off (CR_METRICS=false)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let metrics = &state.metrics;
    if !metrics.enabled {
        return Err(ApiError::NotFound("metrics are turned off".to_owned()));
    }
    let (pool, now) = (state.db.pool_state(), state.clock.now().naive_utc());
    metrics.pool_connections.set(i64::from(pool.connections));
    metrics.pool_idle.set(i64::from(pool.idle_connections));
    // The database may be down: the other metrics still answer, this gauge keeps its last value.
    let pending =
        d::table.filter(d::status.eq(DeliveryStatus::Pending.as_ref())).select(diesel::dsl::min(d::created_at));
    match state.db.run(move |conn| Ok(pending.first::<Option<NaiveDateTime>>(conn)?)).await {
        Ok(oldest) => {
            let age = oldest.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
            metrics.oldest_undelivered.set(age);
        }
        Err(error) => tracing::warn!(%error, "cannot read the oldest undelivered event"),
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).content_type(CONTENT_TYPE).body(text))
}
