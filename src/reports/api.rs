//! Report request and response types.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::compliance::api::{Check, ComplianceStatus};
use crate::consignees::api::{ConsigneeStatus, RiskTier};
use crate::http::csv::Format;

/// Filters, paging and format of the compliance report.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct ComplianceReportQuery {
    /// Only consignees in this standing today.
    pub compliance: Option<ComplianceStatus>,
    /// Only this risk tier.
    pub risk_tier: Option<RiskTier>,
    /// Only consignees holding this data category today.
    #[validate(custom(function = "crate::domain::code::validate"))]
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub category: Option<String>,
    /// `csv` for the whole report as CSV (as `Accept: text/csv` does); `json` pages.
    pub format: Option<Format>,
    /// Page size, 1–200 (default 50; JSON only).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a consignee id; JSON only).
    pub cursor: Option<Uuid>,
}

/// One consignee's standing in the compliance report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "legal_name": "株式会社サンプル物流",
    "status": "approved", "risk_tier": "high", "compliance_status": "non_compliant",
    "checks": [{"code": "review_schedule", "result": "fail", "reason": "the review due on 2026-10-12 is overdue", "ids": []}]}))]
pub struct ComplianceStanding {
    /// The consignee.
    pub consignee_id: Uuid,
    /// Its legal name.
    pub legal_name: String,
    /// Its status.
    pub status: ConsigneeStatus,
    /// Its risk tier.
    pub risk_tier: RiskTier,
    /// Its standing today.
    pub compliance_status: ComplianceStatus,
    /// The checks that fail or warn (those that pass are left out).
    pub checks: Vec<Check>,
}

/// Consignees per status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({"candidate": 3, "approved": 40, "rejected": 1, "suspended": 2, "terminated": 5}))]
pub struct StatusCounts {
    /// Candidates.
    pub candidate: i64,
    /// Approved.
    pub approved: i64,
    /// Rejected.
    pub rejected: i64,
    /// Suspended.
    pub suspended: i64,
    /// Terminated.
    pub terminated: i64,
}

/// Consignees per risk tier.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({"low": 20, "medium": 21, "high": 10}))]
pub struct TierCounts {
    /// Low.
    pub low: i64,
    /// Medium.
    pub medium: i64,
    /// High.
    pub high: i64,
}

/// Consignees per compliance standing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"compliant": 30, "attention": 8, "non_compliant": 4, "not_applicable": 9}))]
pub struct ComplianceCounts {
    /// Compliant.
    pub compliant: i64,
    /// Attention.
    pub attention: i64,
    /// Non-compliant.
    pub non_compliant: i64,
    /// Not applicable.
    pub not_applicable: i64,
}

impl ComplianceCounts {
    /// Counts one more consignee in `status`.
    pub fn add(&mut self, status: ComplianceStatus, n: i64) {
        match status {
            ComplianceStatus::Compliant => self.compliant += n,
            ComplianceStatus::Attention => self.attention += n,
            ComplianceStatus::NonCompliant => self.non_compliant += n,
            ComplianceStatus::NotApplicable => self.not_applicable += n,
        }
    }
}

/// Open findings per severity.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({"low": 4, "medium": 3, "high": 1, "critical": 0}))]
pub struct SeverityCounts {
    /// Low.
    pub low: i64,
    /// Medium.
    pub medium: i64,
    /// High.
    pub high: i64,
    /// Critical.
    pub critical: i64,
}

/// The register at a glance, for a dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"on": "2026-11-28",
    "consignees_by_status": {"candidate": 3, "approved": 40, "rejected": 1, "suspended": 2, "terminated": 5},
    "consignees_by_risk_tier": {"low": 20, "medium": 21, "high": 10},
    "consignees_by_compliance": {"compliant": 30, "attention": 8, "non_compliant": 4, "not_applicable": 9},
    "memoranda_expiring_within_30_days": 1, "memoranda_expiring_within_60_days": 2, "memoranda_expiring_within_90_days": 4,
    "notice_deadlines_within_30_days": 3, "reviews_due_within_30_days": 5, "reviews_overdue": 2,
    "open_findings_by_severity": {"low": 4, "medium": 3, "high": 1, "critical": 0},
    "entrustments_awaiting_deletion_confirmation": 2, "sensitive_category_holders": 6,
    "open_incidents": 2, "incidents_with_overdue_reports": 1}))]
pub struct Summary {
    /// The day counted (business time zone).
    pub on: chrono::NaiveDate,
    /// Consignees per status.
    pub consignees_by_status: StatusCounts,
    /// Consignees per risk tier.
    pub consignees_by_risk_tier: TierCounts,
    /// Consignees per compliance standing today.
    pub consignees_by_compliance: ComplianceCounts,
    /// Signed memoranda that do not renew and end within 30 days.
    pub memoranda_expiring_within_30_days: i64,
    /// … within 60 days.
    pub memoranda_expiring_within_60_days: i64,
    /// … within 90 days.
    pub memoranda_expiring_within_90_days: i64,
    /// Auto-renewing memoranda whose notice deadline falls within 30 days.
    pub notice_deadlines_within_30_days: i64,
    /// Consignees whose next review is due within 30 days (not yet overdue).
    pub reviews_due_within_30_days: i64,
    /// Consignees whose review is overdue.
    pub reviews_overdue: i64,
    /// Open findings (`open`, `action_planned`) per severity.
    pub open_findings_by_severity: SeverityCounts,
    /// Ended entrustments whose deletion is not confirmed yet.
    pub entrustments_awaiting_deletion_confirmation: i64,
    /// Consignees holding special care-required personal information today.
    pub sensitive_category_holders: i64,
    /// Incidents not closed (`open` or `contained`).
    pub open_incidents: i64,
    /// Incidents not closed with a report to the PPC overdue today.
    pub incidents_with_overdue_reports: i64,
}

/// The span of the trend.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// First day (default: 30 days before `to`).
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (default: today); at most 366 days after `from`.
    #[validate(custom(function = "crate::validation::calendar_date"))]
    pub to: Option<chrono::NaiveDate>,
}

/// The counts of one snapshot day.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"day": "2026-11-28", "counts": {"compliant": 30, "attention": 8, "non_compliant": 4, "not_applicable": 9}}))]
pub struct TrendDay {
    /// The day.
    pub day: chrono::NaiveDate,
    /// Consignees per standing that day.
    pub counts: ComplianceCounts,
}

/// Consignees per compliance standing on each day with a snapshot.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-11-01", "to": "2026-11-28", "days": [{"day": "2026-11-28",
    "counts": {"compliant": 30, "attention": 8, "non_compliant": 4, "not_applicable": 9}}]}))]
pub struct Trend {
    /// First day asked for.
    pub from: chrono::NaiveDate,
    /// Last day asked for.
    pub to: chrono::NaiveDate,
    /// The days with a snapshot, oldest first.
    pub days: Vec<TrendDay>,
}

/// One entrustment in the ledger of personal data entrusted to consignees.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "entrustment_id": "01a21e06-1111-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "consignee_name": "株式会社サンプル物流", "corporate_number": "7000012050002", "consignee_country": "JP",
    "categories": ["contact_details", "course_applications"], "purpose": "Shipping course materials to applicants",
    "data_subjects": ["course participants"], "approx_records": 12000,
    "memorandum_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "memorandum_title": "個人情報の取扱いに関する覚書",
    "cross_border": [], "responsible_department": "教育事業部", "responsible_person": "山田 太郎",
    "started_on": "2026-04-01", "ended_on": null, "deletion_confirmed_on": null
}))]
pub struct LedgerEntry {
    /// The entrustment.
    pub entrustment_id: Uuid,
    /// The consignee.
    pub consignee_id: Uuid,
    /// Its legal name.
    pub consignee_name: String,
    /// Its corporate number.
    pub corporate_number: Option<String>,
    /// Its country.
    pub consignee_country: String,
    /// Data category codes.
    pub categories: Vec<String>,
    /// Purpose.
    pub purpose: String,
    /// Whose data.
    pub data_subjects: Vec<String>,
    /// Approximate number of records.
    pub approx_records: Option<i64>,
    /// The memorandum it is entrusted under.
    pub memorandum_id: Uuid,
    /// That memorandum's title.
    pub memorandum_title: String,
    /// Transfers abroad: destination and basis.
    pub cross_border: Vec<crate::entrustments::api::CrossBorder>,
    /// Responsible department.
    pub responsible_department: Option<String>,
    /// Responsible person.
    pub responsible_person: Option<String>,
    /// First day.
    pub started_on: chrono::NaiveDate,
    /// Last day.
    pub ended_on: Option<chrono::NaiveDate>,
    /// When the consignee confirmed return or deletion.
    pub deletion_confirmed_on: Option<chrono::NaiveDate>,
}
