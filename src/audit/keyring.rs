//! The public keys that have signed checkpoints. When a new key takes over, it vouches for the
//! keys before it (an endorsement signature), so old checkpoints still verify and trust is anchored
//! at the configured key: a key someone adds to the database behind the server's back is not trusted.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::signing::{self, SigningKey};
use crate::db::schema::audit_signing_keys as k;
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;

/// One stored public key.
#[derive(Debug, Clone, Queryable)]
pub struct KeyRow {
    pub key_id: String,
    pub public_key: String,
    pub added_at: NaiveDateTime,
    pub endorsed_by: Option<String>,
    pub endorsement: Option<String>,
}

/// What a key signs to vouch for an earlier key.
pub fn endorsement_message(key_id: &str, public_key: &str) -> String {
    format!(r#"{{"key_id":"{key_id}","public_key":"{public_key}","type":"audit_key_endorsement"}}"#)
}

/// Stores the configured key's public half; a new key vouches for the keys it takes over from.
pub fn register(conn: &mut DbConnection, key: &SigningKey, at: DateTime<Utc>) -> Result<(), ApiError> {
    dispatch::lock_audit_chain(conn)?;
    if k::table.find(&key.key_id).select(k::key_id).first::<String>(conn).optional()?.is_some() {
        return Ok(());
    }
    let predecessors: Vec<KeyRow> = k::table.filter(k::endorsed_by.is_null()).load(conn)?;
    for old in predecessors {
        let endorsement = key.sign(endorsement_message(&old.key_id, &old.public_key).as_bytes());
        diesel::update(k::table.find(&old.key_id))
            .set((k::endorsed_by.eq(Some(&key.key_id)), k::endorsement.eq(Some(endorsement))))
            .execute(conn)?;
        tracing::info!(old = %old.key_id, new = %key.key_id, "audit signing key rotated");
    }
    diesel::insert_into(k::table)
        .values((k::key_id.eq(&key.key_id), k::public_key.eq(key.public_key()), k::added_at.eq(at.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// Up to `limit` keys after the cursor key id, in key id order.
pub fn list(conn: &mut DbConnection, after: Option<String>, limit: i64) -> Result<Vec<KeyRow>, ApiError> {
    let mut query = k::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(k::key_id.gt(after));
    }
    Ok(query.order(k::key_id.asc()).limit(limit).load(conn)?)
}

/// Every stored key, by id.
pub fn all(conn: &mut DbConnection) -> Result<Vec<KeyRow>, ApiError> {
    Ok(k::table.order(k::key_id.asc()).load(conn)?)
}

/// Key id → public key of every key the anchor vouches for, directly or through its predecessors.
pub fn trusted(keys: &[KeyRow], anchor_id: &str, anchor_public_key: &str) -> HashMap<String, String> {
    let mut trusted = HashMap::from([(anchor_id.to_owned(), anchor_public_key.to_owned())]);
    loop {
        let vouched: Vec<&KeyRow> = keys
            .iter()
            .filter(|row| !trusted.contains_key(&row.key_id) && signing::key_id_matches(&row.key_id, &row.public_key))
            .filter(|row| match (&row.endorsed_by, &row.endorsement) {
                (Some(by), Some(sig)) => trusted.get(by).is_some_and(|pk| {
                    signing::verify(pk, endorsement_message(&row.key_id, &row.public_key).as_bytes(), sig)
                }),
                _ => false,
            })
            .collect();
        if vouched.is_empty() {
            return trusted;
        }
        for row in vouched {
            trusted.insert(row.key_id.clone(), row.public_key.clone());
        }
    }
}
