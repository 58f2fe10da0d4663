//! Turning `validator` results into 422 problem details that list every invalid field.

use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};

/// An optional text with surrounding white space removed.
pub fn trim_option(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned())
}

/// A text that is not only white space (for fields the server does not trim for you).
pub fn non_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new("blank").with_message("must hold a character that is not white space".into()));
    }
    Ok(())
}

/// 422 listing every invalid field of `value`, if any.
pub fn check<T: Validate>(value: &T) -> Result<(), ApiError> {
    value.validate().map_err(|errors| {
        let mut fields = Vec::new();
        flatten("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(fields)
    })
}

fn flatten(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| {
                let message = e.message.as_ref().map_or_else(|| default_message(e), |m| m.to_string());
                FieldError::new(path.clone(), e.code.to_string(), message)
            })),
            ValidationErrorsKind::Struct(inner) => flatten(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn default_message(error: &ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match (error.code.as_ref(), param("min"), param("max"), param("equal")) {
        ("length", _, _, Some(n)) => format!("must be exactly {n} characters"),
        ("length", Some(min), Some(max), _) => format!("must be {min} to {max} characters"),
        ("length", None, Some(max), _) => format!("must be at most {max} characters"),
        ("length", Some(min), None, _) => format!("must be at least {min} characters"),
        ("range", Some(min), Some(max), _) => format!("must be between {min} and {max}"),
        (code, ..) => format!("is invalid ({code})"),
    }
}

/// A date RFC 3339 can write (years 0001–9999), so text-stored dates compare in calendar order.
pub fn calendar_date(date: &chrono::NaiveDate) -> Result<(), ValidationError> {
    use chrono::Datelike;
    if (1..=9999).contains(&date.year()) {
        return Ok(());
    }
    Err(ValidationError::new("date_range").with_message("must be a date between 0001-01-01 and 9999-12-31".into()))
}

/// An instant RFC 3339 can write in UTC (years 0001–9999).
pub fn calendar_instant(at: &chrono::DateTime<chrono::Utc>) -> Result<(), ValidationError> {
    calendar_date(&at.date_naive()).map_err(|_| {
        ValidationError::new("date_range").with_message("must be a time between years 0001 and 9999 (UTC)".into())
    })
}

/// `Ok` when no field failed, else 422 listing every failure.
pub fn all_valid(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}
