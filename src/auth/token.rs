//! Token claims and verification with a pinned algorithm.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};

use super::keys::KeyMaterial;
use crate::config::Settings;
use crate::error::ApiError;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;

/// What a token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Who: the user or service account.
    pub sub: String,
    /// One of `viewer`, `procurement`, `privacy_officer`, `admin`.
    pub role: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Token id, for revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Issued at (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Not valid before (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience: a string or a list of strings (RFC 7519); checked by the verifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
}

impl Claims {
    /// Claims for a new token valid for `ttl` from now, with a fresh `jti`.
    pub fn new(sub: &str, role: &str, name: Option<String>, ttl: Duration) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            sub: sub.to_owned(),
            role: role.to_owned(),
            name,
            jti: Some(uuid::Uuid::now_v7().to_string()),
            iat: Some(now),
            exp: now + ttl.as_secs() as i64,
            nbf: None,
            iss: None,
            aud: None,
        }
    }
}

/// Verifies bearer tokens against the configured key and claims.
pub struct Verifier {
    keys: KeyMaterial,
    validation: Validation,
}

impl Verifier {
    /// A verifier pinned to the key's algorithm, checking `iss`/`aud` when configured.
    pub fn new(keys: KeyMaterial, settings: &Settings) -> Self {
        let mut validation = Validation::new(keys.algorithm);
        validation.algorithms = vec![keys.algorithm];
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(iss) = &settings.jwt_issuer {
            validation.set_issuer(&[iss]);
            required.push("iss");
        }
        match &settings.jwt_audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        Self { keys, validation }
    }

    /// The key material, for minting tokens.
    pub fn keys(&self) -> &KeyMaterial {
        &self.keys
    }

    /// Checks signature, algorithm and time claims; never says which key was tried.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.keys.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| ApiError::Unauthorized(reason(err.kind()).to_owned()))
    }
}

fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "the token has expired",
        ErrorKind::ImmatureSignature => "the token is not valid yet",
        ErrorKind::InvalidIssuer => "the token was issued by an issuer this service does not trust",
        ErrorKind::InvalidAudience => "the token is not meant for this service",
        ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
        ErrorKind::InvalidAlgorithm => "the token is signed with an algorithm this service does not accept",
        _ => "the token is invalid",
    }
}
