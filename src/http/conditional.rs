//! ETags from the row `version`, `If-None-Match` (304) and `If-Match` (412/428), read with
//! actix's typed entity tags (RFC 9110 lists; If-Match is parsed item by item so a malformed
//! item is a 400 rather than silently dropped).

use actix_web::http::header::{self, EntityTag};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The `If-Match` header as the OpenAPI document describes it (the pattern is RFC 9110's
/// entity-tag list: `*`, or one or more, possibly weak, quoted tags; a bare version number is
/// accepted too).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// ETag (`"version"`) the change applies to; 412 when the resource has moved on.
    #[param(
        rename = "If-Match",
        nullable = false,
        pattern = r#"^(\*|[0-9]+|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#,
        example = "\"1\""
    )]
    pub if_match: Option<String>,
}

/// The `If-None-Match` header as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfNoneMatch {
    /// ETag of the copy the client holds; 304 without a body while it is current.
    #[param(
        rename = "If-None-Match",
        nullable = false,
        pattern = r#"^(\*|[0-9]+|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#,
        example = "\"1\""
    )]
    pub if_none_match: Option<String>,
}

/// Whether changes must carry `If-Match`.
#[derive(Debug, Clone, Copy)]
pub struct RequireIfMatch(pub bool);

/// A strong entity tag: the row version, followed by 64 bits of a digest of the derived values
/// (`"7-3f9a2c7d1e5b8a40"`) when the representation carries values that move with the date or with other
/// records, so the tag changes whenever the representation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(String);

impl Tag {
    /// The tag of a representation that is the stored row alone.
    pub fn version(version: i64) -> Self {
        Self(version.to_string())
    }

    /// The tag of a representation with derived values: the version, then a digest of `derived`.
    pub fn derived<T: Serialize>(version: i64, derived: &T) -> Self {
        let json = serde_json::to_vec(derived).unwrap_or_default();
        Self(format!("{version}-{}", hex::encode(&Sha256::digest(&json)[..8])))
    }

    /// The tag of a representation wholly derived from other records: a digest of it.
    pub fn digest<T: Serialize>(value: &T) -> Self {
        let json = serde_json::to_vec(value).unwrap_or_default();
        Self(format!("d-{}", hex::encode(&Sha256::digest(&json)[..8])))
    }

    /// A tag that is not a version, such as a document's sha256.
    pub fn opaque(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The quoted header value.
    pub fn header(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl From<i64> for Tag {
    fn from(version: i64) -> Self {
        Self::version(version)
    }
}

/// The version an ETag names: its digits up to an optional `-digest` of derived values.
fn version_of(tag: &EntityTag) -> Option<i64> {
    tag.tag().split('-').next().and_then(|digits| digits.parse().ok())
}

/// What `If-Match` asks a change to apply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// No condition (absent or `*`).
    Any,
    /// One of these versions; empty when no listed tag can match (weak or not ours): 412.
    Versions(Vec<i64>),
}

/// The tags of an `If-Match`/`If-None-Match` value: `None` for `*`; a bare version number counts
/// as its strong tag; anything else malformed is a 400 naming the header.
fn parse_tags(value: &header::HeaderValue, name: &str) -> Result<Option<Vec<EntityTag>>, ApiError> {
    let malformed =
        || ApiError::BadRequest(format!("{name} must be * or a list of ETags of this resource, e.g. \"3\""));
    let value = value.to_str().map_err(|_| malformed())?.trim();
    if value == "*" {
        return Ok(None);
    }
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Some(vec![EntityTag::new_strong(value.to_owned())]));
    }
    let items = split_tags(value).ok_or_else(malformed)?;
    let tags = items.into_iter().map(str::parse::<EntityTag>).collect::<Result<Vec<_>, _>>();
    tags.map(Some).map_err(|_| malformed())
}

/// The items of an entity-tag list; a comma may stand inside a quoted tag, so the list is not
/// split on every comma.
fn split_tags(value: &str) -> Option<Vec<&str>> {
    let mut items = Vec::new();
    let mut rest = value.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let open = if rest.starts_with("W/\"") {
            3
        } else if rest.starts_with('"') {
            1
        } else {
            return None;
        };
        let close = open + rest[open..].find('"')?;
        items.push(&rest[..=close]);
        rest = rest[close + 1..].trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
            if rest.is_empty() {
                return None;
            }
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(items)
}

/// The versions a change may apply to, read from `If-Match`.
pub fn expected_version(req: &HttpRequest) -> Result<Expected, ApiError> {
    let required = req.app_data::<RequireIfMatch>().is_some_and(|r| r.0);
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return if required { Err(ApiError::PreconditionRequired) } else { Ok(Expected::Any) };
    };
    Ok(match parse_tags(value, "If-Match")? {
        None => Expected::Any,
        // Weak tags never match in If-Match (RFC 9110 §13.1.1); a number too large names no version.
        Some(tags) => Expected::Versions(tags.iter().filter(|t| !t.weak).filter_map(version_of).collect()),
    })
}

/// Fails with 412 when the stored version is not one the client expected.
pub fn check_version(expected: &Expected, current: i64) -> Result<(), ApiError> {
    match expected {
        Expected::Versions(versions) if !versions.contains(&current) => Err(ApiError::PreconditionFailed(format!(
            "the resource is at version {current}, not the one If-Match names; fetch it again and retry"
        ))),
        _ => Ok(()),
    }
}

fn single(mut response: HttpResponseBuilder, tag: &Tag) -> HttpResponseBuilder {
    response.insert_header((header::ETAG, tag.header())).insert_header((header::CACHE_CONTROL, "private, no-cache"));
    response
}

/// A resource just created: 201 with its `Location` and ETag.
pub fn created<T: Serialize>(location: String, tag: impl Into<Tag>, body: &T) -> HttpResponse {
    single(HttpResponse::Created(), &tag.into()).insert_header((header::LOCATION, location)).json(body)
}

/// A resource just changed: 200 with its new ETag (a change is never answered with 304).
pub fn written<T: Serialize>(tag: impl Into<Tag>, body: &T) -> HttpResponse {
    single(HttpResponse::Ok(), &tag.into()).json(body)
}

/// A single resource with its ETag, or 304 when the client's copy is current (weak comparison);
/// a malformed `If-None-Match` is a 400.
pub fn resource<T: Serialize>(req: &HttpRequest, tag: impl Into<Tag>, body: &T) -> Result<HttpResponse, ApiError> {
    let tag = tag.into();
    Ok(match not_modified(req, &tag)? {
        Some(response) => response,
        None => single(HttpResponse::Ok(), &tag).json(body),
    })
}

/// 304 with the tag when `If-None-Match` names the current representation; `None` to send it.
pub fn not_modified(req: &HttpRequest, tag: &Tag) -> Result<Option<HttpResponse>, ApiError> {
    let current = EntityTag::new_strong(tag.0.clone());
    let matches = match req.headers().get(header::IF_NONE_MATCH) {
        None => false,
        Some(value) => parse_tags(value, "If-None-Match")?.is_none_or(|tags| tags.iter().any(|t| t.weak_eq(&current))),
    };
    Ok(matches.then(|| single(HttpResponse::NotModified(), tag).finish()))
}

/// Headers of a single resource sent as a stream (a document): its tag and `private, no-cache`.
pub fn single_headers(tag: &Tag) -> HttpResponseBuilder {
    single(HttpResponse::Ok(), tag)
}

#[cfg(test)]
mod tests {
    use super::split_tags;

    #[test]
    fn lists_split_between_tags_not_inside_them() {
        assert_eq!(split_tags(r#""1" ,W/"a,b",  """#), Some(vec![r#""1""#, r#"W/"a,b""#, r#""""#]));
        for bad in [r#""1","#, r#""1" "2""#, "1", r#""open"#, ",", "", "  "] {
            assert_eq!(split_tags(bad), None, "{bad}");
        }
    }
}
