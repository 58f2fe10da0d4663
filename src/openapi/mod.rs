//! The OpenAPI document: info, tags, the bearer scheme, and the error responses every operation shares.

use actix_web::App;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

mod links;

use crate::domain::code::{CategoryCode, DataSubject};
use crate::domain::country::CountryCode;
use crate::error::{FieldError, Problem};
use crate::http::csv::Format;

/// Base path of the versioned API.
pub const API_PREFIX: &str = "/api/v1";

/// The static part of the document; paths come from the registered handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "consignee-registry",
        description = "Supervise the outside processors (consignees, 委託先) that handle your personal data: \
selection, memoranda, entrusted data, reviews, and which consignee is out of compliance and why.\n\n\
Every `/api/v1` operation needs a bearer JWT (`consignee-registry token --sub you --role admin` mints one). \
Errors are RFC 9457 `application/problem+json`.",
        license(name = "MIT")
    ),
    components(schemas(Problem, FieldError, CountryCode, CategoryCode, DataSubject, Format)),
    modifiers(&SharedResponses),
    tags(
        (name = "consignees", description = "The consignee register and status decisions"),
        (name = "memoranda", description = "Protection memoranda signed with each consignee, and their signed documents"),
        (name = "clause templates", description = "The clauses every memorandum must contain"),
        (name = "entrustments", description = "Which data each consignee processes, under which memorandum, and who it passes it on to"),
        (name = "data categories", description = "The kinds of personal data entrusted, and who holds each"),
        (name = "reviews", description = "Supervision reviews (selection, periodic, ad hoc), their checklist, and which are due"),
        (name = "findings", description = "Findings of reviews and their corrective actions"),
        (name = "incidents", description = "Incidents at consignees: APPI Art. 26 reportability, deadlines and the report to the PPC"),
        (name = "certifications", description = "Certifications consignees hold (Privacy Mark, ISO/IEC 27001…)"),
        (name = "reports", description = "Compliance, summary, trend and ledger reports across consignees, as JSON or CSV"),
        (name = "compliance", description = "Each consignee's standing derived from its records, with the reason for every failure"),
        (name = "events", description = "The feed of domain events: every change to the register and every scheduled occurrence, in order"),
        (name = "webhooks", description = "Endpoints events are pushed to, signed by the Standard Webhooks scheme, with every delivery attempt"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "privacy", description = "The registry's own personal data: erasing a person on request"),
        (name = "auth", description = "The caller and token revocation"),
        (name = "health", description = "Liveness and readiness probes"),
    )
)]
pub struct ApiDoc;

/// Adds the bearer scheme and the error responses shared by every operation.
struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(scopes_described()))
                    .build(),
            ),
        );
    }
}

/// What the bearer scheme's scopes mean: each operation names the permission it needs, and each
/// permission is held by its least role and every role above it.
fn scopes_described() -> String {
    let held = crate::auth::permissions::PERMISSIONS
        .iter()
        .map(|(permission, role)| format!("`{}`: {} or above", permission.as_str(), role.as_str()));
    format!(
        "A JWT whose role is one of viewer < procurement < privacy_officer < admin. Each operation names the \
permission it needs as its scope ({}); an operation without a scope needs only a valid token. The role is \
checked before the request's body is read.",
        held.collect::<Vec<_>>().join("; ")
    )
}

fn problem(description: &str) -> RefOr<Response> {
    let content = Content::new(Some(Ref::from_schema_name("Problem")));
    ResponseBuilder::new().description(description).content("application/problem+json", content).build().into()
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
}

/// A problem answer that tells, in `Retry-After`, how many seconds to wait before retrying.
fn add_retry(op: &mut Operation, status: &str, description: &str) {
    use utoipa::openapi::{header::HeaderBuilder, schema::Type, ObjectBuilder};
    let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
    let retry_after = HeaderBuilder::new().schema(seconds).description(Some("Seconds to wait before retrying")).build();
    let content = Content::new(Some(Ref::from_schema_name("Problem")));
    let response = ResponseBuilder::new()
        .description(description)
        .header("Retry-After", retry_after)
        .content("application/problem+json", content)
        .build();
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| response.into());
}

/// Adds security and shared error responses to the operations of one path.
fn decorate(path: &str, op: &mut Operation, has_body: bool) {
    let params: Vec<_> = op.parameters.iter().flatten().collect();
    let has_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let has_if_match = params.iter().any(|p| p.name == "If-Match");
    if path.starts_with(API_PREFIX) {
        // Every operation names who may call it (the guard reads it): a forgotten one is a build
        // mistake, never an open door.
        assert!(op.security.is_some(), "{path}: operation {:?} declares no security requirement", op.operation_id);
        add(op, "400", "Malformed request (query string, cursor, JSON, or JSON nested over 32 levels)");
        add(op, "401", "Missing, invalid, expired or revoked bearer token");
        add(op, "403", "The token's role may not do this");
        add_retry(op, "429", "Over the token subject's request rate (only when CR_RATE_LIMIT_PER_MINUTE is set)");
        add_retry(op, "503", "Database unavailable or busy; retry");
    }
    if path.contains('{') {
        add(op, "404", "No such resource");
    }
    if has_if_match {
        add(op, "409", "Changed by a concurrent request, or a state conflict; fetch and retry");
        add(op, "412", "If-Match names a version the resource is not at");
        add(op, "428", "If-Match is required (CR_REQUIRE_IF_MATCH) and missing");
    }
    if has_body || has_query {
        add(op, "422", "Invalid fields, all listed");
    }
    if has_body {
        add(op, "408", "The body did not arrive within CR_REQUEST_BODY_TIMEOUT; nothing was stored");
        add(op, "413", "Body over the configured limit");
        add(op, "415", "Body not in a supported media type");
    }
    add(op, "500", "Unexpected error; quote the X-Request-Id");
}

/// Documents `Idempotency-Key` on a POST and the answers it adds.
fn idempotent(op: &mut Operation) {
    use utoipa::openapi::path::ParameterBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::Required;
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(crate::idempotency::MAX_LEN))
        .pattern(Some(crate::idempotency::PATTERN));
    let description = "Makes the request safe to retry (IETF httpapi Idempotency-Key): the first response is kept \
with a hash of the request for `CR_IDEMPOTENCY_TTL` (24 h by default); a retry with the same key and request gets it again \
(with `Idempotent-Replayed: true`) without running twice. Keys belong to the token's subject.";
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(parameter);
    add(op, "409", "A state conflict, or a request with this Idempotency-Key is still running; retry later");
    add(op, "422", "Invalid fields, all listed; or this Idempotency-Key was used with a different request");
}

/// The whole document, generated from the code.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::startup::routes).split_for_parts();
    for (path, item) in doc.paths.paths.iter_mut() {
        if let Some(op) = item.post.as_mut().filter(|_| path.starts_with(API_PREFIX)) {
            idempotent(op);
        }
        let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in ops.into_iter().flatten() {
            let has_body = op.request_body.is_some();
            decorate(path, op, has_body);
        }
    }
    let mut value = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    forbid_nul(&mut value);
    let mut doc: utoipa::openapi::OpenApi = serde_json::from_value(value).expect("the OpenAPI document round-trips");
    links::add(&mut doc);
    doc.extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".to_owned(), crate::webhooks::document::described());
    doc
}

/// No text may hold U+0000 (PostgreSQL cannot store it): every free-form string says so.
const NO_NUL: &str = "^[^\\u0000]*$";
/// Text with a minimum length is trimmed before it is checked, so it must hold a character that
/// is not white space (Rust's `char::is_whitespace`, listed out so every regex engine agrees).
const NON_BLANK: &str =
    "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$";

fn forbid_nul(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let is_string = match map.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
                _ => false,
            };
            let constrained = ["pattern", "enum", "format", "const"].iter().any(|k| map.contains_key(*k));
            if is_string && !constrained {
                let trimmed = map.get("minLength").and_then(Value::as_u64).is_some_and(|n| n >= 1);
                map.insert("pattern".to_owned(), if trimmed { NON_BLANK } else { NO_NUL }.into());
            }
            map.values_mut().for_each(forbid_nul);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_nul),
        _ => {}
    }
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("the OpenAPI document serializes");
    json.push('\n');
    json
}
