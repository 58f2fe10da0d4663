//! Walking the chain: every link, every `changes` hash, and a recorded redaction for every erasure.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::api::VerifyReport;
use super::chain::{self, GENESIS};
use super::model::AuditEventRow;
use super::store::REDACTED;
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

const BATCH: i64 = 1000;

/// What the walk has seen so far.
struct Walk {
    prev_hash: String,
    next_seq: i64,
    /// Events whose `changes` are gone: seq → the hash they had.
    erased: BTreeMap<i64, String>,
    /// Redaction records: erased seq → the hash they say was erased.
    redactions: HashMap<i64, String>,
}

/// Walks the whole chain and reports the first event that does not hold.
pub fn verify(conn: &mut DbConnection) -> Result<VerifyReport, ApiError> {
    let mut walk =
        Walk { prev_hash: GENESIS.to_owned(), next_seq: 1, erased: BTreeMap::new(), redactions: HashMap::new() };
    loop {
        let rows: Vec<AuditEventRow> =
            ae::table.filter(ae::seq.ge(walk.next_seq)).order(ae::seq.asc()).limit(BATCH).load(conn)?;
        if rows.is_empty() {
            return Ok(walk.finish());
        }
        for row in rows {
            if let Some(problem) = check_link(&row, walk.next_seq, &walk.prev_hash) {
                return Ok(report(walk.next_seq - 1, Some((row.seq, problem)), None));
            }
            walk.note(&row);
            walk.prev_hash = row.hash;
            walk.next_seq += 1;
        }
    }
}

impl Walk {
    fn note(&mut self, row: &AuditEventRow) {
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

    fn finish(self) -> VerifyReport {
        let checked = self.next_seq - 1;
        let unexplained = self.erased.iter().find(|(seq, hash)| self.redactions.get(seq) != Some(hash));
        match unexplained {
            Some((seq, _)) => {
                report(checked, Some((*seq, "changes were erased without a recorded redaction".to_owned())), None)
            }
            None => report(checked, None, (checked > 0).then_some(self.prev_hash)),
        }
    }
}

fn check_link(row: &AuditEventRow, expected_seq: i64, prev_hash: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!("seq {expected_seq} is missing"));
    }
    if row.prev_hash != prev_hash {
        return Some("prev_hash does not match the hash of the previous event".to_owned());
    }
    if chain::link_hash(prev_hash, &row.link()) != row.hash {
        return Some("hash does not match the event's contents".to_owned());
    }
    match &row.changes {
        Some(text) if chain::sha256_hex(text.as_bytes()) != row.changes_sha256 => {
            Some("changes do not match changes_sha256".to_owned())
        }
        _ => None,
    }
}

fn report(checked: i64, broken: Option<(i64, String)>, head_hash: Option<String>) -> VerifyReport {
    let (first_broken_seq, problem) = broken.map_or((None, None), |(seq, p)| (Some(seq), Some(p)));
    VerifyReport { valid: first_broken_seq.is_none(), events_checked: checked, first_broken_seq, problem, head_hash }
}
