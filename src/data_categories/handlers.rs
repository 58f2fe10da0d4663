//! Data category endpoints: everyone reads, admins change the taxonomy.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};

use super::api::{DataCategory, DataCategoryInput, DataCategoryPatch, DataCategoryQuery};
use super::store;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// List the data categories.
///
/// In code order; filter by retirement, sensitivity and parent.
#[utoipa::path(
    tag = "data categories",
    operation_id = "list_data_categories",
    security(("bearer" = ["read_register"])),
    params(DataCategoryQuery),
    responses(
        (status = 200, description = "A page of data categories", body = pagination::Page<DataCategory>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/data-categories")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DataCategoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let rows = state.db.run(move |c| store::list(c, &query, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.code.clone(), |r| Ok(r.to_api()))?;
    Ok(pagination::respond(&req, &page))
}

/// Add a data category.
#[utoipa::path(
    tag = "data categories",
    operation_id = "create_data_category",
    security(("bearer" = ["administer"])),
    request_body = DataCategoryInput,
    responses(
        (status = 201, description = "Created", body = DataCategory,
            headers(("Location" = String, description = "URL of the new category"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/data-categories")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: DataCategoryInput = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let at = state.clock.now();
    let row = state.db.write(move |c| store::create(c, &caller, at, input)).await?;
    Ok(conditional::created(format!("/api/v1/data-categories/{}", row.code), row.version, &row.to_api()))
}

/// Get a data category.
#[utoipa::path(
    tag = "data categories",
    operation_id = "get_data_category",
    security(("bearer" = ["read_register"])),
    params(("code" = String, Path, description = "Category code"), IfNoneMatch),
    responses(
        (status = 200, description = "The data category", body = DataCategory, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/data-categories/{code}")]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let row = state.db.run(move |c| store::get(c, &code)).await?;
    conditional::resource(&req, row.version, &row.to_api())
}

/// Change or retire a data category.
///
/// `retired: true` keeps it for the records that use it and refuses it in new entrustments.
#[utoipa::path(
    tag = "data categories",
    operation_id = "update_data_category",
    security(("bearer" = ["administer"])),
    params(("code" = String, Path, description = "Category code"), IfMatch),
    request_body(content(
        (DataCategoryPatch = "application/merge-patch+json"),
        (DataCategoryPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed category", body = DataCategory, headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[patch("/data-categories/{code}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    code: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let patch: DataCategoryPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    validation::check(&patch)?;
    let expected = conditional::expected_version(&req)?;
    let (code, at) = (code.into_inner(), state.clock.now());
    let row = state.db.write(move |c| store::update(c, &caller, at, &code, expected, patch)).await?;
    Ok(conditional::written(row.version, &row.to_api()))
}
