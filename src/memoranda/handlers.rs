//! Memorandum endpoints: record, read, change, sign and terminate.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{ConsigneeFilter, Memorandum, MemorandumInput, MemorandumQuery, Termination};
use super::patch::MemorandumPatch;
use super::{rules, store, view};
use crate::auth::Caller;
use crate::consignees::scope::{self, Scope};
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::csv::{self, FormatQuery};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// Location of a memorandum.
pub fn location(id: &str) -> String {
    format!("/api/v1/memoranda/{id}")
}

/// Record a memorandum with a consignee.
///
/// Creates a `draft`; upload the signed document and sign it when everything is there.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "create_memorandum",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id")),
    request_body = MemorandumInput,
    responses(
        (status = 201, description = "Created", body = Memorandum,
            headers(("Location" = String, description = "URL of the new memorandum"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The external_ref is already used for this consignee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/{id}/memoranda")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = rules::normalized(body::json::<MemorandumInput>(&req, payload, body::JSON).await?);
    rules::check_fields(&input)?;
    let (consignee_id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (memorandum, tag) = state
        .db
        .write(move |c| {
            let row = store::create(c, &caller, at, &consignee_id, input)?;
            view::present_one(c, row, today)
        })
        .await?;
    Ok(conditional::created(location(&memorandum.id.to_string()), tag, &memorandum))
}

/// List a consignee's memoranda.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "list_consignee_memoranda",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), MemorandumQuery),
    responses(
        (status = 200, description = "A page of memoranda", body = pagination::Page<Memorandum>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/consignees/{id}/memoranda")]
pub async fn list_for_consignee(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<MemorandumQuery>,
) -> Result<HttpResponse, ApiError> {
    respond_list(&req, &state, Scope::Path(id.into_inner().to_string()), query.into_inner()).await
}

/// List memoranda across consignees.
///
/// In creation order; filter by consignee, status today, expiry and the contract system's id.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "list_memoranda",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, MemorandumQuery, FormatQuery),
    responses(
        (status = 200, description = "A page of memoranda, or all of them as CSV", content(
            (pagination::Page<Memorandum> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
    )
)]
#[get("/memoranda")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<MemorandumQuery>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let consignee_id = filter.into_inner().consignee_id.map(|id| id.to_string());
    if csv::wanted(&req, format.format) {
        let query = query.into_inner();
        validation::check(&query)?;
        let scope = Scope::Filter(consignee_id);
        return scope::csv(&state, scope, super::csv::FORMAT, move |c, consignee_id, after, today, limit| {
            let page = MemorandumQuery { cursor: after, ..query.clone() };
            let rows = store::list(c, consignee_id, &page, today, limit)?;
            Ok(view::present(c, rows, today)?.into_iter().map(|(m, _)| m).collect())
        })
        .await;
    }
    respond_list(&req, &state, Scope::Filter(consignee_id), query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    query: MemorandumQuery,
) -> Result<HttpResponse, ApiError> {
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    scope::page(
        req,
        state,
        scope,
        limit,
        |m: &Memorandum| m.id.to_string(),
        move |c, consignee_id, today| {
            let rows = store::list(c, consignee_id, &query, today, limit + 1)?;
            view::present(c, rows, today)
        },
    )
    .await
}

/// Get a memorandum.
///
/// Its `status`, `in_force`, `current_term_ends_on` and `notice_deadline` are judged today in
/// the business time zone; the ETag changes when they do.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "get_memorandum",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), IfNoneMatch),
    responses(
        (status = 200, description = "The memorandum", body = Memorandum, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/memoranda/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, today) = (id.into_inner().to_string(), state.today());
    let (memorandum, tag) = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            view::present_one(c, row, today)
        })
        .await?;
    conditional::resource(&req, tag, &memorandum)
}

/// Change a memorandum.
///
/// JSON merge patch (RFC 7396). A draft's terms change freely; once signed, only `notes` and
/// `external_ref` do (a change of terms is a new memorandum that `supersedes` it).
#[utoipa::path(
    tag = "memoranda",
    operation_id = "update_memorandum",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), IfMatch),
    request_body(content(
        (MemorandumPatch = "application/merge-patch+json"),
        (MemorandumPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed memorandum", body = Memorandum, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The terms are frozen (signed or terminated), or the external_ref is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/memoranda/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let patch: MemorandumPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (memorandum, tag) = state
        .db
        .write(move |c| {
            let row = store::update(c, &caller, at, &id, expected, patch)?;
            view::present_one(c, row, today)
        })
        .await?;
    Ok(conditional::written(tag, &memorandum))
}

/// Sign a memorandum.
///
/// Refused with 422 listing every missing item (`signatories` for both parties, `signed_on`,
/// `effective_from`, `clauses.<code>` for each required clause not included, the incident
/// notification deadline, `document`). Signing freezes the terms and the required-clause set.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "sign_memorandum",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), IfMatch),
    responses(
        (status = 200, description = "The signed memorandum", body = Memorandum, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Not a draft (already signed, or terminated)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Something signing needs is missing; every missing item listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/memoranda/{id}/sign")]
pub async fn sign(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (memorandum, tag) = state
        .db
        .write(move |c| {
            let row = store::sign(c, &caller, at, today, &id, expected)?;
            view::present_one(c, row, today)
        })
        .await?;
    Ok(conditional::written(tag, &memorandum))
}

/// Terminate a signed memorandum.
///
/// Signing a successor does not end the old one; this does, as of `terminated_on`.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "terminate_memorandum",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), IfMatch),
    request_body = Termination,
    responses(
        (status = 200, description = "The terminated memorandum", body = Memorandum, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Not signed (a draft, or already terminated)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/memoranda/{id}/terminate")]
pub async fn terminate(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let termination: Termination = body::json(&req, payload, body::JSON).await?;
    validation::check(&termination)?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (memorandum, tag) = state
        .db
        .write(move |c| {
            let row = store::terminate(c, &caller, at, today, &id, expected, termination)?;
            view::present_one(c, row, today)
        })
        .await?;
    Ok(conditional::written(tag, &memorandum))
}
