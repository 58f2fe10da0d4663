//! `GET /metrics` in the OpenMetrics text format (Prometheus scrapes it): requests and their
//! latency per route template and status, the database pool, and webhook deliveries. One set of
//! metrics per process; public, and turned off with `CR_METRICS=false`.

use std::sync::LazyLock;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::db::schema::webhook_deliveries as d;
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::api::DeliveryStatus;

/// The content type of the OpenMetrics text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A request's route template (`/api/v1/consignees/{id}`), method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route template, `unmatched` when no route took it.
    pub route: String,
    /// The method.
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

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Timings,
    pool_wait: Histogram,
    pool_connections: Gauge,
    pool_idle: Gauge,
    deliveries: Family<DeliveryLabels, Counter>,
    oldest_undelivered: Gauge<f64, AtomicU64>,
}

fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::default();
    let requests = Family::<RequestLabels, Counter>::default();
    let durations = Timings::new_with_constructor(latency_buckets);
    let (pool_wait, pool_connections, pool_idle) = (latency_buckets(), Gauge::default(), Gauge::default());
    let deliveries = Family::<DeliveryLabels, Counter>::default();
    let oldest_undelivered = Gauge::<f64, AtomicU64>::default();
    registry.register("http_requests", "HTTP requests answered", requests.clone());
    registry.register("http_request_duration_seconds", "Time to answer a request", durations.clone());
    registry.register("db_pool_wait_seconds", "Time spent waiting for a pooled connection", pool_wait.clone());
    registry.register("db_pool_connections", "Connections the pool holds", pool_connections.clone());
    registry.register("db_pool_idle_connections", "Idle connections in the pool", pool_idle.clone());
    registry.register("webhook_deliveries", "Webhook delivery attempts by outcome", deliveries.clone());
    let oldest = "Age of the oldest event not yet delivered to a webhook (0 when none)";
    registry.register("webhook_oldest_undelivered_seconds", oldest, oldest_undelivered.clone());
    Metrics { registry, requests, durations, pool_wait, pool_connections, pool_idle, deliveries, oldest_undelivered }
});

/// Counts an answered request and its time.
pub fn observe_request(labels: RequestLabels, took: Duration) {
    METRICS.durations.get_or_create(&labels).observe(took.as_secs_f64());
    METRICS.requests.get_or_create(&labels).inc();
}

/// Records how long a request waited for a pooled connection.
pub fn observe_pool_wait(took: Duration) {
    METRICS.pool_wait.observe(took.as_secs_f64());
}

/// Counts a webhook delivery attempt by `outcome`.
pub fn count_delivery(outcome: &'static str) {
    METRICS.deliveries.get_or_create(&DeliveryLabels { outcome }).inc();
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
    if !state.metrics {
        return Err(ApiError::NotFound("metrics are turned off".to_owned()));
    }
    let (pool, now) = (state.db.pool_state(), state.clock.now().naive_utc());
    METRICS.pool_connections.set(i64::from(pool.connections));
    METRICS.pool_idle.set(i64::from(pool.idle_connections));
    // The database may be down: the other metrics still answer, this gauge keeps its last value.
    let pending =
        d::table.filter(d::status.eq(DeliveryStatus::Pending.as_ref())).select(diesel::dsl::min(d::created_at));
    match state.db.run(move |conn| Ok(pending.first::<Option<NaiveDateTime>>(conn)?)).await {
        Ok(oldest) => {
            let age = oldest.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
            METRICS.oldest_undelivered.set(age);
        }
        Err(error) => tracing::warn!(%error, "cannot read the oldest undelivered event"),
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &METRICS.registry).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).content_type(CONTENT_TYPE).body(text))
}
