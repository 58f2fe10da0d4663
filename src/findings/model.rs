//! The stored finding row and its conversions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::api::{Finding, FindingInput, FindingStatus, Severity};
use crate::db::schema::findings;
use crate::error::ApiError;

/// One row of `findings`; evidence is JSON text.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = findings, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct FindingRow {
    pub id: String,
    pub review_id: String,
    pub consignee_id: String,
    pub severity: String,
    pub description: String,
    pub corrective_action: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub risk_justification: Option<String>,
    pub resolved_on: Option<NaiveDate>,
    pub evidence: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

fn stored<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| ApiError::internal(format!("stored finding {what} {value:?} is unknown")))
}

impl FindingRow {
    /// Writes the fields of `input` into the row.
    pub fn set_fields(&mut self, input: &FindingInput) {
        self.severity = input.severity.as_str().to_owned();
        self.description.clone_from(&input.description);
        self.corrective_action.clone_from(&input.corrective_action);
        self.due_on = input.due_on;
        self.status = input.status.as_str().to_owned();
        self.risk_justification.clone_from(&input.risk_justification);
        self.resolved_on = input.resolved_on;
        self.evidence = serde_json::to_string(&input.evidence).unwrap_or_else(|_| "[]".to_owned());
    }

    /// The stored status.
    pub fn status(&self) -> Result<FindingStatus, ApiError> {
        stored(&self.status, "status")
    }

    /// The stored severity.
    pub fn severity(&self) -> Result<Severity, ApiError> {
        stored(&self.severity, "severity")
    }

    /// The fields as a client would send them.
    pub fn input(&self) -> Result<FindingInput, ApiError> {
        Ok(FindingInput {
            severity: self.severity()?,
            description: self.description.clone(),
            corrective_action: self.corrective_action.clone(),
            due_on: self.due_on,
            status: self.status()?,
            risk_justification: self.risk_justification.clone(),
            resolved_on: self.resolved_on,
            evidence: serde_json::from_str(&self.evidence)
                .map_err(|e| ApiError::internal(format!("stored finding evidence is unreadable: {e}")))?,
        })
    }

    /// Still open and past its due date on `day`.
    pub fn overdue(&self, day: NaiveDate) -> Result<bool, ApiError> {
        Ok(self.status()?.is_open() && self.due_on.is_some_and(|due| due < day))
    }

    /// The finding as the API shows it on `today`.
    pub fn to_api(&self, today: NaiveDate) -> Result<Finding, ApiError> {
        let input = self.input()?;
        Ok(Finding {
            id: crate::db::stored_id(&self.id)?,
            review_id: crate::db::stored_id(&self.review_id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            severity: input.severity,
            description: input.description,
            corrective_action: input.corrective_action,
            due_on: input.due_on,
            status: input.status,
            risk_justification: input.risk_justification,
            resolved_on: input.resolved_on,
            evidence: input.evidence,
            overdue: self.overdue(today)?,
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
        view["review_id"] = self.review_id.clone().into();
        Ok(view)
    }
}
