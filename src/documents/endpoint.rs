//! The behaviour every document endpoint shares: what an upload checks and in which order, and
//! what a download sends.

use actix_web::{web, HttpRequest, HttpResponse};

use super::api::UploadQuery;
use super::receive::{self, Received};
use super::send;
use super::store::DocumentRow;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::{self, Tag};
use crate::state::AppState;
use crate::validation;

/// Checks the query and what the headers declare (415, 413, 422 for a declared empty body), lets
/// `admit` refuse (404, 409, 412) before any of the body is read, reads and checks the body (413,
/// 415, 422, 400 when cut short), and lets `keep` store it in a write transaction; answers 200
/// with the document's metadata and its sha256 as the ETag.
pub async fn upload<A, K>(
    req: &HttpRequest,
    state: &AppState,
    query: UploadQuery,
    payload: web::Payload,
    admit: A,
    keep: K,
) -> Result<HttpResponse, ApiError>
where
    A: FnOnce(&mut DbConnection) -> Result<(), ApiError> + Send + 'static,
    K: FnOnce(&mut DbConnection, &Received) -> Result<DocumentRow, ApiError> + Send + 'static,
{
    validation::check(&query)?;
    receive::check_headers(req, state.document_limit)?;
    state.db.run(admit).await?;
    let received = receive::receive(req, payload, state.document_limit, query.filename).await?;
    let document = state.db.write(move |c| keep(c, &received)).await?;
    Ok(conditional::written(Tag::opaque(document.sha256.clone()), &document.to_api()?))
}

/// Sends the document `find` names (404 from `find` when there is none).
pub async fn download<F>(req: &HttpRequest, state: &AppState, find: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<DocumentRow, ApiError> + Send + 'static,
{
    let document = state.db.run(find).await?;
    send::respond(req, state.db.clone(), document)
}
