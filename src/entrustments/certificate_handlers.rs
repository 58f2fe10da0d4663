//! The consignee's certificate of deletion for an entrustment, through the one documents module.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::store;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::documents::api::{Document, DocumentBytes, UploadQuery};
use crate::documents::endpoint;
use crate::documents::receive::Received;
use crate::error::{ApiError, Problem};
use crate::http::conditional;
use crate::state::AppState;

/// Upload the certificate of deletion.
///
/// Once the entrustment has ended: the consignee's certificate that it returned or deleted the
/// data, as `application/pdf`, `image/png`, `image/jpeg` or `image/tiff` (the leading bytes must
/// match); replaces an earlier upload. The answer's `ETag` is the document's sha256.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "upload_entrustment_deletion_certificate",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), UploadQuery),
    request_body(description = "The certificate's bytes", content(
        (DocumentBytes = "application/pdf"),
        (DocumentBytes = "image/png"),
        (DocumentBytes = "image/jpeg"),
        (DocumentBytes = "image/tiff"),
    )),
    responses(
        (status = 200, description = "Stored; the document's metadata", body = Document,
            headers(("ETag" = String, description = "The sha256 of the bytes"))),
        (status = 409, description = "The entrustment has not ended", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the document limit (CR_DOCUMENT_LIMIT, default 20 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the accepted types, or the bytes do not match the declared type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty body, or an invalid file name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/entrustments/{id}/deletion-certificate")]
pub async fn upload(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, at, today) = (id.into_inner().to_string(), state.clock.now(), state.today());
    let probe = id.clone();
    let admit = move |c: &mut DbConnection| store::check_certificate_allowed(&store::get(c, &probe)?.0, today);
    let keep = move |c: &mut DbConnection, received: &Received| {
        store::attach_certificate(c, &caller, at, today, &id, received)
    };
    endpoint::upload(&req, &state, query.into_inner(), payload, admit, keep).await
}

/// Download the certificate of deletion.
#[utoipa::path(
    tag = "entrustments",
    operation_id = "download_entrustment_deletion_certificate",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Entrustment id"), conditional::IfNoneMatch),
    responses(
        (status = 200, description = "The certificate's bytes", content(
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
#[get("/entrustments/{id}/deletion-certificate")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    endpoint::download(&req, &state, move |c| store::certificate_of(c, &id)).await
}
