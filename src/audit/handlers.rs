//! Audit trail endpoints: list, export, one event, redaction, verification, consignee history.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{AuditEvent, EventQuery, HistoryQuery, RedactRequest, VerifyReport};
use super::store::{self, Filter};
use crate::auth::{Caller, Permission};
use crate::error::ApiError;
use crate::http::{body, pagination};
use crate::startup::AppState;
use crate::validation;

fn after_seq(cursor: Option<&str>) -> Result<i64, ApiError> {
    match pagination::decode_cursor(cursor)? {
        None => Ok(0),
        Some(key) => {
            key.parse().map_err(|_| ApiError::invalid("cursor", "format", "not a cursor returned by this list"))
        }
    }
}

async fn page(
    state: &AppState,
    filter: Filter,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<pagination::Page<AuditEvent>, ApiError> {
    let limit = pagination::limit(limit)?;
    let after = after_seq(cursor)?;
    let rows = state.db.run(move |c| store::list(c, &filter, after, limit + 1)).await?;
    pagination::page(rows, limit, |r| r.seq.to_string(), AuditEvent::try_from)
}

/// List audit events.
#[utoipa::path(
    tag = "audit",
    params(EventQuery),
    responses((status = 200, description = "A page of events, oldest first", body = pagination::Page<AuditEvent>))
)]
#[get("/audit/events")]
pub async fn list_events(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAudit)?;
    let query = query.into_inner();
    validation::check(&query)?;
    let (limit, cursor) = (query.limit, query.cursor.clone());
    let page = page(&state, Filter { query, consignee_id: None }, limit, cursor.as_deref()).await?;
    Ok(pagination::respond(&req, &page))
}

/// Export audit events as CSV.
///
/// Every event matching the filters (`limit` and `cursor` are ignored), oldest first.
#[utoipa::path(
    tag = "audit",
    params(EventQuery),
    responses((status = 200, description = "The events as CSV", content_type = "text/csv", body = String))
)]
#[get("/audit/events/export")]
pub async fn export_events(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAudit)?;
    let query = query.into_inner();
    validation::check(&query)?;
    let filter = Filter { query, consignee_id: None };
    let csv = state.db.run(move |c| super::export::csv(c, &filter)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"audit-events.csv\""))
        .body(csv))
}

/// Verify the hash chain.
#[utoipa::path(
    tag = "audit",
    responses((status = 200, description = "Whether every link holds, and the first that does not", body = VerifyReport))
)]
#[get("/audit/verify")]
pub async fn verify(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let report = state.db.run(store::verify).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(report))
}

/// Redact an event's changes.
///
/// Erases the personal data in `changes` (for an erasure request); the chain keeps
/// their hash and still verifies. The redaction is itself recorded.
#[utoipa::path(
    tag = "audit",
    params(("seq" = i64, Path, description = "Event sequence number", minimum = 1)),
    request_body = RedactRequest,
    responses(
        (status = 200, description = "The redacted event", body = AuditEvent),
        (status = 404, description = "No such event", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already redacted", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid reason", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/audit/events/{seq}/redact")]
pub async fn redact(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    seq: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let input: RedactRequest = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let (seq, at) = (seq.into_inner(), state.clock.now());
    let row = state.db.write(move |c| store::redact(c, &caller, at, seq, input.reason.trim())).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(AuditEvent::try_from(row)?))
}

/// A consignee's history.
///
/// Every recorded change to the consignee and to the records that belong to it, oldest first.
#[utoipa::path(
    tag = "audit",
    params(("id" = Uuid, Path, description = "Consignee id"), HistoryQuery),
    responses(
        (status = 200, description = "A page of events", body = pagination::Page<AuditEvent>),
        (status = 404, description = "No such consignee", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consignees/{id}/history")]
pub async fn consignee_history(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAudit)?;
    let id = id.into_inner().to_string();
    let known = state.db.run({
        let id = id.clone();
        move |c| store::has_history(c, &id)
    });
    if !known.await? {
        return Err(ApiError::NotFound(format!("no consignee {id}")));
    }
    let filter = Filter { consignee_id: Some(id), ..Filter::default() };
    let page = page(&state, filter, query.limit, query.cursor.as_deref()).await?;
    Ok(pagination::respond(&req, &page))
}
