DROP INDEX token_revocations_seq_idx;
ALTER TABLE token_revocations DROP COLUMN expires_at;
ALTER TABLE token_revocations DROP COLUMN seq;
