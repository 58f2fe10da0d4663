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
/// Erases the person's e-mail address and name, given either or both, from every table of the
/// database, read from its catalog at run time. Fields that hold a person (a consignee's contact:
/// name, e-mail and phone; memorandum signatories, signed ones too: erasure overrides freezing;
/// consent givers of sub-consignments; entrustments' responsible persons; reviewers) are erased
/// whole when they hold the person. In all other text (notes, descriptions, file names, the
/// responses kept for `Idempotency-Key` retries, event data, request ids) the e-mail is replaced
/// by `[erased]` (ASCII case ignored), a name that is a whole quoted value too; a name inside
/// other words is not replaced but listed under `needs_review`. Audit events whose recorded
/// changes hold the person are redacted (the chain still verifies). All in one transaction, each
/// change audited without the values. Record types under a retention duty (`CR_ERASURE_RETAIN`)
/// and the columns the erasure must not rewrite (the audit chain's hashed fields, token subjects,
/// record keys, the request id of events hashed with it) are listed under `withheld` with the
/// reason. The stored erasure keeps only the reference and the counts. The contents of uploaded
/// documents are not searched.
#[utoipa::path(
    tag = "privacy",
    operation_id = "create_erasure",
    security(("bearer" = ["administer"])),
    request_body = ErasureRequest,
    responses(
        (status = 201, description = "Erased: what changed and what was withheld", body = ErasureReport,
            headers(("Location" = String, description = "The stored erasure"))),
        (status = 422, description = "Invalid fields, neither email nor name, or a reference holding the person", body = Problem, content_type = "application/problem+json"),
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
    if person.is_in(&input.reference) {
        let message = "the reference is kept with the erasure: it may not hold the person's e-mail or name";
        return Err(ApiError::invalid("reference", "personal_data", message));
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
