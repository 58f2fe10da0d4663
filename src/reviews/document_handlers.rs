//! Evidence documents of a review: add while open, download any time.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::store;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::documents::api::{Document, DocumentBytes, UploadQuery};
use crate::documents::endpoint;
use crate::documents::receive::Received;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::state::AppState;

/// Add an evidence document to a review.
///
/// The raw bytes as `application/pdf`, `image/png`, `image/jpeg` or `image/tiff` (the leading
/// bytes must match); the file name from `Content-Disposition` or `?filename=`. The same bytes
/// uploaded again answer the document already attached. A completed review is frozen (409).
#[utoipa::path(
    tag = "reviews",
    operation_id = "upload_review_document",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Review id"), UploadQuery, IfMatch),
    request_body(description = "The document's bytes", content(
        (DocumentBytes = "application/pdf"),
        (DocumentBytes = "image/png"),
        (DocumentBytes = "image/jpeg"),
        (DocumentBytes = "image/tiff"),
    )),
    responses(
        (status = 200, description = "Stored; the document's metadata", body = Document,
            headers(("ETag" = String, description = "The sha256 of the bytes"))),
        (status = 409, description = "The review is completed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the document limit (CR_DOCUMENT_LIMIT, default 20 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the accepted types, or the bytes do not match the declared type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty body, or an invalid file name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/{id}/documents")]
pub async fn upload(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let expected = conditional::expected_version(&req)?;
    let (id, at) = (id.into_inner().to_string(), state.clock.now());
    let (probe, expected_now) = (id.clone(), expected.clone());
    let admit = move |c: &mut DbConnection| store::check_document_allowed(&store::get(c, &probe)?, &expected_now);
    let keep =
        move |c: &mut DbConnection, received: &Received| store::add_document(c, &caller, at, &id, expected, received);
    endpoint::upload(&req, &state, query.into_inner(), payload, admit, keep).await
}

/// Download an evidence document of a review.
#[utoipa::path(
    tag = "reviews",
    operation_id = "download_review_document",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Review id"),
        ("sha256" = String, Path, description = "The document's sha256 (hex)", pattern = "^[0-9a-f]{64}$"), IfNoneMatch),
    responses(
        (status = 200, description = "The document's bytes", content(
            (DocumentBytes = "application/pdf"),
            (DocumentBytes = "image/png"),
            (DocumentBytes = "image/jpeg"),
            (DocumentBytes = "image/tiff"),
        ), headers(
            ("ETag" = String, description = "The sha256 of the bytes, quoted"),
            ("Content-Disposition" = String, description = "`attachment` with the file name"),
        )),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "The sha256"))),
    )
)]
#[get("/reviews/{id}/documents/{sha256}")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sha256) = path.into_inner();
    let id = id.to_string();
    endpoint::download(&req, &state, move |c| store::document_of(c, &id, &sha256)).await
}
