//! RFC 7396 merge-patch fields: absent (keep), `null` (clear) or a value (set).

use serde::{Deserialize, Deserializer};

use crate::error::FieldError;

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
