//! ETags from the row `version`, `If-None-Match` (304) and `If-Match` (412/428).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use crate::error::ApiError;

/// The `If-Match` header as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// ETag (`"version"`) the change applies to; 412 when the resource has moved on.
    #[param(rename = "If-Match", nullable = false, pattern = r#"^(\*|"[0-9]+"|[0-9]+)$"#, example = "\"1\"")]
    pub if_match: Option<String>,
}

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
    // A bare version number is accepted as well as the quoted ETag; a weak ETag never
    // matches in If-Match (RFC 9110 §13.1.1), so it is refused as malformed.
    let digits = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BadRequest(
            "If-Match must be * or a strong ETag of this resource, e.g. \"3\"".to_owned(),
        ));
    }
    // A number too large to be a version names no version this resource has had.
    digits.parse::<i64>().map(Some).map_err(|_| ApiError::PreconditionFailed(format!("no version {digits}")))
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

fn single(mut response: HttpResponseBuilder, version: i64) -> HttpResponseBuilder {
    response.insert_header((header::ETAG, etag(version))).insert_header((header::CACHE_CONTROL, "private, no-cache"));
    response
}

/// A resource just created: 201 with its `Location` and ETag.
pub fn created<T: Serialize>(location: String, version: i64, body: &T) -> HttpResponse {
    single(HttpResponse::Created(), version).insert_header((header::LOCATION, location)).json(body)
}

/// A resource just changed: 200 with its new ETag (a change is never answered with 304).
pub fn written<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    single(HttpResponse::Ok(), version).json(body)
}

/// A single resource with its ETag, or 304 when the client's copy is current.
pub fn resource<T: Serialize>(req: &HttpRequest, version: i64, body: &T) -> HttpResponse {
    let tag = etag(version);
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == tag || t.trim() == "*"));
    if matches {
        single(HttpResponse::NotModified(), version).finish()
    } else {
        single(HttpResponse::Ok(), version).json(body)
    }
}
