//! Reading JSON request bodies with a size limit and errors that name the field.

use actix_web::{http::header, web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// The largest accepted request body, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// How long a request's whole body may take to arrive (`CR_REQUEST_BODY_TIMEOUT`).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

/// The instant by which the body of `req`, starting to arrive now, must be complete.
pub fn deadline(req: &HttpRequest) -> tokio::time::Instant {
    let timeout = req.app_data::<BodyTimeout>().map_or(std::time::Duration::from_secs(60), |t| t.0);
    tokio::time::Instant::now() + timeout
}

/// The next piece of a body: `None` at its end, 400 when the connection breaks, 408 past `deadline`.
pub async fn next_piece<S>(payload: &mut S, deadline: tokio::time::Instant) -> Result<Option<web::Bytes>, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    match tokio::time::timeout_at(deadline, payload.next()).await {
        Err(_) => Err(ApiError::RequestTimeout("the body did not arrive in time; nothing was stored".to_owned())),
        Ok(None) => Ok(None),
        Ok(Some(Ok(piece))) => Ok(Some(piece)),
        Ok(Some(Err(e))) => {
            Err(ApiError::BadRequest(format!("the body ended before it was complete ({e}); nothing was stored")))
        }
    }
}

/// Media types accepted for create and action bodies.
pub const JSON: &[&str] = &["application/json"];
/// Media types accepted for PATCH bodies (RFC 7396 merge patch, or plain JSON).
pub const MERGE_PATCH: &[&str] = &["application/merge-patch+json", "application/json"];

/// Reads the body (415 for another media type, 413 over the limit) and parses it as `T`
/// (400 when it is not JSON, 422 naming the field when it does not fit `T`).
pub async fn json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    accepted: &[&str],
) -> Result<T, ApiError> {
    check_content_type(req, accepted)?;
    let bytes = read_limited(req, payload).await?;
    parse(&bytes)
}

/// 415 unless the body's declared media type is one of `accepted`.
pub fn check_content_type(req: &HttpRequest, accepted: &[&str]) -> Result<(), ApiError> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    match essence {
        Some(ct) if accepted.contains(&ct.as_str()) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType(format!("send the body as {}", accepted.join(" or ")))),
    }
}

/// Reads the whole body (413 over the JSON limit), leaving its parsing to the caller.
pub async fn read_limited(req: &HttpRequest, payload: web::Payload) -> Result<web::Bytes, ApiError> {
    let limit = req.app_data::<BodyLimit>().map_or(1 << 20, |l| l.0);
    read_at_most(req, payload, limit).await
}

/// Reads the whole body, 413 as soon as it is declared or found to be over `limit` bytes.
pub async fn read_at_most<S>(req: &HttpRequest, mut payload: S, limit: usize) -> Result<web::Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    let too_large = || ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes"));
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let (mut body, deadline) = (web::BytesMut::new(), deadline(req));
    while let Some(chunk) = next_piece(&mut payload, deadline).await? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses JSON into `T`: syntax errors are 400; a NUL character or a shape error is 422 with the field's path.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if nesting(bytes) > MAX_DEPTH {
        return Err(ApiError::BadRequest(format!("the body nests arrays and objects deeper than {MAX_DEPTH} levels")));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "type", "the body must be a JSON object"));
    }
    if let Some(path) = nul_path(&value, "") {
        let field = if path.is_empty() { "body".to_owned() } else { path };
        return Err(ApiError::invalid(&field, "nul_character", "text may not contain the NUL character"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        ApiError::Validation(vec![field_error(&path, &err.into_inner().to_string())])
    })
}

/// The deepest nesting of arrays and objects a JSON body may have.
pub const MAX_DEPTH: usize = 32;

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings not counted).
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The path of the first string (or key) holding U+0000, which PostgreSQL cannot store.
fn nul_path(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        Value::String(s) if s.contains('\0') => Some(path.to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| nul_path(v, &format!("{path}[{i}]"))),
        Value::Object(map) => {
            map.iter().find_map(|(k, v)| if k.contains('\0') { Some(join(k)) } else { nul_path(v, &join(k)) })
        }
        _ => None,
    }
}

fn field_error(path: &str, message: &str) -> FieldError {
    let message = message.split(" at line ").next().unwrap_or(message);
    let base = if path == "." { "" } else { path };
    let join = |name: &str| if base.is_empty() { name.to_owned() } else { format!("{base}.{name}") };
    if between(message, "unknown field `", "`").is_some() {
        // The path already ends with the unknown key.
        return FieldError::new(base, "unknown_field", "this field is not part of the schema");
    }
    if let Some(name) = between(message, "missing field `", "`") {
        return FieldError::new(join(name), "required", "this field is required");
    }
    let field = if base.is_empty() { "body".to_owned() } else { base.to_owned() };
    FieldError::new(field, "type", public_message(message))
}

/// A serde message with the service's own type names replaced by what a client knows them as.
pub fn public_message(message: &str) -> String {
    let mut words = message.split(' ').peekable();
    let mut out: Vec<String> = Vec::new();
    while let Some(word) = words.next() {
        let replaced = match word {
            "struct" | "enum" if words.peek().is_some() => {
                let name = words.next().unwrap_or_default();
                let tail: String = name.chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let noun = if word == "struct" { "an object" } else { "one of the documented values" };
                format!("{noun}{tail}")
            }
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => "an integer".to_owned(),
            "f32" | "f64" => "a number".to_owned(),
            other => other.to_owned(),
        };
        out.push(replaced);
    }
    out.join(" ")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split(end).next()
}

/// Deserializes a string with surrounding whitespace removed, so length rules see the trimmed text.
pub fn trimmed<'de, D: serde::Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(de).map(|s| s.trim().to_owned())
}

/// Deserializes an integer, also from a number with no fractional part (`52.0`), which JSON
/// Schema counts as an integer.
pub fn whole<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let number = <serde_json::Number as serde::Deserialize>::deserialize(de)?;
    let value = number
        .as_i64()
        .or_else(|| number.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        .ok_or_else(|| D::Error::custom("expected an integer"))?;
    T::try_from(value).map_err(|_| D::Error::custom(format!("{value} is out of range")))
}

/// As [`whole`], for an optional field (`null` or absent is `None`).
pub fn whole_option<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    #[derive(serde::Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] i64);
    let value = <Option<Whole> as serde::Deserialize>::deserialize(de)?;
    value
        .map(|Whole(v)| T::try_from(v).map_err(|_| serde::de::Error::custom(format!("{v} is out of range"))))
        .transpose()
}
