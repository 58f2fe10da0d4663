//! CSV export of the trail through the shared CSV writer, read in batches of events.

use super::api::EventFilter;
use super::chain::format_at;
use super::store::list;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::csv::Export;

/// Events read per batch.
pub const BATCH: i64 = 500;
const HEADER: [&str; 14] = [
    "seq",
    "at",
    "actor",
    "actor_role",
    "action",
    "resource_type",
    "resource_id",
    "consignee_id",
    "request_id",
    "changes",
    "changes_sha256",
    "prev_hash",
    "hash",
    "redacted_at",
];

/// The events matching a filter, oldest first.
pub struct EventExport {
    filter: EventFilter,
    after: i64,
}

impl EventExport {
    /// An export of the events matching `filter`.
    pub fn new(filter: EventFilter) -> Self {
        Self { filter, after: 0 }
    }
}

impl Export for EventExport {
    fn header(&self) -> Vec<String> {
        HEADER.iter().map(|h| (*h).to_owned()).collect()
    }

    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        let rows = list(conn, &self.filter, self.after, BATCH)?;
        if let Some(last) = rows.last() {
            self.after = last.seq;
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                vec![
                    row.seq.to_string(),
                    format_at(row.at),
                    row.actor,
                    row.actor_role,
                    row.action,
                    row.resource_type,
                    row.resource_id,
                    row.consignee_id.unwrap_or_default(),
                    row.request_id.unwrap_or_default(),
                    row.changes.unwrap_or_default(),
                    row.changes_sha256,
                    row.prev_hash,
                    row.hash,
                    row.redacted_at.map(format_at).unwrap_or_default(),
                ]
            })
            .collect())
    }
}
