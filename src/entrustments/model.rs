//! The stored entrustment row and its conversions; categories live in `entrustment_categories`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::api::{Entrustment, EntrustmentInput};
use crate::db::schema::entrustments;
use crate::documents::api::Document;
use crate::error::ApiError;

/// One row of `entrustments`; data subjects and cross-border transfers are JSON text.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = entrustments, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct EntrustmentRow {
    pub id: String,
    pub consignee_id: String,
    pub memorandum_id: String,
    pub purpose: String,
    pub data_subjects: String,
    pub approx_records: Option<i64>,
    pub cross_border: String,
    pub responsible_department: Option<String>,
    pub responsible_person: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub deletion_confirmed_on: Option<NaiveDate>,
    pub deletion_reference: Option<String>,
    pub deletion_document_id: Option<String>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

/// Whether an entrustment is active and holds data on a day; part of its ETag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Holding {
    /// From `started_on` through `ended_on`, inclusive.
    pub active: bool,
    /// Active, or ended without deletion confirmed (DESIGN.md's one definition of holding data).
    pub holds_data: bool,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored entrustment JSON is unreadable: {e}")))
}

impl EntrustmentRow {
    /// Writes the fields of `input` (but its categories) into the row.
    pub fn set_fields(&mut self, input: &EntrustmentInput) {
        self.memorandum_id = input.memorandum_id.to_string();
        self.purpose.clone_from(&input.purpose);
        self.data_subjects = json(&input.data_subjects);
        self.approx_records = input.approx_records;
        self.cross_border = json(&input.cross_border);
        self.responsible_department.clone_from(&input.responsible_department);
        self.responsible_person.clone_from(&input.responsible_person);
        self.started_on = input.started_on;
        self.notes.clone_from(&input.notes);
    }

    /// The fields as a client would send them, with `categories`.
    pub fn input(&self, categories: Vec<String>) -> Result<EntrustmentInput, ApiError> {
        Ok(EntrustmentInput {
            memorandum_id: crate::db::stored_id(&self.memorandum_id)?,
            categories,
            purpose: self.purpose.clone(),
            data_subjects: parse(&self.data_subjects)?,
            approx_records: self.approx_records,
            cross_border: parse(&self.cross_border)?,
            responsible_department: self.responsible_department.clone(),
            responsible_person: self.responsible_person.clone(),
            started_on: self.started_on,
            notes: self.notes.clone(),
        })
    }

    /// Whether it is active and holds data on `day`.
    pub fn holding(&self, day: NaiveDate) -> Holding {
        let started = self.started_on <= day;
        let running = self.ended_on.is_none_or(|end| day <= end);
        let active = started && running;
        Holding { active, holds_data: active || (started && self.deletion_confirmed_on.is_none()) }
    }

    /// The entrustment as the API shows it on `today`, with its deletion certificate's metadata.
    pub fn to_api(
        &self,
        categories: Vec<String>,
        certificate: Option<Document>,
        today: NaiveDate,
    ) -> Result<Entrustment, ApiError> {
        let input = self.input(categories)?;
        let holding = self.holding(today);
        Ok(Entrustment {
            id: crate::db::stored_id(&self.id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            memorandum_id: input.memorandum_id,
            categories: input.categories,
            purpose: input.purpose,
            data_subjects: input.data_subjects,
            approx_records: input.approx_records,
            cross_border: input.cross_border,
            responsible_department: input.responsible_department,
            responsible_person: input.responsible_person,
            started_on: input.started_on,
            ended_on: self.ended_on,
            deletion_confirmed_on: self.deletion_confirmed_on,
            deletion_reference: self.deletion_reference.clone(),
            deletion_certificate: certificate,
            notes: input.notes,
            active: holding.active,
            holds_data: holding.holds_data,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }

    /// What the audit trail records.
    pub fn audit_view(&self, categories: &[String]) -> Result<serde_json::Value, ApiError> {
        let mut view = serde_json::to_value(self.input(categories.to_vec())?).map_err(ApiError::internal)?;
        view["ended_on"] = serde_json::to_value(self.ended_on).map_err(ApiError::internal)?;
        view["deletion_confirmed_on"] = serde_json::to_value(self.deletion_confirmed_on).map_err(ApiError::internal)?;
        view["deletion_reference"] = self.deletion_reference.clone().into();
        view["deletion_document_id"] = self.deletion_document_id.clone().into();
        Ok(view)
    }
}
