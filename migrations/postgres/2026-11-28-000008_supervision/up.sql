-- Supervision: the review checklist, reviews with their evidence, findings, certifications, and
-- each consignee's review schedule (cached derived columns, recomputed in the transaction of every
-- change that moves them).
CREATE TABLE review_checklist_items (
    code TEXT PRIMARY KEY NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    retired BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE certifications (
    id TEXT PRIMARY KEY NOT NULL,
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    scheme TEXT NOT NULL,
    scheme_name TEXT,
    certificate_number TEXT,
    issuer TEXT NOT NULL,
    issued_on DATE NOT NULL,
    expires_on DATE,
    scope TEXT,
    document_id TEXT REFERENCES documents (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX certifications_consignee_idx ON certifications (consignee_id, id);
CREATE INDEX certifications_expires_idx ON certifications (expires_on, id);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY NOT NULL,
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    scheduled_for DATE,
    performed_on DATE,
    reviewer TEXT NOT NULL,
    outcome TEXT,
    answers TEXT NOT NULL,
    evidence_references TEXT NOT NULL,
    certification_ids TEXT NOT NULL,
    summary TEXT,
    completed_at TIMESTAMP,
    completed_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX reviews_consignee_idx ON reviews (consignee_id, id);

CREATE TABLE review_documents (
    review_id TEXT NOT NULL REFERENCES reviews (id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (review_id, document_id)
);

CREATE TABLE findings (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    severity TEXT NOT NULL,
    description TEXT NOT NULL,
    corrective_action TEXT,
    due_on DATE,
    status TEXT NOT NULL,
    risk_justification TEXT,
    resolved_on DATE,
    evidence TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX findings_review_idx ON findings (review_id, id);
CREATE INDEX findings_consignee_idx ON findings (consignee_id, status, due_on);

ALTER TABLE consignees ADD COLUMN approved_on DATE;
ALTER TABLE consignees ADD COLUMN last_reviewed_on DATE;
ALTER TABLE consignees ADD COLUMN next_review_due DATE;
CREATE INDEX consignees_review_due_idx ON consignees (next_review_due, id);

-- Settings derived columns were computed with; a change recomputes them at startup.
CREATE TABLE derived_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

INSERT INTO review_checklist_items (code, category, text, retired, created_at, updated_at, created_by, updated_by, version) VALUES
('responsible_person', 'organizational', 'A person responsible for the protection of the entrusted personal information is appointed and known to staff.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('handling_rules', 'organizational', 'Written rules set out how the entrusted personal information is acquired, used, stored, provided, deleted and disposed of.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('incident_reporting_line', 'organizational', 'A reporting line exists for leaks and other incidents, including notifying the company without delay.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('confidentiality_undertakings', 'personnel', 'Staff handling the entrusted data have signed confidentiality undertakings.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('staff_training', 'personnel', 'Staff handling the entrusted data are trained in personal information protection at least once a year.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('area_access_control', 'physical', 'Areas where the entrusted data is handled are access-controlled.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('device_media_handling', 'physical', 'Devices and media holding the entrusted data are protected against theft and loss, including when carried outside.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('secure_disposal', 'physical', 'The entrusted data and the media holding it are deleted or disposed of so that it cannot be restored, with a record kept.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('access_control', 'technical', 'Access to the entrusted data is limited to the staff who need it, with individual accounts.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('encryption', 'technical', 'The entrusted data is encrypted in transit and at rest.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('logging', 'technical', 'Access to the entrusted data is logged and the logs are reviewed.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('malware_protection', 'technical', 'Systems holding the entrusted data are protected against malware and kept patched.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('backup', 'technical', 'The entrusted data is backed up and restores are tested.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1);

