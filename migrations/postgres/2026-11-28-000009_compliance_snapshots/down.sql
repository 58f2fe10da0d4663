DROP TABLE compliance_snapshot_days;
DROP TABLE compliance_snapshots;
