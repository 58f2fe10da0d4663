//! Documents in the database: one metadata row and the bytes in chunks of [`CHUNK`] bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::Document;
use super::kind::DocumentType;
use super::receive::Received;
use crate::auth::Caller;
use crate::db::schema::{document_chunks as dc, documents as d};
use crate::db::DbConnection;
use crate::error::ApiError;

/// Bytes per stored chunk: the most a download or an upload holds of a document beyond what
/// arrived over the network.
pub const CHUNK: usize = 1 << 20;

/// One row of `documents`.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = d, treat_none_as_default_value = false)]
pub struct DocumentRow {
    pub id: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
}

impl DocumentRow {
    /// The metadata as responses show it.
    pub fn to_api(&self) -> Result<Document, ApiError> {
        Ok(Document {
            sha256: self.sha256.clone(),
            size: self.size,
            content_type: self.kind()?,
            filename: self.filename.clone(),
            uploaded_at: self.uploaded_at.and_utc(),
            uploaded_by: self.uploaded_by.clone(),
        })
    }

    /// The stored media type.
    pub fn kind(&self) -> Result<DocumentType, ApiError> {
        self.content_type
            .parse()
            .map_err(|_| ApiError::internal(format!("stored content type {:?} is unknown", self.content_type)))
    }

    /// What the audit trail records of the document.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({"sha256": self.sha256, "size": self.size, "content_type": self.content_type,
            "filename": self.filename})
    }

    /// How many chunks hold the bytes.
    pub fn chunks(&self) -> i64 {
        (self.size + CHUNK as i64 - 1) / CHUNK as i64
    }
}

/// Stores a received document, copying one chunk at a time out of the received pieces.
pub fn insert(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    received: &Received,
) -> Result<DocumentRow, ApiError> {
    let row = DocumentRow {
        id: Uuid::now_v7().to_string(),
        sha256: received.sha256.clone(),
        size: received.size as i64,
        content_type: received.content_type.as_str().to_owned(),
        filename: received.filename.clone(),
        uploaded_at: at.naive_utc(),
        uploaded_by: caller.sub.clone(),
    };
    diesel::insert_into(d::table).values(&row).execute(conn)?;
    for (seq, block) in received.blocks.iter().enumerate() {
        write_chunk(conn, &row.id, seq as i64, block)?;
    }
    Ok(row)
}

fn write_chunk(conn: &mut DbConnection, id: &str, seq: i64, bytes: &[u8]) -> Result<(), ApiError> {
    diesel::insert_into(dc::table)
        .values((dc::document_id.eq(id), dc::seq.eq(seq), dc::bytes.eq(bytes)))
        .execute(conn)?;
    Ok(())
}

/// The document with `id`.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<DocumentRow, ApiError> {
    d::table.find(id).first(conn).optional()?.ok_or_else(|| ApiError::internal(format!("document {id} is missing")))
}

/// The bytes of chunk `seq` of document `id`.
pub fn chunk(conn: &mut DbConnection, id: &str, seq: i64) -> Result<Vec<u8>, ApiError> {
    dc::table
        .find((id, seq))
        .select(dc::bytes)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal(format!("chunk {seq} of document {id} is missing")))
}

/// Deletes a document and its bytes (a draft's replaced upload).
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    diesel::delete(dc::table.filter(dc::document_id.eq(id))).execute(conn)?;
    diesel::delete(d::table.find(id)).execute(conn)?;
    Ok(())
}

/// The documents with these ids, by id (one query).
pub fn get_many(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, DocumentRow>, ApiError> {
    let rows: Vec<DocumentRow> = d::table.filter(d::id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}

/// Stores `received` in place of the document `old` (if any): `save` points the owner at the new
/// document and records the change (given the audit detail: new metadata, replaced sha256); then
/// the old bytes are deleted. All in the caller's transaction.
pub fn swap(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    received: &Received,
    old: Option<String>,
    save: impl FnOnce(&mut DbConnection, &DocumentRow, serde_json::Value) -> Result<(), ApiError>,
) -> Result<DocumentRow, ApiError> {
    let document = insert(conn, caller, at, received)?;
    let replaced_sha256 = old.as_deref().map(|id| get(conn, id)).transpose()?.map(|d| d.sha256);
    let detail = serde_json::json!({"document": document.audit_view(), "replaced_sha256": replaced_sha256});
    save(conn, &document, detail)?;
    if let Some(old) = old {
        delete(conn, &old)?;
    }
    Ok(document)
}
