//! ETags from the row `version`, `If-None-Match` (304) and `If-Match` (412/428).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::ApiError;

/// Whether changes must carry `If-Match`.
#[derive(Debug, Clone, Copy)]
pub struct RequireIfMatch(pub bool);

/// The strong ETag for a row version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version a change must apply to, read from `If-Match`; `None` means "any".
pub fn expected_version(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let required = req.app_data::<RequireIfMatch>().is_some_and(|r| r.0);
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return if required { Err(ApiError::PreconditionRequired) } else { Ok(None) };
    };
    let value = value.to_str().unwrap_or("").trim();
    if value == "*" {
        return Ok(None);
    }
    value
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::PreconditionFailed("If-Match does not name a version of this resource".to_owned()))
}

/// Fails with 412 when the stored version is not the one the client expected.
pub fn check_version(expected: Option<i64>, current: i64) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != current => Err(ApiError::PreconditionFailed(format!(
            "the resource is at version {current}, not {v}; fetch it again and retry"
        ))),
        _ => Ok(()),
    }
}

/// A single resource with its ETag, or 304 when the client's copy is current.
pub fn resource<T: Serialize>(req: &HttpRequest, version: i64, body: &T) -> HttpResponse {
    let tag = etag(version);
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == tag || t.trim() == "*"));
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if matches {
        response.finish()
    } else {
        response.json(body)
    }
}
