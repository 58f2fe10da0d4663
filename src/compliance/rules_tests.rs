//! Each rule on its own, on a fixed day.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::compliance::api::ComplianceStatus;
use crate::compliance::evaluate::evaluate;
use crate::compliance::facts::{
    CertificationFact, EntrustmentFact, FindingFact, MemorandumFact, ReviewFact, SubConsignmentFact,
};

const M: &str = "01a21e05-6b1c-7d3e-9a4f-000000000001";
const E: &str = "01a21e06-1111-7aaa-8bbb-000000000001";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn ctx() -> Context {
    Context {
        today: day("2026-06-15"),
        windows: Windows::default(),
        intervals: ReviewIntervals::default(),
        time_zone: chrono_tz::Asia::Tokyo,
        report_deadlines: Default::default(),
    }
}

fn an_approved() -> Facts {
    Facts::empty(ConsigneeStatus::Approved, RiskTier::Medium)
}

fn memorandum(ends_on: Option<&str>) -> MemorandumFact {
    MemorandumFact { id: M.to_owned(), in_force: true, ends_on: ends_on.map(day), ..Default::default() }
}

fn entrustment() -> EntrustmentFact {
    EntrustmentFact {
        id: E.to_owned(),
        memorandum_id: M.to_owned(),
        active: true,
        holds_data: true,
        ..Default::default()
    }
}

fn review(method: ReviewMethod, performed_on: &str, outcome: ReviewOutcome) -> ReviewFact {
    let completed_at = NaiveDateTime::new(day(performed_on), chrono::NaiveTime::MIN);
    ReviewFact {
        id: "01a21e08-3333-7aaa-8bbb-000000000001".to_owned(),
        method,
        performed_on: day(performed_on),
        outcome,
        completed_at,
    }
}

fn result(rule: Rule, facts: &Facts) -> CheckResult {
    rule(facts, &ctx()).result
}

#[test]
fn holding_data_without_approval_fails() {
    let mut facts = Facts::empty(ConsigneeStatus::Suspended, RiskTier::Medium);
    assert_eq!(result(approved, &facts), CheckResult::Pass);
    facts.entrustments.push(entrustment());
    let check = approved(&facts, &ctx());
    assert_eq!((check.result, check.ids.len()), (CheckResult::Fail, 1));
    assert_eq!(result(approved, &approved_facts_with_entrustment()), CheckResult::Pass);
}

fn approved_facts_with_entrustment() -> Facts {
    let mut facts = an_approved();
    facts.entrustments.push(entrustment());
    facts
}

#[test]
fn a_memorandum_in_force_passes_and_one_ending_within_60_days_warns() {
    let mut facts = an_approved();
    assert_eq!(memorandum_in_force(&facts, &ctx()).reason, "no signed memorandum is in force");
    facts.memoranda.push(MemorandumFact { in_force: false, expired: true, ..memorandum(Some("2026-05-31")) });
    let check = memorandum_in_force(&facts, &ctx());
    assert_eq!((check.result, check.reason.as_str()), (CheckResult::Fail, "the memorandum has expired"));
    facts.memoranda = vec![memorandum(Some("2026-08-14"))];
    assert_eq!(result(memorandum_in_force, &facts), CheckResult::Warn, "ends in 60 days");
    facts.memoranda = vec![memorandum(Some("2026-08-15"))];
    assert_eq!(result(memorandum_in_force, &facts), CheckResult::Pass, "ends in 61 days");
    facts.memoranda =
        vec![MemorandumFact { notice_deadline: Some(day("2026-07-01")), ..memorandum(Some("2026-09-30")) }];
    assert_eq!(result(memorandum_in_force, &facts), CheckResult::Warn, "the renewal notice deadline is near");
    facts.memoranda.push(memorandum(None));
    assert_eq!(result(memorandum_in_force, &facts), CheckResult::Pass, "an open-ended one in force");
}

#[test]
fn a_clause_required_since_signing_asks_for_an_amendment() {
    let mut facts = an_approved();
    facts.required_clauses = vec!["confidentiality".to_owned(), "ai_training_prohibited".to_owned()];
    assert_eq!(result(required_clauses, &facts), CheckResult::Pass, "nothing in force to judge");
    let included: BTreeSet<String> = ["confidentiality".to_owned()].into();
    facts.memoranda.push(MemorandumFact { included: included.clone(), ..memorandum(None) });
    let check = required_clauses(&facts, &ctx());
    assert_eq!(check.result, CheckResult::Warn);
    assert!(check.reason.contains("ai_training_prohibited"), "{}", check.reason);
    let complete: BTreeSet<String> = facts.required_clauses.iter().cloned().collect();
    facts.memoranda.push(MemorandumFact { id: E.to_owned(), included: complete, ..memorandum(None) });
    let check = required_clauses(&facts, &ctx());
    assert_eq!((check.result, check.ids.len()), (CheckResult::Warn, 1), "the older one still needs its amendment");
    facts.required_clauses.pop();
    assert_eq!(result(required_clauses, &facts), CheckResult::Pass);
}

#[test]
fn an_active_entrustment_under_an_ended_memorandum_fails() {
    let mut facts = approved_facts_with_entrustment();
    facts.memoranda.push(MemorandumFact { in_force: false, ..memorandum(Some("2026-03-31")) });
    assert_eq!(result(entrustments_covered, &facts), CheckResult::Fail);
    facts.memoranda[0].in_force = true;
    assert_eq!(result(entrustments_covered, &facts), CheckResult::Pass);
    facts.entrustments[0].active = false;
    facts.memoranda[0].in_force = false;
    assert_eq!(result(entrustments_covered, &facts), CheckResult::Pass, "ended entrustments need no memorandum");
}

#[test]
fn a_review_due_within_30_days_warns_and_an_overdue_one_fails() {
    let mut facts = an_approved();
    assert_eq!(result(review_schedule, &facts), CheckResult::Pass);
    for (due, expected) in [
        ("2026-06-14", CheckResult::Fail),
        ("2026-06-15", CheckResult::Warn),
        ("2026-07-15", CheckResult::Warn),
        ("2026-07-16", CheckResult::Pass),
    ] {
        facts.next_review_due = Some(day(due));
        assert_eq!(result(review_schedule, &facts), expected, "{due}");
    }
}

#[test]
fn the_last_review_decides_and_unsatisfactory_fails() {
    let mut facts = an_approved();
    assert_eq!(result(last_review_outcome, &facts), CheckResult::Pass);
    facts.reviews.push(review(ReviewMethod::Questionnaire, "2026-01-10", ReviewOutcome::Satisfactory));
    facts.reviews.push(review(ReviewMethod::RemoteAudit, "2026-05-10", ReviewOutcome::Unsatisfactory));
    assert_eq!(result(last_review_outcome, &facts), CheckResult::Fail);
    facts.reviews.push(review(ReviewMethod::OnSiteAudit, "2026-06-01", ReviewOutcome::NeedsImprovement));
    assert_eq!(result(last_review_outcome, &facts), CheckResult::Pass);
}

#[test]
fn overdue_findings_fail_when_high_or_critical_and_warn_otherwise() {
    let mut facts = an_approved();
    let finding = |severity, due: &str| FindingFact { id: E.to_owned(), severity, due_on: Some(day(due)) };
    facts.findings.push(finding(Severity::Critical, "2026-06-15"));
    assert_eq!(result(overdue_findings, &facts), CheckResult::Pass, "due today is not overdue");
    facts.findings.push(finding(Severity::Medium, "2026-06-01"));
    assert_eq!(result(overdue_findings, &facts), CheckResult::Warn);
    facts.findings.push(finding(Severity::High, "2026-06-14"));
    assert_eq!(result(overdue_findings, &facts), CheckResult::Fail);
}

#[test]
fn an_expired_certification_warns_unless_renewed() {
    let mut facts = an_approved();
    let cert = |id: &str, issued: &str, expires: &str| CertificationFact {
        id: id.to_owned(),
        scheme: "privacy_mark:".to_owned(),
        issued_on: day(issued),
        expires_on: Some(day(expires)),
    };
    facts.certifications.push(cert(M, "2024-04-01", "2026-03-31"));
    assert_eq!(result(certifications_current, &facts), CheckResult::Warn);
    facts.certifications.push(cert(E, "2026-07-01", "2028-06-30"));
    assert_eq!(result(certifications_current, &facts), CheckResult::Warn, "a renewal not issued yet does not count");
    facts.certifications[1].issued_on = day("2026-04-01");
    assert_eq!(result(certifications_current, &facts), CheckResult::Pass, "renewed");
}

#[test]
fn deletion_must_be_confirmed_within_30_days_of_the_end() {
    let mut facts = an_approved();
    facts.entrustments.push(EntrustmentFact { active: false, ended_on: Some(day("2026-05-16")), ..entrustment() });
    assert_eq!(result(deletion_confirmed, &facts), CheckResult::Pass, "30 days after the end is still in time");
    facts.entrustments[0].ended_on = Some(day("2026-05-15"));
    assert_eq!(result(deletion_confirmed, &facts), CheckResult::Fail);
    facts.entrustments[0].deletion_confirmed_on = Some(day("2026-06-10"));
    assert_eq!(result(deletion_confirmed, &facts), CheckResult::Pass);
}

#[test]
fn sub_consignments_need_consent_under_a_memorandum_that_allows_them() {
    let mut facts = approved_facts_with_entrustment();
    facts.memoranda.push(memorandum(None));
    facts.sub_consignments.push(SubConsignmentFact { id: M.to_owned(), entrustment_id: E.to_owned(), consented: true });
    assert_eq!(result(sub_consignments_consented, &facts), CheckResult::Fail, "no prior-consent clause");
    facts.memoranda[0].included.insert(SUB_CONSIGNMENT_CLAUSE.to_owned());
    assert_eq!(result(sub_consignments_consented, &facts), CheckResult::Pass);
    facts.sub_consignments[0].consented = false;
    assert_eq!(result(sub_consignments_consented, &facts), CheckResult::Fail, "no consent record");
    facts.sub_consignments[0].consented = true;
    facts.memoranda.push(MemorandumFact { id: E.to_owned(), ..memorandum(None) });
    assert_eq!(result(sub_consignments_consented, &facts), CheckResult::Pass, "a second memorandum changes nothing");
}

#[test]
fn sensitive_or_cross_border_data_wants_a_high_tier_or_a_recent_on_site_audit() {
    let mut facts = approved_facts_with_entrustment();
    assert_eq!(result(sensitive_data_oversight, &facts), CheckResult::Pass);
    facts.entrustments[0].cross_border = true;
    assert_eq!(result(sensitive_data_oversight, &facts), CheckResult::Warn);
    facts.reviews.push(review(ReviewMethod::OnSiteAudit, "2025-06-14", ReviewOutcome::Satisfactory));
    assert_eq!(result(sensitive_data_oversight, &facts), CheckResult::Warn, "older than the medium interval");
    facts.reviews.push(review(ReviewMethod::OnSiteAudit, "2025-06-15", ReviewOutcome::Satisfactory));
    assert_eq!(result(sensitive_data_oversight, &facts), CheckResult::Pass);
    facts.reviews.clear();
    facts.risk_tier = RiskTier::High;
    assert_eq!(result(sensitive_data_oversight, &facts), CheckResult::Pass);
}

#[test]
fn the_worst_check_sets_the_standing_and_no_data_without_approval_is_not_applicable() {
    let candidate = Facts::empty(ConsigneeStatus::Candidate, RiskTier::Low);
    assert_eq!(evaluate(&candidate, &ctx()).0, ComplianceStatus::NotApplicable);
    let mut facts = approved_facts_with_entrustment();
    let (status, checks) = evaluate(&facts, &ctx());
    assert_eq!(checks.len(), RULES.len());
    assert_eq!(status, ComplianceStatus::NonCompliant, "no memorandum");
    facts.memoranda.push(memorandum(None));
    assert_eq!(evaluate(&facts, &ctx()).0, ComplianceStatus::Compliant);
    facts.next_review_due = Some(day("2026-07-01"));
    assert_eq!(evaluate(&facts, &ctx()).0, ComplianceStatus::Attention);
    let codes: Vec<&str> = RULES.iter().map(|(code, _)| *code).collect();
    let shown: Vec<String> = evaluate(&facts, &ctx()).1.into_iter().map(|c| c.code).collect();
    assert_eq!(shown, codes, "each check carries its rule's code");
}
