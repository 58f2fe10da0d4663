//! Webhook endpoints (admins): register, change, rotate the secret, see and repeat deliveries.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{
    Delivery, DeliveryQuery, RotatedSecret, Webhook, WebhookInput, WebhookPatch, WebhookQuery, WebhookWithSecret,
};
use super::{deliveries, store};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch, Tag};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// Register a webhook.
///
/// Events of the listed types (all when none are listed) are POSTed to `url` as JSON (the
/// `Event` schema), signed by the Standard Webhooks scheme: headers `webhook-id` (`evt_<seq>`, the
/// same on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed by the base64-decoded part of
/// the secret after `whsec_`; several space-separated after a rotation). Reject timestamps more
/// than five minutes off. A 2xx answer delivers; anything else is retried with exponential backoff
/// and jitter until `CR_WEBHOOK_RETRY_FOR` has passed, after which the webhook is disabled.
/// The secret is in this response only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "create_webhook",
    security(("bearer" = ["administer"])),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = WebhookWithSecret,
            headers(("Location" = String, description = "URL of the webhook"), ("ETag" = String, description = "Version tag"))),
        (status = 422, description = "Invalid fields, or a URL that may not be delivered to", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: WebhookInput = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let (at, allow) = (state.clock.now(), state.webhooks.allow.clone());
    let row = state.db.write(move |c| store::create(c, &caller, at, &allow, input)).await?;
    let created = WebhookWithSecret { webhook: row.to_api()?, secret: row.secret.clone() };
    Ok(conditional::created(format!("/api/v1/webhooks/{}", row.id), Tag::version(row.version), &created))
}

/// List webhooks.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhooks",
    security(("bearer" = ["administer"])),
    params(WebhookQuery),
    responses((status = 200, description = "A page of webhooks", body = pagination::Page<Webhook>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("/webhooks")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<WebhookQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = query.cursor.map(|id| id.to_string());
    let rows = state.db.run(move |c| store::list(c, after, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.id.clone(), |r| r.to_api())?;
    Ok(pagination::respond(&req, &page))
}

/// Get a webhook.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "get_webhook",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), IfNoneMatch),
    responses(
        (status = 200, description = "The webhook", body = Webhook, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let row = state.db.run(move |c| store::get(c, &id)).await?;
    conditional::resource(&req, Tag::version(row.version), &row.to_api()?)
}

/// Change a webhook.
///
/// JSON merge patch (RFC 7396). `enabled: true` re-enables a webhook that was disabled after
/// failing; its pending deliveries resume.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "update_webhook",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), IfMatch),
    request_body(content((WebhookPatch = "application/merge-patch+json"), (WebhookPatch = "application/json"))),
    responses(
        (status = 200, description = "The changed webhook", body = Webhook, headers(("ETag" = String, description = "Version tag"))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: WebhookPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    validation::check(&changes)?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, allow) = (id.into_inner().to_string(), state.clock.now(), state.webhooks.allow.clone());
    let row = state.db.write(move |c| store::update(c, &caller, at, &allow, &id, expected, changes)).await?;
    Ok(conditional::written(Tag::version(row.version), &row.to_api()?))
}

/// Delete a webhook and its delivery history.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "delete_webhook",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), IfMatch),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = conditional::expected_version(&req)?;
    let (id, at) = (id.into_inner().to_string(), state.clock.now());
    state.db.write(move |c| store::delete(c, &caller, at, &id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook's secret.
///
/// Answers the new secret (shown this once). For `CR_WEBHOOK_SECRET_GRACE` (default 24 h)
/// deliveries carry a signature by each secret, so the receiver can switch without losing any.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), IfMatch),
    responses(
        (status = 200, description = "The new secret", body = RotatedSecret, headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = conditional::expected_version(&req)?;
    let (id, at, grace) = (id.into_inner().to_string(), state.clock.now(), state.webhooks.grace_chrono());
    let row = state.db.write(move |c| store::rotate(c, &caller, at, &id, expected, grace)).await?;
    let expires = row
        .to_api()?
        .previous_secret_expires_at
        .ok_or_else(|| ApiError::internal("rotation without a grace period"))?;
    let rotated = RotatedSecret { secret: row.secret.clone(), previous_secret_expires_at: expires };
    Ok(conditional::written(Tag::version(row.version), &rotated))
}

/// List a webhook's deliveries.
///
/// Newest first, each with every attempt (when, the answer's status or the error, latency).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), DeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = pagination::Page<Delivery>,
        headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, query) = (id.into_inner().to_string(), query.into_inner());
    let limit = pagination::limit(query.limit)?;
    let rows = state
        .db
        .run(move |c| {
            store::get(c, &id)?;
            deliveries::list(c, &id, &query, limit + 1)
        })
        .await?;
    let page = pagination::page(rows, limit, |d| d.id.clone(), Ok)?;
    Ok(pagination::respond(&req, &page))
}

/// Deliver an event again.
///
/// Queues a new delivery of the same event (same `webhook-id`, so a receiver that already
/// processed it can tell). 409 while the webhook is disabled.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliver_webhook_delivery",
    security(("bearer" = ["administer"])),
    params(("id" = Uuid, Path, description = "Webhook id"), ("delivery_id" = Uuid, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued", body = Delivery),
        (status = 409, description = "The webhook is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(state: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let (id, delivery_id, at) = (id.to_string(), delivery_id.to_string(), state.clock.now());
    let delivery = state
        .db
        .write(move |c| {
            let row = deliveries::redeliver(c, &id, &delivery_id, at)?;
            deliveries::get(c, &row.id)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
