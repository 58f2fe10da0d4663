ALTER TABLE idempotency_keys DROP COLUMN leased_until;
