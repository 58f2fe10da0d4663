//! RFC 7396 merge patches of an entrustment; its end and deletion go through their own actions.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::{CrossBorder, EntrustmentInput};
use crate::domain::code::{CategoryCode, DataSubject};
use crate::http::patch::{self, double_option, double_whole, non_null, non_null_trimmed};

/// A JSON merge patch (RFC 7396) of an entrustment: absent fields stay, `null` clears an optional
/// field; lists are replaced whole.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approx_records": 15000, "categories": ["contact_details", "learning_reports"]}))]
pub struct EntrustmentPatch {
    /// Another memorandum of the same consignee, in force over the entrustment's dates.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub memorandum_id: Option<Uuid>,
    /// Data category codes.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<CategoryCode>, nullable = false, min_items = 1, max_items = 50)]
    pub categories: Option<Vec<String>>,
    /// Purpose.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub purpose: Option<String>,
    /// Whose data (`null` empties the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<DataSubject>>, max_items = 20)]
    pub data_subjects: Option<Option<Vec<String>>>,
    /// Approximate number of records.
    #[serde(default, deserialize_with = "double_whole")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000_000i64)]
    pub approx_records: Option<Option<i64>>,
    /// Transfers abroad (`null` empties the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<CrossBorder>>, max_items = 50)]
    pub cross_border: Option<Option<Vec<CrossBorder>>>,
    /// Responsible department.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub responsible_department: Option<Option<String>>,
    /// Responsible person.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub responsible_person: Option<Option<String>>,
    /// First day.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub started_on: Option<NaiveDate>,
    /// Notes.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    pub notes: Option<Option<String>>,
}

impl EntrustmentPatch {
    /// The fields that result from applying this patch to `input`.
    pub fn apply(self, mut input: EntrustmentInput) -> EntrustmentInput {
        input.memorandum_id = self.memorandum_id.unwrap_or(input.memorandum_id);
        input.categories = self.categories.unwrap_or(input.categories);
        input.purpose = self.purpose.unwrap_or(input.purpose);
        input.started_on = self.started_on.unwrap_or(input.started_on);
        if let Some(list) = self.data_subjects {
            input.data_subjects = list.unwrap_or_default();
        }
        if let Some(list) = self.cross_border {
            input.cross_border = list.unwrap_or_default();
        }
        patch::optional(&mut input.approx_records, self.approx_records);
        patch::optional(&mut input.responsible_department, self.responsible_department);
        patch::optional(&mut input.responsible_person, self.responsible_person);
        patch::optional(&mut input.notes, self.notes);
        input
    }
}
