//! The compliance report: every consignee's standing and the checks that fail or warn, as JSON
//! pages or streamed CSV, judged in batches.

use super::api::ComplianceStanding;
use crate::compliance::api::CheckResult;
use crate::compliance::rules::Context;
use crate::compliance::scan::{self, Filter, Judged};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::csv::Export;

/// The report's item for a judged consignee.
pub fn item(judged: Judged) -> Result<ComplianceStanding, ApiError> {
    let fields = judged.row.input()?;
    Ok(ComplianceStanding {
        consignee_id: crate::db::stored_id(&judged.row.id)?,
        legal_name: fields.legal_name,
        status: judged.row.status()?,
        risk_tier: fields.risk_tier,
        compliance_status: judged.status,
        checks: judged.checks.into_iter().filter(|c| c.result != CheckResult::Pass).collect(),
    })
}

const HEADER: [&str; 9] = [
    "consignee_id",
    "legal_name",
    "corporate_number",
    "status",
    "risk_tier",
    "compliance_status",
    "failing",
    "warning",
    "reasons",
];

/// The report as CSV rows, read a batch at a time.
pub struct ComplianceExport {
    filter: Filter,
    ctx: Context,
    after: Option<String>,
    done: bool,
}

impl ComplianceExport {
    /// The export of the consignees `filter` selects, judged in `ctx`.
    pub fn new(filter: Filter, ctx: Context) -> Self {
        Self { filter, ctx, after: None, done: false }
    }
}

fn codes(judged: &Judged, result: CheckResult) -> String {
    judged.checks.iter().filter(|c| c.result == result).map(|c| c.code.as_str()).collect::<Vec<_>>().join(" ")
}

fn row(judged: &Judged) -> Vec<String> {
    let reasons: Vec<String> = judged
        .checks
        .iter()
        .filter(|c| c.result != CheckResult::Pass)
        .map(|c| format!("{}: {}", c.code, c.reason))
        .collect();
    vec![
        judged.row.id.clone(),
        judged.row.legal_name.clone(),
        judged.row.corporate_number.clone().unwrap_or_default(),
        judged.row.status.clone(),
        judged.row.risk_tier.clone(),
        judged.status.as_str().to_owned(),
        codes(judged, CheckResult::Fail),
        codes(judged, CheckResult::Warn),
        reasons.join("; "),
    ]
}

impl Export for ComplianceExport {
    fn header(&self) -> Vec<String> {
        HEADER.iter().map(|h| (*h).to_owned()).collect()
    }

    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        // A batch may match no consignee while more remain: read on until one does or all are read.
        while !self.done {
            let (judged, next) = scan::batch(conn, &self.filter, self.after.as_deref(), &self.ctx)?;
            self.done = next.is_none();
            self.after = next;
            if !judged.is_empty() {
                return Ok(judged.iter().map(row).collect());
            }
        }
        Ok(Vec::new())
    }
}
