//! Liveness and readiness probes (public).

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::migrations;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Probe answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ready"}))]
pub struct Health {
    /// `ok` (process up) or `ready` (database reachable and migrated).
    #[schema(example = "ok")]
    pub status: String,
}

fn probe(status: &str) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(Health { status: status.to_owned() })
}

/// Liveness: the process is up.
#[utoipa::path(tag = "health", operation_id = "get_health", responses((status = 200, description = "Up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    probe("ok")
}

/// Readiness: the database is reachable and every migration is applied.
#[utoipa::path(
    tag = "health",
    operation_id = "get_readiness",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable or migrations pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let pending = state
        .db
        .run(|conn| {
            migrations::has_pending(conn).map_err(|e| {
                tracing::warn!(error = %e, "cannot read the migration state");
                ApiError::Unavailable("cannot read the migration state of the database".to_owned())
            })
        })
        .await?;
    if pending {
        return Err(ApiError::Unavailable("database migrations are pending".to_owned()));
    }
    Ok(probe("ready"))
}

/// Registers the probes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}
