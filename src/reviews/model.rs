//! The stored review row and its conversions; answers and evidence are JSON text.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::api::{Evidence, EvidenceInput, Review, ReviewInput, ReviewKind, ReviewMethod, ReviewOutcome, ReviewStatus};
use crate::db::schema::reviews;
use crate::documents::api::Document;
use crate::error::ApiError;

/// One row of `reviews`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = reviews, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ReviewRow {
    pub id: String,
    pub consignee_id: String,
    pub kind: String,
    pub method: String,
    pub scheduled_for: Option<NaiveDate>,
    pub performed_on: Option<NaiveDate>,
    pub reviewer: String,
    pub outcome: Option<String>,
    pub answers: String,
    pub evidence_references: String,
    pub certification_ids: String,
    pub summary: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
    pub completed_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

/// JSON text of a stored list.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored review JSON is unreadable: {e}")))
}

fn stored<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| ApiError::internal(format!("stored review {what} {value:?} is unknown")))
}

impl ReviewRow {
    /// Writes the fields of `input` into the row (the reviewer already defaulted).
    pub fn set_fields(&mut self, input: &ReviewInput) {
        self.kind = input.kind.as_str().to_owned();
        self.method = input.method.as_str().to_owned();
        self.scheduled_for = input.scheduled_for;
        self.performed_on = input.performed_on;
        self.reviewer = input.reviewer.clone().unwrap_or_else(|| self.reviewer.clone());
        self.answers = json(&input.answers);
        self.evidence_references = json(&input.evidence.references);
        self.certification_ids = json(&input.evidence.certification_ids);
        self.summary.clone_from(&input.summary);
    }

    /// The fields as a client would send them.
    pub fn input(&self) -> Result<ReviewInput, ApiError> {
        Ok(ReviewInput {
            kind: self.kind()?,
            method: self.method()?,
            scheduled_for: self.scheduled_for,
            performed_on: self.performed_on,
            reviewer: Some(self.reviewer.clone()),
            answers: parse(&self.answers)?,
            evidence: EvidenceInput {
                references: parse(&self.evidence_references)?,
                certification_ids: parse(&self.certification_ids)?,
            },
            summary: self.summary.clone(),
        })
    }

    /// The stored method.
    pub fn method(&self) -> Result<ReviewMethod, ApiError> {
        stored(&self.method, "method")
    }

    /// The stored kind.
    pub fn kind(&self) -> Result<ReviewKind, ApiError> {
        stored(&self.kind, "kind")
    }

    /// The stored outcome, once completed.
    pub fn outcome(&self) -> Result<Option<ReviewOutcome>, ApiError> {
        self.outcome.as_deref().map(|o| stored(o, "outcome")).transpose()
    }

    /// Whether it is completed (and frozen).
    pub fn completed(&self) -> bool {
        self.completed_at.is_some()
    }

    /// The review as the API shows it, with its evidence documents.
    pub fn to_api(&self, documents: Vec<Document>) -> Result<Review, ApiError> {
        let input = self.input()?;
        Ok(Review {
            id: crate::db::stored_id(&self.id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            kind: input.kind,
            method: input.method,
            status: if self.completed() { ReviewStatus::Completed } else { ReviewStatus::Open },
            scheduled_for: input.scheduled_for,
            performed_on: input.performed_on,
            reviewer: self.reviewer.clone(),
            outcome: self.outcome()?,
            answers: input.answers,
            evidence: Evidence {
                references: input.evidence.references,
                certification_ids: input.evidence.certification_ids,
                documents,
            },
            summary: input.summary,
            completed_at: self.completed_at.map(|t| t.and_utc()),
            completed_by: self.completed_by.clone(),
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
        view["outcome"] = self.outcome.clone().into();
        view["completed"] = self.completed().into();
        Ok(view)
    }
}
