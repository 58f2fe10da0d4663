//! CSV export of the trail, in batches so the database is read page by page.

use super::api::EventFilter;
use super::chain::format_at;
use super::model::AuditEventRow;
use super::store::list;
use crate::db::DbConnection;
use crate::error::ApiError;

const BATCH: i64 = 1000;
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

/// Every event matching `filter` as CSV with a header row.
pub fn csv(conn: &mut DbConnection, filter: &EventFilter) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).map_err(ApiError::internal)?;
    let mut after = 0;
    loop {
        let rows: Vec<AuditEventRow> = list(conn, filter, after, BATCH)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows {
            let record = [
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
            ];
            writer.write_record(&record).map_err(ApiError::internal)?;
        }
    }
    writer.into_inner().map_err(ApiError::internal)
}
