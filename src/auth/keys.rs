//! Token keys: the configured or generated HS256 secret, or an identity provider's public key.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};

use crate::config::{JwtAlgorithm, Settings};
use crate::private_files;

/// Shortest accepted HS256 secret.
pub const MIN_SECRET_BYTES: usize = 32;
/// File under the data directory holding the generated secret.
pub const SECRET_FILE: &str = "jwt-secret";

/// The key material tokens are verified (and, for HS256, minted) with.
#[derive(Clone)]
pub struct KeyMaterial {
    /// The one accepted algorithm.
    pub algorithm: Algorithm,
    /// Verification key.
    pub decoding: DecodingKey,
    /// Signing key, present for HS256 only.
    pub encoding: Option<EncodingKey>,
}

impl KeyMaterial {
    /// Resolves the key from settings; on SQLite an absent HS256 secret is generated once.
    pub fn load(settings: &Settings, embedded: bool) -> Result<Self, String> {
        match settings.jwt_algorithm {
            JwtAlgorithm::Hs256 if settings.jwt_public_key_file.is_some() => {
                Err("CR_JWT_PUBLIC_KEY_FILE is set but CR_JWT_ALGORITHM is HS256; set it to RS256 or ES256".to_owned())
            }
            JwtAlgorithm::Hs256 => {
                let secret = match &settings.jwt_secret {
                    Some(s) => s.clone().into_bytes(),
                    None if embedded => generated_secret(&settings.data_dir)?,
                    None => return Err("CR_JWT_SECRET (or CR_JWT_PUBLIC_KEY_FILE with RS256/ES256) is required on PostgreSQL: every node must verify the same tokens".to_owned()),
                };
                Self::hs256(&secret)
            }
            JwtAlgorithm::Rs256 | JwtAlgorithm::Es256 => {
                if settings.jwt_issuer.is_none() || settings.jwt_audience.is_none() {
                    return Err(
                        "CR_JWT_ISSUER and CR_JWT_AUDIENCE are required with RS256/ES256: without them any token \
your identity provider issues for another application would be accepted (RFC 8725 §3.9, §3.11)"
                            .to_owned(),
                    );
                }
                let path = settings
                    .jwt_public_key_file
                    .as_ref()
                    .ok_or("CR_JWT_PUBLIC_KEY_FILE is required for RS256/ES256")?;
                let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Self::public_key(settings.jwt_algorithm, &pem)
            }
        }
    }

    /// HS256 with `secret`, refused when shorter than 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("the HS256 secret must be at least {MIN_SECRET_BYTES} bytes"));
        }
        Ok(Self {
            algorithm: Algorithm::HS256,
            decoding: DecodingKey::from_secret(secret),
            encoding: Some(EncodingKey::from_secret(secret)),
        })
    }

    fn public_key(algorithm: JwtAlgorithm, pem: &[u8]) -> Result<Self, String> {
        let (algorithm, decoding) = match algorithm {
            JwtAlgorithm::Rs256 => (Algorithm::RS256, DecodingKey::from_rsa_pem(pem)),
            _ => (Algorithm::ES256, DecodingKey::from_ec_pem(pem)),
        };
        let decoding = decoding.map_err(|e| format!("the public key file is not a usable PEM key: {e}"))?;
        Ok(Self { algorithm, decoding, encoding: None })
    }

    /// Signs `claims`; only possible with an HS256 secret.
    pub fn mint<C: serde::Serialize>(&self, claims: &C) -> Result<String, String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or("tokens for RS256/ES256 are issued by your identity provider, not by this command")?;
        jsonwebtoken::encode(&Header::new(self.algorithm), claims, key).map_err(|e| e.to_string())
    }
}

/// Reads the generated secret, creating it (mode 0600) on first use.
fn generated_secret(data_dir: &Path) -> Result<Vec<u8>, String> {
    let path = data_dir.join(SECRET_FILE);
    if path.exists() {
        let existing = private_files::read_secret(&path)?;
        return Ok(String::from_utf8_lossy(&existing).trim().as_bytes().to_vec());
    }
    private_files::create_dir(data_dir)?;
    let mut bytes = [0u8; 48];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "no system randomness".to_owned())?;
    let secret = hex::encode(bytes);
    private_files::write_new(&path, secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a token secret");
    Ok(secret.into_bytes())
}
