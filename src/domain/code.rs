//! Stable codes of reference data (clause templates, data categories): lower-case snake case.

use validator::ValidationError;

/// The pattern a code matches, as the OpenAPI document states it.
pub const PATTERN: &str = "^[a-z][a-z0-9_]{1,63}$";

/// Whether `code` fits [`PATTERN`].
pub fn is_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && (2..=64).contains(&code.len())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `validator` rule for a code field.
pub fn validate(code: &str) -> Result<(), ValidationError> {
    if is_code(code) {
        return Ok(());
    }
    Err(ValidationError::new("pattern")
        .with_message("must be lower-case snake case (a-z, 0-9, _), 2 to 64 characters".into()))
}
