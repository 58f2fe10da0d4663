//! Authentication (bearer JWT) and authorization (the permission table).

pub mod guard;
pub mod handlers;
pub mod keys;
pub mod permissions;
pub mod rate_limit;
pub mod revocation;
pub mod store;
pub mod token;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::error::ApiError;
pub use permissions::{Permission, Role};
use revocation::Revocations;
use token::Verifier;

/// Everything the server needs to authenticate a request.
pub struct Auth {
    /// Signature and claim checks.
    pub verifier: Verifier,
    /// Revoked tokens.
    pub revocations: Revocations,
    /// Requests each subject may make, when limited.
    pub rate_limit: Option<rate_limit::RateLimit>,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token subject.
    pub sub: String,
    /// Role from the token.
    pub role: Role,
    /// Display name, when the token has one.
    pub name: Option<String>,
    /// Token id, when the token has one.
    pub jti: Option<String>,
    /// Id of the request being served, for the audit trail.
    pub request_id: Option<String>,
}

impl Caller {
    /// The server itself, for work it does on its own schedule or as a consequence of a change.
    pub fn system() -> Self {
        Self { sub: "system".to_owned(), role: Role::Admin, name: None, jti: None, request_id: None }
    }

    /// 403 unless the caller's role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if permission.granted_to(self.role) {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!(
            "this operation requires the {} role or higher; the token's role is {}",
            permission.least_role().as_str(),
            self.role.as_str()
        )))
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let missing = || ApiError::Unauthorized("send an Authorization: Bearer <token> header".to_owned());
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token.to_owned())
}

impl Caller {
    /// The caller of `req` from its bearer token: signature and claims, revocation, rate limit.
    pub async fn authenticate(req: &HttpRequest) -> Result<Self, ApiError> {
        let auth = req.app_data::<web::Data<Auth>>().cloned();
        let auth = auth.ok_or_else(|| ApiError::internal("authentication is not configured"))?;
        let (claims, role) = auth.verifier.authenticate(&bearer_token(req)?)?;
        if auth.revocations.is_revoked(&claims).await? {
            return Err(ApiError::Unauthorized("the token has been revoked".to_owned()));
        }
        if let Some(limit) = &auth.rate_limit {
            limit.admit(req, &claims.sub)?;
        }
        let request_id = crate::http::request_id::of(req);
        Ok(Caller { sub: claims.sub, role, name: claims.name, jti: claims.jti, request_id })
    }
}

/// The caller [`guard::authorize`] authenticated (and authorized) for this request; a request the
/// guard did not see is authenticated here.
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let known = req.extensions().get::<Caller>().cloned();
        let req = req.clone();
        Box::pin(async move {
            match known {
                Some(caller) => Ok(caller),
                None => Caller::authenticate(&req).await,
            }
        })
    }
}
