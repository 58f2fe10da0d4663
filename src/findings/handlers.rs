//! Finding endpoints: record on a review, follow to closure.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use uuid::Uuid;

use super::api::{Finding, FindingInput, FindingQuery};
use super::model::FindingRow;
use super::patch::FindingPatch;
use super::rules;
use super::store::{self, Within};
use crate::auth::Caller;
use crate::consignees::scope::{self, Scope};
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch, Tag};
use crate::http::{body, pagination};
use crate::memoranda::api::ConsigneeFilter;
use crate::state::AppState;

fn present(row: FindingRow, today: NaiveDate) -> Result<(Finding, Tag), ApiError> {
    let tag = Tag::derived(row.version, &row.overdue(today)?);
    Ok((row.to_api(today)?, tag))
}

/// Record a finding of a review.
///
/// Before or after the review is completed (follow-up findings are common). `resolved` needs
/// `resolved_on`; `accepted_risk` needs `risk_justification`.
#[utoipa::path(
    tag = "findings",
    operation_id = "create_finding",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Review id")),
    request_body = FindingInput,
    responses(
        (status = 201, description = "Created", body = Finding,
            headers(("Location" = String, description = "URL of the new finding"), ("ETag" = String, description = "Version tag"))),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/{id}/findings")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = rules::normalized(body::json::<FindingInput>(&req, payload, body::JSON).await?);
    let (review_id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (finding, tag) =
        state.db.write(move |c| present(store::create(c, &caller, at, today, &review_id, input)?, today)).await?;
    Ok(conditional::created(format!("/api/v1/findings/{}", finding.id), tag, &finding))
}

/// List a review's findings.
#[utoipa::path(
    tag = "findings",
    operation_id = "list_review_findings",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Review id"), FindingQuery),
    responses(
        (status = 200, description = "A page of findings", body = pagination::Page<Finding>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/reviews/{id}/findings")]
pub async fn list_for_review(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<FindingQuery>,
) -> Result<HttpResponse, ApiError> {
    let review_id = id.into_inner().to_string();
    let probe = review_id.clone();
    state.db.run(move |c| crate::reviews::store::get(c, &probe)).await?;
    let within = Within { consignee_id: None, review_id: Some(review_id) };
    respond_list(&req, &state, within, query.into_inner()).await
}

/// List findings across consignees.
///
/// In creation order; filter by consignee, status, severity and whether overdue today.
#[utoipa::path(
    tag = "findings",
    operation_id = "list_findings",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, FindingQuery),
    responses(
        (status = 200, description = "A page of findings", body = pagination::Page<Finding>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/findings")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<FindingQuery>,
) -> Result<HttpResponse, ApiError> {
    let within = Within { consignee_id: filter.into_inner().consignee_id.map(|id| id.to_string()), review_id: None };
    respond_list(&req, &state, within, query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    within: Within,
    query: FindingQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let scope = Scope::Filter(within.consignee_id.clone());
    scope::page(
        req,
        state,
        scope,
        limit,
        |f: &Finding| f.id.to_string(),
        move |c, _, today| {
            let rows = store::list(c, &within, &query, today, limit + 1)?;
            rows.into_iter().map(|row| present(row, today)).collect()
        },
    )
    .await
}

/// Get a finding.
#[utoipa::path(
    tag = "findings",
    operation_id = "get_finding",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Finding id"), IfNoneMatch),
    responses(
        (status = 200, description = "The finding", body = Finding, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/findings/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, today) = (id.into_inner().to_string(), state.today());
    let (finding, tag) = state.db.run(move |c| present(store::get(c, &id)?, today)).await?;
    conditional::resource(&req, tag, &finding)
}

/// Change a finding.
///
/// JSON merge patch (RFC 7396). Status moves: `open → action_planned → resolved`, either open
/// status to `accepted_risk`, and a closed finding back to `open` (409 for any other move).
#[utoipa::path(
    tag = "findings",
    operation_id = "update_finding",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Finding id"), IfMatch),
    request_body(content(
        (FindingPatch = "application/merge-patch+json"),
        (FindingPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed finding", body = Finding, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The status move is not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/findings/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: FindingPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let (finding, tag) =
        state.db.write(move |c| present(store::update(c, &caller, at, today, &id, expected, changes)?, today)).await?;
    Ok(conditional::written(tag, &finding))
}
