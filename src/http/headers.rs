//! Headers every response carries: `nosniff`, a cache policy, CORS for configured origins only.

use actix_cors::Cors;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;

use crate::config::HttpSettings;

/// Adds `X-Content-Type-Options: nosniff` to every response, and `Cache-Control: no-store` to
/// any that set no policy of its own (errors, actions), except static assets (Swagger UI's).
pub fn harden(headers: &mut HeaderMap, static_asset: bool) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(header::CACHE_CONTROL) && !static_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// CORS for the allow-listed origins (`CR_CORS_ALLOWED_ORIGINS`); with none, a policy that
/// is switched off, so browsers keep their same-origin rule.
pub fn cors(settings: &HttpSettings) -> Cors {
    let methods = [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE];
    let allowed = [
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::HeaderName::from_static("idempotency-key"),
        header::HeaderName::from_static("x-request-id"),
    ];
    let exposed = [
        header::ETAG,
        header::LOCATION,
        header::LINK,
        header::RETRY_AFTER,
        header::CONTENT_DISPOSITION,
        header::HeaderName::from_static("x-request-id"),
        header::HeaderName::from_static("idempotent-replayed"),
    ];
    let origins = settings.cors_allowed_origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty());
    origins
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(methods)
        .allowed_headers(allowed)
        .expose_headers(exposed)
        .max_age(600)
        .block_on_origin_mismatch(false)
}

/// Each allowed origin must be an origin: `http(s)://host[:port]`, no path, no wildcard.
pub fn check_origins(settings: &HttpSettings) -> Result<(), String> {
    for origin in settings.cors_allowed_origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let parsed = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        if parsed.is_none_or(|u| u.origin().ascii_serialization() != origin) {
            return Err(format!("CR_CORS_ALLOWED_ORIGINS: {origin} is not an origin such as https://app.example.com"));
        }
    }
    Ok(())
}

/// Whether any origin is allowed, i.e. CORS is on.
pub fn cors_enabled(settings: &HttpSettings) -> bool {
    settings.cors_allowed_origins.iter().any(|o| !o.trim().is_empty())
}
