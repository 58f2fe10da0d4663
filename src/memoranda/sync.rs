//! Sync by the contract system's identifier: create or update a memorandum by its `external_ref`.

use actix_web::{put, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{Memorandum, MemorandumInput};
use super::handlers::location;
use super::{store, view};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::body;
use crate::http::conditional::{self, IfMatch};
use crate::state::AppState;

/// Create or update a consignee's memorandum by its external reference.
///
/// For contract systems that keep their own ids: the first call records a `draft` with this
/// `external_ref` (201), later calls replace a draft's terms (200). A signed or terminated
/// memorandum's terms are frozen (409; only `notes` change), as for `PATCH`. A body's
/// `external_ref`, when given, must equal the path's. `If-Match` is honoured on update.
#[utoipa::path(
    tag = "memoranda",
    operation_id = "sync_memorandum",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"),
        ("external_ref" = String, Path, description = "The contract system's identifier", min_length = 1, max_length = 200), IfMatch),
    request_body = MemorandumInput,
    responses(
        (status = 200, description = "Updated", body = Memorandum, headers(("ETag" = String, description = "Version tag"))),
        (status = 201, description = "Created", body = Memorandum,
            headers(("Location" = String, description = "URL of the new memorandum"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The memorandum is signed or terminated and its terms are frozen", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed; or a body external_ref other than the path's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consignees/{id}/memoranda/by-ref/{external_ref}")]
pub async fn sync(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = body::json::<MemorandumInput>(&req, payload, body::JSON).await?;
    let expected = conditional::expected_version(&req)?;
    let ((consignee_id, reference), at, today) = (path.into_inner(), state.clock.now(), state.today());
    let ((memorandum, tag), created) = state
        .db
        .write(move |c| {
            let owner = (consignee_id.to_string(), reference);
            let (row, created) = store::sync_by_ref(c, &caller, at, (&owner.0, &owner.1), expected, input)?;
            Ok((view::present_one(c, row, today)?, created))
        })
        .await?;
    if created {
        return Ok(conditional::created(location(&memorandum.id.to_string()), tag, &memorandum));
    }
    Ok(conditional::written(tag, &memorandum))
}
