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
        approved_on -> Nullable<Date>,
        last_reviewed_on -> Nullable<Date>,
        next_review_due -> Nullable<Date>,
        external_ref -> Nullable<Text>,
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
        hash_format -> Integer,
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
        number -> Nullable<BigInt>,
        prev -> Nullable<Text>,
    }
}

diesel::table! {
    clause_templates (code) {
        code -> Text,
        title -> Text,
        description -> Text,
        retired -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        sha256 -> Text,
        size -> BigInt,
        content_type -> Text,
        filename -> Text,
        uploaded_at -> Timestamp,
        uploaded_by -> Text,
    }
}

diesel::table! {
    document_chunks (document_id, seq) {
        document_id -> Text,
        seq -> BigInt,
        bytes -> Binary,
    }
}

diesel::table! {
    memoranda (id) {
        id -> Text,
        consignee_id -> Text,
        title -> Text,
        external_ref -> Nullable<Text>,
        version_label -> Nullable<Text>,
        supersedes -> Nullable<Text>,
        signed_on -> Nullable<Date>,
        effective_from -> Nullable<Date>,
        expires_on -> Nullable<Date>,
        renewal_term_months -> Nullable<Integer>,
        renewal_notice_days -> Nullable<Integer>,
        signatories -> Text,
        clauses -> Text,
        notes -> Nullable<Text>,
        status -> Text,
        required_clauses -> Nullable<Text>,
        signed_at -> Nullable<Timestamp>,
        signed_by -> Nullable<Text>,
        terminated_on -> Nullable<Date>,
        termination_reason -> Nullable<Text>,
        document_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    data_categories (code) {
        code -> Text,
        name -> Text,
        name_ja -> Nullable<Text>,
        description -> Nullable<Text>,
        sensitive -> Bool,
        parent -> Nullable<Text>,
        retired -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    entrustments (id) {
        id -> Text,
        consignee_id -> Text,
        memorandum_id -> Text,
        purpose -> Text,
        data_subjects -> Text,
        approx_records -> Nullable<BigInt>,
        cross_border -> Text,
        responsible_department -> Nullable<Text>,
        responsible_person -> Nullable<Text>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        deletion_confirmed_on -> Nullable<Date>,
        deletion_reference -> Nullable<Text>,
        deletion_document_id -> Nullable<Text>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    entrustment_categories (entrustment_id, category_code) {
        entrustment_id -> Text,
        category_code -> Text,
    }
}

diesel::table! {
    sub_consignments (id) {
        id -> Text,
        entrustment_id -> Text,
        parent_id -> Nullable<Text>,
        name -> Text,
        corporate_number -> Nullable<Text>,
        country -> Text,
        categories -> Text,
        purpose -> Text,
        consented_on -> Date,
        consented_by -> Text,
        consent_reference -> Nullable<Text>,
        ended_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    review_checklist_items (code) {
        code -> Text,
        category -> Text,
        text -> Text,
        retired -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    certifications (id) {
        id -> Text,
        consignee_id -> Text,
        scheme -> Text,
        scheme_name -> Nullable<Text>,
        certificate_number -> Nullable<Text>,
        issuer -> Text,
        issued_on -> Date,
        expires_on -> Nullable<Date>,
        scope -> Nullable<Text>,
        document_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        consignee_id -> Text,
        kind -> Text,
        method -> Text,
        scheduled_for -> Nullable<Date>,
        performed_on -> Nullable<Date>,
        reviewer -> Text,
        outcome -> Nullable<Text>,
        answers -> Text,
        evidence_references -> Text,
        certification_ids -> Text,
        summary -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    review_documents (review_id, document_id) {
        review_id -> Text,
        document_id -> Text,
    }
}

diesel::table! {
    findings (id) {
        id -> Text,
        review_id -> Text,
        consignee_id -> Text,
        severity -> Text,
        description -> Text,
        corrective_action -> Nullable<Text>,
        due_on -> Nullable<Date>,
        status -> Text,
        risk_justification -> Nullable<Text>,
        resolved_on -> Nullable<Date>,
        evidence -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    derived_settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    compliance_snapshots (day, consignee_id) {
        day -> Date,
        consignee_id -> Text,
        status -> Text,
        checks -> Text,
    }
}

diesel::table! {
    compliance_snapshot_days (day) {
        day -> Date,
        taken_at -> Timestamp,
        consignees -> BigInt,
    }
}

diesel::table! {
    incidents (id) {
        id -> Text,
        consignee_id -> Text,
        kind -> Text,
        suspected -> Bool,
        description -> Text,
        occurred_on -> Nullable<Date>,
        detected_at -> Nullable<Timestamp>,
        reported_by_consignee_at -> Nullable<Timestamp>,
        company_aware_at -> Timestamp,
        entrustment_ids -> Text,
        categories -> Text,
        affected_subjects -> Nullable<BigInt>,
        affected_subjects_is_upper_bound -> Bool,
        wrongful_intent -> Nullable<Bool>,
        financial_damage_risk -> Bool,
        secondary_damage -> Nullable<Text>,
        advanced_encryption -> Bool,
        status -> Text,
        containment -> Nullable<Text>,
        root_cause -> Nullable<Text>,
        corrective_actions -> Text,
        preliminary_reported_at -> Nullable<Timestamp>,
        final_reported_at -> Nullable<Timestamp>,
        subjects_notified_at -> Nullable<Timestamp>,
        publicly_announced_at -> Nullable<Timestamp>,
        review_id -> Nullable<Text>,
        review_scheduled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    incident_documents (incident_id, document_id) {
        incident_id -> Text,
        document_id -> Text,
    }
}

diesel::table! {
    idempotency_keys (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        request_sha256 -> Text,
        status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        leased_until -> Timestamp,
    }
}

diesel::table! {
    events (seq) {
        seq -> BigInt,
        event_type -> Text,
        resource_type -> Text,
        resource_id -> Text,
        version -> Nullable<BigInt>,
        occurred_at -> Timestamp,
        data -> Text,
        occurrence -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_seq -> BigInt,
        status -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        retry_from -> Timestamp,
        next_attempt_at -> Nullable<Timestamp>,
        leased_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(audit_checkpoints -> audit_signing_keys (key_id));
diesel::joinable!(document_chunks -> documents (document_id));
diesel::joinable!(memoranda -> consignees (consignee_id));
diesel::joinable!(entrustments -> consignees (consignee_id));
diesel::joinable!(entrustments -> memoranda (memorandum_id));
diesel::joinable!(entrustment_categories -> entrustments (entrustment_id));
diesel::joinable!(entrustment_categories -> data_categories (category_code));
diesel::joinable!(sub_consignments -> entrustments (entrustment_id));
diesel::joinable!(certifications -> consignees (consignee_id));
diesel::joinable!(reviews -> consignees (consignee_id));
diesel::joinable!(review_documents -> reviews (review_id));
diesel::joinable!(findings -> reviews (review_id));
diesel::joinable!(incidents -> consignees (consignee_id));
diesel::joinable!(incident_documents -> incidents (incident_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_deliveries -> events (event_seq));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::table! {
    erasures (id) {
        id -> Text,
        reference -> Text,
        erased_at -> Timestamp,
        erased_by -> Text,
        counts -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    consignees,
    audit_events,
    token_revocations,
    audit_signing_keys,
    audit_checkpoints,
    clause_templates,
    documents,
    document_chunks,
    memoranda,
    data_categories,
    entrustments,
    entrustment_categories,
    sub_consignments,
    review_checklist_items,
    certifications,
    reviews,
    review_documents,
    findings,
    derived_settings,
    compliance_snapshots,
    compliance_snapshot_days,
    incidents,
    incident_documents,
    idempotency_keys,
    events,
    webhooks,
    webhook_deliveries,
    webhook_attempts,
    erasures
);
