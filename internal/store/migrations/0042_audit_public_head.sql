-- Issue 10: the version of what anonymous public pages show is the last audited write that is not
-- a service ledger entry or its evidence (docs/lists.md, "Public pages"). It was read from the
-- latest 200 audit rows, and when all 200 were the ledger's (a provider's busy hour, or any load
-- test after twenty seconds) it fell back to the last row of all: each ledger entry then emptied
-- the public pages' cache, and every public page was computed again for each visitor. In this
-- index the rows that count are alone, so the last one is read from its end, however many ledger
-- rows came after it. Its condition is AuditHead's, word for word (store/audit.go), which the
-- planners need to use it.
CREATE INDEX audit_public_head ON audit_log (id) WHERE entity NOT IN ('service_entries', 'service_evidence');
