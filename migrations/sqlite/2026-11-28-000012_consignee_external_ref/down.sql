DROP INDEX consignees_external_ref_idx;
ALTER TABLE consignees DROP COLUMN external_ref;
