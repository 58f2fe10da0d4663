//! Error handlers that make actix's own extractor failures answer problem+json.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use crate::error::ApiError;
use crate::http::body::public_message;

/// Path parameters that do not parse (an invalid UUID) name no resource: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_: PathError, req: &HttpRequest| {
        ApiError::NotFound(format!("no resource at {}", req.path())).into()
    })
}

/// Query strings that do not parse: 400 with the reason.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req: &HttpRequest| {
        ApiError::BadRequest(format!("invalid query string: {}", public_message(&err.to_string()))).into()
    })
}
