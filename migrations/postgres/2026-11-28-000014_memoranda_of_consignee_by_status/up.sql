-- A consignee's signed memoranda (the summary in every consignee response, the compliance facts)
-- are found by consignee and status; without this the planner walks every signed memorandum in
-- id order (memoranda_status_idx) to satisfy ORDER BY id.
CREATE INDEX memoranda_consignee_status_idx ON memoranda (consignee_id, status, id);
