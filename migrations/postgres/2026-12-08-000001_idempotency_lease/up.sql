-- A running request's claim on its Idempotency-Key lasts until `leased_until`, which its holder
-- keeps renewing; a claim whose holder died is taken over by a retry once the lease has run out.
ALTER TABLE idempotency_keys ADD COLUMN leased_until TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
