//! Clause template queries; every change is audited in its own transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{ClauseTemplate, ClauseTemplateInput, ClauseTemplatePatch, ClauseTemplateQuery};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::clause_templates as t;
use crate::db::DbConnection;
use crate::error::ApiError;

/// One row of `clause_templates`.
#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
pub struct ClauseTemplateRow {
    pub code: String,
    pub title: String,
    pub description: String,
    pub retired: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

impl ClauseTemplateRow {
    /// The template as the API shows it.
    pub fn to_api(&self) -> ClauseTemplate {
        ClauseTemplate {
            code: self.code.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            retired: self.retired,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        }
    }

    fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({"title": self.title, "description": self.description, "retired": self.retired})
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
    let change = Change::of("clause_template", code.to_owned(), None, action, changes);
    audit::append(conn, caller, at, change).map(|_| ())
}

/// Adds a required clause; 409 when the code is taken.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    input: ClauseTemplateInput,
) -> Result<ClauseTemplateRow, ApiError> {
    if find(conn, &input.code)?.is_some() {
        return Err(ApiError::Conflict(format!("clause template {} already exists", input.code)));
    }
    let now = at.naive_utc();
    let row = ClauseTemplateRow {
        code: input.code,
        title: input.title,
        description: input.description,
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

fn find(conn: &mut DbConnection, code: &str) -> Result<Option<ClauseTemplateRow>, ApiError> {
    Ok(t::table.find(code).first(conn).optional()?)
}

/// The template with `code`, or 404.
pub fn get(conn: &mut DbConnection, code: &str) -> Result<ClauseTemplateRow, ApiError> {
    find(conn, code)?.ok_or_else(|| ApiError::NotFound(format!("no clause template {code}")))
}

/// Changes a template's title, description or retirement at `expected` version.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    code: &str,
    expected: crate::http::conditional::Expected,
    patch: ClauseTemplatePatch,
) -> Result<ClauseTemplateRow, ApiError> {
    let mut row = get(conn, code)?;
    crate::http::conditional::check_version(&expected, row.version)?;
    let before = row.audit_view();
    row.title = patch.title.unwrap_or(row.title);
    row.description = patch.description.unwrap_or(row.description);
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
        return Err(ApiError::Conflict("the clause template changed while this request ran; retry".to_owned()));
    }
    record(conn, caller, at, code, "updated", audit::diff(&before, &row.audit_view()))?;
    Ok(row)
}

/// Up to `limit` templates after the cursor code, in code order.
pub fn list(
    conn: &mut DbConnection,
    query: &ClauseTemplateQuery,
    limit: i64,
) -> Result<Vec<ClauseTemplateRow>, ApiError> {
    let mut select = t::table.into_boxed();
    if let Some(retired) = query.retired {
        select = select.filter(t::retired.eq(retired));
    }
    if let Some(after) = &query.cursor {
        select = select.filter(t::code.gt(after.clone()));
    }
    Ok(select.order(t::code.asc()).limit(limit).load(conn)?)
}

/// The codes of the clauses currently required (not retired), in code order.
pub fn required_codes(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    Ok(t::table.filter(t::retired.eq(false)).select(t::code).order(t::code.asc()).load(conn)?)
}

/// Which of `codes` name a template (current or retired).
pub fn known_codes(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<String>, ApiError> {
    Ok(t::table.filter(t::code.eq_any(codes)).select(t::code).load(conn)?)
}
