//! Entrustment endpoints: entrust, read, change, end, and confirm deletion.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{DeletionConfirmation, Entrustment, EntrustmentEnd, EntrustmentInput, EntrustmentQuery};
use super::patch::EntrustmentPatch;
use super::{rules, store, view};
use crate::auth::Caller;
use crate::consignees::scope::{self, Scope};
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::csv::{self, FormatQuery};
use crate::http::{body, pagination};
use crate::memoranda::api::ConsigneeFilter;
use crate::state::AppState;
use crate::validation;

/// Entrust data to a consignee.
///
/// Only to an `approved` consignee, under its memorandum signed and in force on `started_on`
/// (409 naming the condition that fails otherwise).
#[utoipa::path(
    tag = "entrustments",
    operation_id = "create_entrustment",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id")),
    request_body = EntrustmentInput,
    responses(
        (status = 201, description = "Created", body = Entrustment,
            headers(("Location" = String, description = "URL of the new entrustment"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The consignee is not approved, or the memorandum is not in force on started_on", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/{id}/entrustments")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = rules::normalized(body::json::<EntrustmentInput>(&req, payload, body::JSON).await?);
    rules::check_fields(&input)?;
    let (consignee_id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (entrustment, tag) = state
        .db
        .write(move |c| {
            let loaded = store::create(c, &caller, at, &consignee_id, input)?;
            view::present_loaded(c, loaded, today)
        })
        .await?;
    Ok(conditional::created(format!("/api/v1/entrustments/{}", entrustment.id), tag, &entrustment))
}

/// List a consignee's entrustments.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "list_consignee_entrustments",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), EntrustmentQuery),
    responses(
        (status = 200, description = "A page of entrustments", body = pagination::Page<Entrustment>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/consignees/{id}/entrustments")]
pub async fn list_for_consignee(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<EntrustmentQuery>,
) -> Result<HttpResponse, ApiError> {
    respond_list(&req, &state, Scope::Path(id.into_inner().to_string()), query.into_inner()).await
}

/// List entrustments across consignees.
///
/// In creation order; filter by consignee, data category, memorandum and whether active today.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "list_entrustments",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, EntrustmentQuery, FormatQuery),
    responses(
        (status = 200, description = "A page of entrustments, or all of them as CSV", content(
            (pagination::Page<Entrustment> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
    )
)]
#[get("/entrustments")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<EntrustmentQuery>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let consignee_id = filter.into_inner().consignee_id.map(|id| id.to_string());
    if csv::wanted(&req, format.format) {
        let query = query.into_inner();
        validation::check(&query)?;
        let scope = Scope::Filter(consignee_id);
        return scope::csv(
            &state,
            scope,
            crate::reports::ledger::FORMAT,
            move |c, consignee_id, after, today, limit| {
                let page = EntrustmentQuery { cursor: after, ..query.clone() };
                let rows = store::list(c, consignee_id, &page, today, limit)?;
                crate::reports::ledger::entries(c, rows)
            },
        )
        .await;
    }
    respond_list(&req, &state, Scope::Filter(consignee_id), query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    query: EntrustmentQuery,
) -> Result<HttpResponse, ApiError> {
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    scope::page(
        req,
        state,
        scope,
        limit,
        |e: &Entrustment| e.id.to_string(),
        move |c, consignee_id, today| {
            let rows = store::list(c, consignee_id, &query, today, limit + 1)?;
            view::present(c, rows, today)
        },
    )
    .await
}

/// Get an entrustment.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "get_entrustment",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), IfNoneMatch),
    responses(
        (status = 200, description = "The entrustment", body = Entrustment, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/entrustments/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, today) = (id.into_inner().to_string(), state.today());
    let (entrustment, tag) = state
        .db
        .run(move |c| {
            let loaded = store::get(c, &id)?;
            view::present_loaded(c, loaded, today)
        })
        .await?;
    conditional::resource(&req, tag, &entrustment)
}

/// Change an entrustment.
///
/// JSON merge patch (RFC 7396); a new `memorandum_id` or `started_on` must still be covered by a
/// memorandum in force (409 otherwise). Ending and deletion go through their own actions.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "update_entrustment",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), IfMatch),
    request_body(content(
        (EntrustmentPatch = "application/merge-patch+json"),
        (EntrustmentPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed entrustment", body = Entrustment, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The memorandum does not cover the entrustment's dates", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/entrustments/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: EntrustmentPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (entrustment, tag) = state
        .db
        .write(move |c| {
            let loaded = store::update(c, &caller, at, today, &id, expected, changes)?;
            view::present_loaded(c, loaded, today)
        })
        .await?;
    Ok(conditional::written(tag, &entrustment))
}

/// End an entrustment.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "end_entrustment",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), IfMatch),
    request_body = EntrustmentEnd,
    responses(
        (status = 200, description = "The ended entrustment", body = Entrustment, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Already ended", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/entrustments/{id}/end")]
pub async fn end(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let ending: EntrustmentEnd = body::json(&req, payload, body::JSON).await?;
    validation::check(&ending)?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (entrustment, tag) = state
        .db
        .write(move |c| {
            let loaded = store::end(c, &caller, at, &id, expected, ending)?;
            view::present_loaded(c, loaded, today)
        })
        .await?;
    Ok(conditional::written(tag, &entrustment))
}

/// Confirm the consignee returned or deleted the data.
///
/// Only once the entrustment has ended (409 before); until then the consignee still holds the data.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "confirm_entrustment_deletion",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), IfMatch),
    request_body = DeletionConfirmation,
    responses(
        (status = 200, description = "The entrustment with deletion confirmed", body = Entrustment, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Not ended yet, or already confirmed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/entrustments/{id}/confirm-deletion")]
pub async fn confirm_deletion(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let confirmation: DeletionConfirmation = body::json(&req, payload, body::JSON).await?;
    validation::check(&confirmation)?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (entrustment, tag) = state
        .db
        .write(move |c| {
            let loaded = store::confirm_deletion(c, &caller, at, today, &id, expected, confirmation)?;
            view::present_loaded(c, loaded, today)
        })
        .await?;
    Ok(conditional::written(tag, &entrustment))
}
