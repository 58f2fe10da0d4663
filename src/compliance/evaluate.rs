//! A consignee's standing from its checks: `non_compliant` when one fails, `attention` when one
//! warns, `not_applicable` when it holds no data, is not approved and owes no report of an incident.

use super::api::{Check, CheckResult, ComplianceStatus};
use super::facts::Facts;
use super::rules::{Context, RULES};
use crate::consignees::api::ConsigneeStatus;
use crate::consignees::model::ConsigneeRow;
use crate::db::DbConnection;
use crate::error::ApiError;

/// Every check of the rule table, and the standing they add up to.
pub fn evaluate(facts: &Facts, ctx: &Context) -> (ComplianceStatus, Vec<Check>) {
    let checks: Vec<Check> = RULES.iter().map(|(_, rule)| rule(facts, ctx)).collect();
    let holds_data = facts.entrustments.iter().any(|e| e.holds_data);
    let worst = checks.iter().map(|c| c.result).max().unwrap_or(CheckResult::Pass);
    let status = match worst {
        _ if facts.status != ConsigneeStatus::Approved && !holds_data && !facts.incidents.iter().any(|i| i.pending) => {
            ComplianceStatus::NotApplicable
        }
        CheckResult::Fail => ComplianceStatus::NonCompliant,
        CheckResult::Warn => ComplianceStatus::Attention,
        CheckResult::Pass => ComplianceStatus::Compliant,
    };
    (status, checks)
}

/// The standing and checks of each consignee in `rows` (a fixed number of queries for all).
pub fn evaluate_many(
    conn: &mut DbConnection,
    rows: &[ConsigneeRow],
    ctx: &Context,
) -> Result<Vec<(ComplianceStatus, Vec<Check>)>, ApiError> {
    Ok(super::facts::load(conn, rows, ctx)?.iter().map(|facts| evaluate(facts, ctx)).collect())
}
