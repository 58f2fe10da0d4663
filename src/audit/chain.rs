//! The hash chain: canonical serialization of an event and the link hash.

use chrono::NaiveDateTime;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash format of events recorded before request ids left the chain: the canonical form holds
/// `request_id`, so a caller's request id in such an event can never be erased.
pub const FORMAT_WITH_REQUEST_ID: i32 = 1;
/// The hash format of new events: `request_id` is not chained (an erasure may redact it) and the
/// canonical form names its format.
pub const FORMAT: i32 = 2;

/// The chained fields of one event (its `changes` enter only by hash, so they can be redacted).
#[derive(Debug, Clone)]
pub struct Link<'a> {
    /// Position in the trail.
    pub seq: i64,
    /// When it happened (UTC).
    pub at: NaiveDateTime,
    /// Token subject.
    pub actor: &'a str,
    /// Token role.
    pub actor_role: &'a str,
    /// What happened, e.g. `consignee.created`.
    pub action: &'a str,
    /// Kind of resource changed.
    pub resource_type: &'a str,
    /// Id of the resource changed.
    pub resource_id: &'a str,
    /// The consignee the resource belongs to.
    pub consignee_id: Option<&'a str>,
    /// The request that made the change (chained only in [`FORMAT_WITH_REQUEST_ID`]).
    pub request_id: Option<&'a str>,
    /// SHA-256 (hex) of the stored `changes` text.
    pub changes_sha256: &'a str,
    /// How the canonical form is written: [`FORMAT_WITH_REQUEST_ID`] or [`FORMAT`].
    pub format: i32,
}

/// The timestamp format inside the canonical form: RFC 3339, UTC, microseconds.
pub fn format_at(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Canonical JSON: the fields above, keys in byte order, no whitespace. Format 1 holds
/// `request_id`; later formats hold `format` instead.
pub fn canonical(link: &Link<'_>) -> String {
    let versioned = if link.format == FORMAT_WITH_REQUEST_ID {
        ("request_id", json!(link.request_id))
    } else {
        ("format", json!(link.format))
    };
    let mut fields: Vec<(&str, Value)> = vec![
        ("action", json!(link.action)),
        ("actor", json!(link.actor)),
        ("actor_role", json!(link.actor_role)),
        ("at", json!(format_at(link.at))),
        ("changes_sha256", json!(link.changes_sha256)),
        ("consignee_id", json!(link.consignee_id)),
        versioned,
        ("resource_id", json!(link.resource_id)),
        ("resource_type", json!(link.resource_type)),
        ("seq", json!(link.seq)),
    ];
    fields.sort_by_key(|(k, _)| *k);
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
    format!("{{{}}}", body.join(","))
}

/// `hash` = SHA-256 hex of `prev_hash`, a line feed, and the canonical form.
pub fn link_hash(prev_hash: &str, link: &Link<'_>) -> String {
    sha256_hex(format!("{prev_hash}\n{}", canonical(link)).as_bytes())
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_stable_in_both_formats() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T01:02:03.000004Z").unwrap().naive_utc();
        let mut link = Link {
            seq: 1,
            at,
            actor: "alice",
            actor_role: "admin",
            action: "consignee.created",
            resource_type: "consignee",
            resource_id: "r",
            consignee_id: Some("r"),
            request_id: Some("hanako@example.jp"),
            changes_sha256: "ab",
            format: FORMAT_WITH_REQUEST_ID,
        };
        assert_eq!(
            canonical(&link),
            r#"{"action":"consignee.created","actor":"alice","actor_role":"admin","at":"2026-11-27T01:02:03.000004Z","changes_sha256":"ab","consignee_id":"r","request_id":"hanako@example.jp","resource_id":"r","resource_type":"consignee","seq":1}"#
        );
        let old = link_hash(GENESIS, &link);
        assert_eq!(old.len(), 64);
        link.format = FORMAT;
        assert_eq!(
            canonical(&link),
            r#"{"action":"consignee.created","actor":"alice","actor_role":"admin","at":"2026-11-27T01:02:03.000004Z","changes_sha256":"ab","consignee_id":"r","format":2,"resource_id":"r","resource_type":"consignee","seq":1}"#
        );
        let new = link_hash(GENESIS, &link);
        link.request_id = None;
        assert_eq!(link_hash(GENESIS, &link), new, "the request id is not chained");
        assert_ne!(new, old);
    }
}
