-- An admin marks a report handled (POST /_synapse/admin/v1/reports/{id}/resolve): when, and which
-- admin. Both NULL while the report is open. Still a record written by routes, not a read model.
ALTER TABLE reports ADD COLUMN resolved_ts INTEGER;
ALTER TABLE reports ADD COLUMN resolved_by TEXT;
-- The admin list filtered by reporter, newest (highest id) first.
CREATE INDEX reports_by_reporter ON reports (reporter, id);
