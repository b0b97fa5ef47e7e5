-- Once-rules of delivery that only the code held: one order not closed per finding of an
-- inspection (a new one may follow once it is closed; orders raised from a talk have no
-- inspection and are not concerned), and an evidence file attached once to a ledger entry.
-- Concurrent requests can no longer write either twice; the service answers the second with a
-- conflict.
CREATE UNIQUE INDEX rectifications_finding ON rectifications (inspection_id, check_key) WHERE state <> 'closed';
CREATE UNIQUE INDEX service_evidence_file ON service_evidence (entry_id, sha256);
