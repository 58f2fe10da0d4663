//! The report to the Personal Information Protection Commission (APPI Art. 26, Enforcement Rules
//! Art. 8): its nine items assembled from the incident record, and what each stage still lacks.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::{Incident, IncidentImpact};
use super::deadlines::{ReportState, ReportableReason};

/// The items of Rules Art. 8(1), in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PpcItem {
    /// 1. 概要: overview.
    Overview,
    /// 2. 漏えい等が発生し、又は発生したおそれがある個人データの項目: the personal data concerned.
    PersonalData,
    /// 3. 本人の数: the number of people.
    Subjects,
    /// 4. 原因: the cause.
    Cause,
    /// 5. 二次被害又はそのおそれの有無及びその内容: secondary damage or its risk.
    SecondaryDamage,
    /// 6. 本人への対応の実施状況: notifying the people affected.
    SubjectResponse,
    /// 7. 公表の実施状況: public announcement.
    PublicAnnouncement,
    /// 8. 再発防止のための措置: recurrence prevention.
    RecurrencePrevention,
    /// 9. その他参考となる事項: other.
    Other,
}

/// One item of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"number": 3, "item": "subjects", "title_ja": "本人の数",
    "content": "at most 1200 people", "known": true}))]
pub struct PpcReportItem {
    /// Its number in Rules Art. 8(1).
    pub number: u8,
    /// Which item.
    pub item: PpcItem,
    /// Its heading on the PPC form.
    pub title_ja: String,
    /// What the record says, or `null` while unknown.
    pub content: Option<String>,
    /// Whether the record answers it.
    pub known: bool,
}

/// The report to the PPC as the record supports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "incident_id": "01a21e0a-5555-7aaa-8bbb-000000000001", "consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "consignee_name": "株式会社サンプル物流", "reportable": true, "reportable_reasons": ["more_than_1000_subjects"],
    "preliminary_report_due": "2026-11-28", "final_report_due": "2026-12-23",
    "preliminary_report_state": "due", "final_report_state": "due",
    "items": [{"number": 1, "item": "overview", "title_ja": "概要", "content": "misdelivery at 株式会社サンプル物流", "known": true}],
    "missing_for_preliminary": [], "missing_for_final": ["cause", "subject_response", "recurrence_prevention"]
}))]
pub struct PpcReport {
    /// The incident.
    pub incident_id: Uuid,
    /// The consignee where it happened.
    pub consignee_id: Uuid,
    /// The consignee's legal name.
    pub consignee_name: String,
    /// A report is required.
    pub reportable: bool,
    /// The grounds of Rules Art. 7 that apply.
    pub reportable_reasons: Vec<ReportableReason>,
    /// Last day for the preliminary report.
    pub preliminary_report_due: Option<NaiveDate>,
    /// Last day for the final report.
    pub final_report_due: Option<NaiveDate>,
    /// The preliminary report's state.
    pub preliminary_report_state: ReportState,
    /// The final report's state.
    pub final_report_state: ReportState,
    /// The nine items.
    pub items: Vec<PpcReportItem>,
    /// Items the preliminary report (what is known at the time) still lacks: overview, data, number.
    pub missing_for_preliminary: Vec<PpcItem>,
    /// Items the final report still lacks.
    pub missing_for_final: Vec<PpcItem>,
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

fn overview(incident: &Incident, consignee_name: &str, tz: Tz) -> String {
    let kind = serde_json::to_value(incident.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let mut lines = vec![format!(
        "{}{} at the consignee {consignee_name}: {}",
        kind,
        if incident.suspected { " (suspected)" } else { "" },
        incident.description
    )];
    if let Some(day) = incident.occurred_on {
        lines.push(format!("occurred on {day}"));
    }
    if let Some(at) = incident.detected_at {
        lines.push(format!("detected by the consignee at {}", local(at, tz)));
    }
    if let Some(at) = incident.reported_by_consignee_at {
        lines.push(format!("reported by the consignee at {}", local(at, tz)));
    }
    lines.push(format!("the company became aware at {}", local(incident.company_aware_at, tz)));
    lines.join("; ")
}

fn personal_data(impact: &IncidentImpact) -> Option<String> {
    let names: Vec<String> = impact
        .categories
        .iter()
        .map(|c| {
            let name = c.name_ja.clone().unwrap_or_else(|| c.name.clone());
            if c.sensitive {
                format!("{name} (要配慮個人情報)")
            } else {
                name
            }
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn subjects(incident: &Incident) -> Option<String> {
    incident.affected_subjects.map(|n| {
        if incident.affected_subjects_is_upper_bound {
            format!("at most {n} people")
        } else {
            format!("{n} people")
        }
    })
}

fn secondary_damage(incident: &Incident) -> Option<String> {
    match (incident.financial_damage_risk, &incident.secondary_damage) {
        (_, Some(text)) => Some(text.clone()),
        (true, None) => None,
        (false, None) => Some("no secondary damage or risk of it is known".to_owned()),
    }
}

fn subject_response(incident: &Incident, tz: Tz) -> Option<String> {
    match (incident.subjects_notified_at, incident.publicly_announced_at) {
        (Some(at), _) => Some(format!("the people affected were notified at {}", local(at, tz))),
        (None, Some(at)) => Some(format!("announced publicly at {} instead of notifying each person", local(at, tz))),
        (None, None) => None,
    }
}

fn announcement(incident: &Incident, tz: Tz) -> String {
    match incident.publicly_announced_at {
        Some(at) => format!("announced publicly at {}", local(at, tz)),
        None => "not announced publicly".to_owned(),
    }
}

fn recurrence(incident: &Incident) -> Option<String> {
    let actions: Vec<String> = incident
        .corrective_actions
        .iter()
        .map(|a| match (a.done_on, a.due_on) {
            (Some(done), _) => format!("{} (done {done})", a.description),
            (None, Some(due)) => format!("{} (due {due})", a.description),
            (None, None) => a.description.clone(),
        })
        .collect();
    (!actions.is_empty()).then(|| actions.join("; "))
}

fn other(incident: &Incident) -> Option<String> {
    let mut notes = Vec::new();
    if let Some(containment) = &incident.containment {
        notes.push(format!("containment: {containment}"));
    }
    if incident.advanced_encryption {
        notes.push("the data was protected by advanced encryption".to_owned());
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The report for `incident` (presented with its impact) at `consignee_name`, times in `tz`.
pub fn report(incident: &Incident, consignee_name: &str, tz: Tz) -> PpcReport {
    let empty = IncidentImpact {
        categories: Vec::new(),
        other_holders: Vec::new(),
        other_holders_truncated: false,
        notification_clauses: Vec::new(),
    };
    let impact = incident.impact.as_ref().unwrap_or(&empty);
    let subjects_known = subjects(incident);
    let contents = [
        (PpcItem::Overview, "概要", Some(overview(incident, consignee_name, tz))),
        (PpcItem::PersonalData, "漏えい等が発生し、又は発生したおそれがある個人データの項目", personal_data(impact)),
        (PpcItem::Subjects, "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", subjects_known),
        (PpcItem::Cause, "原因", incident.root_cause.clone()),
        (PpcItem::SecondaryDamage, "二次被害又はそのおそれの有無及びその内容", secondary_damage(incident)),
        (PpcItem::SubjectResponse, "本人への対応の実施状況", subject_response(incident, tz)),
        (PpcItem::PublicAnnouncement, "公表の実施状況", Some(announcement(incident, tz))),
        (PpcItem::RecurrencePrevention, "再発防止のための措置", recurrence(incident)),
        (PpcItem::Other, "その他参考となる事項", other(incident)),
    ];
    let items: Vec<PpcReportItem> = contents
        .into_iter()
        .zip(1u8..)
        .map(|((item, title, content), number)| PpcReportItem {
            number,
            item,
            title_ja: title.to_owned(),
            known: content.is_some() || item == PpcItem::Other,
            content,
        })
        .collect();
    // The final report needs the number settled, not only an upper bound.
    let settled =
        |i: &PpcReportItem| i.known && !(i.item == PpcItem::Subjects && incident.affected_subjects_is_upper_bound);
    let lacking = |wanted: &[PpcItem], done: &dyn Fn(&PpcReportItem) -> bool| -> Vec<PpcItem> {
        items.iter().filter(|i| wanted.contains(&i.item) && !done(i)).map(|i| i.item).collect()
    };
    let preliminary = [PpcItem::Overview, PpcItem::PersonalData, PpcItem::Subjects];
    let missing_for_preliminary = lacking(&preliminary, &|i| i.known);
    let final_items = [
        PpcItem::Overview,
        PpcItem::PersonalData,
        PpcItem::Subjects,
        PpcItem::Cause,
        PpcItem::SecondaryDamage,
        PpcItem::SubjectResponse,
        PpcItem::RecurrencePrevention,
    ];
    let missing_for_final = lacking(&final_items, &settled);
    PpcReport {
        incident_id: incident.id,
        consignee_id: incident.consignee_id,
        consignee_name: consignee_name.to_owned(),
        reportable: incident.reportable,
        reportable_reasons: incident.reportable_reasons.clone(),
        preliminary_report_due: incident.preliminary_report_due,
        final_report_due: incident.final_report_due,
        preliminary_report_state: incident.preliminary_report_state,
        final_report_state: incident.final_report_state,
        missing_for_preliminary,
        missing_for_final,
        items,
    }
}
