-- Incidents at consignees (leaks, losses, damage of entrusted personal data) with what APPI
-- Art. 26 reporting needs. A closed incident is frozen, so its updated_at/updated_by say when and
-- by whom it was closed. Reportability, deadlines and report states are derived, never stored.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    kind TEXT NOT NULL,
    suspected BOOLEAN NOT NULL,
    description TEXT NOT NULL,
    occurred_on TEXT,
    detected_at TEXT,
    reported_by_consignee_at TEXT,
    company_aware_at TEXT NOT NULL,
    entrustment_ids TEXT NOT NULL,
    categories TEXT NOT NULL,
    affected_subjects BIGINT,
    affected_subjects_is_upper_bound BOOLEAN NOT NULL,
    wrongful_intent BOOLEAN,
    financial_damage_risk BOOLEAN NOT NULL,
    secondary_damage TEXT,
    advanced_encryption BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    containment TEXT,
    root_cause TEXT,
    corrective_actions TEXT NOT NULL,
    preliminary_reported_at TEXT,
    final_reported_at TEXT,
    subjects_notified_at TEXT,
    publicly_announced_at TEXT,
    review_id TEXT REFERENCES reviews (id),
    review_scheduled BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX incidents_consignee_idx ON incidents (consignee_id, status, id);
CREATE INDEX incidents_status_idx ON incidents (status, id);

CREATE TABLE incident_documents (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (incident_id, document_id)
);
