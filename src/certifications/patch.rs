//! RFC 7396 merge patches of a certification.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{CertificationInput, CertificationScheme};
use crate::http::patch::{self, double_option, non_null, non_null_trimmed};

/// A JSON merge patch (RFC 7396) of a certification: absent fields stay, `null` clears an
/// optional field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expires_on": "2029-03-31", "certificate_number": "第12345678(06)号"}))]
pub struct CertificationPatch {
    /// The scheme.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub scheme: Option<CertificationScheme>,
    /// The scheme's name (for `other`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub scheme_name: Option<Option<String>>,
    /// Registration number.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub certificate_number: Option<Option<String>>,
    /// Issuer.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub issuer: Option<String>,
    /// Issued on.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub issued_on: Option<NaiveDate>,
    /// Expires on.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expires_on: Option<Option<NaiveDate>>,
    /// Scope.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000)]
    pub scope: Option<Option<String>>,
}

impl CertificationPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: CertificationInput) -> CertificationInput {
        input.scheme = self.scheme.unwrap_or(input.scheme);
        input.issuer = self.issuer.unwrap_or(input.issuer);
        input.issued_on = self.issued_on.unwrap_or(input.issued_on);
        patch::optional(&mut input.scheme_name, self.scheme_name);
        patch::optional(&mut input.certificate_number, self.certificate_number);
        patch::optional(&mut input.expires_on, self.expires_on);
        patch::optional(&mut input.scope, self.scope);
        input
    }
}
