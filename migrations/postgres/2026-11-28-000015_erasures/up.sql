-- Erasures of a person's data (POST /privacy/erasures): the request's reference and counts only,
-- never the erased values.
CREATE TABLE erasures (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    erased_at TIMESTAMP NOT NULL,
    erased_by TEXT NOT NULL,
    counts TEXT NOT NULL
);
