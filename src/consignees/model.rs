//! The stored consignee row and its conversions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::api::{Consignee, ConsigneeInput, ConsigneeStatus, Contact, RiskTier};
use super::view::Derived;
use crate::db::schema::consignees;
use crate::domain::search;
use crate::error::ApiError;

/// One row of `consignees`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = consignees, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ConsigneeRow {
    pub id: String,
    pub legal_name: String,
    pub name_kana: Option<String>,
    pub name_en: Option<String>,
    pub corporate_number: Option<String>,
    pub country: String,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub risk_tier: String,
    pub notes: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub status_changed_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
    pub approved_on: Option<NaiveDate>,
    pub last_reviewed_on: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub external_ref: Option<String>,
}

impl ConsigneeRow {
    /// Writes `input` into the row's writable columns and refreshes the search text.
    pub fn set_fields(&mut self, input: ConsigneeInput) {
        let contact = input.contact.unwrap_or_default();
        self.search_text = search::search_text([
            Some(input.legal_name.as_str()),
            input.name_kana.as_deref(),
            input.name_en.as_deref(),
        ]);
        self.legal_name = input.legal_name;
        self.name_kana = input.name_kana;
        self.name_en = input.name_en;
        self.corporate_number = input.corporate_number;
        self.country = input.country;
        self.address = input.address;
        self.contact_name = contact.name;
        self.contact_email = contact.email;
        self.contact_phone = contact.phone;
        self.risk_tier = input.risk_tier.as_str().to_owned();
        self.notes = input.notes;
        self.external_ref = input.external_ref;
    }

    /// The writable fields as a client would send them.
    pub fn input(&self) -> Result<ConsigneeInput, ApiError> {
        let contact = Contact {
            name: self.contact_name.clone(),
            email: self.contact_email.clone(),
            phone: self.contact_phone.clone(),
        };
        Ok(ConsigneeInput {
            legal_name: self.legal_name.clone(),
            name_kana: self.name_kana.clone(),
            name_en: self.name_en.clone(),
            corporate_number: self.corporate_number.clone(),
            country: self.country.clone(),
            address: self.address.clone(),
            contact: (contact != Contact::default()).then_some(contact),
            risk_tier: self
                .risk_tier
                .parse::<RiskTier>()
                .map_err(|_| ApiError::internal(format!("stored risk tier {:?} is unknown", self.risk_tier)))?,
            notes: self.notes.clone(),
            external_ref: self.external_ref.clone(),
        })
    }

    /// The stored status.
    pub fn status(&self) -> Result<ConsigneeStatus, ApiError> {
        self.status
            .parse::<ConsigneeStatus>()
            .map_err(|_| ApiError::internal(format!("stored status {:?} is unknown", self.status)))
    }

    /// The consignee as the API shows it, with what is derived from its other records.
    pub fn to_api(&self, derived: Derived) -> Result<Consignee, ApiError> {
        let fields = self.input()?;
        Ok(Consignee {
            id: crate::db::stored_id(&self.id)?,
            legal_name: fields.legal_name,
            name_kana: fields.name_kana,
            name_en: fields.name_en,
            corporate_number: fields.corporate_number,
            country: fields.country,
            address: fields.address,
            contact: fields.contact,
            risk_tier: fields.risk_tier,
            notes: fields.notes,
            external_ref: fields.external_ref,
            status: self.status()?,
            status_reason: self.status_reason.clone(),
            status_changed_at: self.status_changed_at.map(|t| t.and_utc()),
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            memoranda_summary: derived.memoranda_summary,
            categories_held: derived.categories_held,
            holds_sensitive: derived.holds_sensitive,
            approved_on: self.approved_on,
            last_reviewed_on: self.last_reviewed_on,
            next_review_due: self.next_review_due,
            review_overdue: derived.review_overdue,
            open_findings: derived.open_findings,
            compliance_status: derived.compliance_status,
            warnings: None,
            version: self.version,
        })
    }

    /// What the audit trail records of this consignee: its fields and status.
    pub fn audit_view(&self) -> Result<serde_json::Value, ApiError> {
        let mut view = serde_json::to_value(self.input()?).map_err(ApiError::internal)?;
        view["status"] = self.status.clone().into();
        view["status_reason"] = self.status_reason.clone().into();
        view["approved_on"] = self.approved_on.map(|d| d.to_string()).into();
        Ok(view)
    }
}
