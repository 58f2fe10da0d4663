//! Data category queries; every change is audited in its own transaction.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{DataCategory, DataCategoryInput, DataCategoryPatch, DataCategoryQuery};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::data_categories as dc;
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};
use crate::http::conditional::{check_version, Expected};
use crate::http::patch;
use crate::validation;

/// One row of `data_categories`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = dc, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct DataCategoryRow {
    pub code: String,
    pub name: String,
    pub name_ja: Option<String>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub parent: Option<String>,
    pub retired: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

impl DataCategoryRow {
    /// The category as the API shows it.
    pub fn to_api(&self) -> DataCategory {
        DataCategory {
            code: self.code.clone(),
            name: self.name.clone(),
            name_ja: self.name_ja.clone(),
            description: self.description.clone(),
            sensitive: self.sensitive,
            parent: self.parent.clone(),
            retired: self.retired,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        }
    }

    fn input(&self) -> DataCategoryInput {
        DataCategoryInput {
            code: self.code.clone(),
            name: self.name.clone(),
            name_ja: self.name_ja.clone(),
            description: self.description.clone(),
            sensitive: self.sensitive,
            parent: self.parent.clone(),
        }
    }

    fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({"name": self.name, "name_ja": self.name_ja, "description": self.description,
            "sensitive": self.sensitive, "parent": self.parent, "retired": self.retired})
    }
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &DataCategoryRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let change = Change::of("data_category", row.code.clone(), None, action, changes);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// 422 unless `parent` names another category and does not lead back to `code`.
fn check_parent(conn: &mut DbConnection, code: &str, parent: Option<&str>) -> Result<(), ApiError> {
    let Some(parent) = parent else { return Ok(()) };
    crate::db::dispatch::lock_taxonomy(conn)?;
    let invalid = |reason: &str, message: &str| Err(ApiError::invalid("parent", reason, message));
    let parents = parents(conn)?;
    let mut next = Some(parent.to_owned());
    let mut seen = HashSet::new();
    while let Some(current) = next {
        if current == code {
            return invalid("cycle", "a category cannot be its own parent or ancestor");
        }
        let Some(up) = parents.iter().find(|(c, _)| *c == current) else {
            return invalid("not_found", "no data category with this code");
        };
        if !seen.insert(current) {
            break;
        }
        next = up.1.clone();
    }
    Ok(())
}

/// Every (code, parent) pair of the taxonomy; it is small.
fn parents(conn: &mut DbConnection) -> Result<Vec<(String, Option<String>)>, ApiError> {
    Ok(dc::table.select((dc::code, dc::parent)).load(conn)?)
}

/// Adds a category; 409 when the code is taken.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    input: DataCategoryInput,
) -> Result<DataCategoryRow, ApiError> {
    if dc::table.find(&input.code).count().get_result::<i64>(conn)? > 0 {
        return Err(ApiError::Conflict(format!("data category {} already exists", input.code)));
    }
    check_parent(conn, &input.code, input.parent.as_deref())?;
    let now = at.naive_utc();
    let row = DataCategoryRow {
        code: input.code,
        name: input.name,
        name_ja: crate::validation::trim_option(input.name_ja),
        description: crate::validation::trim_option(input.description),
        sensitive: input.sensitive,
        parent: input.parent,
        retired: false,
        created_at: now,
        updated_at: now,
        created_by: caller.sub.clone(),
        updated_by: caller.sub.clone(),
        version: 1,
    };
    validation::check(&row.input())?;
    diesel::insert_into(dc::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view() }))?;
    Ok(row)
}

/// The category with `code`, or 404.
pub fn get(conn: &mut DbConnection, code: &str) -> Result<DataCategoryRow, ApiError> {
    dc::table.find(code).first(conn).optional()?.ok_or_else(|| ApiError::NotFound(format!("no data category {code}")))
}

/// Applies a patch at `expected` version.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    code: &str,
    expected: Expected,
    changes: DataCategoryPatch,
) -> Result<DataCategoryRow, ApiError> {
    let mut row = get(conn, code)?;
    let before = row.audit_view();
    row.name = changes.name.unwrap_or(row.name);
    patch::optional(&mut row.name_ja, changes.name_ja.map(crate::validation::trim_option));
    patch::optional(&mut row.description, changes.description.map(crate::validation::trim_option));
    patch::optional(&mut row.parent, changes.parent);
    row.sensitive = changes.sensitive.unwrap_or(row.sensitive);
    row.retired = changes.retired.unwrap_or(row.retired);
    validation::check(&row.input())?;
    check_version(&expected, row.version)?;
    if row.audit_view() == before {
        return Ok(row);
    }
    check_parent(conn, code, row.parent.as_deref())?;
    let read_version = row.version;
    row.version += 1;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    let updated = diesel::update(dc::table.find(code).filter(dc::version.eq(read_version))).set(&row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the data category changed while this request ran; retry".to_owned()));
    }
    record(conn, caller, at, &row, "updated", audit::diff(&before, &row.audit_view()))?;
    Ok(row)
}

/// Up to `limit` categories after the cursor code, in code order.
pub fn list(conn: &mut DbConnection, query: &DataCategoryQuery, limit: i64) -> Result<Vec<DataCategoryRow>, ApiError> {
    let mut select = dc::table.into_boxed();
    if let Some(retired) = query.retired {
        select = select.filter(dc::retired.eq(retired));
    }
    if let Some(sensitive) = query.sensitive {
        select = select.filter(dc::sensitive.eq(sensitive));
    }
    if let Some(parent) = &query.parent {
        select = select.filter(dc::parent.eq(parent.clone()));
    }
    if let Some(after) = &query.cursor {
        select = select.filter(dc::code.gt(after.clone()));
    }
    Ok(select.order(dc::code.asc()).limit(limit).load(conn)?)
}

/// `code` and every category below it.
pub fn with_descendants(conn: &mut DbConnection, code: &str) -> Result<Vec<String>, ApiError> {
    let parents = parents(conn)?;
    let mut found = vec![code.to_owned()];
    let mut i = 0;
    while i < found.len() {
        let children = parents.iter().filter(|(_, p)| p.as_deref() == Some(found[i].as_str()));
        let new: Vec<String> = children.map(|(c, _)| c.clone()).filter(|c| !found.contains(c)).collect();
        found.extend(new);
        i += 1;
    }
    Ok(found)
}

/// 422 on `field` unless every code names a category; codes that are retired are refused too,
/// except those in `kept` (already on the record).
pub fn check_codes(conn: &mut DbConnection, field: &str, codes: &[String], kept: &[String]) -> Result<(), ApiError> {
    let rows: Vec<(String, bool)> =
        dc::table.filter(dc::code.eq_any(codes)).select((dc::code, dc::retired)).load(conn)?;
    let unknown: Vec<&str> = codes.iter().filter(|c| !rows.iter().any(|(r, _)| r == *c)).map(String::as_str).collect();
    let retired: Vec<&str> = rows.iter().filter(|(c, r)| *r && !kept.contains(c)).map(|(c, _)| c.as_str()).collect();
    let mut errors = Vec::new();
    if !unknown.is_empty() {
        errors.push(FieldError::new(field, "unknown_category", format!("no data category {}", unknown.join(", "))));
    }
    if !retired.is_empty() {
        errors.push(FieldError::new(
            field,
            "retired_category",
            format!("retired, takes no new entrustments: {}", retired.join(", ")),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}
