//! The default service: 405 with `Allow` for a known path, 404 otherwise, both problem+json.

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

/// The paths and methods the API serves, read from its OpenAPI document.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl RouteTable {
    /// Every path template of `doc` with its methods.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let value = serde_json::to_value(&doc.paths).unwrap_or_default();
        let routes = value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = item
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(m, _)| m.to_ascii_uppercase())
                    .filter(|m| METHODS.contains(&m.as_str()))
                    .collect();
                (segments(path), methods)
            })
            .collect();
        Self { routes }
    }

    /// Methods allowed on `path`, if some template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts = segments(path);
        self.routes.iter().find(|(template, _)| matches(template, &parts)).map(|(_, methods)| methods.clone())
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/').split('/').map(str::to_owned).collect()
}

fn matches(template: &[String], parts: &[String]) -> bool {
    template.len() == parts.len()
        && template.iter().zip(parts).all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Answers requests that no route took.
pub async fn not_routed(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let error = match table.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed(allow),
        None => ApiError::NotFound(format!("no route for {}", req.path())),
    };
    error.error_response()
}
