//! The route guard, ahead of everything a request costs. From the route table (read from the
//! OpenAPI document) it refuses a method the path does not have (405) and a query parameter the
//! operation does not document (400); then it checks the route's access (the operation's
//! security requirement: token 401, role 403) and its body limit against the declared length
//! (413), before an `Idempotency-Key` is claimed, a body byte is read or the handler runs.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use super::{Caller, Permission};
use crate::error::ApiError;
use crate::http::route_table::{Access, BodyKind, RouteTable};
use crate::state::AppState;

/// The most a route's body may hold, known once its caller is authorized.
#[derive(Debug, Clone, Copy)]
pub struct RouteBodyLimit(pub usize);

/// The middleware: refuses undocumented methods and query parameters (405, 400), authenticates
/// and authorizes the caller of every operation that needs a token (401, 403), refuses a declared
/// body over the route's limit (413), and hands the caller and the limit on in the request's
/// extensions.
pub async fn authorize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let table = req.app_data::<web::Data<RouteTable>>().cloned();
    let route = match table.as_deref().map(|t| t.check(req.method().as_str(), req.path(), req.query_string())) {
        Some(Err(e)) => return Ok(req.error_response(e)),
        Some(Ok(operation)) => operation.and_then(|op| needs(&op.access).map(|needed| (needed, op.body))),
        None => None,
    };
    let Some((needed, body)) = route else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let caller = match Caller::authenticate(req.request()).await {
        Ok(caller) => caller,
        Err(e) => return Ok(req.error_response(e)),
    };
    if let Err(e) = needed.and_then(|permission| permission.map_or(Ok(()), |p| caller.require(p))) {
        return Ok(req.error_response(e));
    }
    if let Some(limit) = body.and_then(|kind| limit_of(&req, kind)) {
        if let Err(e) = within_declared(&req, limit) {
            return Ok(req.error_response(e));
        }
        req.extensions_mut().insert(RouteBodyLimit(limit));
    }
    req.extensions_mut().insert(caller);
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// What the caller of an operation must hold, read once per request without copying the route:
/// `None` for a public one, else a token and the permission its scope names, if any (an unknown
/// scope is a mistake in the code: 500).
fn needs(access: &Access) -> Option<Result<Option<Permission>, ApiError>> {
    match access {
        Access::Public => None,
        Access::Authenticated => Some(Ok(None)),
        Access::Scope(scope) => Some(
            Permission::from_scope(scope)
                .map(Some)
                .ok_or_else(|| ApiError::internal(format!("the operation names an unknown permission {scope:?}"))),
        ),
    }
}

/// The configured limit for a body of `kind`.
fn limit_of(req: &ServiceRequest, kind: BodyKind) -> Option<usize> {
    let state = req.app_data::<web::Data<AppState>>()?;
    Some(match kind {
        BodyKind::Json => state.body_limit,
        BodyKind::Csv => state.import_limit,
        BodyKind::Document => state.document_limit,
    })
}

/// 413 when the request declares a body over `limit` (a body sent without a length is counted
/// as it is read).
fn within_declared(req: &ServiceRequest, limit: usize) -> Result<(), ApiError> {
    let declared = req.headers().get(actix_web::http::header::CONTENT_LENGTH);
    match declared.and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()) {
        Some(length) if length > limit as u64 => {
            Err(ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes")))
        }
        _ => Ok(()),
    }
}
