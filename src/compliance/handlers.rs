//! Compliance endpoints.

use actix_web::{get, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{Compliance, ComplianceQuery};
use super::evaluate;
use crate::error::ApiError;
use crate::http::conditional::{self, IfNoneMatch, Tag};
use crate::state::AppState;

/// Get a consignee's compliance.
///
/// Every rule's check with its result (`pass`, `warn`, `fail`), a stable code, the reason and the
/// records involved, and the standing they add up to, judged now in the business time zone; with
/// `on`, as the daily snapshot of that past day recorded it (404 when none was taken).
#[utoipa::path(
    tag = "compliance",
    operation_id = "get_consignee_compliance",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), ComplianceQuery, IfNoneMatch),
    responses(
        (status = 422, description = "`on` is after today", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 200, description = "The consignee's compliance", body = Compliance, headers(("ETag" = String, description = "Digest of the checks"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Digest of the checks"))),
    )
)]
#[get("/consignees/{id}/compliance")]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ComplianceQuery>,
) -> Result<HttpResponse, ApiError> {
    crate::validation::check(&*query)?;
    let (id, at, ctx) = (id.into_inner(), state.clock.now(), state.supervision().compliance());
    match query.on {
        Some(day) if day > ctx.today => {
            return Err(ApiError::invalid("on", "future", "a day's standing is known once the day has come"))
        }
        Some(day) if day < ctx.today => {
            let recorded = state.db.run(move |c| super::snapshot::on(c, id, day)).await?;
            return conditional::resource(&req, Tag::digest(&recorded), &recorded);
        }
        _ => {}
    }
    let (status, checks) = state
        .db
        .run(move |c| {
            let row = crate::consignees::store::get(c, &id.to_string())?;
            evaluate::evaluate_many(c, std::slice::from_ref(&row), &ctx)?
                .pop()
                .ok_or_else(|| ApiError::internal("an evaluated consignee vanished"))
        })
        .await?;
    let tag = Tag::digest(&(status, &checks, ctx.today));
    let compliance = Compliance { consignee_id: id, status, evaluated_at: at, on: ctx.today, checks };
    conditional::resource(&req, tag, &compliance)
}
