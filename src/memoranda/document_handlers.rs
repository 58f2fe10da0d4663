//! The signed document of a memorandum: upload while a draft, download at any time.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::MemorandumStatus;
use super::store;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::documents::api::{Document, DocumentBytes, UploadQuery};
use crate::documents::endpoint;
use crate::documents::receive::Received;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::state::AppState;

/// Upload the signed document.
///
/// The raw bytes as `application/pdf`, `image/png`, `image/jpeg` or `image/tiff` (the leading
/// bytes must match: a PDF starts with `%PDF-`); the file name from `Content-Disposition` or
/// `?filename=`. Replaces an earlier upload while the memorandum is a draft. The answer's `ETag`
/// is the document's sha256; the memorandum's version moves on, so fetch it before an `If-Match`.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "upload_memorandum_document",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), UploadQuery, IfMatch),
    request_body(description = "The document's bytes", content(
        (DocumentBytes = "application/pdf"),
        (DocumentBytes = "image/png"),
        (DocumentBytes = "image/jpeg"),
        (DocumentBytes = "image/tiff"),
    )),
    responses(
        (status = 200, description = "Stored; the document's metadata", body = Document,
            headers(("ETag" = String, description = "The sha256 of the bytes"))),
        (status = 409, description = "The memorandum is signed or terminated; its document cannot change", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the document limit (CR_DOCUMENT_LIMIT, default 20 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the accepted types, or the bytes do not match the declared type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty body, or an invalid file name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/memoranda/{id}/document")]
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
    let admit = move |c: &mut DbConnection| {
        let row = store::get(c, &probe)?;
        conditional::check_version(&expected_now, row.version)?;
        match row.stored_status()? {
            MemorandumStatus::Draft => Ok(()),
            _ => Err(ApiError::Conflict(format!("the memorandum is {}; its document cannot change", row.status))),
        }
    };
    let keep = move |c: &mut DbConnection, received: &Received| {
        store::attach_document(c, &caller, at, &id, expected, received).map(|(_, document)| document)
    };
    endpoint::upload(&req, &state, query.into_inner(), payload, admit, keep).await
}

/// Download the signed document.
///
/// The bytes as uploaded, with `Content-Type`, `Content-Length`, `Content-Disposition` and an
/// `ETag` that is the sha256.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "download_memorandum_document",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Memorandum id"), IfNoneMatch),
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
#[get("/memoranda/{id}/document")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    endpoint::download(&req, &state, move |c| store::document_of(c, &id)).await
}
