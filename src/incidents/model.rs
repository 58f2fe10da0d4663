//! The stored incident row and its conversions; lists are JSON text.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{FollowUpReview, Incident, IncidentInput, IncidentKind, IncidentStatus, OpenIncidentStatus};
use super::deadlines::{self, Exposure, ReportDeadlines, Standing, Timeline};
use crate::db::schema::incidents;
use crate::documents::api::Document;
use crate::error::ApiError;
use crate::reviews::model::json;

/// One row of `incidents`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = incidents, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct IncidentRow {
    pub id: String,
    pub consignee_id: String,
    pub kind: String,
    pub suspected: bool,
    pub description: String,
    pub occurred_on: Option<NaiveDate>,
    pub detected_at: Option<NaiveDateTime>,
    pub reported_by_consignee_at: Option<NaiveDateTime>,
    pub company_aware_at: NaiveDateTime,
    pub entrustment_ids: String,
    pub categories: String,
    pub affected_subjects: Option<i64>,
    pub affected_subjects_is_upper_bound: bool,
    pub wrongful_intent: Option<bool>,
    pub financial_damage_risk: bool,
    pub secondary_damage: Option<String>,
    pub advanced_encryption: bool,
    pub status: String,
    pub containment: Option<String>,
    pub root_cause: Option<String>,
    pub corrective_actions: String,
    pub preliminary_reported_at: Option<NaiveDateTime>,
    pub final_reported_at: Option<NaiveDateTime>,
    pub subjects_notified_at: Option<NaiveDateTime>,
    pub publicly_announced_at: Option<NaiveDateTime>,
    pub review_id: Option<String>,
    pub review_scheduled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

/// What an incident's derived values are judged with.
#[derive(Debug, Clone, Copy)]
pub struct Judging<'a> {
    /// Sensitive category codes.
    pub sensitive: &'a HashSet<String>,
    /// Report deadlines.
    pub deadlines: ReportDeadlines,
    /// Business time zone.
    pub time_zone: chrono_tz::Tz,
    /// The day judged.
    pub today: NaiveDate,
}

impl<'a> Judging<'a> {
    /// Judging with `sensitive` codes in the compliance context `ctx`.
    pub fn on(sensitive: &'a HashSet<String>, ctx: &crate::compliance::rules::Context) -> Self {
        Self { sensitive, deadlines: ctx.report_deadlines, time_zone: ctx.time_zone, today: ctx.today }
    }
}

fn utc(at: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    at.map(|at| at.naive_utc())
}

fn read<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored incident {what} is unreadable: {e}")))
}

fn stored<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| ApiError::internal(format!("stored incident {what} {value:?} is unknown")))
}

impl IncidentRow {
    /// Writes the fields of `input` into the row; `company_aware_at` must be resolved already.
    pub fn set_fields(&mut self, input: &IncidentInput) {
        self.kind = input.kind.as_str().to_owned();
        self.suspected = input.suspected;
        self.description.clone_from(&input.description);
        self.occurred_on = input.occurred_on;
        self.detected_at = utc(input.detected_at);
        self.reported_by_consignee_at = utc(input.reported_by_consignee_at);
        self.company_aware_at = utc(input.company_aware_at).unwrap_or(self.company_aware_at);
        self.entrustment_ids = json(&input.entrustments);
        self.categories = json(&input.categories);
        self.affected_subjects = input.affected_subjects;
        self.affected_subjects_is_upper_bound = input.affected_subjects_is_upper_bound;
        self.wrongful_intent = input.wrongful_intent;
        self.financial_damage_risk = input.financial_damage_risk;
        self.secondary_damage.clone_from(&input.secondary_damage);
        self.advanced_encryption = input.advanced_encryption;
        self.status = IncidentStatus::from(input.status).as_str().to_owned();
        self.containment.clone_from(&input.containment);
        self.root_cause.clone_from(&input.root_cause);
        self.corrective_actions = json(&input.corrective_actions);
        self.preliminary_reported_at = utc(input.preliminary_reported_at);
        self.final_reported_at = utc(input.final_reported_at);
        self.subjects_notified_at = utc(input.subjects_notified_at);
        self.publicly_announced_at = utc(input.publicly_announced_at);
    }

    /// The stored status.
    pub fn status(&self) -> Result<IncidentStatus, ApiError> {
        stored(&self.status, "status")
    }

    /// Closed: its facts are frozen.
    pub fn closed(&self) -> bool {
        self.status == IncidentStatus::Closed.as_str()
    }

    /// The stored category codes.
    pub fn category_codes(&self) -> Result<Vec<String>, ApiError> {
        read(&self.categories, "categories")
    }

    /// The fields as a client would send them (a closed incident reads as `contained`).
    pub fn input(&self) -> Result<IncidentInput, ApiError> {
        let status = match self.status()? {
            IncidentStatus::Open => OpenIncidentStatus::Open,
            IncidentStatus::Contained | IncidentStatus::Closed => OpenIncidentStatus::Contained,
        };
        Ok(IncidentInput {
            kind: stored::<IncidentKind>(&self.kind, "kind")?,
            suspected: self.suspected,
            description: self.description.clone(),
            occurred_on: self.occurred_on,
            detected_at: self.detected_at.map(|t| t.and_utc()),
            reported_by_consignee_at: self.reported_by_consignee_at.map(|t| t.and_utc()),
            company_aware_at: Some(self.company_aware_at.and_utc()),
            entrustments: read(&self.entrustment_ids, "entrustments")?,
            categories: self.category_codes()?,
            affected_subjects: self.affected_subjects,
            affected_subjects_is_upper_bound: self.affected_subjects_is_upper_bound,
            wrongful_intent: self.wrongful_intent,
            financial_damage_risk: self.financial_damage_risk,
            secondary_damage: self.secondary_damage.clone(),
            advanced_encryption: self.advanced_encryption,
            status,
            containment: self.containment.clone(),
            root_cause: self.root_cause.clone(),
            corrective_actions: read(&self.corrective_actions, "corrective actions")?,
            preliminary_reported_at: self.preliminary_reported_at.map(|t| t.and_utc()),
            final_reported_at: self.final_reported_at.map(|t| t.and_utc()),
            subjects_notified_at: self.subjects_notified_at.map(|t| t.and_utc()),
            publicly_announced_at: self.publicly_announced_at.map(|t| t.and_utc()),
        })
    }

    /// The derived reporting standing.
    pub fn standing(&self, judging: &Judging<'_>) -> Result<Standing, ApiError> {
        let exposure = Exposure {
            sensitive: self.category_codes()?.iter().any(|c| judging.sensitive.contains(c)),
            financial_damage_risk: self.financial_damage_risk,
            wrongful_intent: self.wrongful_intent == Some(true),
            affected_subjects: self.affected_subjects,
            advanced_encryption: self.advanced_encryption,
        };
        let timeline = Timeline {
            company_aware_at: self.company_aware_at.and_utc(),
            preliminary_reported_at: self.preliminary_reported_at.map(|t| t.and_utc()),
            final_reported_at: self.final_reported_at.map(|t| t.and_utc()),
        };
        Ok(deadlines::standing(&exposure, &timeline, judging.deadlines, judging.time_zone, judging.today))
    }

    /// The incident as the API shows it, with its standing, follow-up review and documents.
    pub fn to_api(
        &self,
        standing: Standing,
        follow_up: Option<FollowUpReview>,
        documents: Vec<Document>,
    ) -> Result<Incident, ApiError> {
        let input = self.input()?;
        Ok(Incident {
            id: crate::db::stored_id(&self.id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            kind: input.kind,
            suspected: input.suspected,
            description: input.description,
            occurred_on: input.occurred_on,
            detected_at: input.detected_at,
            reported_by_consignee_at: input.reported_by_consignee_at,
            company_aware_at: self.company_aware_at.and_utc(),
            entrustments: input.entrustments,
            categories: input.categories,
            affected_subjects: input.affected_subjects,
            affected_subjects_is_upper_bound: input.affected_subjects_is_upper_bound,
            wrongful_intent: input.wrongful_intent,
            financial_damage_risk: input.financial_damage_risk,
            secondary_damage: input.secondary_damage,
            advanced_encryption: input.advanced_encryption,
            status: self.status()?,
            containment: input.containment,
            root_cause: input.root_cause,
            corrective_actions: input.corrective_actions,
            preliminary_reported_at: input.preliminary_reported_at,
            final_reported_at: input.final_reported_at,
            subjects_notified_at: input.subjects_notified_at,
            publicly_announced_at: input.publicly_announced_at,
            overdue: standing.overdue(),
            reportable: standing.reportable,
            reportable_reasons: standing.reasons,
            preliminary_report_due: standing.preliminary_report_due,
            final_report_due: standing.final_report_due,
            preliminary_report_state: standing.preliminary_report_state,
            final_report_state: standing.final_report_state,
            follow_up_review: follow_up,
            documents,
            impact: None,
            closed_at: self.closed().then(|| self.updated_at.and_utc()),
            closed_by: self.closed().then(|| self.updated_by.clone()),
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }

    /// What the audit trail records.
    pub fn audit_view(&self) -> Result<serde_json::Value, ApiError> {
        let mut view = serde_json::to_value(self.input()?).map_err(ApiError::internal)?;
        view["status"] = self.status.clone().into();
        view["review_id"] = self.review_id.clone().into();
        Ok(view)
    }
}
