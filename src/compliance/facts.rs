//! What the compliance rules judge: each consignee's records on a day, reduced to the facts the
//! rules read, loaded for a batch of consignees in a fixed number of queries.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::rules::Context;
use crate::certifications::model::CertificationRow;
use crate::consignees::api::{ConsigneeStatus, RiskTier};
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::{
    certifications as t, data_categories as dc, entrustments as e, memoranda as m, reviews as r, sub_consignments as s,
};
use crate::db::DbConnection;
use crate::entrustments::model::EntrustmentRow;
use crate::error::ApiError;
use crate::findings::api::Severity;
use crate::incidents::deadlines::ReportState;
use crate::incidents::model::{IncidentRow, Judging};
use crate::memoranda::api::MemorandumStatus;
use crate::memoranda::model::MemorandumRow;
use crate::reviews::api::{ReviewMethod, ReviewOutcome};
use crate::sub_consignments::store::SubConsignmentRow;

/// The clause that lets a consignee pass data on (JIS Q 15001; GDPR Art. 28(2)).
pub const SUB_CONSIGNMENT_CLAUSE: &str = "sub_consignment_prior_consent";

/// A signed (or terminated) memorandum on the day judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemorandumFact {
    pub id: String,
    /// In force that day.
    pub in_force: bool,
    /// Signed, not renewing, and past its end.
    pub expired: bool,
    /// The last day of the running term (of the only term when it does not renew).
    pub ends_on: Option<NaiveDate>,
    /// The last day to give notice not to renew (auto-renewing only).
    pub notice_deadline: Option<NaiveDate>,
    /// The clauses it includes.
    pub included: BTreeSet<String>,
}

/// An entrustment of the consignee on the day judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntrustmentFact {
    pub id: String,
    pub memorandum_id: String,
    /// From `started_on` through `ended_on`.
    pub active: bool,
    /// The consignee holds the data through it (active, or ended without deletion confirmed).
    pub holds_data: bool,
    /// Ended before the day judged.
    pub ended_on: Option<NaiveDate>,
    pub deletion_confirmed_on: Option<NaiveDate>,
    /// It includes special care-required personal information.
    pub sensitive: bool,
    /// It transfers data abroad.
    pub cross_border: bool,
}

/// A sub-consignment the consignee still passes data on through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubConsignmentFact {
    pub id: String,
    pub entrustment_id: String,
    /// The company's consent is on record (who gave it, on a day not after the day judged).
    pub consented: bool,
}

/// A completed review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFact {
    pub id: String,
    pub method: ReviewMethod,
    pub performed_on: NaiveDate,
    pub outcome: ReviewOutcome,
    pub completed_at: NaiveDateTime,
}

/// An open finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingFact {
    pub id: String,
    pub severity: Severity,
    pub due_on: Option<NaiveDate>,
}

/// An incident not closed yet, with where its reports to the PPC stand on the day judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFact {
    pub id: String,
    /// A report deadline has passed without the report.
    pub overdue: bool,
    /// A report is still to be made.
    pub pending: bool,
    /// The earliest deadline of a report still to be made.
    pub due_by: Option<NaiveDate>,
}

/// A certification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificationFact {
    pub id: String,
    /// The scheme (and its name for `other`): a renewal replaces the certification of the same scheme.
    pub scheme: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// Everything the rules read about one consignee on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub status: ConsigneeStatus,
    pub risk_tier: RiskTier,
    pub next_review_due: Option<NaiveDate>,
    /// The clauses every memorandum must contain today.
    pub required_clauses: Vec<String>,
    pub memoranda: Vec<MemorandumFact>,
    pub entrustments: Vec<EntrustmentFact>,
    pub sub_consignments: Vec<SubConsignmentFact>,
    pub reviews: Vec<ReviewFact>,
    pub findings: Vec<FindingFact>,
    pub certifications: Vec<CertificationFact>,
    /// Incidents not closed.
    pub incidents: Vec<IncidentFact>,
}

impl Facts {
    /// A consignee with no records, in `status` and `risk_tier`.
    pub fn empty(status: ConsigneeStatus, risk_tier: RiskTier) -> Self {
        Self {
            status,
            risk_tier,
            next_review_due: None,
            required_clauses: Vec::new(),
            memoranda: Vec::new(),
            entrustments: Vec::new(),
            sub_consignments: Vec::new(),
            reviews: Vec::new(),
            findings: Vec::new(),
            certifications: Vec::new(),
            incidents: Vec::new(),
        }
    }

    /// Whether it holds data through an active entrustment.
    pub fn has_active_entrustments(&self) -> bool {
        self.entrustments.iter().any(|e| e.active)
    }
}

fn group<T, K: std::hash::Hash + Eq>(items: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut map: HashMap<K, Vec<T>> = HashMap::new();
    for item in items {
        map.entry(key(&item)).or_default().push(item);
    }
    map
}

fn memorandum(row: &MemorandumRow, day: NaiveDate) -> Result<MemorandumFact, ApiError> {
    let standing = row.standing(day)?;
    let included = row.input()?.clauses.into_iter().filter(|c| c.included).map(|c| c.code).collect();
    Ok(MemorandumFact {
        id: row.id.clone(),
        in_force: row.in_force_on(day)?,
        expired: standing.status == MemorandumStatus::Expired,
        ends_on: standing.current_term_ends_on.or(row.expires_on),
        notice_deadline: standing.notice_deadline,
        included,
    })
}

fn entrustment(row: &EntrustmentRow, codes: &[String], sensitive: &HashSet<String>, day: NaiveDate) -> EntrustmentFact {
    EntrustmentFact {
        id: row.id.clone(),
        memorandum_id: row.memorandum_id.clone(),
        active: row.holding(day).active,
        holds_data: row.holding(day).holds_data,
        ended_on: row.ended_on.filter(|end| *end < day),
        deletion_confirmed_on: row.deletion_confirmed_on,
        sensitive: codes.iter().any(|c| sensitive.contains(c)),
        cross_border: row.cross_border != "[]",
    }
}

/// The columns of a completed review the rules read: not its answers, evidence or summary,
/// which make up most of the row.
#[derive(Queryable)]
struct CompletedReview {
    id: String,
    consignee_id: String,
    method: String,
    performed_on: Option<NaiveDate>,
    outcome: Option<String>,
    completed_at: Option<NaiveDateTime>,
}

fn review(row: &CompletedReview) -> Result<Option<ReviewFact>, ApiError> {
    let stored = |what: &str, value: &str| ApiError::internal(format!("stored review {what} {value:?} is unknown"));
    let outcome =
        row.outcome.as_deref().map(|o| o.parse::<ReviewOutcome>().map_err(|_| stored("outcome", o))).transpose()?;
    let (Some(performed_on), Some(outcome), Some(completed_at)) = (row.performed_on, outcome, row.completed_at) else {
        return Ok(None);
    };
    let method = row.method.parse::<ReviewMethod>().map_err(|_| stored("method", &row.method))?;
    Ok(Some(ReviewFact { id: row.id.clone(), method, performed_on, outcome, completed_at }))
}

fn certification(row: &CertificationRow) -> CertificationFact {
    let scheme = format!("{}:{}", row.scheme, row.scheme_name.as_deref().unwrap_or_default());
    CertificationFact { id: row.id.clone(), scheme, issued_on: row.issued_on, expires_on: row.expires_on }
}

fn incident(row: &IncidentRow, judging: &Judging<'_>) -> Result<IncidentFact, ApiError> {
    let standing = row.standing(judging)?;
    let due_by = [
        (standing.preliminary_report_state, standing.preliminary_report_due),
        (standing.final_report_state, standing.final_report_due),
    ]
    .into_iter()
    .filter(|(state, _)| matches!(state, ReportState::Due | ReportState::Overdue))
    .filter_map(|(_, due)| due)
    .min();
    Ok(IncidentFact { id: row.id.clone(), overdue: standing.overdue(), pending: standing.pending(), due_by })
}

/// The facts of each consignee in `rows` on the day judged (ten queries for any number of them),
/// in order.
pub fn load(conn: &mut DbConnection, rows: &[ConsigneeRow], ctx: &Context) -> Result<Vec<Facts>, ApiError> {
    let day = ctx.today;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let required_clauses = crate::clause_templates::store::required_codes(conn)?;
    let sensitive: HashSet<String> =
        dc::table.filter(dc::sensitive.eq(true)).select(dc::code).load::<String>(conn)?.into_iter().collect();
    let signed = [MemorandumStatus::Signed.as_str(), MemorandumStatus::Terminated.as_str()];
    let memoranda: Vec<MemorandumRow> =
        m::table.filter(m::consignee_id.eq_any(&ids)).filter(m::status.eq_any(signed)).order(m::id.asc()).load(conn)?;
    let entrustments: Vec<EntrustmentRow> =
        e::table.filter(e::consignee_id.eq_any(&ids)).order(e::id.asc()).load(conn)?;
    let entrustment_ids: Vec<String> = entrustments.iter().map(|e| e.id.clone()).collect();
    let codes = crate::entrustments::store::categories_of(conn, &entrustment_ids)?;
    let subs: Vec<SubConsignmentRow> = s::table
        .filter(s::entrustment_id.eq_any(&entrustment_ids))
        .filter(s::ended_on.is_null().or(s::ended_on.ge(day)))
        .order(s::id.asc())
        .load(conn)?;
    let reviews: Vec<CompletedReview> = r::table
        .filter(r::consignee_id.eq_any(&ids))
        .filter(r::completed_at.is_not_null())
        .order(r::id.asc())
        .select((r::id, r::consignee_id, r::method, r::performed_on, r::outcome, r::completed_at))
        .load(conn)?;
    let findings = crate::findings::store::open_of(conn, &ids)?;
    let certifications: Vec<CertificationRow> =
        t::table.filter(t::consignee_id.eq_any(&ids)).order(t::id.asc()).load(conn)?;
    let incidents = crate::incidents::store::not_closed(conn, Some(&ids))?;
    let judging = Judging::on(&sensitive, ctx);
    let owner: HashMap<String, String> = entrustments.iter().map(|e| (e.id.clone(), e.consignee_id.clone())).collect();
    let mut memoranda = group(memoranda, |m| m.consignee_id.clone());
    let mut entrustments = group(entrustments, |e| e.consignee_id.clone());
    let mut subs = group(subs, |s| owner.get(&s.entrustment_id).cloned().unwrap_or_default());
    let mut reviews = group(reviews, |r| r.consignee_id.clone());
    let mut findings = group(findings, |f| f.consignee_id.clone());
    let mut certifications = group(certifications, |c| c.consignee_id.clone());
    let mut incidents = group(incidents, |i| i.consignee_id.clone());
    rows.iter()
        .map(|row| {
            let mut facts = Facts::empty(row.status()?, row.input()?.risk_tier);
            facts.next_review_due = row.next_review_due;
            facts.required_clauses.clone_from(&required_clauses);
            for m in memoranda.remove(&row.id).unwrap_or_default() {
                facts.memoranda.push(memorandum(&m, day)?);
            }
            for e in entrustments.remove(&row.id).unwrap_or_default() {
                let categories = codes.get(&e.id).map(Vec::as_slice).unwrap_or_default();
                facts.entrustments.push(entrustment(&e, categories, &sensitive, day));
            }
            for s in subs.remove(&row.id).unwrap_or_default() {
                let consented = s.consented_on <= day && !s.consented_by.trim().is_empty();
                facts.sub_consignments.push(SubConsignmentFact {
                    id: s.id,
                    entrustment_id: s.entrustment_id,
                    consented,
                });
            }
            for r in reviews.remove(&row.id).unwrap_or_default() {
                facts.reviews.extend(review(&r)?);
            }
            for f in findings.remove(&row.id).unwrap_or_default() {
                facts.findings.push(FindingFact { id: f.id.clone(), severity: f.severity()?, due_on: f.due_on });
            }
            facts.certifications =
                certifications.remove(&row.id).unwrap_or_default().iter().map(certification).collect();
            for i in incidents.remove(&row.id).unwrap_or_default() {
                facts.incidents.push(incident(&i, &judging)?);
            }
            Ok(facts)
        })
        .collect()
}
