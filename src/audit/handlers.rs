//! Audit trail endpoints: list, export, one event, redaction, verification, consignee history.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{AuditEvent, EventFilter, Expectation, RedactRequest, SeqPage, VerifyQuery, VerifyReport};
use super::export::EventExport;
use super::store;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::{body, csv, pagination};
use crate::state::AppState;
use crate::validation;

async fn page(state: &AppState, filter: EventFilter, page: SeqPage) -> Result<pagination::Page<AuditEvent>, ApiError> {
    validation::check(&page)?;
    let limit = pagination::limit(page.limit)?;
    let after = page.cursor.unwrap_or(0);
    let rows = state.db.run(move |c| store::list(c, &filter, after, limit + 1)).await?;
    pagination::page(rows, limit, |r| r.seq.to_string(), AuditEvent::try_from)
}

/// List audit events.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_events",
    security(("bearer" = ["read_audit"])),
    params(EventFilter, SeqPage),
    responses((status = 200, description = "A page of events, oldest first", body = pagination::Page<AuditEvent>))
)]
#[get("/audit/events")]
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<EventFilter>,
    paging: web::Query<SeqPage>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let page = page(&state, query, paging.into_inner()).await?;
    Ok(pagination::respond(&req, &page))
}

/// Export audit events as CSV.
///
/// Every event matching the filters, oldest first, streamed in batches: UTF-8 with a BOM,
/// RFC 4180 quoting, formula-like cells prefixed with `'`.
#[utoipa::path(
    tag = "audit",
    operation_id = "export_audit_events",
    security(("bearer" = ["read_audit"])),
    params(EventFilter),
    responses((status = 200, description = "The events as CSV", content_type = "text/csv", body = String))
)]
#[get("/audit/events/export")]
pub async fn export_events(
    state: web::Data<AppState>,
    query: web::Query<EventFilter>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.into_inner();
    validation::check(&filter)?;
    csv::respond(state.db.clone(), "audit-events.csv", EventExport::new(filter)).await
}

/// Verify the audit chain.
///
/// Walks every link, checks the chain against every stored checkpoint (signature and hash) and
/// against each `SEQ:HASH` in `expect`, and lists everything that does not hold. Deleted
/// checkpoints show too: a checkpoint whose `audit_checkpoint.created` event is in the trail must
/// still be stored, chained checkpoints must be numbered without gaps and each must link (`prev`)
/// to the one before; and while automatic checkpoints are on, every event older than the
/// checkpoint interval plus `CR_AUDIT_CHECKPOINT_GRACE` (counted from the server's clock) must be
/// covered by a checkpoint that the configured key verifies. Problems answer 200 with
/// `valid: false`.
#[utoipa::path(
    tag = "audit",
    operation_id = "verify_audit_chain",
    security(("bearer" = ["administer"])),
    params(VerifyQuery),
    responses((status = 200, description = "Whether everything holds, and what does not", body = VerifyReport))
)]
#[get("/audit/verify")]
pub async fn verify(state: web::Data<AppState>, query: web::Query<VerifyQuery>) -> Result<HttpResponse, ApiError> {
    let expected = query.expect.as_deref().map(Expectation::parse_list).transpose()?.unwrap_or_default();
    let checkpointer = state.checkpointer.clone();
    let now = state.clock.now();
    let report = state.db.run(move |c| super::verify::verify(c, &checkpointer, now, &expected)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(report))
}

/// Redact an event's changes.
///
/// Erases the personal data in `changes` (for an erasure request); the chain keeps
/// their hash and still verifies. The redaction is itself recorded.
#[utoipa::path(
    tag = "audit",
    operation_id = "redact_audit_event",
    security(("bearer" = ["administer"])),
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
    let input: RedactRequest = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let (seq, at) = (seq.into_inner(), state.clock.now());
    let row = state.db.write(move |c| store::redact(c, &caller, at, seq, &input.reason)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(AuditEvent::try_from(row)?))
}

/// A consignee's history.
///
/// Every recorded change to the consignee and to the records that belong to it, oldest first.
/// Once a candidate is deleted, its history stays in `/audit/events?consignee_id=`.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_consignee_history",
    security(("bearer" = ["read_audit"])),
    params(("id" = Uuid, Path, description = "Consignee id"), SeqPage),
    responses(
        (status = 200, description = "A page of events", body = pagination::Page<AuditEvent>),
        (status = 404, description = "No such consignee", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consignees/{id}/history")]
pub async fn consignee_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    paging: web::Query<SeqPage>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state.db.run(move |c| crate::consignees::store::get(c, &id.to_string())).await?;
    let filter = EventFilter { consignee_id: Some(id), ..EventFilter::default() };
    let page = page(&state, filter, paging.into_inner()).await?;
    Ok(pagination::respond(&req, &page))
}
