//! Sync by the contract system's identifier: create or update a consignee by its `external_ref`.

use actix_web::{put, web, HttpRequest, HttpResponse};

use super::api::{Consignee, ConsigneeInput};
use super::handlers::location;
use super::{store, view};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::body;
use crate::http::conditional::{self, IfMatch};
use crate::state::AppState;

/// Create or update a consignee by its external reference.
///
/// For contract systems that keep their own ids: the first call creates a `candidate` with this
/// `external_ref` (201), later calls replace its writable fields (200; the status changes only
/// through `POST /consignees/{id}/status`). A body's `external_ref`, when given, must equal the
/// path's. `If-Match` is honoured on update.
#[utoipa::path(
    tag = "consignees",
    operation_id = "sync_consignee",
    security(("bearer" = ["edit_register"])),
    params(("external_ref" = String, Path, description = "The contract system's identifier", min_length = 1, max_length = 200), IfMatch),
    request_body = ConsigneeInput,
    responses(
        (status = 200, description = "Updated", body = Consignee, headers(("ETag" = String, description = "Version tag"))),
        (status = 201, description = "Created", body = Consignee,
            headers(("Location" = String, description = "URL of the new consignee"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The corporate number belongs to another consignee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed; or a body external_ref other than the path's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consignees/by-ref/{external_ref}")]
pub async fn sync(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    reference: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = body::json::<ConsigneeInput>(&req, payload, body::JSON).await?;
    let expected = conditional::expected_version(&req)?;
    let (reference, at, supervision) = (reference.into_inner(), state.clock.now(), state.supervision());
    let ctx = supervision.compliance();
    let ((consignee, tag), created) = state
        .db
        .write(move |c| {
            let (row, created) = store::sync_by_ref(c, &caller, at, supervision, &reference, expected, input)?;
            Ok((view::present_one(c, row, &ctx)?, created))
        })
        .await?;
    if created {
        return Ok(conditional::created(location(&consignee.id.to_string()), tag, &consignee));
    }
    Ok(conditional::written(tag, &consignee))
}
