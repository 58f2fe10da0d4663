//! `ApiError`: every failure leaves the service as RFC 9457 `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"field": "corporate_number", "code": "check_digit", "message": "the check digit does not match the other 12 digits"}))]
pub struct FieldError {
    /// JSON path of the field, e.g. `contact.email`.
    #[schema(example = "corporate_number")]
    pub field: String,
    /// Machine-readable reason.
    #[schema(example = "check_digit")]
    pub code: String,
    /// Human-readable reason.
    #[schema(example = "the check digit does not match the other 12 digits")]
    pub message: String,
    /// For a CSV import: the line of the file (the header is row 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 2, minimum = 1)]
    pub row: Option<u64>,
}

impl FieldError {
    /// The same error, placed on a row of a CSV import.
    pub fn at_row(self, row: u64) -> Self {
        Self { row: Some(row), ..self }
    }

    /// A field error from its parts.
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into(), row: None }
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "/problems/validation-failed", "title": "Validation failed", "status": 422,
    "detail": "1 field is invalid", "errors": [{"field": "corporate_number", "code": "check_digit",
    "message": "the check digit does not match the other 12 digits"}]}))]
pub struct Problem {
    /// URI reference naming the problem type.
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation-failed")]
    pub problem_type: String,
    /// Short summary of the problem type.
    #[schema(example = "Validation failed")]
    pub title: String,
    /// HTTP status code.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong with this request.
    #[schema(example = "1 field is invalid")]
    pub detail: String,
    /// Every invalid field, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: no usable bearer token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// 403: the caller's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404: no such resource or route.
    #[error("not found: {0}")]
    NotFound(String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// 408: the body did not arrive within the configured time.
    #[error("request timeout: {0}")]
    RequestTimeout(String),
    /// 409: the request conflicts with the stored state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 412: `If-Match` names a version that is no longer current.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// 413: the body is over the configured limit.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// 415: the body is not in a supported media type.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// 422: the body is well-formed but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 428: `If-Match` is required and missing.
    #[error("precondition required")]
    PreconditionRequired,
    /// 429: the caller sent more requests than its rate allows; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests(u64),
    /// 503: the database cannot be reached or is busy.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 500: anything unexpected; the cause is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// Logs `cause` in the current request span and returns an opaque 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::Internal(cause.to_string())
    }

    /// A 422 with a single invalid field.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "Bad request"),
            Self::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            Self::Forbidden(_) => ("forbidden", "Forbidden"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            Self::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            Self::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Validation(_) => ("validation-failed", "Validation failed"),
            Self::PreconditionRequired => ("precondition-required", "Precondition required"),
            Self::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            Self::Unavailable(_) => ("service-unavailable", "Service unavailable"),
            Self::Internal(_) => ("internal-error", "Internal server error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(d)
            | Self::Unauthorized(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::RequestTimeout(d)
            | Self::Conflict(d)
            | Self::PreconditionFailed(d)
            | Self::PayloadTooLarge(d)
            | Self::UnsupportedMediaType(d)
            | Self::Unavailable(d) => d.clone(),
            Self::MethodNotAllowed(allow) => format!("allowed methods: {}", allow.join(", ")),
            Self::Validation(errors) => match errors.len() {
                1 => "1 field is invalid".to_owned(),
                n => format!("{n} fields are invalid"),
            },
            Self::TooManyRequests(secs) => format!("the request rate for this token is exceeded; retry in {secs} s"),
            Self::PreconditionRequired => "send If-Match with the resource's current ETag".to_owned(),
            Self::Internal(_) => {
                "an unexpected error occurred; quote the X-Request-Id header when reporting it".to_owned()
            }
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        let errors = match self {
            Self::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| FieldError {
                        field: printable(&e.field),
                        code: e.code.clone(),
                        message: printable(&e.message),
                        row: e.row,
                    })
                    .collect(),
            ),
            _ => None,
        };
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: printable(&self.detail()),
            errors,
        }
    }
}

/// Client-supplied names echoed in a problem, with NUL replaced (U+FFFD) so no response carries it.
fn printable(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer error="invalid_token""#));
            }
            Self::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::TooManyRequests(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match &err {
            Error::NotFound => Self::NotFound("no such resource".to_owned()),
            Error::DatabaseError(Kind::ClosedConnection, _) => {
                tracing::warn!(error = %err, "database connection lost");
                Self::Unavailable("the database is unavailable; retry shortly".to_owned())
            }
            Error::DatabaseError(_, info) if is_busy(info.message()) => {
                tracing::warn!(error = %err, "database busy");
                Self::Unavailable("the database is busy; retry shortly".to_owned())
            }
            Error::DatabaseError(Kind::UniqueViolation, _) => {
                Self::Conflict("a record with the same unique value already exists".to_owned())
            }
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => {
                Self::Conflict("a related record changed while this request ran; fetch it and retry".to_owned())
            }
            _ => Self::internal(err),
        }
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("server closed the connection")
        || message.contains("terminating connection")
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        tracing::warn!(error = %err, "no database connection available");
        Self::Unavailable("the database is unavailable; retry shortly".to_owned())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::internal(err)
    }
}
