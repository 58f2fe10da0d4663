//! Request normalization before routing: `HEAD` is served as `GET` (the server sends no body),
//! and a documented path with a trailing slash is served as the path without it.

use actix_web::dev::ServiceRequest;
use actix_web::http::{Method, Uri};
use actix_web::HttpMessage;

use super::route_table::RouteTable;

/// Marks a request that arrived as HEAD, so a streamed body need not be read at all.
#[derive(Debug, Clone, Copy)]
pub struct WasHead;

/// Whether the request arrived as HEAD.
pub fn was_head(req: &actix_web::HttpRequest) -> bool {
    req.extensions().contains::<WasHead>()
}

/// Rewrites `req` in place; the response to a HEAD request keeps GET's status and headers.
pub fn normalize(req: &mut ServiceRequest, table: &RouteTable) {
    if req.method() == Method::HEAD {
        // actix-http remembers that the request was HEAD and leaves the body out on the wire.
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(WasHead);
    }
    let path = req.path();
    let trimmed = path.trim_end_matches('/');
    if trimmed.len() < path.len() && !trimmed.is_empty() && table.is_documented(trimmed) {
        let target = match req.query_string() {
            "" => trimmed.to_owned(),
            query => format!("{trimmed}?{query}"),
        };
        if let Ok(uri) = target.parse::<Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
}
