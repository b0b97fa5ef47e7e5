-- The ledger's running totals (issue 10; docs/domain.md §4.2: indicator progress is computed
-- from the ledger): kept up to date in the transaction of every ledger write
-- (store.InsertEntry, store.UpdateEntry), so that the dashboard reads a few rows per contract
-- instead of recounting every participation on every render. store.RebuildLedgerTotals
-- recomputes them from the ledger (this migration's backfill, and bulk loaders after loading).
--
-- ledger_totals: a contract's active entries of one kind, their visits and volunteer minutes.
CREATE TABLE ledger_totals (
    contract_id       BIGINT NOT NULL REFERENCES contracts (id),
    kind              TEXT NOT NULL,
    entries           BIGINT NOT NULL DEFAULT 0,
    visits            BIGINT NOT NULL DEFAULT 0,
    volunteer_minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, kind)
);
-- ledger_recipients: each person named in a contract's active entries, with how many entries
-- name them (a row goes when that reaches 0); ledger_people counts a contract's rows there.
CREATE TABLE ledger_recipients (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    person_id   BIGINT NOT NULL,
    entries     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, person_id)
);
CREATE TABLE ledger_people (
    contract_id BIGINT NOT NULL PRIMARY KEY REFERENCES contracts (id),
    people      BIGINT NOT NULL DEFAULT 0
);
-- @go ledger_totals
