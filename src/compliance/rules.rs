//! The compliance rules: one small function each, one table listing them. A new rule is one
//! entry in [`RULES`] and one test.

use std::collections::BTreeSet;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::api::{Check, CheckResult};
use super::facts::{Facts, SUB_CONSIGNMENT_CLAUSE};
use crate::consignees::api::{ConsigneeStatus, RiskTier};
use crate::findings::api::Severity;
use crate::reviews::api::{ReviewMethod, ReviewOutcome};
use crate::reviews::schedule::ReviewIntervals;

/// How far ahead the rules warn (`CR_COMPLIANCE_*_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    /// A memorandum's end or notice deadline this close is a warning (default 60 days).
    pub memorandum_days: u32,
    /// A review due this close is a warning (default 30 days).
    pub review_days: u32,
    /// Days after an entrustment's end by which deletion must be confirmed (default 30).
    pub deletion_days: u32,
}

impl Default for Windows {
    fn default() -> Self {
        Self { memorandum_days: 60, review_days: 30, deletion_days: 30 }
    }
}

/// The day judged and the configuration the rules read.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The day, in the business time zone.
    pub today: NaiveDate,
    /// Warning windows.
    pub windows: Windows,
    /// Review intervals per risk tier.
    pub intervals: ReviewIntervals,
    /// The business time zone incident dates are judged in.
    pub time_zone: chrono_tz::Tz,
    /// Days allowed for reports of incidents to the PPC.
    pub report_deadlines: crate::incidents::deadlines::ReportDeadlines,
}

impl Context {
    pub fn within(&self, days: u32) -> NaiveDate {
        self.today.checked_add_days(Days::new(days.into())).unwrap_or(NaiveDate::MAX)
    }
}

/// A rule: reads the facts, answers its check.
pub type Rule = fn(&Facts, &Context) -> Check;

/// Every rule, in the order the checks are shown.
pub const RULES: &[(&str, Rule)] = &[
    ("approved", approved),
    ("memorandum_in_force", memorandum_in_force),
    ("required_clauses", required_clauses),
    ("entrustments_covered", entrustments_covered),
    ("review_schedule", review_schedule),
    ("last_review_outcome", last_review_outcome),
    ("overdue_findings", overdue_findings),
    ("certifications_current", certifications_current),
    ("deletion_confirmed", deletion_confirmed),
    ("sub_consignments_consented", sub_consignments_consented),
    ("sensitive_data_oversight", sensitive_data_oversight),
    ("incident_reports", incident_reports),
];

fn check(code: &str, result: CheckResult, reason: impl Into<String>, ids: Vec<&str>) -> Check {
    let ids = ids.into_iter().filter_map(|id| id.parse().ok()).collect();
    Check { code: code.to_owned(), result, reason: reason.into(), ids }
}

fn pass(code: &str, reason: impl Into<String>) -> Check {
    check(code, CheckResult::Pass, reason, Vec::new())
}

/// A consignee holding data through active entrustments must be approved.
pub fn approved(facts: &Facts, _: &Context) -> Check {
    let code = "approved";
    if facts.status == ConsigneeStatus::Approved {
        return pass(code, "approved");
    }
    let active: Vec<&str> = facts.entrustments.iter().filter(|e| e.active).map(|e| e.id.as_str()).collect();
    if active.is_empty() {
        return pass(code, format!("{} and holds no data through active entrustments", facts.status.as_str()));
    }
    let reason = format!("{} but holds data through active entrustments", facts.status.as_str());
    check(code, CheckResult::Fail, reason, active)
}

/// A signed memorandum is in force; its end or renewal notice deadline is not near.
pub fn memorandum_in_force(facts: &Facts, ctx: &Context) -> Check {
    let code = "memorandum_in_force";
    let in_force: Vec<_> = facts.memoranda.iter().filter(|m| m.in_force).collect();
    if in_force.is_empty() {
        let expired: Vec<&str> = facts.memoranda.iter().filter(|m| m.expired).map(|m| m.id.as_str()).collect();
        let reason = if expired.is_empty() { "no signed memorandum is in force" } else { "the memorandum has expired" };
        return check(code, CheckResult::Fail, reason, expired);
    }
    let horizon = ctx.within(ctx.windows.memorandum_days);
    let lasting = |m: &&&super::facts::MemorandumFact| match (m.notice_deadline, m.ends_on) {
        (Some(notice), _) => notice > horizon,
        (None, Some(end)) => end > horizon,
        (None, None) => true,
    };
    if in_force.iter().any(|m| lasting(&m)) {
        return check(
            code,
            CheckResult::Pass,
            "a signed memorandum is in force",
            in_force.iter().map(|m| m.id.as_str()).collect(),
        );
    }
    let days = ctx.windows.memorandum_days;
    let reason = format!("every memorandum in force ends or reaches its renewal notice deadline within {days} days");
    check(code, CheckResult::Warn, reason, in_force.iter().map(|m| m.id.as_str()).collect())
}

/// Each memorandum in force includes every clause required today; a clause required since it was
/// signed means it needs an amendment.
pub fn required_clauses(facts: &Facts, _: &Context) -> Check {
    let code = "required_clauses";
    let in_force: Vec<_> = facts.memoranda.iter().filter(|m| m.in_force).collect();
    if in_force.is_empty() {
        return pass(code, "no memorandum in force to judge (see memorandum_in_force)");
    }
    let lacking: Vec<(&str, Vec<&str>)> = in_force
        .iter()
        .map(|m| {
            let missing = facts.required_clauses.iter().filter(|c| !m.included.contains(*c)).map(String::as_str);
            (m.id.as_str(), missing.collect::<Vec<&str>>())
        })
        .filter(|(_, missing)| !missing.is_empty())
        .collect();
    if lacking.is_empty() {
        return pass(code, "every memorandum in force includes every clause required today");
    }
    let missing: BTreeSet<&str> = lacking.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    let missing: Vec<&str> = missing.into_iter().collect();
    let reason = format!("an amendment is due: memoranda in force lack {}", missing.join(", "));
    check(code, CheckResult::Warn, reason, lacking.iter().map(|(id, _)| *id).collect())
}

/// Every active entrustment is under a memorandum in force.
pub fn entrustments_covered(facts: &Facts, _: &Context) -> Check {
    let code = "entrustments_covered";
    let uncovered: Vec<&str> = facts
        .entrustments
        .iter()
        .filter(|e| e.active && !facts.memoranda.iter().any(|m| m.id == e.memorandum_id && m.in_force))
        .map(|e| e.id.as_str())
        .collect();
    if uncovered.is_empty() {
        return pass(code, "every active entrustment is under a memorandum in force");
    }
    check(code, CheckResult::Fail, "active entrustments under a memorandum that is not in force", uncovered)
}

/// The next review is not overdue (nor due soon).
pub fn review_schedule(facts: &Facts, ctx: &Context) -> Check {
    let code = "review_schedule";
    match facts.next_review_due {
        None => pass(code, "not on the review schedule"),
        Some(due) if due < ctx.today => {
            check(code, CheckResult::Fail, format!("the review due on {due} is overdue"), Vec::new())
        }
        Some(due) if due <= ctx.within(ctx.windows.review_days) => {
            let reason = format!("the next review is due on {due}, within {} days", ctx.windows.review_days);
            check(code, CheckResult::Warn, reason, Vec::new())
        }
        Some(due) => pass(code, format!("the next review is due on {due}")),
    }
}

/// The last completed review was not unsatisfactory.
pub fn last_review_outcome(facts: &Facts, _: &Context) -> Check {
    let code = "last_review_outcome";
    let last = facts.reviews.iter().max_by_key(|r| (r.performed_on, r.completed_at));
    match last {
        None => pass(code, "no completed review yet"),
        Some(r) if r.outcome == ReviewOutcome::Unsatisfactory => {
            let reason = format!("the last review (performed on {}) was unsatisfactory", r.performed_on);
            check(code, CheckResult::Fail, reason, vec![r.id.as_str()])
        }
        Some(r) => {
            check(code, CheckResult::Pass, format!("the last review was {}", r.outcome.as_str()), vec![r.id.as_str()])
        }
    }
}

/// No open finding is past its due date (`fail` for high and critical ones).
pub fn overdue_findings(facts: &Facts, ctx: &Context) -> Check {
    let code = "overdue_findings";
    let overdue: Vec<_> = facts.findings.iter().filter(|f| f.due_on.is_some_and(|due| due < ctx.today)).collect();
    if overdue.is_empty() {
        return pass(code, "no open finding is overdue");
    }
    let serious = overdue.iter().any(|f| f.severity >= Severity::High);
    let result = if serious { CheckResult::Fail } else { CheckResult::Warn };
    let reason = format!("{} open finding(s) past their due date", overdue.len());
    check(code, result, reason, overdue.iter().map(|f| f.id.as_str()).collect())
}

/// The latest certification of each scheme issued by `day` (a renewal replaces the one before).
pub fn latest_certifications(facts: &Facts, day: NaiveDate) -> Vec<&super::facts::CertificationFact> {
    let mut latest: std::collections::BTreeMap<&str, &super::facts::CertificationFact> = Default::default();
    for c in facts.certifications.iter().filter(|c| c.issued_on <= day) {
        let newer = latest.get(c.scheme.as_str()).is_none_or(|l| (c.issued_on, &c.id) > (l.issued_on, &l.id));
        if newer {
            latest.insert(c.scheme.as_str(), c);
        }
    }
    latest.into_values().collect()
}

/// The latest certification of each scheme issued by the day judged has not expired.
pub fn certifications_current(facts: &Facts, ctx: &Context) -> Check {
    let code = "certifications_current";
    let expired: Vec<&str> = latest_certifications(facts, ctx.today)
        .into_iter()
        .filter(|c| c.expires_on.is_some_and(|end| end < ctx.today))
        .map(|c| c.id.as_str())
        .collect();
    if expired.is_empty() {
        return pass(code, "no certification has expired");
    }
    check(code, CheckResult::Warn, "certifications have expired without a renewal on record", expired)
}

/// Ended entrustments have their deletion confirmed within the window after the end.
pub fn deletion_confirmed(facts: &Facts, ctx: &Context) -> Check {
    let code = "deletion_confirmed";
    let days = ctx.windows.deletion_days;
    let late: Vec<&str> = facts
        .entrustments
        .iter()
        .filter(|e| e.deletion_confirmed_on.is_none())
        .filter(|e| {
            e.ended_on.and_then(|end| end.checked_add_days(Days::new(days.into()))).is_some_and(|by| by < ctx.today)
        })
        .map(|e| e.id.as_str())
        .collect();
    if late.is_empty() {
        return pass(code, "no deletion confirmation is late");
    }
    let reason = format!("deletion not confirmed within {days} days of the entrustment's end");
    check(code, CheckResult::Fail, reason, late)
}

/// Sub-consignments only with a consent record and under a memorandum that allows them.
pub fn sub_consignments_consented(facts: &Facts, _: &Context) -> Check {
    let code = "sub_consignments_consented";
    let allowed = |entrustment_id: &str| {
        let memorandum = facts.entrustments.iter().find(|e| e.id == entrustment_id).map(|e| e.memorandum_id.as_str());
        facts.memoranda.iter().any(|m| Some(m.id.as_str()) == memorandum && m.included.contains(SUB_CONSIGNMENT_CLAUSE))
    };
    let bad: Vec<&str> = facts
        .sub_consignments
        .iter()
        .filter(|s| !s.consented || !allowed(&s.entrustment_id))
        .map(|s| s.id.as_str())
        .collect();
    if bad.is_empty() {
        return pass(code, "every sub-consignment has consent under a memorandum that allows it");
    }
    let reason = "sub-consignments without a consent record or under a memorandum without the prior-consent clause";
    check(code, CheckResult::Fail, reason, bad)
}

/// Sensitive data or transfers abroad only with a `high` risk tier or an on-site review within
/// the tier's interval.
pub fn sensitive_data_oversight(facts: &Facts, ctx: &Context) -> Check {
    let code = "sensitive_data_oversight";
    let risky: Vec<&str> = facts
        .entrustments
        .iter()
        .filter(|e| e.holds_data && (e.sensitive || e.cross_border))
        .map(|e| e.id.as_str())
        .collect();
    if risky.is_empty() {
        return pass(code, "holds no sensitive data and transfers none abroad");
    }
    if facts.risk_tier == RiskTier::High {
        return check(code, CheckResult::Pass, "sensitive or cross-border data with a high risk tier", risky);
    }
    let months = Months::new(ctx.intervals.months(facts.risk_tier));
    let on_site = facts.reviews.iter().any(|r| {
        r.method == ReviewMethod::OnSiteAudit
            && r.performed_on.checked_add_months(months).is_some_and(|d| d >= ctx.today)
    });
    if on_site {
        return check(code, CheckResult::Pass, "sensitive or cross-border data with a recent on-site audit", risky);
    }
    let reason =
        "sensitive or cross-border data held by a consignee neither rated high nor audited on site within its interval";
    check(code, CheckResult::Warn, reason, risky)
}

/// Reports to the PPC of incidents not closed are made in time (APPI Art. 26): `fail` when a
/// deadline has passed without the report, `warn` while one is due.
pub fn incident_reports(facts: &Facts, _: &Context) -> Check {
    let code = "incident_reports";
    let overdue: Vec<&str> = facts.incidents.iter().filter(|i| i.overdue).map(|i| i.id.as_str()).collect();
    if !overdue.is_empty() {
        let reason = format!("{} reportable incident(s) with a report to the PPC overdue", overdue.len());
        return check(code, CheckResult::Fail, reason, overdue);
    }
    let pending: Vec<_> = facts.incidents.iter().filter(|i| i.pending).collect();
    match pending.iter().filter_map(|i| i.due_by).min() {
        Some(due) => {
            let reason = format!("{} reportable incident(s) with a report to the PPC due by {due}", pending.len());
            check(code, CheckResult::Warn, reason, pending.iter().map(|i| i.id.as_str()).collect())
        }
        None => pass(code, "no report of an incident to the PPC is due"),
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
