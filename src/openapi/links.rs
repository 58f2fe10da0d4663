//! OpenAPI links from each create to the operations on what it created (create → get → update →
//! delete, and the actions and sub-collections below it), so clients and stateful fuzzers
//! can follow them: `$response.body#/id` (or `#/webhook/id` where the created record is
//! wrapped) fills the item path's parameter.

use serde_json::{Map, Value};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::{Link, LinkBuilder};
use utoipa::openapi::{OpenApi, RefOr};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

/// Adds the links to every 201 answer of a create.
pub fn add(doc: &mut OpenApi) {
    let value = serde_json::to_value(&*doc).expect("the OpenAPI document serializes");
    for Create { path, method, param, source, targets } in plan(&value) {
        let Some(item) = doc.paths.paths.get_mut(&path) else { continue };
        let operation = if method == "put" { item.put.as_mut() } else { item.post.as_mut() };
        let Some(RefOr::T(answer)) = operation.and_then(|op| op.responses.responses.get_mut("201")) else {
            continue;
        };
        for (operation_id, description) in targets {
            answer.links.insert(operation_id.clone(), link(&operation_id, &param, &source, description).into());
        }
    }
}

/// A link to `operation_id` filling `param` from the created body at the JSON pointer `source`.
/// utoipa 5.5's `Link` writes its own fields in snake case (`operation_id`), so `operationId`
/// goes in as a flattened key.
fn link(operation_id: &str, param: &str, source: &str, description: String) -> Link {
    let mut link =
        LinkBuilder::new().parameter(param, format!("$response.body#{source}")).description(description).build();
    link.extensions = Some(Extensions::from_iter([("operationId", operation_id)]));
    link
}

/// A create (a POST, or a sync's PUT, answering 201) and what to link it to.
struct Create {
    path: String,
    method: &'static str,
    /// The item path's parameter, filled from the created record's field of that name.
    param: String,
    /// Where that field is in the answer (`/id`, or `/webhook/id` for a wrapped record).
    source: String,
    /// (operationId, description) of each operation to link.
    targets: Vec<(String, String)>,
}

/// Every create, with the operations on the item path of what it creates.
fn plan(doc: &Value) -> Vec<Create> {
    let Some(paths) = doc["paths"].as_object() else { return Vec::new() };
    let mut links = Vec::new();
    for (item_path, item) in paths {
        let Some((collection, param)) = item_path_of(item_path) else { continue };
        let schema = response_schema(&item["get"], "200");
        let targets = operations_under(paths, item_path);
        for (path, entry) in paths {
            for method in ["post", "put"] {
                let creates = response_schema(&entry[method], "201");
                if creates.is_some() && (creates == schema || path == collection) {
                    let wrapper = creates.filter(|c| Some(*c) != schema).and_then(|c| wrapping(doc, c, schema?));
                    let source = wrapper.map_or(format!("/{param}"), |field| format!("/{field}/{param}"));
                    let (path, param, targets) = (path.clone(), param.to_owned(), targets.clone());
                    links.push(Create { path, method, param, source, targets });
                }
            }
        }
    }
    links
}

/// The property of schema `outer` (a `$ref`) that holds the record `inner` (a `$ref`).
fn wrapping<'a>(doc: &'a Value, outer: &str, inner: &str) -> Option<&'a str> {
    let name = outer.rsplit('/').next()?;
    let properties = doc["components"]["schemas"][name]["properties"].as_object()?;
    properties.iter().find(|(_, p)| p["$ref"].as_str() == Some(inner)).map(|(field, _)| field.as_str())
}

/// `/api/v1/things/{id}` → (`/api/v1/things`, `id`).
fn item_path_of(path: &str) -> Option<(&str, &str)> {
    let (collection, last) = path.rsplit_once('/')?;
    let param = last.strip_prefix('{')?.strip_suffix('}')?;
    (collection.starts_with("/api/v1/") && !collection.contains('{')).then_some((collection, param))
}

/// The `$ref` of an operation's JSON answer with `status`.
fn response_schema<'a>(operation: &'a Value, status: &str) -> Option<&'a str> {
    operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].as_str()
}

/// Every operation on `item_path` and the paths below it: (operationId, description).
fn operations_under(paths: &Map<String, Value>, item_path: &str) -> Vec<(String, String)> {
    let below = format!("{item_path}/");
    paths
        .iter()
        .filter(|(path, _)| *path == item_path || path.starts_with(&below))
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                let id = item[*method]["operationId"].as_str()?;
                Some((id.to_owned(), format!("{} {path} on what was created", method.to_uppercase())))
            })
        })
        .collect()
}
