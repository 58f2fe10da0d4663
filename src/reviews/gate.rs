//! The approval gate: a consignee becomes `approved` only on a passing review.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use super::api::{ReviewKind, ReviewOutcome};
use super::model::ReviewRow;
use crate::consignees::api::ConsigneeStatus;
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::reviews as r;
use crate::db::DbConnection;
use crate::error::ApiError;

/// 409 saying what is missing unless the consignee may move from `from` to `approved`: from
/// `candidate`, its latest completed `selection` review passed; from `suspended`, its latest
/// review (any kind) completed and performed after the suspension passed.
pub fn check_approval(
    conn: &mut DbConnection,
    row: &ConsigneeRow,
    from: ConsigneeStatus,
    tz: Tz,
) -> Result<(), ApiError> {
    let (review, wanted) = match from {
        ConsigneeStatus::Suspended => {
            let since = row.status_changed_at.unwrap_or(NaiveDateTime::MIN);
            (latest_since(conn, &row.id, since, tz)?, "a review completed and performed after the suspension")
        }
        _ => (latest_selection(conn, &row.id)?, "a completed selection review"),
    };
    let Some(review) = review else {
        return Err(ApiError::Conflict(format!(
            "approval needs {wanted} with a satisfactory outcome, or needs_improvement with every finding \
             action_planned, resolved or accepted_risk; there is none"
        )));
    };
    passed(conn, &review)
}

fn passed(conn: &mut DbConnection, review: &ReviewRow) -> Result<(), ApiError> {
    match review.outcome()? {
        Some(ReviewOutcome::Satisfactory) => Ok(()),
        Some(ReviewOutcome::NeedsImprovement) => {
            let open = crate::findings::store::still_open_of_review(conn, &review.id)?;
            if open.is_empty() {
                return Ok(());
            }
            Err(ApiError::Conflict(format!(
                "review {} needs improvement and these findings are still open (plan an action, resolve \
                 them or accept the risk first): {}",
                review.id,
                open.join(", ")
            )))
        }
        _ => Err(ApiError::Conflict(format!(
            "review {} was unsatisfactory; approval needs a review that passes",
            review.id
        ))),
    }
}

fn completed(consignee_id: &str) -> r::BoxedQuery<'static, <DbConnection as diesel::Connection>::Backend> {
    r::table
        .filter(r::consignee_id.eq(consignee_id.to_owned()))
        .filter(r::completed_at.is_not_null())
        .order((r::performed_on.desc(), r::completed_at.desc()))
        .into_boxed()
}

fn latest_selection(conn: &mut DbConnection, consignee_id: &str) -> Result<Option<ReviewRow>, ApiError> {
    Ok(completed(consignee_id).filter(r::kind.eq(ReviewKind::Selection.as_str())).first(conn).optional()?)
}

fn latest_since(
    conn: &mut DbConnection,
    consignee_id: &str,
    since: NaiveDateTime,
    tz: Tz,
) -> Result<Option<ReviewRow>, ApiError> {
    let suspended_on = since.and_utc().with_timezone(&tz).date_naive();
    Ok(completed(consignee_id)
        .filter(r::completed_at.gt(since))
        .filter(r::performed_on.ge(suspended_on))
        .first(conn)
        .optional()?)
}
