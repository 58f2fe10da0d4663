-- Checkpoints chain to each other: each signs its number (1, 2, 3, ... among chained checkpoints)
-- and `prev`, the SHA-256 of the previous checkpoint's signed message and signature. Checkpoints
-- signed before this migration keep both NULL and verify with the message they were signed with.
ALTER TABLE audit_checkpoints ADD COLUMN number BIGINT;
ALTER TABLE audit_checkpoints ADD COLUMN prev TEXT;
CREATE UNIQUE INDEX audit_checkpoints_number_idx ON audit_checkpoints (number);
