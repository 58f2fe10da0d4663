-- The data category taxonomy, entrustments of categories to consignees, and sub-consignments.
CREATE TABLE data_categories (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_ja TEXT,
    description TEXT,
    sensitive BOOLEAN NOT NULL,
    parent TEXT REFERENCES data_categories (code),
    retired BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE entrustments (
    id TEXT PRIMARY KEY NOT NULL,
    consignee_id TEXT NOT NULL REFERENCES consignees (id),
    memorandum_id TEXT NOT NULL REFERENCES memoranda (id),
    purpose TEXT NOT NULL,
    data_subjects TEXT NOT NULL,
    approx_records BIGINT,
    cross_border TEXT NOT NULL,
    responsible_department TEXT,
    responsible_person TEXT,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    deletion_confirmed_on TEXT,
    deletion_reference TEXT,
    deletion_document_id TEXT REFERENCES documents (id),
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX entrustments_consignee_idx ON entrustments (consignee_id, id);
CREATE INDEX entrustments_memorandum_idx ON entrustments (memorandum_id);

CREATE TABLE entrustment_categories (
    entrustment_id TEXT NOT NULL REFERENCES entrustments (id) ON DELETE CASCADE,
    category_code TEXT NOT NULL REFERENCES data_categories (code),
    PRIMARY KEY (entrustment_id, category_code)
);
CREATE INDEX entrustment_categories_code_idx ON entrustment_categories (category_code, entrustment_id);

CREATE TABLE sub_consignments (
    id TEXT PRIMARY KEY NOT NULL,
    entrustment_id TEXT NOT NULL REFERENCES entrustments (id),
    parent_id TEXT REFERENCES sub_consignments (id),
    name TEXT NOT NULL,
    corporate_number TEXT,
    country TEXT NOT NULL,
    categories TEXT NOT NULL,
    purpose TEXT NOT NULL,
    consented_on TEXT NOT NULL,
    consented_by TEXT NOT NULL,
    consent_reference TEXT,
    ended_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX sub_consignments_entrustment_idx ON sub_consignments (entrustment_id, id);

INSERT INTO data_categories (code, name, name_ja, description, sensitive, parent, retired, created_at, updated_at, created_by, updated_by, version) VALUES
('contact_details', 'Contact details', '連絡先情報', 'Name, address, telephone number and e-mail address.', FALSE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('customer_records', 'Customer and learner records', '顧客・受講者情報', 'Groups the records kept about applicants, learners, members and buyers.', FALSE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('course_applications', 'Course applications', '講座申込情報', 'Applications for courses and seminars.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('learning_reports', 'Learning reports and results', '通信教育・eラーニングのレポート・成績', 'Distance-learning and e-learning reports, submissions and results.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('publication_orders', 'Orders for planners and publications', '手帳・出版物の注文情報', 'Orders and delivery details for planners and publications.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('newsletter_subscriptions', 'Newsletter subscriptions', 'メールマガジン購読情報', 'E-mail newsletter subscriptions.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('material_requests', 'Requests for materials', '資料請求情報', 'Requests for brochures and other materials.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('membership', 'Membership registrations and logins', '会員登録・ログイン情報', 'Member registrations, login IDs and access history.', FALSE, 'customer_records', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('cctv_footage', 'CCTV footage of office visitors', '来訪者の防犯カメラ映像', 'Security camera recordings of visitors to the offices.', FALSE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('payment_data', 'Payment data', '決済情報', 'Card, bank transfer and invoice payment details.', FALSE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('employee_data', 'Employee data', '従業員情報', 'Personnel, payroll and attendance records of employees.', FALSE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1),
('health_information', 'Health information', '健康情報', 'Medical history and health-check results: special care-required personal information (APPI Art. 2(3)).', TRUE, NULL, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'system', 'system', 1);
