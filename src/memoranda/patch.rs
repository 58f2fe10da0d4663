//! RFC 7396 merge patches of a memorandum's terms.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::{AutoRenewal, ClauseEntry, MemorandumInput, Signatory};
use crate::error::{ApiError, FieldError};
use crate::http::patch::{self, double_option, non_null_whole};

/// Changes to the auto-renewal terms, merged field by field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"notice_days": 60}))]
pub struct AutoRenewalPatch {
    /// Length of each renewed term in months.
    #[serde(default, deserialize_with = "non_null_whole")]
    #[schema(minimum = 1, maximum = 120, nullable = false)]
    pub term_months: Option<i32>,
    /// Days before a term ends by which notice must be given.
    #[serde(default, deserialize_with = "non_null_whole")]
    #[schema(minimum = 0, maximum = 730, nullable = false)]
    pub notice_days: Option<i32>,
}

/// A JSON merge patch (RFC 7396) of a memorandum: absent fields stay, `null` clears an optional
/// field, `auto_renewal` is merged, `signatories` and `clauses` are replaced whole. Only `notes`
/// and `external_ref` may change once it is signed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expires_on": "2028-03-31", "auto_renewal": {"notice_days": 60}}))]
pub struct MemorandumPatch {
    /// Title (cannot be null).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    pub title: Option<Option<String>>,
    /// The contract system's id.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub external_ref: Option<Option<String>>,
    /// Version label.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub version_label: Option<Option<String>>,
    /// The memorandum this one replaces.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub supersedes: Option<Option<Uuid>>,
    /// Date of signature.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub signed_on: Option<Option<NaiveDate>>,
    /// First day in force.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub effective_from: Option<Option<NaiveDate>>,
    /// Last day of the first term.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expires_on: Option<Option<NaiveDate>>,
    /// Auto-renewal, merged field by field; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<AutoRenewalPatch>)]
    pub auto_renewal: Option<Option<AutoRenewalPatch>>,
    /// Signatories, replaced whole (`null` empties the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<Signatory>>, max_items = 20)]
    pub signatories: Option<Option<Vec<Signatory>>>,
    /// Clause checklist, replaced whole (`null` empties the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<ClauseEntry>>, max_items = 100)]
    pub clauses: Option<Option<Vec<ClauseEntry>>>,
    /// Notes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub notes: Option<Option<String>>,
}

impl MemorandumPatch {
    /// The terms (normalized) that result from applying this patch to `input`; one 422 names
    /// every field left invalid.
    pub fn apply(self, mut input: MemorandumInput) -> Result<MemorandumInput, ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        patch::required(&mut input.title, self.title, "title", &mut errors);
        patch::optional(&mut input.external_ref, self.external_ref);
        patch::optional(&mut input.version_label, self.version_label);
        patch::optional(&mut input.supersedes, self.supersedes);
        patch::optional(&mut input.signed_on, self.signed_on);
        patch::optional(&mut input.effective_from, self.effective_from);
        patch::optional(&mut input.expires_on, self.expires_on);
        patch::optional(&mut input.notes, self.notes);
        if let Some(list) = self.signatories {
            input.signatories = list.unwrap_or_default();
        }
        if let Some(list) = self.clauses {
            input.clauses = list.unwrap_or_default();
        }
        match self.auto_renewal {
            None => {}
            Some(None) => input.auto_renewal = None,
            Some(Some(changes)) => {
                let current = input.auto_renewal;
                let term_months = changes.term_months.or(current.map(|r| r.term_months));
                let notice_days = changes.notice_days.or(current.map(|r| r.notice_days));
                match (term_months, notice_days) {
                    (Some(term_months), Some(notice_days)) => {
                        input.auto_renewal = Some(AutoRenewal { term_months, notice_days })
                    }
                    _ => errors.push(FieldError::new(
                        "auto_renewal",
                        "required",
                        "a new auto-renewal needs both term_months and notice_days",
                    )),
                }
            }
        }
        patch::finish(super::rules::normalized(input), errors)
    }
}
