//! Diesel table definitions shared by both backends (UUIDs as TEXT, UTC timestamps, JSON as TEXT).

diesel::table! {
    consignees (id) {
        id -> Text,
        legal_name -> Text,
        name_kana -> Nullable<Text>,
        name_en -> Nullable<Text>,
        corporate_number -> Nullable<Text>,
        country -> Text,
        address -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        risk_tier -> Text,
        notes -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        status_changed_at -> Nullable<Timestamp>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        actor_role -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Text,
        consignee_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        changes -> Nullable<Text>,
        changes_sha256 -> Text,
        prev_hash -> Text,
        hash -> Text,
        redacted_at -> Nullable<Timestamp>,
        redacted_by -> Nullable<Text>,
        redaction_reason -> Nullable<Text>,
    }
}

diesel::table! {
    token_revocations (id) {
        id -> Text,
        jti -> Nullable<Text>,
        subject -> Nullable<Text>,
        revoked_at -> Timestamp,
        reason -> Text,
        created_by -> Text,
        seq -> BigInt,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_signing_keys (key_id) {
        key_id -> Text,
        public_key -> Text,
        added_at -> Timestamp,
        endorsed_by -> Nullable<Text>,
        endorsement -> Nullable<Text>,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> Text,
        seq -> BigInt,
        head_hash -> Text,
        at -> Timestamp,
        key_id -> Text,
        signature -> Text,
    }
}

diesel::joinable!(audit_checkpoints -> audit_signing_keys (key_id));

diesel::allow_tables_to_appear_in_same_query!(
    consignees,
    audit_events,
    token_revocations,
    audit_signing_keys,
    audit_checkpoints
);
