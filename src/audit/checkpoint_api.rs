//! Checkpoint and signing-key request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::checkpoint::CheckpointRow;
use super::keyring::KeyRow;
use super::signing;
use crate::error::ApiError;

/// A signed head of the audit chain, linked to the checkpoint before it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "number": 12, "seq": 57,
    "prev": "9c1b8f3e2d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c",
    "head_hash": "5f0c6e1a9b3d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e", "at": "2026-11-28T15:00:00Z",
    "key_id": "3f9a2c7d1e5b8a40", "signature": "k8Q0v6gH2m1sV2bQ0XnY3zq3xN6pP7Y1QnE0Zt5o0W9jJ8kq4b7YbUj1f2VvR3Yd0cS3mR6tN1aL5uQ8eW2hAw=="}))]
pub struct Checkpoint {
    /// Checkpoint id (UUID v7).
    pub id: Uuid,
    /// Its place among chained checkpoints: 1, 2, 3, … without gaps (`null` on a checkpoint signed
    /// before checkpoints chained).
    pub number: Option<i64>,
    /// `seq` of the chain head it signs (0 for an empty chain).
    pub seq: i64,
    /// `hash` of the event at `seq`.
    pub head_hash: String,
    /// SHA-256 (hex) of the previous checkpoint's signed message, a line feed (`\n`) and its
    /// signature (base64 text); for number 1, of the newest checkpoint signed before checkpoints
    /// chained, or 64 zeros when there is none (`null` on such a legacy checkpoint itself).
    pub prev: Option<String>,
    /// When it was signed.
    pub at: DateTime<Utc>,
    /// Id of the signing key (see `/audit/public-keys`).
    pub key_id: String,
    /// Ed25519 signature (base64) of
    /// `{"at":"<at, microseconds, Z>","head_hash":"…","key_id":"…","number":N,"prev":"…","seq":N,"type":"audit_checkpoint"}`
    /// (a legacy checkpoint's message has no `number` and `prev`).
    pub signature: String,
}

impl TryFrom<CheckpointRow> for Checkpoint {
    type Error = ApiError;

    fn try_from(row: CheckpointRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: crate::db::stored_id(&row.id)?,
            number: row.number,
            seq: row.seq,
            head_hash: row.head_hash,
            prev: row.prev,
            at: row.at.and_utc(),
            key_id: row.key_id,
            signature: row.signature,
        })
    }
}

/// A public key that signs (or signed) checkpoints.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"key_id": "3f9a2c7d1e5b8a40", "algorithm": "Ed25519",
    "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n",
    "added_at": "2026-11-28T04:00:00Z", "current": true, "endorsed_by": null, "endorsement": null}))]
pub struct PublicKey {
    /// First 16 hex digits of the SHA-256 of the raw 32-byte key.
    pub key_id: String,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// SubjectPublicKeyInfo PEM, for `openssl pkeyutl -verify`.
    pub public_key_pem: String,
    /// When the server first signed with it.
    pub added_at: DateTime<Utc>,
    /// True for the key the server signs with now.
    pub current: bool,
    /// The key that took over from this one and vouches for it.
    pub endorsed_by: Option<String>,
    /// That key's signature (base64) of `{"key_id":"…","public_key":"<raw key, base64>","type":"audit_key_endorsement"}`.
    pub endorsement: Option<String>,
}

impl PublicKey {
    /// The API view of a stored key; `current_id` is the key the server signs with.
    pub fn from_row(row: KeyRow, current_id: &str) -> Self {
        Self {
            current: row.key_id == current_id,
            public_key_pem: signing::public_key_pem(&row.public_key),
            key_id: row.key_id,
            algorithm: "Ed25519".to_owned(),
            added_at: row.added_at.and_utc(),
            endorsed_by: row.endorsed_by,
            endorsement: row.endorsement,
        }
    }
}

/// Paging through checkpoints, oldest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointPage {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a checkpoint id).
    pub cursor: Option<Uuid>,
}

/// Paging through public keys in `key_id` order.
#[derive(Debug, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct KeyPage {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a key id).
    #[validate(length(equal = 16))]
    #[param(pattern = "^[0-9a-f]{16}$")]
    pub cursor: Option<String>,
}
