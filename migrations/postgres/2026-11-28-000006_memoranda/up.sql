-- Required clauses, uploaded documents (bytes in 1 MiB chunks) and protection memoranda.
CREATE TABLE clause_templates (
    code TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    retired BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL
);

CREATE TABLE document_chunks (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE memoranda (
    id TEXT PRIMARY KEY NOT NULL,
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    title TEXT NOT NULL,
    external_ref TEXT,
    version_label TEXT,
    supersedes TEXT REFERENCES memoranda (id),
    signed_on DATE,
    effective_from DATE,
    expires_on DATE,
    renewal_term_months INTEGER,
    renewal_notice_days INTEGER,
    signatories TEXT NOT NULL,
    clauses TEXT NOT NULL,
    notes TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed', 'terminated')),
    required_clauses TEXT,
    signed_at TIMESTAMP,
    signed_by TEXT,
    terminated_on DATE,
    termination_reason TEXT,
    document_id TEXT REFERENCES documents (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX memoranda_external_ref_idx ON memoranda (consignee_id, external_ref);
CREATE INDEX memoranda_consignee_idx ON memoranda (consignee_id, id);
CREATE INDEX memoranda_status_idx ON memoranda (status, id);
CREATE INDEX memoranda_expires_on_idx ON memoranda (expires_on);

INSERT INTO clause_templates (code, title, description, retired, created_at, updated_at, created_by, updated_by, version) VALUES
('responsibilities', 'Division of responsibilities', 'The responsibilities of the company and of the consignee for the entrusted personal information are set out (JIS Q 15001 consignment-contract contents).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('purpose_limitation', 'Processing only as instructed', 'The consignee processes the personal information only for the entrusted purpose and on the company''s documented instructions (GDPR Art. 28(3)(a)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('confidentiality', 'Confidentiality', 'Persons authorised to process the personal information are bound to confidentiality (GDPR Art. 28(3)(b)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('security_measures', 'Security measures', 'The consignee takes the organisational, personnel, physical and technical safety management measures the contract specifies (APPI Art. 23; GDPR Art. 28(3)(c), Art. 32).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('sub_consignment_prior_consent', 'Sub-consignment only with prior consent', 'The consignee re-entrusts processing only with the company''s prior written consent and on the same obligations (JIS Q 15001; GDPR Art. 28(2), 28(4)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('periodic_reporting', 'Periodic reporting', 'The consignee reports to the company periodically on how the contract is being performed (JIS Q 15001).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('audit_rights', 'Audit rights', 'The company can check compliance periodically and as needed, by questionnaire, document review or audit (JIS Q 15001; GDPR Art. 28(3)(h)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('incident_notification', 'Incident notification', 'The consignee notifies the company of a leak or other incident without delay and within the agreed number of hours (APPI Art. 26; GDPR Art. 33(2)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('remedies_for_breach', 'Remedies for breach', 'The measures taken when the contract is breached: correction, suspension, termination and compensation (JIS Q 15001).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('return_or_deletion_on_termination', 'Return or deletion on termination', 'At the end of the contract the consignee returns or deletes the personal information and confirms it (JIS Q 15001; GDPR Art. 28(3)(g)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('assistance_with_data_subject_requests', 'Assistance with data-subject requests', 'The consignee helps the company answer requests for disclosure, correction, suspension of use and deletion (APPI Art. 33-35; GDPR Art. 28(3)(e)).', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1),
('legal_compliance', 'Compliance with laws', 'The consignee complies with the Act on the Protection of Personal Information and other applicable laws and guidelines.', FALSE, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'), 'system', 'system', 1);
