-- Each consignee's compliance standing as judged once a day, for the trend and for answering
-- what the standing was on a past day. History: kept when a candidate is deleted (no foreign key).
CREATE TABLE compliance_snapshots (
    day TEXT NOT NULL,
    consignee_id TEXT NOT NULL,
    status TEXT NOT NULL,
    checks TEXT NOT NULL,
    PRIMARY KEY (day, consignee_id)
);
CREATE INDEX compliance_snapshots_consignee_idx ON compliance_snapshots (consignee_id, day);

-- The days a snapshot was taken: one row per day, written with the snapshot.
CREATE TABLE compliance_snapshot_days (
    day TEXT PRIMARY KEY NOT NULL,
    taken_at TEXT NOT NULL,
    consignees BIGINT NOT NULL
);
