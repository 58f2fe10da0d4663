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

/// The OpenAPI schema of a data category code, for lists of codes.
pub struct CategoryCode;

impl utoipa::PartialSchema for CategoryCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(PATTERN))
            .description(Some("Code of a data category (`GET /data-categories`)"))
            .examples([serde_json::json!("contact_details")])
            .into()
    }
}

impl utoipa::ToSchema for CategoryCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("CategoryCode")
    }
}

/// The OpenAPI schema of a data-subject group (customers, course participants, …).
pub struct DataSubject;

impl utoipa::PartialSchema for DataSubject {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .max_length(Some(200))
            .description(Some("A group of data subjects, e.g. customers, course participants, members, visitors"))
            .examples([serde_json::json!("course participants")])
            .into()
    }
}

impl utoipa::ToSchema for DataSubject {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("DataSubject")
    }
}
