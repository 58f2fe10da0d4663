//! Webhook registrations; every change is audited (never the secret).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{Webhook, WebhookInput, WebhookPatch};
use super::policy::{self, AllowList};
use super::signing;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::webhooks as w;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;
use crate::events::api::EventType;
use crate::http::conditional::{check_version, Expected};
use crate::http::patch;

/// A stored webhook.
/// (No `Debug`: it holds the secrets.)
#[derive(Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = w, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

impl WebhookRow {
    /// The event types it delivers (empty: all).
    pub fn types(&self) -> Result<Vec<EventType>, ApiError> {
        stored_types(&self.event_types).map_err(ApiError::internal)
    }

    /// The response shape (never the secret).
    pub fn to_api(&self) -> Result<Webhook, ApiError> {
        Ok(Webhook {
            id: self.id.clone(),
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: self.types()?,
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.clone(),
            disabled_at: self.disabled_at.map(|at| at.and_utc()),
            previous_secret_expires_at: self.previous_secret_expires_at.map(|at| at.and_utc()),
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            version: self.version,
        })
    }

    /// The secrets that sign at `at`: the current one, and the previous one in its grace period.
    pub fn signing_secrets(&self, at: NaiveDateTime) -> Vec<String> {
        let previous =
            self.previous_secret.clone().filter(|_| self.previous_secret_expires_at.is_some_and(|end| at < end));
        std::iter::once(self.secret.clone()).chain(previous).collect()
    }

    fn audit_view(&self) -> Result<serde_json::Value, ApiError> {
        let mut view = serde_json::to_value(self.to_api()?).map_err(ApiError::internal)?;
        if let Some(fields) = view.as_object_mut() {
            for field in ["created_at", "updated_at", "created_by", "updated_by", "version"] {
                fields.remove(field);
            }
            fields.insert("url".to_owned(), audited_url(&self.url));
        }
        Ok(view)
    }
}

/// Event types as stored (a JSON array of names).
pub fn stored_types(text: &str) -> Result<Vec<EventType>, serde_json::Error> {
    serde_json::from_str(text)
}

/// The webhook, read for a change under the audit chain's lock: taken first, so a register write
/// queueing a delivery to it (which holds that lock) never waits on this change or it on them.
fn locked(conn: &mut DbConnection, id: &str) -> Result<WebhookRow, ApiError> {
    dispatch::lock_audit_chain(conn)?;
    get(conn, id)
}

/// The URL as the audit trail keeps it: scheme, host and port, and a hash of the rest (paths
/// and queries often carry tokens).
fn audited_url(url: &str) -> serde_json::Value {
    let digest = crate::audit::chain::sha256_hex(url.as_bytes());
    match url::Url::parse(url) {
        Ok(parsed) => serde_json::json!({"origin": parsed.origin().ascii_serialization(), "sha256": digest}),
        Err(_) => serde_json::json!({"sha256": digest}),
    }
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &WebhookRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::append(conn, caller, at, Change::of("webhook", row.id.clone(), None, action, changes)).map(|_| ())
}

fn checked_url(url: &str, allow: &AllowList) -> Result<String, ApiError> {
    policy::check_url(url, allow).map(|_| url.to_owned()).map_err(|m| ApiError::invalid("url", "not_deliverable", &m))
}

fn types_json(types: &[EventType]) -> String {
    let mut names: Vec<&str> = types.iter().map(EventType::as_str).collect();
    names.sort_unstable();
    names.dedup();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
}

fn secret() -> Result<String, ApiError> {
    signing::new_secret().map_err(|_| ApiError::internal("no randomness for a webhook secret"))
}

/// Registers a webhook; answers it with its secret.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    allow: &AllowList,
    input: WebhookInput,
) -> Result<WebhookRow, ApiError> {
    let now = at.naive_utc();
    let row = WebhookRow {
        id: Uuid::now_v7().to_string(),
        url: checked_url(&input.url, allow)?,
        description: crate::validation::trim_option(input.description),
        event_types: types_json(&input.event_types),
        secret: secret()?,
        previous_secret: None,
        previous_secret_expires_at: None,
        enabled: true,
        disabled_reason: None,
        disabled_at: None,
        version: 1,
        created_at: now,
        created_by: caller.sub.clone(),
        updated_at: now,
        updated_by: caller.sub.clone(),
    };
    diesel::insert_into(w::table).values(&row).execute(conn)?;
    record(conn, caller, at, &row, "created", serde_json::json!({ "after": row.audit_view()? }))?;
    Ok(row)
}

/// The webhook, or 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<WebhookRow, ApiError> {
    w::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::NotFound(format!("no webhook {id}")))
}

/// Webhooks in creation order after `after`.
pub fn list(conn: &mut DbConnection, after: Option<String>, limit: i64) -> Result<Vec<WebhookRow>, ApiError> {
    let mut select = w::table.select(WebhookRow::as_select()).order(w::id.asc()).limit(limit).into_boxed();
    if let Some(after) = after {
        select = select.filter(w::id.gt(after));
    }
    Ok(select.load(conn)?)
}

fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    row: &mut WebhookRow,
    before: serde_json::Value,
    action: &str,
) -> Result<(), ApiError> {
    let read_version = row.version;
    row.version += 1;
    row.updated_at = at.naive_utc();
    row.updated_by = caller.sub.clone();
    let updated =
        diesel::update(w::table.find(&row.id).filter(w::version.eq(read_version))).set(&*row).execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("the webhook changed while this request ran; retry".to_owned()));
    }
    record(conn, caller, at, row, action, audit::diff(&before, &row.audit_view()?))
}

/// Applies a merge patch.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    allow: &AllowList,
    id: &str,
    expected: Expected,
    changes: WebhookPatch,
) -> Result<WebhookRow, ApiError> {
    let mut row = locked(conn, id)?;
    let before = row.audit_view()?;
    if let Some(url) = changes.url {
        row.url = checked_url(&url, allow)?;
    }
    if let Some(types) = changes.event_types {
        row.event_types = types_json(&types);
    }
    patch::optional(&mut row.description, changes.description.map(crate::validation::trim_option));
    if let Some(enabled) = changes.enabled {
        if enabled && !row.enabled {
            (row.disabled_reason, row.disabled_at) = (None, None);
            super::deliveries::resume(conn, &row.id, at.naive_utc())?;
        } else if !enabled && row.enabled {
            (row.disabled_reason, row.disabled_at) =
                (Some(format!("disabled by {}", caller.sub)), Some(at.naive_utc()));
        }
        row.enabled = enabled;
    }
    check_version(&expected, row.version)?;
    if row.audit_view()? != before {
        save(conn, caller, at, &mut row, before, "updated")?;
    }
    Ok(row)
}

/// A new secret; the old one keeps signing for `grace`.
pub fn rotate(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
    grace: chrono::Duration,
) -> Result<WebhookRow, ApiError> {
    let mut row = locked(conn, id)?;
    check_version(&expected, row.version)?;
    let before = row.audit_view()?;
    row.previous_secret = Some(std::mem::replace(&mut row.secret, secret()?));
    row.previous_secret_expires_at = Some(at.naive_utc() + grace);
    save(conn, caller, at, &mut row, before, "secret_rotated")?;
    Ok(row)
}

/// Removes the webhook and (by cascade) its deliveries and their attempts.
pub fn delete(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    id: &str,
    expected: Expected,
) -> Result<(), ApiError> {
    let row = locked(conn, id)?;
    check_version(&expected, row.version)?;
    diesel::delete(w::table.find(id)).execute(conn)?;
    record(conn, caller, at, &row, "deleted", serde_json::json!({ "before": row.audit_view()? }))
}

/// Disables the webhook (a delivery kept failing), recorded as the system's change.
pub fn disable(conn: &mut DbConnection, at: DateTime<Utc>, id: &str, reason: String) -> Result<(), ApiError> {
    let mut row = locked(conn, id)?;
    if !row.enabled {
        return Ok(());
    }
    let before = row.audit_view()?;
    (row.enabled, row.disabled_reason, row.disabled_at) = (false, Some(reason), Some(at.naive_utc()));
    save(conn, &Caller::system(), at, &mut row, before, "disabled")
}
