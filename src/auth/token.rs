//! Token claims and verification with a pinned algorithm.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};

use serde_json::{Map, Value};

use super::keys::KeyMaterial;
use super::Role;
use crate::config::Settings;
use crate::error::ApiError;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;

/// What a token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Who: the user or service account.
    pub sub: String,
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
    /// Every other claim, the role among them (where `CR_JWT_ROLE_CLAIM` says).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Claims {
    /// Claims for a new token valid for `ttl` from now, with a fresh `jti` and `role` as the role claim.
    pub fn new(sub: &str, role: &str, name: Option<String>, ttl: Duration) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            sub: sub.to_owned(),
            other: Map::from_iter([("role".to_owned(), Value::String(role.to_owned()))]),
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

/// Where a token carries its role: a claim name, or a dotted path into nested objects; and the
/// prefix (`CR_JWT_ROLE_PREFIX`) a value must start with to name a role, when one is set.
#[derive(Debug, Clone)]
pub struct RoleClaim {
    path: String,
    prefix: Option<String>,
}

impl RoleClaim {
    /// The role claim `CR_JWT_ROLE_CLAIM` and `CR_JWT_ROLE_PREFIX` describe.
    pub fn from_settings(settings: &Settings) -> Self {
        Self::new(&settings.jwt_role_claim, settings.jwt_role_prefix.as_deref())
    }

    /// A role claim at `path`, its values counted only with `prefix` when one is given.
    pub fn new(path: &str, prefix: Option<&str>) -> Self {
        Self { path: path.to_owned(), prefix: prefix.filter(|p| !p.is_empty()).map(str::to_owned) }
    }

    /// The claim's value: the whole name as a key first (names such as `https://example.com/roles`
    /// hold dots), then the name as a dotted path.
    pub fn find<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        if let Some(value) = claims.get(&self.path) {
            return Some(value);
        }
        let mut parts = self.path.split('.');
        let first = claims.get(parts.next()?)?;
        parts.try_fold(first, |value, part| value.get(part))
    }

    /// The highest role the registry knows among the claim's string or array of strings; with a
    /// prefix, only values starting with it count, the rest of the value naming the role.
    pub fn role(&self, claims: &Claims) -> Option<Role> {
        match self.find(&claims.other)? {
            Value::String(value) => self.named(value),
            Value::Array(values) => values.iter().filter_map(|v| v.as_str().and_then(|v| self.named(v))).max(),
            _ => None,
        }
    }

    /// The role one claim value names (`consignee-registry:admin` with the prefix `consignee-registry:`).
    fn named(&self, value: &str) -> Option<Role> {
        match &self.prefix {
            Some(prefix) => Role::parse(value.strip_prefix(prefix.as_str())?),
            None => Role::parse(value),
        }
    }

    /// The claim value naming `role`: the role's name after the prefix, when there is one.
    fn value_of(&self, role: Role) -> String {
        format!("{}{}", self.prefix.as_deref().unwrap_or(""), role.as_str())
    }

    /// Puts `role` into `claims` at this claim's place (for minting); a URI-named claim is one key.
    pub fn set(&self, claims: &mut Claims, role: Role) {
        claims.other.remove("role");
        let mut parts: Vec<&str> =
            if self.path.contains("://") { vec![&self.path] } else { self.path.split('.').collect() };
        let last = parts.pop().unwrap_or("role");
        let mut target = &mut claims.other;
        for part in parts {
            let entry = target.entry(part.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(next) = entry else { unreachable!("made an object above") };
            target = next;
        }
        target.insert(last.to_owned(), Value::String(self.value_of(role)));
    }
}

/// Verifies bearer tokens against the configured key and claims.
pub struct Verifier {
    keys: KeyMaterial,
    validation: Validation,
    role_claim: RoleClaim,
    max_ttl: Duration,
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
        Self { keys, validation, role_claim: RoleClaim::from_settings(settings), max_ttl: settings.jwt_max_ttl }
    }

    /// The longest token lifetime accepted.
    pub fn max_ttl(&self) -> Duration {
        self.max_ttl
    }

    /// Where tokens carry their role.
    pub fn role_claim(&self) -> &RoleClaim {
        &self.role_claim
    }

    /// Verifies `token` and the claims the registry relies on: a subject, an `iat` that is not in
    /// the future, a lifetime within `CR_JWT_MAX_TTL` (so revocations can expire), and a known role.
    pub fn authenticate(&self, token: &str) -> Result<(Claims, Role), ApiError> {
        let claims = self.verify(token)?;
        let refuse = |reason: &str| Err(ApiError::Unauthorized(reason.to_owned()));
        if claims.sub.trim().is_empty() {
            return refuse("the token lacks a subject");
        }
        let Some(iat) = claims.iat else { return refuse("the token lacks an iat (issued at) claim") };
        if iat > chrono::Utc::now().timestamp() + LEEWAY_SECS as i64 {
            return refuse("the token claims to be issued in the future");
        }
        if claims.exp.saturating_sub(iat) > self.max_ttl.as_secs() as i64 {
            return refuse("the token's lifetime (exp - iat) is longer than this service accepts (CR_JWT_MAX_TTL)");
        }
        match self.role_claim.role(&claims) {
            Some(role) => Ok((claims, role)),
            None => refuse("the token carries no role this service knows"),
        }
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
