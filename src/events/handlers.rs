//! The event feed endpoint.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::api::{Event, EventQuery, EventType};
use super::store;
use crate::error::ApiError;
use crate::http::pagination;
use crate::state::AppState;
use crate::validation;

/// The event types named in `types` (422 naming the unknown ones).
fn types_of(types: Option<&str>) -> Result<Vec<EventType>, ApiError> {
    let names = types.map(|t| t.split(',').filter(|n| !n.is_empty()).collect::<Vec<_>>()).unwrap_or_default();
    let unknown: Vec<&str> = names.iter().copied().filter(|n| n.parse::<EventType>().is_err()).collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid("types", "unknown", &format!("no event type {}", unknown.join(", "))));
    }
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// Read the event feed.
///
/// Every change to the register, and every scheduled occurrence (a memorandum expiring, a review
/// or finding overdue, …), in `seq` order. Poll with the last page's `next_cursor` (or the last
/// `seq` seen): an event is never committed behind a cursor already handed out, so a poller that
/// keeps its cursor sees each event exactly once, in order. Events carry ids, statuses and dates,
/// never personal data.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    security(("bearer" = ["read_register"])),
    params(EventQuery),
    responses(
        (status = 200, description = "A page of events, oldest first", body = pagination::Page<Event>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        (status = 422, description = "Unknown event type or bad cursor", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    let types = types_of(query.types.as_deref())?;
    let after = query.cursor.unwrap_or(0);
    let rows = state.db.run(move |c| store::list(c, after, &types, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.seq.to_string(), Event::try_from)?;
    Ok(pagination::respond(&req, &page))
}
