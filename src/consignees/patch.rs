//! RFC 7396 merge patches of a consignee.

use serde::Deserialize;
use utoipa::ToSchema;

use super::api::{ConsigneeInput, RiskTier};
use crate::domain::country::CountryCode;
use crate::error::{ApiError, FieldError};
use crate::http::patch::{self, double_option};

/// Changes to a contact: absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "dpo@example.co.jp", "phone": null}))]
pub struct ContactPatch {
    /// Full name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    /// E-mail address.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 254, format = "email")]
    pub email: Option<Option<String>>,
    /// Telephone number.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 3, max_length = 40, pattern = r"^\+?[ ()\-]*[0-9][0-9 ()\-]*$")]
    pub phone: Option<Option<String>>,
}

/// A JSON merge patch (RFC 7396) of a consignee: absent fields stay, `null` clears
/// an optional field, `contact` is merged field by field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"risk_tier": "low", "contact": {"phone": null}}))]
pub struct ConsigneePatch {
    /// Registered legal name (cannot be null).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    pub legal_name: Option<Option<String>>,
    /// Name in katakana.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name_kana: Option<Option<String>>,
    /// Name in English.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name_en: Option<Option<String>>,
    /// Corporate number.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{13}$")]
    pub corporate_number: Option<Option<String>>,
    /// Country code (cannot be null).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = CountryCode)]
    pub country: Option<Option<String>>,
    /// Postal address.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 500)]
    pub address: Option<Option<String>>,
    /// Contact person, merged field by field; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ContactPatch>)]
    pub contact: Option<Option<ContactPatch>>,
    /// Risk tier (cannot be null).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = RiskTier)]
    pub risk_tier: Option<Option<RiskTier>>,
    /// Notes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub notes: Option<Option<String>>,
    /// The contract system's identifier (unique).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub external_ref: Option<Option<String>>,
}

impl ConsigneePatch {
    /// The input (normalized) that results from applying this patch to `input`; one 422 names
    /// every field left invalid.
    pub fn apply(self, mut input: ConsigneeInput) -> Result<ConsigneeInput, ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        patch::required(&mut input.legal_name, self.legal_name, "legal_name", &mut errors);
        patch::required(&mut input.country, self.country, "country", &mut errors);
        patch::required(&mut input.risk_tier, self.risk_tier, "risk_tier", &mut errors);
        patch::optional(&mut input.name_kana, self.name_kana);
        patch::optional(&mut input.name_en, self.name_en);
        patch::optional(&mut input.corporate_number, self.corporate_number);
        patch::optional(&mut input.address, self.address);
        patch::optional(&mut input.notes, self.notes);
        patch::optional(&mut input.external_ref, self.external_ref);
        match self.contact {
            None => {}
            Some(None) => input.contact = None,
            Some(Some(changes)) => {
                let mut contact = input.contact.unwrap_or_default();
                patch::optional(&mut contact.name, changes.name);
                patch::optional(&mut contact.email, changes.email);
                patch::optional(&mut contact.phone, changes.phone);
                input.contact = Some(contact);
            }
        }
        patch::finish(input.normalized(), errors)
    }
}
