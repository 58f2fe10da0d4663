//! The stored certification row and its conversions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::api::{Certification, CertificationInput, CertificationScheme};
use crate::db::schema::certifications;
use crate::documents::api::Document;
use crate::error::ApiError;

/// One row of `certifications`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = certifications, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CertificationRow {
    pub id: String,
    pub consignee_id: String,
    pub scheme: String,
    pub scheme_name: Option<String>,
    pub certificate_number: Option<String>,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub scope: Option<String>,
    pub document_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

impl CertificationRow {
    /// Writes the fields of `input` into the row.
    pub fn set_fields(&mut self, input: CertificationInput) {
        self.scheme = input.scheme.as_str().to_owned();
        self.scheme_name = input.scheme_name;
        self.certificate_number = input.certificate_number;
        self.issuer = input.issuer;
        self.issued_on = input.issued_on;
        self.expires_on = input.expires_on;
        self.scope = input.scope;
    }

    /// The fields as a client would send them.
    pub fn input(&self) -> Result<CertificationInput, ApiError> {
        let scheme = self
            .scheme
            .parse::<CertificationScheme>()
            .map_err(|_| ApiError::internal(format!("stored scheme {:?} is unknown", self.scheme)))?;
        Ok(CertificationInput {
            scheme,
            scheme_name: self.scheme_name.clone(),
            certificate_number: self.certificate_number.clone(),
            issuer: self.issuer.clone(),
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            scope: self.scope.clone(),
        })
    }

    /// Whether it has expired on `day`.
    pub fn expired(&self, day: NaiveDate) -> bool {
        self.expires_on.is_some_and(|end| end < day)
    }

    /// The certification as the API shows it on `today`.
    pub fn to_api(&self, document: Option<Document>, today: NaiveDate) -> Result<Certification, ApiError> {
        let input = self.input()?;
        Ok(Certification {
            id: crate::db::stored_id(&self.id)?,
            consignee_id: crate::db::stored_id(&self.consignee_id)?,
            scheme: input.scheme,
            scheme_name: input.scheme_name,
            certificate_number: input.certificate_number,
            issuer: input.issuer,
            issued_on: input.issued_on,
            expires_on: input.expires_on,
            scope: input.scope,
            document,
            expired: self.expired(today),
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
        view["document_id"] = self.document_id.clone().into();
        Ok(view)
    }
}
