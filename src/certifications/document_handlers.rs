//! The certificate document of a certification: upload (replacing) and download.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
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

/// Upload the certificate.
///
/// The raw bytes as `application/pdf`, `image/png`, `image/jpeg` or `image/tiff` (the leading
/// bytes must match); the file name from `Content-Disposition` or `?filename=`. Replaces an
/// earlier upload. The answer's `ETag` is the document's sha256.
#[utoipa::path(
    tag = "certifications",
    operation_id = "upload_certification_document",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Certification id"), UploadQuery, IfMatch),
    request_body(description = "The document's bytes", content(
        (DocumentBytes = "application/pdf"),
        (DocumentBytes = "image/png"),
        (DocumentBytes = "image/jpeg"),
        (DocumentBytes = "image/tiff"),
    )),
    responses(
        (status = 200, description = "Stored; the document's metadata", body = Document,
            headers(("ETag" = String, description = "The sha256 of the bytes"))),
        (status = 413, description = "Larger than the document limit (CR_DOCUMENT_LIMIT, default 20 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the accepted types, or the bytes do not match the declared type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty body, or an invalid file name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/certifications/{id}/document")]
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
    let admit = move |c: &mut DbConnection| conditional::check_version(&expected_now, store::get(c, &probe)?.version);
    let keep = move |c: &mut DbConnection, received: &Received| {
        store::attach_document(c, &caller, at, &id, expected, received)
    };
    endpoint::upload(&req, &state, query.into_inner(), payload, admit, keep).await
}

/// Download the certificate.
#[utoipa::path(
    tag = "certifications",
    operation_id = "download_certification_document",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Certification id"), IfNoneMatch),
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
#[get("/certifications/{id}/document")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    endpoint::download(&req, &state, move |c| store::document_of(c, &id)).await
}
