-- The contract system's identifier of a consignee, unique when present (NULLs are distinct), so
-- PUT /consignees/by-ref/{external_ref} can create or update by it.
ALTER TABLE consignees ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX consignees_external_ref_idx ON consignees (external_ref);
