//! Sub-consignment endpoints.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{SubConsignment, SubConsignmentInput, SubConsignmentPatch, SubConsignmentQuery};
use super::store;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// Record a sub-consignment.
///
/// The consignee passes some of the entrustment's categories on to its own subcontractor (or, with
/// `parent_id`, a subcontractor passes them on again), each level with the company's consent.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "create_sub_consignment",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id")),
    request_body = SubConsignmentInput,
    responses(
        (status = 201, description = "Created", body = SubConsignment,
            headers(("Location" = String, description = "URL of the new sub-consignment"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The memorandum does not include the sub_consignment_prior_consent clause", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/entrustments/{id}/sub-consignments")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = store::normalized(body::json::<SubConsignmentInput>(&req, payload, body::JSON).await?);
    validation::check(&input)?;
    let (entrustment_id, at) = (id.into_inner().to_string(), state.clock.now());
    let row = state.db.write(move |c| store::create(c, &caller, at, &entrustment_id, input)).await?;
    Ok(conditional::created(format!("/api/v1/sub-consignments/{}", row.id), row.version, &row.to_api()?))
}

/// List an entrustment's sub-consignments.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "list_entrustment_sub_consignments",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), SubConsignmentQuery),
    responses(
        (status = 200, description = "A page of sub-consignments", body = pagination::Page<SubConsignment>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/entrustments/{id}/sub-consignments")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<SubConsignmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let (entrustment_id, after) = (id.into_inner().to_string(), query.cursor.map(|c| c.to_string()));
    let rows = state
        .db
        .run(move |c| {
            crate::entrustments::store::get(c, &entrustment_id)?;
            store::list(c, &entrustment_id, after, limit + 1)
        })
        .await?;
    let page = pagination::page(rows, limit, |r| r.id.clone(), |r| r.to_api())?;
    Ok(pagination::respond(&req, &page))
}

/// Get a sub-consignment.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "get_sub_consignment",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Sub-consignment id"), IfNoneMatch),
    responses(
        (status = 200, description = "The sub-consignment", body = SubConsignment, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/sub-consignments/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let row = state.db.run(move |c| store::get(c, &id)).await?;
    conditional::resource(&req, row.version, &row.to_api()?)
}

/// Change a sub-consignment.
///
/// JSON merge patch (RFC 7396); `consent` and `categories` are replaced whole.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "update_sub_consignment",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Sub-consignment id"), IfMatch),
    request_body(content(
        (SubConsignmentPatch = "application/merge-patch+json"),
        (SubConsignmentPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed sub-consignment", body = SubConsignment, headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[patch("/sub-consignments/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: SubConsignmentPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at) = (id.into_inner().to_string(), state.clock.now());
    let row = state.db.write(move |c| store::update(c, &caller, at, &id, expected, changes)).await?;
    Ok(conditional::written(row.version, &row.to_api()?))
}
