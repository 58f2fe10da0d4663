//! Walking the chain: every link, every `changes` hash, a recorded redaction for every erasure,
//! the chain's hash at every signed checkpoint and at every `SEQ:HASH` the caller kept, and the
//! checkpoints themselves (none missing, none skipped, recent enough).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::api::{Expectation, VerifyProblem, VerifyReport};
use super::chain::{self, GENESIS};
use super::checkpoint::{self, CheckpointRow, Checkpointer};
use super::checkpoint_checks::{self, Recorded};
use super::keyring;
use super::model::AuditEventRow;
use super::signing;
use super::store::REDACTED;
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

const BATCH: i64 = 1000;

/// A hash the chain must have at a seq: from a checkpoint whose signature holds, or from the caller.
struct Anchor {
    hash: String,
    checkpoint_id: Option<String>,
    source: String,
}

/// What the walk has seen so far.
struct Walk {
    prev_hash: String,
    next_seq: i64,
    /// Events whose `changes` are gone: seq → the hash they had.
    erased: BTreeMap<i64, String>,
    /// Redaction records: erased seq → the hash they say was erased.
    redactions: HashMap<i64, String>,
    anchors: BTreeMap<i64, Vec<Anchor>>,
    /// The checkpoints the trail records as signed.
    recorded: Vec<Recorded>,
    problems: Vec<VerifyProblem>,
}

/// Walks the whole chain and reports everything that does not hold; `now` (from the injectable
/// clock) dates the events a checkpoint must cover by now.
pub fn verify(
    conn: &mut DbConnection,
    checkpointer: &Checkpointer,
    now: DateTime<Utc>,
    expected: &[Expectation],
) -> Result<VerifyReport, ApiError> {
    let checkpoints = checkpoint::all(conn)?;
    let key = checkpointer.key();
    let trusted = keyring::trusted(&keyring::all(conn)?, &key.key_id, &key.public_key());
    let mut walk = Walk {
        prev_hash: GENESIS.to_owned(),
        next_seq: 1,
        erased: BTreeMap::new(),
        redactions: HashMap::new(),
        anchors: BTreeMap::new(),
        recorded: Vec::new(),
        problems: Vec::new(),
    };
    // In `seq` order, so the last one that verifies covers the most.
    let newest_verified = checkpoints.iter().filter(|cp| walk.add_checkpoint(cp, &trusted)).last();
    for e in expected {
        let anchor = Anchor { hash: e.hash.clone(), checkpoint_id: None, source: format!("the expected {}", e.text()) };
        walk.anchors.entry(e.seq).or_default().push(anchor);
    }
    walk.check_anchors(0, GENESIS);
    let complete = walk.walk(conn)?;
    walk.problems.extend(checkpoint_checks::missing(&checkpoints, &walk.recorded));
    walk.problems.extend(checkpoint_checks::links(&checkpoints));
    if let Some(window) = checkpointer.coverage_window() {
        let uncovered = checkpoint_checks::uncovered(conn, newest_verified, &walk.recorded, now - window)?;
        walk.problems.extend(uncovered);
    }
    let checked = checkpoints.len() as i64;
    Ok(if complete { walk.finish(checked) } else { walk.report(checked, false) })
}

impl Walk {
    /// Follows the links from `next_seq` to the head; false when a link breaks (the walk stops there).
    fn walk(&mut self, conn: &mut DbConnection) -> Result<bool, ApiError> {
        loop {
            let rows: Vec<AuditEventRow> =
                ae::table.filter(ae::seq.ge(self.next_seq)).order(ae::seq.asc()).limit(BATCH).load(conn)?;
            if rows.is_empty() {
                return Ok(true);
            }
            for row in rows {
                if let Some((seq, problem)) = check_link(&row, self.next_seq, &self.prev_hash) {
                    self.problems.push(VerifyProblem::at(seq, problem));
                    return Ok(false);
                }
                self.note(&row);
                self.check_anchors(row.seq, &row.hash);
                self.prev_hash = row.hash;
                self.next_seq += 1;
            }
        }
    }

    /// Takes in a checkpoint; true when a trusted key's signature holds.
    fn add_checkpoint(&mut self, cp: &CheckpointRow, trusted: &HashMap<String, String>) -> bool {
        let problem = match trusted.get(&cp.key_id) {
            None => Some(format!(
                "checkpoint {} is signed by key {}, which the configured key does not vouch for",
                cp.id, cp.key_id
            )),
            Some(pk) if !signing::verify(pk, cp.message().as_bytes(), &cp.signature) => {
                Some(format!("checkpoint {} has a signature that does not verify", cp.id))
            }
            Some(_) => None,
        };
        match problem {
            Some(detail) => {
                self.problems.push(VerifyProblem { seq: Some(cp.seq), checkpoint_id: Some(cp.id.clone()), detail });
                false
            }
            None => {
                self.anchors.entry(cp.seq).or_default().push(Anchor {
                    hash: cp.head_hash.clone(),
                    checkpoint_id: Some(cp.id.clone()),
                    source: format!("checkpoint {} signed at {}", cp.id, chain::format_at(cp.at)),
                });
                true
            }
        }
    }

    fn check_anchors(&mut self, seq: i64, hash: &str) {
        for anchor in self.anchors.remove(&seq).unwrap_or_default() {
            if anchor.hash != hash {
                self.problems.push(VerifyProblem {
                    seq: Some(seq),
                    checkpoint_id: anchor.checkpoint_id,
                    detail: format!(
                        "the chain's hash at seq {seq} differs from {}: the events up to it were changed",
                        anchor.source
                    ),
                });
            }
        }
    }

    fn note(&mut self, row: &AuditEventRow) {
        if row.action == checkpoint::CREATED {
            self.recorded.push(Recorded { seq: row.seq, checkpoint_id: row.resource_id.clone() });
        }
        match &row.changes {
            None => {
                self.erased.insert(row.seq, row.changes_sha256.clone());
            }
            Some(text) if row.action == REDACTED => {
                let changes: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                if let (Ok(seq), Some(hash)) = (row.resource_id.parse(), changes["changes_sha256"].as_str()) {
                    self.redactions.insert(seq, hash.to_owned());
                }
            }
            Some(_) => {}
        }
    }

    fn finish(mut self, checkpoints: i64) -> VerifyReport {
        let missing = self.next_seq;
        for (seq, anchors) in std::mem::take(&mut self.anchors) {
            for anchor in anchors {
                self.problems.push(VerifyProblem {
                    seq: Some(missing),
                    checkpoint_id: anchor.checkpoint_id,
                    detail: format!(
                        "event seq {missing} is missing: {} covers the chain up to seq {seq}",
                        anchor.source
                    ),
                });
            }
        }
        let unexplained: Vec<i64> =
            self.erased.iter().filter(|(seq, hash)| self.redactions.get(seq) != Some(hash)).map(|(s, _)| *s).collect();
        for seq in unexplained {
            self.problems.push(VerifyProblem::at(seq, "changes were erased without a recorded redaction".to_owned()));
        }
        self.report(checkpoints, true)
    }

    fn report(mut self, checkpoints: i64, complete: bool) -> VerifyReport {
        self.problems.sort_by_key(|p| p.seq);
        let checked = self.next_seq - 1;
        let valid = self.problems.is_empty();
        VerifyReport {
            valid,
            events_checked: checked,
            head_seq: (complete && checked > 0).then_some(checked),
            head_hash: (complete && checked > 0).then_some(self.prev_hash),
            checkpoints_checked: checkpoints,
            first_broken_seq: self.problems.iter().find_map(|p| p.seq),
            problems: self.problems,
        }
    }
}

/// The seq and reason of a link that does not hold; a gap names the missing seq.
fn check_link(row: &AuditEventRow, expected_seq: i64, prev_hash: &str) -> Option<(i64, String)> {
    if row.seq != expected_seq {
        return Some((
            expected_seq,
            format!("event seq {expected_seq} is missing (the next stored event is {})", row.seq),
        ));
    }
    let problem = if row.prev_hash != prev_hash {
        "prev_hash does not match the hash of the previous event"
    } else if chain::link_hash(prev_hash, &row.link()) != row.hash {
        "hash does not match the event's contents"
    } else if row.changes.as_ref().is_some_and(|text| chain::sha256_hex(text.as_bytes()) != row.changes_sha256) {
        "changes do not match changes_sha256"
    } else {
        return None;
    };
    Some((row.seq, problem.to_owned()))
}
