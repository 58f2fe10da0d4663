//! Checklist endpoints: everyone reads, admins add and retire.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};

use super::api::{ChecklistItem, ChecklistItemInput, ChecklistItemPatch, ChecklistItemQuery};
use super::store;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// List the review checklist.
///
/// In code order; `retired=false` gives the items a review completed today must answer.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_review_checklist_items",
    security(("bearer" = ["read_register"])),
    params(ChecklistItemQuery),
    responses(
        (status = 200, description = "A page of checklist items", body = pagination::Page<ChecklistItem>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/review-checklist-items")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ChecklistItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let rows = state.db.run(move |c| store::list(c, &query, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.code.clone(), |r| r.to_api())?;
    Ok(pagination::respond(&req, &page))
}

/// Add a checklist item.
///
/// Every review completed from now on must answer it; completed reviews keep their answers.
#[utoipa::path(
    tag = "reviews",
    operation_id = "create_review_checklist_item",
    security(("bearer" = ["administer"])),
    request_body = ChecklistItemInput,
    responses(
        (status = 201, description = "Created", body = ChecklistItem,
            headers(("Location" = String, description = "URL of the new item"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review-checklist-items")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: ChecklistItemInput = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let at = state.clock.now();
    let row = state.db.write(move |c| store::create(c, &caller, at, input)).await?;
    Ok(conditional::created(format!("/api/v1/review-checklist-items/{}", row.code), row.version, &row.to_api()?))
}

/// Get a checklist item.
#[utoipa::path(
    tag = "reviews",
    operation_id = "get_review_checklist_item",
    security(("bearer" = ["read_register"])),
    params(("code" = String, Path, description = "Item code"), IfNoneMatch),
    responses(
        (status = 200, description = "The checklist item", body = ChecklistItem, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/review-checklist-items/{code}")]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let row = state.db.run(move |c| store::get(c, &code)).await?;
    conditional::resource(&req, row.version, &row.to_api()?)
}

/// Change or retire a checklist item.
///
/// `retired: true` stops requiring an answer to it in reviews completed from now on. Its text
/// and category can change only until a review answers it.
#[utoipa::path(
    tag = "reviews",
    operation_id = "update_review_checklist_item",
    security(("bearer" = ["administer"])),
    params(("code" = String, Path, description = "Item code"), IfMatch),
    request_body(content(
        (ChecklistItemPatch = "application/merge-patch+json"),
        (ChecklistItemPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed item", body = ChecklistItem, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Reviews have answered the item; its text and category stay", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/review-checklist-items/{code}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    code: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let patch: ChecklistItemPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    validation::check(&patch)?;
    let expected = conditional::expected_version(&req)?;
    let (code, at) = (code.into_inner(), state.clock.now());
    let row = state.db.write(move |c| store::update(c, &caller, at, &code, expected, patch)).await?;
    Ok(conditional::written(row.version, &row.to_api()?))
}
