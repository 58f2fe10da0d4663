//! Request normalization before routing: `HEAD` is served as `GET` (the server sends no body),
//! and a documented path with a trailing slash is served as the path without it.

use actix_web::dev::ServiceRequest;
use actix_web::http::{Method, Uri};

use super::route_table::RouteTable;

/// Rewrites `req` in place; the response to a HEAD request keeps GET's status and headers.
pub fn normalize(req: &mut ServiceRequest, table: &RouteTable) {
    if req.method() == Method::HEAD {
        // actix-http remembers that the request was HEAD and leaves the body out on the wire.
        req.head_mut().method = Method::GET;
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
