//! The Ed25519 key that signs audit checkpoints. It lives outside the database (a PKCS#8 PEM
//! file, as `openssl genpkey -algorithm ed25519` writes), so whoever can write the database
//! cannot sign a checkpoint for a rewritten chain.

use std::path::Path;

use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use crate::config::Settings;
use crate::private_files;

/// File under the data directory holding the generated key.
pub const KEY_FILE: &str = "audit-signing-key.pem";
/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// The signing key and its id.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    /// First 16 hex digits of the SHA-256 of the raw public key.
    pub key_id: String,
}

impl SigningKey {
    /// The configured key file, or on SQLite a key generated once under the data directory.
    pub fn load(settings: &Settings, embedded: bool) -> Result<Self, String> {
        let path = match &settings.audit_signing_key_file {
            Some(path) => path.clone(),
            None if embedded => generated(&settings.data_dir)?,
            None => {
                return Err("CR_AUDIT_SIGNING_KEY_FILE is required on PostgreSQL: every node signs audit checkpoints \
with the same key, kept outside the database (`openssl genpkey -algorithm ed25519 -out key.pem`)"
                    .to_owned())
            }
        };
        Self::from_pem(&private_files::read_secret(&path)?).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// A key from a PKCS#8 PEM document.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, String> {
        let block = pem::parse(pem_text).map_err(|e| format!("not a PEM file: {e}"))?;
        if block.tag() != "PRIVATE KEY" {
            return Err(format!("expected a PKCS#8 \"PRIVATE KEY\", found \"{}\"", block.tag()));
        }
        let pair = Ed25519KeyPair::from_pkcs8(block.contents()).map_err(|e| format!("not an Ed25519 key: {e}"))?;
        let key_id = key_id(pair.public_key().as_ref());
        Ok(Self { pair, key_id })
    }

    /// The raw public key, base64.
    pub fn public_key(&self) -> String {
        BASE64.encode(self.pair.public_key().as_ref())
    }

    /// Signs `message`; the signature in base64.
    pub fn sign(&self, message: &[u8]) -> String {
        BASE64.encode(self.pair.sign(message).as_ref())
    }
}

/// The id of a raw public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public_key: &[u8]) -> String {
    crate::audit::chain::sha256_hex(public_key)[..16].to_owned()
}

/// Whether `key_id` is the id of `public_key` (base64), so a stored row cannot swap its key.
pub fn key_id_matches(key_id: &str, public_key: &str) -> bool {
    BASE64.decode(public_key).is_ok_and(|raw| self::key_id(&raw) == key_id)
}

/// Whether `signature` (base64) is `public_key`'s (base64) signature of `message`.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    let (Ok(key), Ok(sig)) = (BASE64.decode(public_key), BASE64.decode(signature)) else { return false };
    UnparsedPublicKey::new(&signature::ED25519, key).verify(message, &sig).is_ok()
}

/// The public key (base64 raw) as a SubjectPublicKeyInfo PEM, as `openssl pkey -pubout` writes it.
pub fn public_key_pem(public_key: &str) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend(BASE64.decode(public_key).unwrap_or_default());
    pem::encode_config(&pem::Pem::new("PUBLIC KEY", der), pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF))
}

/// The path of the generated key, creating it (mode 0600) on first use.
fn generated(data_dir: &Path) -> Result<std::path::PathBuf, String> {
    let path = data_dir.join(KEY_FILE);
    if !path.exists() {
        private_files::create_dir(data_dir)?;
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let document = Ed25519KeyPair::generate_pkcs8v1(&rng).map_err(|_| "cannot generate a signing key")?;
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", document.as_ref().to_vec()));
        private_files::write_new(&path, pem.as_bytes())?;
        tracing::info!(path = %path.display(), "generated an audit signing key");
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_refuses_other_messages() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let document = Ed25519KeyPair::generate_pkcs8v1(&rng).unwrap();
        let key =
            SigningKey::from_pem(pem::encode(&pem::Pem::new("PRIVATE KEY", document.as_ref())).as_bytes()).unwrap();
        let signature = key.sign(b"checkpoint");
        assert!(verify(&key.public_key(), b"checkpoint", &signature));
        assert!(!verify(&key.public_key(), b"checkpoint!", &signature));
        assert_eq!(key.key_id.len(), 16);
        assert!(public_key_pem(&key.public_key()).starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(SigningKey::from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").is_err());
    }
}
