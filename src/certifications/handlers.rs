//! Certification endpoints: record, read and change.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{Certification, CertificationInput, CertificationQuery};
use super::patch::CertificationPatch;
use super::store;
use crate::auth::Caller;
use crate::consignees::scope::{self, Scope};
use crate::error::ApiError;
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::{body, pagination};
use crate::memoranda::api::ConsigneeFilter;
use crate::state::AppState;
use crate::validation;

/// Record a certification of a consignee.
#[utoipa::path(
    tag = "certifications",
    operation_id = "create_certification",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id")),
    request_body = CertificationInput,
    responses(
        (status = 201, description = "Created", body = Certification,
            headers(("Location" = String, description = "URL of the new certification"), ("ETag" = String, description = "Version tag"))),
    )
)]
#[post("/consignees/{id}/certifications")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = store::checked(body::json::<CertificationInput>(&req, payload, body::JSON).await?)?;
    let (consignee_id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (certification, tag) = state
        .db
        .write(move |c| {
            let row = store::create(c, &caller, at, &consignee_id, input)?;
            one(c, row, today)
        })
        .await?;
    Ok(conditional::created(format!("/api/v1/certifications/{}", certification.id), tag, &certification))
}

fn one(
    conn: &mut crate::db::DbConnection,
    row: super::model::CertificationRow,
    today: chrono::NaiveDate,
) -> Result<(Certification, conditional::Tag), ApiError> {
    store::present(conn, vec![row], today)?
        .pop()
        .ok_or_else(|| ApiError::internal("a presented certification vanished"))
}

/// List a consignee's certifications.
#[utoipa::path(
    tag = "certifications",
    operation_id = "list_consignee_certifications",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), CertificationQuery),
    responses(
        (status = 200, description = "A page of certifications", body = pagination::Page<Certification>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/consignees/{id}/certifications")]
pub async fn list_for_consignee(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<CertificationQuery>,
) -> Result<HttpResponse, ApiError> {
    respond_list(&req, &state, Scope::Path(id.into_inner().to_string()), query.into_inner()).await
}

/// List certifications across consignees.
///
/// In creation order; `expires_before` finds those to renew.
#[utoipa::path(
    tag = "certifications",
    operation_id = "list_certifications",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, CertificationQuery),
    responses(
        (status = 200, description = "A page of certifications", body = pagination::Page<Certification>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/certifications")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<CertificationQuery>,
) -> Result<HttpResponse, ApiError> {
    let consignee_id = filter.into_inner().consignee_id.map(|id| id.to_string());
    respond_list(&req, &state, Scope::Filter(consignee_id), query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    query: CertificationQuery,
) -> Result<HttpResponse, ApiError> {
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    scope::page(
        req,
        state,
        scope,
        limit,
        |c: &Certification| c.id.to_string(),
        move |c, consignee_id, today| {
            let rows = store::list(c, consignee_id, &query, limit + 1)?;
            store::present(c, rows, today)
        },
    )
    .await
}

/// Get a certification.
#[utoipa::path(
    tag = "certifications",
    operation_id = "get_certification",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Certification id"), IfNoneMatch),
    responses(
        (status = 200, description = "The certification", body = Certification, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/certifications/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, today) = (id.into_inner().to_string(), state.today());
    let (certification, tag) = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            one(c, row, today)
        })
        .await?;
    conditional::resource(&req, tag, &certification)
}

/// Change a certification.
///
/// JSON merge patch (RFC 7396), e.g. the renewed certificate's number and expiry.
#[utoipa::path(
    tag = "certifications",
    operation_id = "update_certification",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Certification id"), IfMatch),
    request_body(content(
        (CertificationPatch = "application/merge-patch+json"),
        (CertificationPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed certification", body = Certification, headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[patch("/certifications/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: CertificationPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (certification, tag) = state
        .db
        .write(move |c| {
            let row = store::update(c, &caller, at, &id, expected, changes)?;
            one(c, row, today)
        })
        .await?;
    Ok(conditional::written(tag, &certification))
}
