-- The ledger's kept totals, again (issue 10: writes close to the database's own rate; indicator
-- progress by tag without reading the entries). Each table is rebuilt from the ledger by the Go
-- step (store.RebuildLedgerTotals):
--
-- ledger_totals gains a tag: the row with tag '' is a contract's active entries of one kind with
-- their visits and volunteer minutes, as before; a row with a tag counts the active entries of
-- that kind that carry the tag (an indicator counting by tag, docs/domain.md §4.2), so that a
-- dashboard no longer reads a contract's entries for their tags on every render. A write adds to
-- its kind's row and its tags' rows in one statement.
--
-- On SQLite the three tables are WITHOUT ROWID ({{NOROWID}}): the rows are the primary key's
-- b-tree itself, so a write dirties one page of each instead of a table page and an index page
-- (a checked ledger write committed 21 pages against the 16 of its rows alone).
DROP TABLE ledger_totals;
DROP TABLE ledger_recipients;
DROP TABLE ledger_people;
CREATE TABLE ledger_totals (
    contract_id       BIGINT NOT NULL REFERENCES contracts (id),
    kind              TEXT NOT NULL,
    tag               TEXT NOT NULL DEFAULT '',
    entries           BIGINT NOT NULL DEFAULT 0,
    visits            BIGINT NOT NULL DEFAULT 0,
    volunteer_minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, kind, tag)
){{NOROWID}};
CREATE TABLE ledger_recipients (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    person_id   BIGINT NOT NULL,
    entries     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, person_id)
){{NOROWID}};
CREATE TABLE ledger_people (
    contract_id BIGINT NOT NULL PRIMARY KEY REFERENCES contracts (id),
    people      BIGINT NOT NULL DEFAULT 0
){{NOROWID}};
-- @go ledger_totals_tagged
