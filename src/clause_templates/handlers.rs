//! Clause template endpoints: everyone reads, admins add and retire.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};

use super::api::{ClauseTemplate, ClauseTemplateInput, ClauseTemplatePatch, ClauseTemplateQuery};
use super::store;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// List the required clauses.
///
/// In code order; `retired=false` gives the set a memorandum signed today must contain.
#[utoipa::path(
    tag = "clause templates",
    operation_id = "list_clause_templates",
    security(("bearer" = ["read_register"])),
    params(ClauseTemplateQuery),
    responses(
        (status = 200, description = "A page of clause templates", body = pagination::Page<ClauseTemplate>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/clause-templates")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ClauseTemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let rows = state.db.run(move |c| store::list(c, &query, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.code.clone(), |r| Ok(r.to_api()))?;
    Ok(pagination::respond(&req, &page))
}

/// Add a required clause.
///
/// Required of every memorandum signed from now on; memoranda already signed keep the set they
/// were signed against.
#[utoipa::path(
    tag = "clause templates",
    operation_id = "create_clause_template",
    security(("bearer" = ["administer"])),
    request_body = ClauseTemplateInput,
    responses(
        (status = 201, description = "Created", body = ClauseTemplate,
            headers(("Location" = String, description = "URL of the new template"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clause-templates")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: ClauseTemplateInput = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let at = state.clock.now();
    let row = state.db.write(move |c| store::create(c, &caller, at, input)).await?;
    Ok(conditional::created(format!("/api/v1/clause-templates/{}", row.code), row.version, &row.to_api()))
}

/// Get a clause template.
#[utoipa::path(
    tag = "clause templates",
    operation_id = "get_clause_template",
    security(("bearer" = ["read_register"])),
    params(("code" = String, Path, description = "Clause code"), IfNoneMatch),
    responses(
        (status = 200, description = "The clause template", body = ClauseTemplate, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/clause-templates/{code}")]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let row = state.db.run(move |c| store::get(c, &code)).await?;
    conditional::resource(&req, row.version, &row.to_api())
}

/// Change or retire a clause template.
///
/// `retired: true` stops requiring the clause of memoranda signed from now on.
#[utoipa::path(
    tag = "clause templates",
    operation_id = "update_clause_template",
    security(("bearer" = ["administer"])),
    params(("code" = String, Path, description = "Clause code"), IfMatch),
    request_body(content(
        (ClauseTemplatePatch = "application/merge-patch+json"),
        (ClauseTemplatePatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed template", body = ClauseTemplate, headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[patch("/clause-templates/{code}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    code: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let patch: ClauseTemplatePatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    validation::check(&patch)?;
    let expected = conditional::expected_version(&req)?;
    let (code, at) = (code.into_inner(), state.clock.now());
    let row = state.db.write(move |c| store::update(c, &caller, at, &code, expected, patch)).await?;
    Ok(conditional::written(row.version, &row.to_api()))
}
