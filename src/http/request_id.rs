//! Request ids: the caller's `X-Request-Id` when it is a sane token, otherwise a fresh UUID v7;
//! echoed on every response, recorded in the audit trail and in the request's log span.

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::HttpMessage;

/// The request-id header.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// The longest caller-supplied id that is kept.
pub const MAX_LEN: usize = 128;

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A caller's id is kept when it is 1–128 visible ASCII characters (no spaces or controls).
pub fn is_sane(value: &[u8]) -> bool {
    (1..=MAX_LEN).contains(&value.len()) && value.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// The caller's id if sane, else a new one.
pub fn choose(supplied: Option<&HeaderValue>) -> RequestId {
    match supplied.map(HeaderValue::as_bytes).filter(|v| is_sane(v)) {
        Some(value) => RequestId(String::from_utf8_lossy(value).into_owned()),
        None => RequestId(uuid::Uuid::now_v7().to_string()),
    }
}

/// Gives `req` its id and returns it (for the response header).
pub fn assign(req: &ServiceRequest) -> RequestId {
    let id = choose(req.headers().get(HEADER));
    req.extensions_mut().insert(id.clone());
    id
}

/// The id assigned to a request, if any.
pub fn of(req: &actix_web::HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

/// The root span of a request, carrying its id, method, path and status.
pub struct RootSpan;

impl tracing_actix_web::RootSpanBuilder for RootSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let id = request.extensions().get::<RequestId>().map(|id| id.0.clone()).unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = %id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        if let Ok(response) = outcome {
            span.record("status", response.status().as_u16());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sane_ids_and_replaces_the_rest() {
        let keep = HeaderValue::from_static("contract-sync:42/abc");
        assert_eq!(choose(Some(&keep)).0, "contract-sync:42/abc");
        for bad in ["", "has space", &"x".repeat(129)] {
            let value = HeaderValue::from_str(bad).unwrap();
            assert_ne!(choose(Some(&value)).0, bad);
        }
        let non_ascii = HeaderValue::from_bytes("é".as_bytes()).unwrap();
        assert_eq!(choose(Some(&non_ascii)).0.len(), 36);
        assert_eq!(choose(None).0.len(), 36);
    }
}
