CREATE TABLE consignees (
    id TEXT PRIMARY KEY NOT NULL,
    legal_name TEXT NOT NULL,
    name_kana TEXT,
    name_en TEXT,
    corporate_number TEXT UNIQUE,
    country TEXT NOT NULL,
    address TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    risk_tier TEXT NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
    notes TEXT,
    status TEXT NOT NULL CHECK (status IN ('candidate', 'approved', 'rejected', 'suspended', 'terminated')),
    status_reason TEXT,
    status_changed_at TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX consignees_status_idx ON consignees (status, id);
CREATE INDEX consignees_risk_tier_idx ON consignees (risk_tier, id);
CREATE INDEX consignees_country_idx ON consignees (country, id);
