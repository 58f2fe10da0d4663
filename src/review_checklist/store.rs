//! Checklist item queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{ChecklistItem, ChecklistItemInput, ChecklistItemPatch, ChecklistItemQuery, SafeguardCategory};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::review_checklist_items as t;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::{check_version, Expected};

/// One row of `review_checklist_items`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
pub struct ChecklistItemRow {
    pub code: String,
    pub category: String,
    pub text: String,
    pub retired: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

impl ChecklistItemRow {
    /// The item as the API shows it.
    pub fn to_api(&self) -> Result<ChecklistItem, ApiError> {
        let category = self
            .category
            .parse::<SafeguardCategory>()
            .map_err(|_| ApiError::internal(format!("stored checklist category {:?} is unknown", self.category)))?;
        Ok(ChecklistItem {
            code: self.code.clone(),
            category,
            text: self.text.clone(),
            retired: self.retired,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }

    fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({"category": self.category, "text": self.text, "retired": self.retired})
    }
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    code: &str,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of("review_checklist_item", code.to_owned(), None, action, changes);
    audit::append(conn, caller, at, change).map(|_| ())
}

fn find(conn: &mut DbConnection, code: &str) -> Result<Option<ChecklistItemRow>, ApiError> {
    Ok(t::table.find(code).first(conn).optional()?)
}

/// Adds an item; 409 when the code is taken.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    input: ChecklistItemInput,
) -> Result<ChecklistItemRow, ApiError> {
    if find(conn, &input.code)?.is_some() {
        return Err(ApiError::Conflict(format!("checklist item {} already exists", input.code)));
    }
    let now = at.naive_utc();
    let row = ChecklistItemRow {
        code: input.code,
        category: input.category.as_str().to_owned(),
        text: input.text,
        retired: false,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    diesel::insert_into(t::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row.code, "created", serde_json::json!({ "after": row.audit_view() }))?;
    Ok(row)
}

/// The item with `code`, or 404.
pub fn get(conn: &mut DbConnection, code: &str) -> Result<ChecklistItemRow, ApiError> {
    find(conn, code)?.ok_or_else(|| ApiError::NotFound(format!("no checklist item {code}")))
}

/// Changes an item's category, text or retirement at `expected` version; what an item asks
/// cannot change once a review has answered it (409: retire it and add a new one).
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    code: &str,
    expected: Expected,
    patch: ChecklistItemPatch,
) -> Result<ChecklistItemRow, ApiError> {
    let mut row = get(conn, code)?;
    check_version(&expected, row.version)?;
    let reworded = patch.text.as_ref().is_some_and(|t| *t != row.text)
        || patch.category.is_some_and(|c| c.as_str() != row.category);
    if reworded && answered(conn, code)? {
        return Err(ApiError::Conflict(format!(
            "reviews have answered checklist item {code}; retire it and add a new item instead of changing what it asks"
        )));
    }
    let before = row.audit_view();
    if let Some(category) = patch.category {
        row.category = category.as_str().to_owned();
    }
    row.text = patch.text.unwrap_or(row.text);
    row.retired = patch.retired.unwrap_or(row.retired);
    if row.audit_view() == before {
        return Ok(row);
    }
    let read_version = row.version;
    row.version += 1;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    let updated = diesel::update(t::table.find(code).filter(t::version.eq(read_version))).set(&row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the checklist item changed while this request ran; retry".to_owned()));
    }
    record(conn, caller, at, code, "updated", audit::diff(&before, &row.audit_view()))?;
    Ok(row)
}

/// Whether any review has answered the item (answers are stored as compact JSON).
fn answered(conn: &mut DbConnection, code: &str) -> Result<bool, ApiError> {
    use crate::db::schema::reviews as r;
    let pattern = crate::domain::search::like_pattern(&format!("\"item\":\"{code}\""));
    let count: i64 = r::table.filter(r::answers.like(pattern).escape('\\')).count().get_result(conn)?;
    Ok(count > 0)
}

/// Up to `limit` items after the cursor code, in code order.
pub fn list(
    conn: &mut DbConnection,
    query: &ChecklistItemQuery,
    limit: i64,
) -> Result<Vec<ChecklistItemRow>, ApiError> {
    let mut select = t::table.into_boxed();
    if let Some(retired) = query.retired {
        select = select.filter(t::retired.eq(retired));
    }
    if let Some(category) = query.category {
        select = select.filter(t::category.eq(category.as_str()));
    }
    if let Some(after) = &query.cursor {
        select = select.filter(t::code.gt(after.clone()));
    }
    Ok(select.order(t::code.asc()).limit(limit).load(conn)?)
}

/// The codes of the active (not retired) items, in code order.
pub fn active_codes(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    Ok(t::table.filter(t::retired.eq(false)).select(t::code).order(t::code.asc()).load(conn)?)
}

/// Which of `codes` name an item (active or retired).
pub fn known_codes(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<String>, ApiError> {
    Ok(t::table.filter(t::code.eq_any(codes)).select(t::code).load(conn)?)
}
