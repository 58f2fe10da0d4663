//! Who-am-I and token revocation endpoints.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::permissions::{permissions_of, Permission, Role};
use super::Caller;
use crate::audit::{self, Change};
use crate::clock::{Clock, SystemClock};
use crate::db::schema::token_revocations as tr;
use crate::error::{ApiError, Problem};
use crate::http::{body, pagination};
use crate::startup::AppState;
use crate::validation;

/// The caller as the token describes it.
#[derive(Debug, Serialize, ToSchema)]
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
#[utoipa::path(tag = "auth", responses((status = 200, description = "The caller", body = Me)))]
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

/// A stored revocation.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct Revocation {
    /// Revocation id.
    pub id: String,
    /// Revoked token id.
    pub jti: Option<String>,
    /// Revoked subject (tokens issued up to `revoked_at`).
    pub subject: Option<String>,
    /// When.
    #[schema(value_type = DateTime<Utc>)]
    #[serde(serialize_with = "utc")]
    pub revoked_at: chrono::NaiveDateTime,
    /// Why.
    pub reason: String,
    /// Who.
    pub created_by: String,
}

fn utc<S: serde::Serializer>(at: &chrono::NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    at.and_utc().serialize(s)
}

/// Revoke tokens.
///
/// Takes effect on this node at once and on every node within the revocation cache lifetime.
#[utoipa::path(
    tag = "auth",
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
    caller.require(Permission::Administer)?;
    let input: RevocationRequest = body::json(&req, payload, body::JSON).await?;
    validation::check(&input)?;
    let at = state.clock.now();
    let revocation = state.db.write(move |c| store(c, &caller, at, input)).await?;
    auth.revocations.invalidate();
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(revocation))
}

fn store(
    conn: &mut crate::db::DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    input: RevocationRequest,
) -> Result<Revocation, ApiError> {
    let value = Some(input.value);
    let (jti, subject) = match input.scope {
        RevocationScope::Token => (value, None),
        RevocationScope::Subject => (None, value),
    };
    let revocation = Revocation {
        id: uuid::Uuid::now_v7().to_string(),
        jti,
        subject,
        // Tokens carry wall-clock `iat`, so the revocation moment is wall-clock time too.
        revoked_at: SystemClock.now().naive_utc(),
        reason: input.reason,
        created_by: caller.sub.clone(),
    };
    diesel::insert_into(tr::table)
        .values((
            tr::id.eq(&revocation.id),
            tr::jti.eq(&revocation.jti),
            tr::subject.eq(&revocation.subject),
            tr::revoked_at.eq(revocation.revoked_at),
            tr::reason.eq(&revocation.reason),
            tr::created_by.eq(&revocation.created_by),
        ))
        .execute(conn)?;
    let changes = serde_json::json!({ "after": { "jti": revocation.jti, "subject": revocation.subject, "reason": revocation.reason } });
    let change = Change {
        action: "token.revoked".to_owned(),
        resource_type: "token_revocation",
        resource_id: revocation.id.clone(),
        consignee_id: None,
        changes,
    };
    audit::append(conn, caller, at, change)?;
    Ok(revocation)
}

/// Paging for the revocation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevocationQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<uuid::Uuid>,
}

/// List revocations.
#[utoipa::path(
    tag = "auth",
    params(RevocationQuery),
    responses((status = 200, description = "A page of revocations, oldest first", body = pagination::Page<Revocation>))
)]
#[get("/auth/revocations")]
pub async fn list_revocations(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<RevocationQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let limit = pagination::limit(query.limit)?;
    let after = query.cursor.map(|id| id.to_string()).unwrap_or_default();
    let rows: Vec<Revocation> = state
        .db
        .run(move |c| Ok(tr::table.filter(tr::id.gt(after)).order(tr::id.asc()).limit(limit + 1).load(c)?))
        .await?;
    let page = pagination::page(rows, limit, |r| r.id.clone(), Ok)?;
    Ok(pagination::respond(&req, &page))
}

/// Registers the auth routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(me).service(revoke).service(list_revocations);
}
