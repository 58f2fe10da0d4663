//! Who-am-I and token revocation endpoints.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::permissions::{permissions_of, Permission, Role};
use super::store::{self, Revocation, Target};
use super::Caller;
use crate::error::{ApiError, Problem};
use crate::http::{body, pagination};
use crate::state::AppState;
use crate::validation;

/// The caller as the token describes it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"sub": "alice", "role": "procurement", "name": "Alice Tanaka",
    "jti": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "permissions": ["read_register", "edit_register"]}))]
pub struct Me {
    /// Token subject.
    pub sub: String,
    /// Role.
    pub role: Role,
    /// Display name.
    pub name: Option<String>,
    /// Token id.
    pub jti: Option<String>,
    /// What this role may do.
    pub permissions: Vec<Permission>,
}

/// Who am I.
#[utoipa::path(tag = "auth", operation_id = "get_me",
    security(("bearer" = [])), responses((status = 200, description = "The caller", body = Me)))]
#[get("/auth/me")]
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(Me {
        permissions: permissions_of(caller.role),
        sub: caller.sub,
        role: caller.role,
        name: caller.name,
        jti: caller.jti,
    })
}

/// What a revocation covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(example = "subject")]
pub enum RevocationScope {
    /// One token, named by its `jti`.
    Token,
    /// Every token issued to a subject up to now.
    Subject,
}

/// Revoke one token or every token of a subject issued so far.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scope": "subject", "value": "contract-system", "reason": "service account key rotated"}))]
pub struct RevocationRequest {
    /// Whether `value` is a token id or a subject.
    pub scope: RevocationScope,
    /// The `jti` or the `sub` to revoke.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub value: String,
    /// Why.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Revoke tokens.
///
/// Takes effect on this node at once and on every node within the revocation cache lifetime.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_revocation",
    security(("bearer" = ["administer"])),
    request_body = RevocationRequest,
    responses(
        (status = 201, description = "Revoked", body = Revocation),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/revocations")]
pub async fn revoke(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    auth: web::Data<super::Auth>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: RevocationRequest = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let at = state.clock.now();
    let value = Some(input.value);
    let target = match input.scope {
        RevocationScope::Token => Target { jti: value, subject: None },
        RevocationScope::Subject => Target { jti: None, subject: value },
    };
    let max_ttl = auth.verifier.max_ttl();
    let revocation = state.db.write(move |c| store::insert(c, &caller, at, target, input.reason, max_ttl)).await?;
    auth.revocations.invalidate();
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(revocation))
}

/// List revocations.
#[utoipa::path(
    tag = "auth",
    operation_id = "list_revocations",
    security(("bearer" = ["administer"])),
    params(pagination::IdPage),
    responses((status = 200, description = "A page of revocations, oldest first", body = pagination::Page<Revocation>))
)]
#[get("/auth/revocations")]
pub async fn list_revocations(
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

/// Registers the auth routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(me).service(revoke).service(list_revocations);
}
