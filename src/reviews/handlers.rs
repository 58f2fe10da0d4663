//! Review endpoints: plan, record, complete, list, and the due list.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{DueQuery, DueReview, Review, ReviewCompletion, ReviewInput, ReviewQuery};
use super::patch::ReviewPatch;
use super::{due as due_list, rules, store};
use crate::auth::Caller;
use crate::consignees::scope::{self, Scope};
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch, Tag};
use crate::http::csv::{self, FormatQuery};
use crate::http::{body, pagination};
use crate::memoranda::api::ConsigneeFilter;
use crate::state::AppState;

/// Location of a review.
fn location(id: Uuid) -> String {
    format!("/api/v1/reviews/{id}")
}

/// Plan or record a review of a consignee.
///
/// Open until completed with `POST /reviews/{id}/complete`. The reviewer defaults to the token's
/// subject; answers name checklist items (`GET /review-checklist-items`).
#[utoipa::path(
    tag = "reviews",
    operation_id = "create_review",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Consignee id")),
    request_body = ReviewInput,
    responses(
        (status = 201, description = "Created", body = Review,
            headers(("Location" = String, description = "URL of the new review"), ("ETag" = String, description = "Version tag"))),
        (status = 422, description = "Invalid fields, all listed: performed_on in the future, an unknown checklist item, a certification of another consignee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/{id}/reviews")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = rules::normalized(body::json::<ReviewInput>(&req, payload, body::JSON).await?);
    let (consignee_id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let review = state
        .db
        .write(move |c| {
            let row = store::create(c, &caller, at, today, &consignee_id, input)?;
            store::present_one(c, row)
        })
        .await?;
    Ok(conditional::created(location(review.id), review.version, &review))
}

/// List a consignee's reviews.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_consignee_reviews",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), ReviewQuery),
    responses(
        (status = 200, description = "A page of reviews", body = pagination::Page<Review>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/consignees/{id}/reviews")]
pub async fn list_for_consignee(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, ApiError> {
    respond_list(&req, &state, Scope::Path(id.into_inner().to_string()), query.into_inner()).await
}

/// List reviews across consignees.
///
/// In creation order; filter by consignee, kind, status and outcome.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_reviews",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, ReviewQuery, FormatQuery),
    responses(
        (status = 200, description = "A page of reviews, or all of them as CSV", content(
            (pagination::Page<Review> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
    )
)]
#[get("/reviews")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<ReviewQuery>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let consignee_id = filter.into_inner().consignee_id.map(|id| id.to_string());
    if csv::wanted(&req, format.format) {
        let query = query.into_inner();
        let scope = Scope::Filter(consignee_id);
        return scope::csv(&state, scope, super::csv::FORMAT, move |c, consignee_id, after, _, limit| {
            let page = ReviewQuery { cursor: after, ..query.clone() };
            let rows = store::list(c, consignee_id, &page, limit)?;
            store::present(c, rows)
        })
        .await;
    }
    respond_list(&req, &state, Scope::Filter(consignee_id), query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    query: ReviewQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    scope::page(
        req,
        state,
        scope,
        limit,
        |r: &Review| r.id.to_string(),
        move |c, consignee_id, _| {
            let rows = store::list(c, consignee_id, &query, limit + 1)?;
            Ok(store::present(c, rows)?
                .into_iter()
                .map(|r| {
                    let tag = Tag::version(r.version);
                    (r, tag)
                })
                .collect())
        },
    )
    .await
}

/// List the consignees whose review is due.
///
/// Approved and suspended consignees whose next review is due within the window (`within=30d`
/// by default) or overdue: the most overdue first, then by due date.
#[utoipa::path(
    tag = "reviews",
    operation_id = "list_due_reviews",
    security(("bearer" = ["read_register"])),
    params(DueQuery),
    responses(
        (status = 200, description = "A page of consignees due for review", body = pagination::Page<DueReview>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 422, description = "`within` is not a number of days such as `30d`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reviews/due")]
pub async fn due(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DueQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let days = due_list::window(query.within.as_deref())?;
    let limit = pagination::limit(query.limit)?;
    let after = query.cursor.as_deref().map(due_list::cursor).transpose()?;
    let today = state.today();
    let rows = state.db.run(move |c| due_list::list(c, today, days, after, limit + 1)).await?;
    let page = pagination::page(rows, limit, due_list::key, Ok)?;
    Ok(pagination::respond(&req, &page))
}

/// Get a review.
#[utoipa::path(
    tag = "reviews",
    operation_id = "get_review",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Review id"), IfNoneMatch),
    responses(
        (status = 200, description = "The review", body = Review, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/reviews/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let review = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            store::present_one(c, row)
        })
        .await?;
    conditional::resource(&req, review.version, &review)
}

/// Change an open review.
///
/// JSON merge patch (RFC 7396); `answers` and `evidence` are replaced whole. A completed review
/// is frozen (409).
#[utoipa::path(
    tag = "reviews",
    operation_id = "update_review",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Review id"), IfMatch),
    request_body(content(
        (ReviewPatch = "application/merge-patch+json"),
        (ReviewPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed review", body = Review, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The review is completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/reviews/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: ReviewPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let review = state
        .db
        .write(move |c| {
            let row = store::update(c, &caller, at, today, &id, expected, changes)?;
            store::present_one(c, row)
        })
        .await?;
    Ok(conditional::written(review.version, &review))
}

/// Complete a review.
///
/// Sets the outcome and freezes the answers; every active checklist item needs an answer.
/// `performed_on` defaults to the date already recorded, else today. Completing twice is 409,
/// whatever the body. The consignee's `next_review_due` moves on from `performed_on`.
#[utoipa::path(
    tag = "reviews",
    operation_id = "complete_review",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Review id"), IfMatch),
    request_body = ReviewCompletion,
    responses(
        (status = 200, description = "The completed review", body = Review, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Already completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: an unanswered or unknown checklist item, performed_on in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/{id}/complete")]
pub async fn complete(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Completing twice is 409 whatever the body: its media type and JSON are judged after that.
    let media = body::check_content_type(&req, body::JSON);
    let raw = body::read_limited(&req, payload).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let review = state
        .db
        .write(move |c| {
            let row = store::complete(c, &caller, at, supervision, &id, expected, (media, &raw))?;
            store::present_one(c, row)
        })
        .await?;
    Ok(conditional::written(review.version, &review))
}
