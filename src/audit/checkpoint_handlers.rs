//! Checkpoint endpoints: sign the chain head now, list checkpoints, list the public keys.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::checkpoint_api::{Checkpoint, CheckpointPage, KeyPage, PublicKey};
use super::{checkpoint, keyring};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::conditional::{self, IfNoneMatch};
use crate::http::pagination;
use crate::openapi::API_PREFIX;
use crate::state::AppState;
use crate::validation;

/// Sign a checkpoint now.
///
/// Signs the current head of the audit chain with the server's Ed25519 key (kept outside the
/// database), numbered after the newest checkpoint and linked to it (`prev`), and publishes it
/// in the event feed as `audit.checkpoint_created`. Keep checkpoints outside the service too (a
/// webhook subscribed to that type hands each one to a witness): `verify` detects a chain that was
/// truncated or rewritten behind any checkpoint it is given, and a checkpoint that was deleted.
#[utoipa::path(
    tag = "audit",
    operation_id = "create_audit_checkpoint",
    security(("bearer" = ["administer"])),
    responses((status = 201, description = "The new checkpoint", body = Checkpoint,
        headers(("Location" = String, description = "URL of the checkpoint"))))
)]
#[post("/audit/checkpoints")]
pub async fn create_checkpoint(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let row = state.checkpointer.checkpoint(&state.db, caller, state.clock.now()).await?;
    let location = format!("{API_PREFIX}/audit/checkpoints/{}", row.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Checkpoint::try_from(row)?))
}

/// Get a checkpoint.
///
/// Checkpoints never change once signed, so their ETag is always `"1"`.
#[utoipa::path(
    tag = "audit",
    operation_id = "get_audit_checkpoint",
    security(("bearer" = ["read_audit"])),
    params(("id" = Uuid, Path, description = "Checkpoint id"), IfNoneMatch),
    responses(
        (status = 200, description = "The checkpoint", body = Checkpoint, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/audit/checkpoints/{id}")]
pub async fn get_checkpoint(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let row = state.db.run(move |c| checkpoint::get(c, &id)).await?;
    conditional::resource(&req, 1, &Checkpoint::try_from(row)?)
}

/// List checkpoints.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_checkpoints",
    security(("bearer" = ["read_audit"])),
    params(CheckpointPage),
    responses((status = 200, description = "A page of checkpoints, oldest first", body = pagination::Page<Checkpoint>))
)]
#[get("/audit/checkpoints")]
pub async fn list_checkpoints(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CheckpointPage>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let after = query.cursor.map(|id| id.to_string());
    let rows = state.db.run(move |c| checkpoint::list(c, after, limit + 1)).await?;
    let page = pagination::page(rows, limit, |r| r.id.clone(), Checkpoint::try_from)?;
    Ok(pagination::respond(&req, &page))
}

/// List the checkpoint signing keys.
///
/// Every public key the server has signed checkpoints with, in PEM, so an auditor can check
/// signatures outside the service.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_public_keys",
    security(("bearer" = ["read_audit"])),
    params(KeyPage),
    responses((status = 200, description = "A page of public keys", body = pagination::Page<PublicKey>))
)]
#[get("/audit/public-keys")]
pub async fn list_public_keys(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<KeyPage>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    let rows = state.db.run(move |c| keyring::list(c, query.cursor, limit + 1)).await?;
    let current = state.checkpointer.key().key_id.clone();
    let page = pagination::page(rows, limit, |r| r.key_id.clone(), |r| Ok(PublicKey::from_row(r, &current)))?;
    Ok(pagination::respond(&req, &page))
}
