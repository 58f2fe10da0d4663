//! Requests no route took: 405 with `Allow` for a documented path, 404 otherwise.

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use super::route_table::RouteTable;
use crate::error::ApiError;

/// Answers requests that no route took.
pub async fn not_routed(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let error = match table.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed(allow),
        None => ApiError::NotFound(format!("no route for {}", req.path())),
    };
    error.error_response()
}
