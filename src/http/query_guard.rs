//! Refuses methods a documented path does not have (405) and query parameters an operation does
//! not document (400), so a misspelt filter never silently returns everything.

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use futures_util::future::{ready, Either, Ready};

use super::route_table::RouteTable;

/// Calls `srv` unless the method is not documented for the path (405), or the query names an
/// undocumented parameter or holds a NUL character (400).
pub fn refuse_undocumented_query<S>(
    table: &RouteTable,
    req: ServiceRequest,
    srv: &S,
) -> Either<S::Future, Ready<Result<ServiceResponse, actix_web::Error>>>
where
    S: Service<ServiceRequest, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (method, path) = (req.method().as_str(), req.path());
    match table.check(method, path, req.query_string()) {
        Ok(()) => Either::Left(srv.call(req)),
        Err(error) => Either::Right(ready(Ok(req.error_response(error)))),
    }
}
