//! RFC 7396 merge-patch fields: absent (keep), `null` (clear) or a value (set).

use serde::{Deserialize, Deserializer};

use crate::error::{ApiError, FieldError};

/// Deserializes a present field as `Some(value or None)`; use with `#[serde(default)]`.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// Applies a patch field to an optional value.
pub fn optional<T>(target: &mut Option<T>, patch: Option<Option<T>>) {
    if let Some(value) = patch {
        *target = value;
    }
}

/// Applies a patch field to a required value; `null` is recorded as an error on `field`.
pub fn required<T>(target: &mut T, patch: Option<Option<T>>, field: &str, errors: &mut Vec<FieldError>) {
    match patch {
        Some(Some(value)) => *target = value,
        Some(None) => errors.push(FieldError::new(field, "required", "this field is required and cannot be null")),
        None => {}
    }
}

/// The patched value (normalized by the caller), or one 422 listing the fields the patch could
/// not apply together with every other field it leaves invalid.
pub fn finish<T: validator::Validate>(patched: T, mut errors: Vec<FieldError>) -> Result<T, ApiError> {
    if errors.is_empty() {
        return Ok(patched);
    }
    if let Err(ApiError::Validation(more)) = crate::validation::check(&patched) {
        let named: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(more.into_iter().filter(|e| !named.contains(&e.field)));
    }
    Err(ApiError::Validation(errors))
}

/// Deserializes a present field that may not be `null` as `Some(value)`; use with `#[serde(default)]`.
pub fn non_null<'de, T, D>(de: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(de).map(Some)
}

/// As [`non_null`] for text, trimmed.
pub fn non_null_trimmed<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    crate::http::body::trimmed(de).map(Some)
}

/// As [`non_null`] for an integer that may arrive as `52.0`.
pub fn non_null_whole<'de, D: Deserializer<'de>>(de: D) -> Result<Option<i32>, D::Error> {
    crate::http::body::whole(de).map(Some)
}

/// As [`double_option`] for an integer that may arrive as `52.0`.
pub fn double_whole<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Option<i64>>, D::Error> {
    crate::http::body::whole_option(de).map(Some)
}
