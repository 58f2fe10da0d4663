ALTER TABLE token_revocations DROP COLUMN expires_at;
ALTER TABLE token_revocations DROP COLUMN seq;
