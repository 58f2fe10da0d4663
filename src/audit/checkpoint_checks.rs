//! What `verify` asks of the checkpoints themselves, so that deleting one shows without trusting the
//! database: every checkpoint the trail records is still there, the chained ones are numbered 1, 2,
//! 3, … and each links to the one before, and no event older than the interval plus grace waits
//! for a checkpoint that the configured key verifies.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::api::VerifyProblem;
use super::chain::{self, GENESIS};
use super::checkpoint::{self, CheckpointRow};
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

/// A checkpoint the trail records: the `seq` of its `audit_checkpoint.created` event and its id.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The event's seq.
    pub seq: i64,
    /// The checkpoint's id (the event's `resource_id`).
    pub checkpoint_id: String,
}

/// Checkpoints the trail records whose rows are gone.
pub fn missing(checkpoints: &[CheckpointRow], recorded: &[Recorded]) -> Vec<VerifyProblem> {
    recorded
        .iter()
        .filter(|r| !checkpoints.iter().any(|c| c.id == r.checkpoint_id))
        .map(|r| VerifyProblem {
            seq: Some(r.seq),
            checkpoint_id: Some(r.checkpoint_id.clone()),
            detail: format!(
                "checkpoint {} is missing: the event at seq {} records that it was signed",
                r.checkpoint_id, r.seq
            ),
        })
        .collect()
}

/// Gaps in the chained checkpoints' numbers and `prev` links that do not match.
pub fn links(checkpoints: &[CheckpointRow]) -> Vec<VerifyProblem> {
    let mut chained: Vec<&CheckpointRow> = checkpoints.iter().filter(|c| c.number.is_some()).collect();
    chained.sort_by_key(|c| c.number);
    let first_prev = checkpoint::newest_legacy(checkpoints).map_or_else(|| GENESIS.to_owned(), CheckpointRow::hash);
    let mut problems = Vec::new();
    let mut before: Option<&CheckpointRow> = None;
    for (expected, cp) in (1..).zip(chained) {
        let number = cp.number.unwrap_or_default();
        let problem = |detail: String| VerifyProblem { seq: Some(cp.seq), checkpoint_id: Some(cp.id.clone()), detail };
        if number != expected {
            problems.push(problem(format!(
                "checkpoint {} is number {number} but follows number {}: checkpoints were deleted from the chain",
                cp.id,
                expected - 1
            )));
            return problems;
        }
        let prev = before.map_or_else(|| first_prev.clone(), |b| b.hash());
        if cp.prev.as_deref() != Some(prev.as_str()) {
            problems.push(problem(format!(
                "checkpoint {} (number {number}) does not link to the checkpoint before it: its prev differs",
                cp.id
            )));
        }
        before = Some(cp);
    }
    problems
}

/// Events older than `deadline` that the newest checkpoint the configured key verifies does not
/// cover (its own `audit_checkpoint.created` event counts as covered).
pub fn uncovered(
    conn: &mut DbConnection,
    newest_verified: Option<&CheckpointRow>,
    recorded: &[Recorded],
    deadline: DateTime<Utc>,
) -> Result<Option<VerifyProblem>, ApiError> {
    let oldest_due: Option<i64> =
        ae::table.filter(ae::at.lt(deadline.naive_utc())).select(diesel::dsl::max(ae::seq)).first(conn)?;
    let Some(due) = oldest_due else { return Ok(None) };
    let covered = newest_verified.map_or(0, |cp| {
        let own_event = recorded.iter().any(|r| r.seq == cp.seq + 1 && r.checkpoint_id == cp.id);
        cp.seq + i64::from(own_event)
    });
    if due <= covered {
        return Ok(None);
    }
    let newest =
        newest_verified.map_or_else(|| "none".to_owned(), |cp| format!("checkpoint {} (seq {})", cp.id, cp.seq));
    Ok(Some(VerifyProblem {
        seq: Some(covered + 1),
        checkpoint_id: newest_verified.map(|cp| cp.id.clone()),
        detail: format!(
            "events from seq {} to {due} were appended before {} (the checkpoint interval plus grace ago) and no \
checkpoint the configured key verifies covers them (the newest is {newest}): checkpoints were deleted or not signed",
            covered + 1,
            chain::format_at(deadline.naive_utc())
        ),
    }))
}
