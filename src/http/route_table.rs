//! What the OpenAPI document says about each route (paths, methods, query parameters, who may
//! call it, what body it takes), for the plumbing that actix cannot do alone: 405 with `Allow`,
//! HEAD, trailing slashes, unknown query parameters, and authorization ahead of the body.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::ApiError;

/// Who may call an operation, as its `security` requirement in the document says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// No token needed (probes, metrics).
    Public,
    /// Any valid token (`bearer: []`).
    Authenticated,
    /// A token whose role holds the permission named by the bearer scheme's scope.
    Scope(String),
}

/// The kind of request body an operation takes, which decides its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON (`CR_BODY_LIMIT`).
    Json,
    /// A CSV import (`CR_IMPORT_LIMIT`).
    Csv,
    /// An uploaded document (`CR_DOCUMENT_LIMIT`).
    Document,
}

/// One documented operation: its query parameters, access and body.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Documented query parameter names.
    query: Vec<String>,
    /// Who may call it.
    pub access: Access,
    /// The body it takes, if any.
    pub body: Option<BodyKind>,
}

/// One documented path template.
#[derive(Debug, Clone)]
struct Route {
    segments: Vec<String>,
    /// Method → the operation.
    methods: HashMap<String, Operation>,
}

/// The paths, methods and query parameters the API serves, read from its OpenAPI document.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    /// Templates by their number of segments, so a lookup compares only those of the right length.
    routes: HashMap<usize, Vec<Route>>,
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

fn query_names(operation: &Value) -> Vec<String> {
    let params = operation["parameters"].as_array().into_iter().flatten();
    params.filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str().map(str::to_owned)).collect()
}

/// The access an operation's first security requirement grants: none is public, an empty bearer
/// scope any token, a scope the permission it names.
fn access_of(operation: &Value) -> Access {
    let Some(scopes) = operation["security"][0]["bearer"].as_array() else { return Access::Public };
    match scopes.first().and_then(Value::as_str) {
        None => Access::Authenticated,
        Some(scope) => Access::Scope(scope.to_owned()),
    }
}

/// The body an operation takes, by the media types it accepts.
fn body_of(operation: &Value) -> Option<BodyKind> {
    let content = operation["requestBody"]["content"].as_object()?;
    Some(if content.keys().any(|t| t.ends_with("json")) {
        BodyKind::Json
    } else if content.contains_key("text/csv") {
        BodyKind::Csv
    } else {
        BodyKind::Document
    })
}

fn operation_of(operation: &Value) -> Operation {
    Operation { query: query_names(operation), access: access_of(operation), body: body_of(operation) }
}

impl RouteTable {
    /// Every path template of `doc` with its methods and query parameters.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let paths = serde_json::to_value(&doc.paths).unwrap_or_default();
        let routes = paths
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = item
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(m, op)| (m.to_ascii_uppercase(), operation_of(op)))
                    .filter(|(m, _)| METHODS.contains(&m.as_str()))
                    .collect();
                Route { segments: segments(path), methods }
            })
            .collect::<Vec<Route>>();
        let mut by_length: HashMap<usize, Vec<Route>> = HashMap::new();
        for route in routes {
            by_length.entry(route.segments.len()).or_default().push(route);
        }
        Self { routes: by_length }
    }

    /// The template matching `path`, a literal segment winning over a parameter
    /// (`/reviews/due` over `/reviews/{id}`).
    fn find(&self, path: &str) -> Option<&Route> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let literals = |route: &Route| route.segments.iter().filter(|s| !s.starts_with('{')).count();
        let candidates = self.routes.get(&parts.len())?;
        candidates.iter().filter(|route| matches(&route.segments, &parts)).max_by_key(|route| literals(route))
    }

    /// A 405 naming the allowed methods when `path` is documented but `method` is not, so a
    /// literal path never falls through to a parameter path's handler; a 400 naming the first
    /// query parameter the operation does not document, or one holding a NUL character.
    /// Otherwise the documented operation serving the request (GET's for HEAD), if any.
    pub fn check(&self, method: &str, path: &str, query: &str) -> Result<Option<&Operation>, ApiError> {
        let Some(route) = self.find(path) else { return Ok(None) };
        let get = route.methods.contains_key("GET");
        if !(route.methods.contains_key(method) || (method == "HEAD" && get) || method == "OPTIONS") {
            return Err(ApiError::MethodNotAllowed(allowed_on(route)));
        }
        if let Some(documented) = route.methods.get(method) {
            check_names(&documented.query, query)?;
        }
        Ok(route.methods.get(if method == "HEAD" { "GET" } else { method }))
    }

    /// Methods allowed on `path` (HEAD wherever GET is), if some template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        self.find(path).map(allowed_on)
    }

    /// Every documented path template (`/api/v1/consignees/{id}`).
    pub fn templates(&self) -> impl Iterator<Item = String> + '_ {
        self.routes.values().flatten().map(|route| route.segments.join("/"))
    }

    /// True when `path` (exactly, without a trailing slash) is a documented route.
    pub fn is_documented(&self, path: &str) -> bool {
        !path.ends_with('/') && self.find(path).is_some()
    }
}

/// The methods of `route`, with HEAD wherever GET is.
fn allowed_on(route: &Route) -> Vec<String> {
    let mut methods: Vec<String> = route.methods.keys().cloned().collect();
    if route.methods.contains_key("GET") {
        methods.push("HEAD".to_owned());
    }
    methods.sort();
    methods
}

/// A 400 naming the first parameter of `query` not in `documented`, or holding a NUL character.
fn check_names(documented: &[String], query: &str) -> Result<(), ApiError> {
    if query.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    if let Some((name, _)) = pairs.iter().find(|(name, _)| !documented.contains(name)) {
        return Err(ApiError::BadRequest(format!("unknown query parameter `{name}`")));
    }
    match pairs.iter().find(|(_, value)| value.contains('\0')) {
        Some((name, _)) => Err(ApiError::BadRequest(format!("query parameter `{name}` contains a NUL character"))),
        None => Ok(()),
    }
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/').split('/').map(str::to_owned).collect()
}

fn matches(template: &[String], parts: &[&str]) -> bool {
    template.len() == parts.len()
        && template.iter().zip(parts).all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}
