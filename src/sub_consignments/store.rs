//! Sub-consignment queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{Consent, SubConsignment, SubConsignmentInput, SubConsignmentPatch};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::sub_consignments as sc;
use crate::db::{dispatch, DbConnection};
use crate::entrustments::store as entrustments;
use crate::error::{ApiError, FieldError};
use crate::http::conditional::{check_version, Expected};
use crate::memoranda::store as memoranda;
use crate::validation;

/// The clause a memorandum must include before any sub-consignment is recorded.
const CONSENT_CLAUSE: &str = "sub_consignment_prior_consent";

/// One row of `sub_consignments`; categories are JSON text.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = sc, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct SubConsignmentRow {
    pub id: String,
    pub entrustment_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub corporate_number: Option<String>,
    pub country: String,
    pub categories: String,
    pub purpose: String,
    pub consented_on: NaiveDate,
    pub consented_by: String,
    pub consent_reference: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

impl SubConsignmentRow {
    /// The category codes it receives.
    pub fn categories(&self) -> Result<Vec<String>, ApiError> {
        serde_json::from_str(&self.categories).map_err(ApiError::internal)
    }

    fn input(&self) -> Result<SubConsignmentInput, ApiError> {
        Ok(SubConsignmentInput {
            name: self.name.clone(),
            corporate_number: self.corporate_number.clone(),
            country: self.country.clone(),
            categories: self.categories()?,
            purpose: self.purpose.clone(),
            parent_id: self.parent_id.as_deref().map(crate::db::stored_id).transpose()?,
            consent: Consent {
                consented_on: self.consented_on,
                consented_by: self.consented_by.clone(),
                reference: self.consent_reference.clone(),
            },
            ended_on: self.ended_on,
        })
    }

    fn set_fields(&mut self, input: SubConsignmentInput) {
        self.name = input.name;
        self.corporate_number = input.corporate_number;
        self.country = input.country;
        self.categories = serde_json::to_string(&input.categories).unwrap_or_else(|_| "[]".to_owned());
        self.purpose = input.purpose;
        self.consented_on = input.consent.consented_on;
        self.consented_by = input.consent.consented_by;
        self.consent_reference = input.consent.reference;
        self.ended_on = input.ended_on;
    }

    /// The sub-consignment as the API shows it.
    pub fn to_api(&self) -> Result<SubConsignment, ApiError> {
        let input = self.input()?;
        Ok(SubConsignment {
            id: crate::db::stored_id(&self.id)?,
            entrustment_id: crate::db::stored_id(&self.entrustment_id)?,
            name: input.name,
            corporate_number: input.corporate_number,
            country: input.country,
            categories: input.categories,
            purpose: input.purpose,
            parent_id: input.parent_id,
            consent: input.consent,
            ended_on: input.ended_on,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }
}

/// Trims texts and upper-cases the country.
pub fn normalized(mut input: SubConsignmentInput) -> SubConsignmentInput {
    input.country = input.country.trim().to_ascii_uppercase();
    input.corporate_number = input.corporate_number.map(|n| n.trim().to_owned());
    input.consent.reference = input.consent.reference.map(|r| r.trim().to_owned());
    input.categories = crate::entrustments::rules::sorted_codes(&input.categories);
    input
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &SubConsignmentRow,
    consignee_id: &str,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of("sub_consignment", row.id.clone(), Some(consignee_id.to_owned()), action, changes)
        .with_event(crate::events::snapshot::sub_consignment(row, consignee_id));
    audit::append(conn, caller, at, change).map(|_| ())
}

/// 422 for categories outside what the entrustment (or the parent) passes on, for a parent of
/// another entrustment, and for dates out of order.
fn check(
    conn: &mut DbConnection,
    entrustment_id: &str,
    offered: &[String],
    input: &SubConsignmentInput,
    own_id: &str,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut allowed = offered.to_vec();
    if let Some(parent) = input.parent_id.map(|p| p.to_string()) {
        match sc::table.find(&parent).first::<SubConsignmentRow>(conn).optional()? {
            Some(row) if row.entrustment_id == entrustment_id && row.id != own_id => allowed = row.categories()?,
            _ => errors.push(FieldError::new(
                "parent_id",
                "not_found",
                "no other sub-consignment of this entrustment with this id",
            )),
        }
    }
    let outside: Vec<&str> = input.categories.iter().filter(|c| !allowed.contains(c)).map(String::as_str).collect();
    if !outside.is_empty() {
        let message = format!("not passed on by the entrustment or the parent: {}", outside.join(", "));
        errors.push(FieldError::new("categories", "not_a_subset", message));
    }
    if input.ended_on.is_some_and(|end| end < input.consent.consented_on) {
        errors.push(FieldError::new("ended_on", "date_order", "cannot be before consent.consented_on"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// 409 when children of sub-consignment `id` receive a category it would no longer pass on.
fn check_children(conn: &mut DbConnection, id: &str, categories: &[String]) -> Result<(), ApiError> {
    let children: Vec<SubConsignmentRow> = sc::table.filter(sc::parent_id.eq(id)).load(conn)?;
    let mut withdrawn = Vec::new();
    for child in children {
        withdrawn.extend(child.categories()?.into_iter().filter(|c| !categories.contains(c)));
    }
    if withdrawn.is_empty() {
        return Ok(());
    }
    Err(ApiError::Conflict(format!(
        "sub-consignments it passes data on to still receive {}; change those first",
        crate::entrustments::rules::sorted_codes(&withdrawn).join(", ")
    )))
}

/// 409 unless the entrustment's memorandum includes the prior-consent clause.
pub fn check_consent_clause(conn: &mut DbConnection, memorandum_id: &str) -> Result<(), ApiError> {
    let memorandum = memoranda::get(conn, memorandum_id)?;
    let included = memorandum.input()?.clauses.iter().any(|c| c.code == CONSENT_CLAUSE && c.included);
    if included {
        return Ok(());
    }
    Err(ApiError::Conflict(format!(
        "memorandum {memorandum_id} does not include the {CONSENT_CLAUSE} clause, so the consignee may not sub-consign"
    )))
}

/// Records a sub-consignment of entrustment `entrustment_id`.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    entrustment_id: &str,
    input: SubConsignmentInput,
) -> Result<SubConsignmentRow, ApiError> {
    let (entrustment, offered) = entrustments::get(conn, entrustment_id)?;
    dispatch::lock_consignee(conn, &entrustment.consignee_id)?;
    let id = Uuid::now_v7().to_string();
    check(conn, entrustment_id, &offered, &input, &id)?;
    check_consent_clause(conn, &entrustment.memorandum_id)?;
    let now = at.naive_utc();
    let mut row = SubConsignmentRow {
        id,
        entrustment_id: entrustment_id.to_owned(),
        parent_id: input.parent_id.map(|p| p.to_string()),
        name: String::new(),
        corporate_number: None,
        country: String::new(),
        categories: "[]".to_owned(),
        purpose: String::new(),
        consented_on: input.consent.consented_on,
        consented_by: String::new(),
        consent_reference: None,
        ended_on: None,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    row.set_fields(input);
    diesel::insert_into(sc::table).values(&row).execute(conn)?;
    let after = serde_json::to_value(row.input()?).map_err(ApiError::internal)?;
    record(conn, caller, at, &row, &entrustment.consignee_id, "created", serde_json::json!({ "after": after }))?;
    Ok(row)
}

/// The sub-consignment with `id`, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<SubConsignmentRow, ApiError> {
    sc::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no sub-consignment {id}")))
}

/// Applies a merge patch at `expected` version.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    changes: SubConsignmentPatch,
) -> Result<SubConsignmentRow, ApiError> {
    let mut row = get(conn, id)?;
    let current = row.input()?;
    let input = normalized(changes.apply(current.clone()));
    validation::check(&input)?;
    check_version(&expected, row.version)?;
    if input == current {
        return Ok(row);
    }
    let (entrustment, offered) = entrustments::get(conn, &row.entrustment_id)?;
    dispatch::lock_consignee(conn, &entrustment.consignee_id)?;
    check(conn, &row.entrustment_id, &offered, &input, id)?;
    check_children(conn, id, &input.categories)?;
    let before = serde_json::to_value(&current).map_err(ApiError::internal)?;
    let after = serde_json::to_value(&input).map_err(ApiError::internal)?;
    row.set_fields(input);
    let read_version = row.version;
    row.version += 1;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    let updated = diesel::update(sc::table.find(id).filter(sc::version.eq(read_version))).set(&row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the sub-consignment changed while this request ran; retry".to_owned()));
    }
    record(conn, caller, at, &row, &entrustment.consignee_id, "updated", audit::diff(&before, &after))?;
    Ok(row)
}

/// Up to `limit` sub-consignments of an entrustment after the cursor id.
pub fn list(
    conn: &mut DbConnection,
    entrustment_id: &str,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<SubConsignmentRow>, ApiError> {
    let mut select = sc::table.filter(sc::entrustment_id.eq(entrustment_id.to_owned())).into_boxed();
    if let Some(after) = after {
        select = select.filter(sc::id.gt(after));
    }
    Ok(select.order(sc::id.asc()).limit(limit).load(conn)?)
}

/// The sub-consignments of `entrustment_ids` still receiving data on `day` (all with `include_ended`).
pub fn of_entrustments(
    conn: &mut DbConnection,
    entrustment_ids: &[String],
    day: NaiveDate,
    include_ended: bool,
) -> Result<Vec<SubConsignmentRow>, ApiError> {
    let mut select = sc::table.filter(sc::entrustment_id.eq_any(entrustment_ids.to_vec())).into_boxed();
    if !include_ended {
        select = select.filter(sc::ended_on.is_null().or(sc::ended_on.ge(day)));
    }
    Ok(select.order(sc::id.asc()).load(conn)?)
}
