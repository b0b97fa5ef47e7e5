-- Issue 12: tampering found by the public ledger's monitor (the monitor_log job; docs/ledger.md,
-- "Tamper alarms") is raised as security alarms of its own kinds (ledger_record, ledger_log,
-- audit_entry), which the auditor and the audit administrator read on their page and the
-- security administrator among the other alarms. reason is the difference's code
-- (row_differs, record_changed, changed, seal_altered, …), detail what the monitor compared
-- (field, the ledger's value, the database's), as evidence; empty for the other kinds.
ALTER TABLE security_alarms ADD COLUMN reason {{CODE}} NOT NULL DEFAULT '';
ALTER TABLE security_alarms ADD COLUMN detail TEXT NOT NULL DEFAULT '';
