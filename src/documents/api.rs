//! Document metadata as responses show it, and the upload's query.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::kind::DocumentType;

/// An uploaded document: what was stored and by whom; the bytes are fetched separately.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 482113,
    "content_type": "application/pdf", "filename": "覚書_サンプル物流_2026.pdf",
    "uploaded_at": "2026-11-20T01:00:00Z", "uploaded_by": "alice"
}))]
pub struct Document {
    /// SHA-256 of the bytes, hex; also the download's ETag.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Media type.
    pub content_type: DocumentType,
    /// File name given at upload.
    pub filename: String,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// Who uploaded it (token subject).
    pub uploaded_by: String,
}

/// The raw bytes of a document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct DocumentBytes(pub Vec<u8>);

/// Where an upload's file name may come from besides `Content-Disposition`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// File name to store; overrides `Content-Disposition`'s `filename`.
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::non_blank"))]
    #[param(min_length = 1, max_length = 255)]
    pub filename: Option<String>,
}
