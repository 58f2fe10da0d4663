//! The stored memorandum row and its conversions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::de::DeserializeOwned;

use super::api::{AutoRenewal, Memorandum, MemorandumInput, MemorandumStatus};
use super::terms::{self, Standing, Terms};
use crate::db::schema::memoranda;
use crate::documents::api::Document;
use crate::error::ApiError;

/// One row of `memoranda`; lists of signatories, clauses and required codes are JSON text.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = memoranda, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct MemorandumRow {
    pub id: String,
    pub consignee_id: String,
    pub title: String,
    pub external_ref: Option<String>,
    pub version_label: Option<String>,
    pub supersedes: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub effective_from: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub renewal_term_months: Option<i32>,
    pub renewal_notice_days: Option<i32>,
    pub signatories: String,
    pub clauses: String,
    pub notes: Option<String>,
    pub status: String,
    pub required_clauses: Option<String>,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by: Option<String>,
    pub terminated_on: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    pub document_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored memorandum JSON is unreadable: {e}")))
}

impl MemorandumRow {
    /// Writes the terms of `input` into the row.
    pub fn set_fields(&mut self, input: MemorandumInput) {
        self.title = input.title;
        self.external_ref = input.external_ref;
        self.version_label = input.version_label;
        self.supersedes = input.supersedes.map(|id| id.to_string());
        self.signed_on = input.signed_on;
        self.effective_from = input.effective_from;
        self.expires_on = input.expires_on;
        self.renewal_term_months = input.auto_renewal.map(|r| r.term_months);
        self.renewal_notice_days = input.auto_renewal.map(|r| r.notice_days);
        self.signatories = to_json(&input.signatories);
        self.clauses = to_json(&input.clauses);
        self.notes = input.notes;
    }

    /// The terms as a client would send them.
    pub fn input(&self) -> Result<MemorandumInput, ApiError> {
        let auto_renewal = self.auto_renewal();
        Ok(MemorandumInput {
            title: self.title.clone(),
            external_ref: self.external_ref.clone(),
            version_label: self.version_label.clone(),
            supersedes: self.supersedes.as_deref().map(crate::db::stored_id).transpose()?,
            signed_on: self.signed_on,
            effective_from: self.effective_from,
            expires_on: self.expires_on,
            auto_renewal,
            signatories: from_json(&self.signatories)?,
            clauses: from_json(&self.clauses)?,
            notes: self.notes.clone(),
        })
    }

    /// The stored status (draft, signed or terminated).
    pub fn stored_status(&self) -> Result<MemorandumStatus, ApiError> {
        self.status.parse().map_err(|_| ApiError::internal(format!("stored status {:?} is unknown", self.status)))
    }

    /// The clause codes required when it was signed.
    pub fn required_clauses(&self) -> Result<Option<Vec<String>>, ApiError> {
        self.required_clauses.as_deref().map(from_json).transpose()
    }

    /// The automatic renewal, read from its columns (not from the parsed terms: the compliance of
    /// every listed consignee asks for it).
    fn auto_renewal(&self) -> Option<AutoRenewal> {
        match (self.renewal_term_months, self.renewal_notice_days) {
            (Some(term_months), Some(notice_days)) => Some(AutoRenewal { term_months, notice_days }),
            _ => None,
        }
    }

    fn terms(&self, stored: MemorandumStatus) -> Result<Terms, ApiError> {
        Ok(Terms {
            stored,
            effective_from: self.effective_from,
            expires_on: self.expires_on,
            renewal: self.auto_renewal(),
        })
    }

    /// Its standing on `day`.
    pub fn standing(&self, day: NaiveDate) -> Result<Standing, ApiError> {
        Ok(terms::standing(&self.terms(self.stored_status()?)?, day))
    }

    /// Whether it was (or is) in force on `day`: signed by then (`signed_on` not after it), not
    /// terminated by then, and `day` within its (renewed) terms.
    pub fn in_force_on(&self, day: NaiveDate) -> Result<bool, ApiError> {
        let status_then = match self.stored_status()? {
            MemorandumStatus::Signed => true,
            MemorandumStatus::Terminated => self.terminated_on.is_some_and(|ended| day < ended),
            _ => false,
        };
        let signed_then = status_then && self.signed_on.is_some_and(|signed| signed <= day);
        Ok(signed_then && terms::standing(&self.terms(MemorandumStatus::Signed)?, day).in_force)
    }

    /// The memorandum as the API shows it on `today`, with its document's metadata.
    pub fn to_api(&self, today: NaiveDate, document: Option<Document>) -> Result<Memorandum, ApiError> {
        let input = self.input()?;
        let standing = self.standing(today)?;
        Ok(Memorandum {
            id: crate::db::stored_id(&self.id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            title: input.title,
            external_ref: input.external_ref,
            version_label: input.version_label,
            supersedes: input.supersedes,
            signed_on: input.signed_on,
            effective_from: input.effective_from,
            expires_on: input.expires_on,
            auto_renewal: input.auto_renewal,
            signatories: input.signatories,
            clauses: input.clauses,
            notes: input.notes,
            status: standing.status,
            in_force: standing.in_force,
            current_term_ends_on: standing.current_term_ends_on,
            notice_deadline: standing.notice_deadline,
            required_clauses: self.required_clauses()?,
            signed_at: self.signed_at.map(|t| t.and_utc()),
            signed_by: self.signed_by.clone(),
            terminated_on: self.terminated_on,
            termination_reason: self.termination_reason.clone(),
            document,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }

    /// What the audit trail records: the terms, the status and the document's hash.
    pub fn audit_view(&self) -> Result<serde_json::Value, ApiError> {
        let mut view = serde_json::to_value(self.input()?).map_err(ApiError::internal)?;
        view["status"] = self.status.clone().into();
        view["terminated_on"] = serde_json::to_value(self.terminated_on).map_err(ApiError::internal)?;
        view["termination_reason"] = self.termination_reason.clone().into();
        view["document_id"] = self.document_id.clone().into();
        view["required_clauses"] = serde_json::to_value(self.required_clauses()?).map_err(ApiError::internal)?;
        Ok(view)
    }
}
