DROP INDEX audit_checkpoints_number_idx;
ALTER TABLE audit_checkpoints DROP COLUMN prev;
ALTER TABLE audit_checkpoints DROP COLUMN number;
