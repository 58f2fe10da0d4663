//! APPI Art. 26 and Enforcement Rules Art. 7–8 as pure functions: whether an incident must be
//! reported to the PPC, by when, and whether each report was made in time.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use strum::IntoStaticStr;
use utoipa::ToSchema;

/// Days allowed for the reports (`CR_INCIDENT_*_DAYS`), counted with the day the company became
/// aware as day 1 (weekends and holidays included), as the PPC guideline counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDeadlines {
    /// The preliminary report (速報): "promptly", read as about 3–5 days (default 5).
    pub preliminary_days: u32,
    /// The final report (確報): 30 days (default).
    pub final_days: u32,
    /// The final report when the leak was caused with wrongful intent: 60 days (default).
    pub final_days_wrongful: u32,
}

impl Default for ReportDeadlines {
    fn default() -> Self {
        Self { preliminary_days: 5, final_days: 30, final_days_wrongful: 60 }
    }
}

/// Why an incident is reportable (Enforcement Rules Art. 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportableReason {
    /// Special care-required personal information (要配慮個人情報) is affected (item 1).
    SensitiveData,
    /// Misuse of the data may cause financial damage (item 2).
    FinancialDamageRisk,
    /// Caused, or possibly caused, with wrongful intent such as unauthorized access (item 3).
    WrongfulIntent,
    /// More than 1,000 people are, or may be, affected (item 4).
    #[serde(rename = "more_than_1000_subjects")]
    #[strum(serialize = "more_than_1000_subjects")]
    MoreThan1000Subjects,
}

/// Where a report to the PPC stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportState {
    /// The incident is not reportable.
    NotRequired,
    /// Not made yet; the deadline has not passed.
    Due,
    /// Made by the deadline.
    Met,
    /// Made, but after the deadline.
    Late,
    /// Not made and the deadline has passed.
    Overdue,
}

/// What reportability is judged on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exposure {
    /// A sensitive category is affected.
    pub sensitive: bool,
    /// Financial damage may follow.
    pub financial_damage_risk: bool,
    /// Wrongful intent was stated (unknown counts as no).
    pub wrongful_intent: bool,
    /// People affected, or an upper bound.
    pub affected_subjects: Option<i64>,
    /// The data was protected by advanced encryption (no report is needed).
    pub advanced_encryption: bool,
}

/// When the company learned of the incident and when it reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// When the company became aware.
    pub company_aware_at: DateTime<Utc>,
    /// When the preliminary report was made.
    pub preliminary_reported_at: Option<DateTime<Utc>>,
    /// When the final report was made.
    pub final_reported_at: Option<DateTime<Utc>>,
}

/// The derived reporting standing of an incident on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Whether a report to the PPC is required.
    pub reportable: bool,
    /// The grounds of Rules Art. 7 that apply.
    pub reasons: Vec<ReportableReason>,
    /// Last day for the preliminary report (business time zone), when reportable.
    pub preliminary_report_due: Option<NaiveDate>,
    /// Last day for the final report, when reportable.
    pub final_report_due: Option<NaiveDate>,
    /// The preliminary report's state.
    pub preliminary_report_state: ReportState,
    /// The final report's state.
    pub final_report_state: ReportState,
}

impl Standing {
    /// A deadline has passed without the report.
    pub fn overdue(&self) -> bool {
        [self.preliminary_report_state, self.final_report_state].contains(&ReportState::Overdue)
    }

    /// A report is still to be made (due or overdue).
    pub fn pending(&self) -> bool {
        self.overdue() || [self.preliminary_report_state, self.final_report_state].contains(&ReportState::Due)
    }
}

/// The grounds of Rules Art. 7 that apply (a suspected leak counts the same as a confirmed one).
pub fn reasons(exposure: &Exposure) -> Vec<ReportableReason> {
    let grounds = [
        (exposure.sensitive, ReportableReason::SensitiveData),
        (exposure.financial_damage_risk, ReportableReason::FinancialDamageRisk),
        (exposure.wrongful_intent, ReportableReason::WrongfulIntent),
        (exposure.affected_subjects.is_some_and(|n| n > 1000), ReportableReason::MoreThan1000Subjects),
    ];
    grounds.into_iter().filter(|(applies, _)| *applies).map(|(_, reason)| reason).collect()
}

/// The last day of a period of `days` days whose first day is `first`.
pub fn last_day(first: NaiveDate, days: u32) -> NaiveDate {
    first.checked_add_days(Days::new(days.saturating_sub(1).into())).unwrap_or(NaiveDate::MAX)
}

fn day_of(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// Where a report with deadline `due` stands on `today`.
pub fn state(due: NaiveDate, reported_on: Option<NaiveDate>, today: NaiveDate) -> ReportState {
    match reported_on {
        Some(day) if day <= due => ReportState::Met,
        Some(_) => ReportState::Late,
        None if today > due => ReportState::Overdue,
        None => ReportState::Due,
    }
}

/// The reporting standing on `today`, dates judged in `tz`.
pub fn standing(
    exposure: &Exposure,
    timeline: &Timeline,
    deadlines: ReportDeadlines,
    tz: Tz,
    today: NaiveDate,
) -> Standing {
    let reasons = reasons(exposure);
    if reasons.is_empty() || exposure.advanced_encryption {
        return Standing {
            reportable: false,
            reasons,
            preliminary_report_due: None,
            final_report_due: None,
            preliminary_report_state: ReportState::NotRequired,
            final_report_state: ReportState::NotRequired,
        };
    }
    let aware_on = day_of(timeline.company_aware_at, tz);
    let final_days = if exposure.wrongful_intent { deadlines.final_days_wrongful } else { deadlines.final_days };
    let (preliminary_due, final_due) = (last_day(aware_on, deadlines.preliminary_days), last_day(aware_on, final_days));
    let reported = |at: Option<DateTime<Utc>>| at.map(|at| day_of(at, tz));
    Standing {
        reportable: true,
        reasons,
        preliminary_report_due: Some(preliminary_due),
        final_report_due: Some(final_due),
        preliminary_report_state: state(preliminary_due, reported(timeline.preliminary_reported_at), today),
        final_report_state: state(final_due, reported(timeline.final_reported_at), today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn timeline(aware: &str) -> Timeline {
        Timeline { company_aware_at: at(aware), preliminary_reported_at: None, final_reported_at: None }
    }

    const TOKYO: Tz = chrono_tz::Asia::Tokyo;

    #[test]
    fn each_ground_of_article_7_applies_on_its_own() {
        let none = Exposure::default();
        assert!(reasons(&none).is_empty());
        assert_eq!(reasons(&Exposure { sensitive: true, ..none }), [ReportableReason::SensitiveData]);
        assert_eq!(reasons(&Exposure { financial_damage_risk: true, ..none }), [ReportableReason::FinancialDamageRisk]);
        assert_eq!(reasons(&Exposure { wrongful_intent: true, ..none }), [ReportableReason::WrongfulIntent]);
        assert_eq!(
            reasons(&Exposure { affected_subjects: Some(1001), ..none }),
            [ReportableReason::MoreThan1000Subjects]
        );
        assert!(
            reasons(&Exposure { affected_subjects: Some(1000), ..none }).is_empty(),
            "1,000 is not more than 1,000"
        );
    }

    #[test]
    fn the_day_of_awareness_is_day_one_in_the_business_time_zone() {
        // 2026-11-30 23:30 UTC is 2026-12-01 08:30 in Tokyo: day 1 is 1 December.
        let s = standing(
            &Exposure { sensitive: true, ..Default::default() },
            &timeline("2026-11-30T23:30:00Z"),
            ReportDeadlines::default(),
            TOKYO,
            day("2026-12-01"),
        );
        assert_eq!(s.preliminary_report_due, Some(day("2026-12-05")));
        assert_eq!(s.final_report_due, Some(day("2026-12-30")));
        assert_eq!(s.preliminary_report_state, ReportState::Due);
    }

    #[test]
    fn wrongful_intent_allows_sixty_days_for_the_final_report() {
        let s = standing(
            &Exposure { wrongful_intent: true, ..Default::default() },
            &timeline("2026-04-01T01:00:00Z"),
            ReportDeadlines::default(),
            TOKYO,
            day("2026-04-01"),
        );
        assert_eq!(s.final_report_due, Some(day("2026-05-30")));
    }

    #[test]
    fn reports_are_met_late_or_overdue() {
        let due = day("2026-04-05");
        assert_eq!(state(due, None, due), ReportState::Due);
        assert_eq!(state(due, None, day("2026-04-06")), ReportState::Overdue);
        assert_eq!(state(due, Some(due), day("2026-05-01")), ReportState::Met);
        assert_eq!(state(due, Some(day("2026-04-06")), day("2026-05-01")), ReportState::Late);
    }

    #[test]
    fn advanced_encryption_or_no_ground_needs_no_report() {
        let exposure = Exposure { sensitive: true, advanced_encryption: true, ..Default::default() };
        let s = standing(
            &exposure,
            &timeline("2026-04-01T01:00:00Z"),
            ReportDeadlines::default(),
            TOKYO,
            day("2026-06-01"),
        );
        assert!(!s.reportable);
        assert_eq!(s.reasons, [ReportableReason::SensitiveData]);
        assert_eq!((s.preliminary_report_state, s.final_report_due), (ReportState::NotRequired, None));
        assert!(!s.overdue() && !s.pending());
    }
}
