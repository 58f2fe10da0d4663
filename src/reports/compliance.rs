//! The compliance report: every consignee's standing and the checks that fail or warn, as JSON
//! pages or streamed CSV, judged in batches.

use super::api::ComplianceStanding;
use crate::compliance::api::CheckResult;
use crate::compliance::rules::Context;
use crate::compliance::scan::{self, Filter, Judged};
use crate::error::ApiError;
use crate::http::csv::{Export, Paged};

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

/// The report as CSV, judged a batch at a time.
pub fn export(filter: Filter, ctx: Context) -> impl Export {
    Paged::new(&HEADER, move |conn, after| {
        let (judged, next) = scan::batch(conn, &filter, after, &ctx)?;
        Ok((judged.iter().map(row).collect(), next))
    })
}
