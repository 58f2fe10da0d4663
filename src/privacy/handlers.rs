//! `POST /privacy/erasures` and the stored erasures.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::api::{Erasure, ErasureReport, ErasureRequest};
use super::person::Person;
use super::store;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// Erase a person's data.
///
/// Erases the person's e-mail address and name, given either or both, from every record that
/// holds them: consignee contacts (name, e-mail and phone), memorandum signatories (signed
/// ones too: erasure overrides freezing), entrustments' responsible persons, reviewers, the
/// responses kept for `Idempotency-Key` retries, and the changes recorded in audit events
/// (redacted; the chain still verifies). All in one transaction, each change audited without
/// the values. Record types under a retention duty (`CR_ERASURE_RETAIN`) are withheld and
/// listed with the reason. The stored erasure keeps only the reference and the counts. Token
/// subjects (`created_by`, `actor`) are pseudonymous account ids and stay.
#[utoipa::path(
    tag = "privacy",
    operation_id = "create_erasure",
    security(("bearer" = ["administer"])),
    request_body = ErasureRequest,
    responses(
        (status = 201, description = "Erased: what changed and what was withheld", body = ErasureReport,
            headers(("Location" = String, description = "The stored erasure"))),
        (status = 422, description = "Invalid fields, or neither email nor name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/privacy/erasures")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: ErasureRequest = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let person = Person::new(input.email.as_deref(), input.name.as_deref());
    if person.email().is_none() && person.name().is_none() {
        return Err(ApiError::invalid("email", "required", "give the person's email, name or both"));
    }
    let (at, retain) = (state.clock.now(), state.erasure_retain.clone());
    let reference = input.reference;
    let report = state.db.write(move |c| store::erase(c, &caller, at, &reference, person, &retain)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/privacy/erasures/{}", report.erasure.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(report))
}

/// List erasures.
#[utoipa::path(
    tag = "privacy",
    operation_id = "list_erasures",
    security(("bearer" = ["administer"])),
    params(pagination::IdPage),
    responses((status = 200, description = "A page of erasures, oldest first", body = pagination::Page<Erasure>))
)]
#[get("/privacy/erasures")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<pagination::IdPage>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let after = query.cursor.map(|id| id.to_string()).unwrap_or_default();
    let rows = state.db.run(move |c| store::list(c, after, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.id.clone(), Ok)?;
    Ok(pagination::respond(&req, &page))
}

/// Get an erasure.
#[utoipa::path(
    tag = "privacy",
    operation_id = "get_erasure",
    security(("bearer" = ["administer"])),
    params(("id" = uuid::Uuid, Path, description = "Erasure id")),
    responses((status = 200, description = "The erasure: reference and counts", body = Erasure))
)]
#[get("/privacy/erasures/{id}")]
pub async fn get(state: web::Data<AppState>, id: web::Path<uuid::Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let erasure = state.db.run(move |c| store::get(c, &id)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(erasure))
}

/// Registers the privacy routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create).service(list).service(get);
}
