-- Issue 11's leftovers around past contracts and complaints (docs/domain.md §4.8, §4.11).
--
-- Past contracts may be corrected or deleted by the importing office, once per version: each
-- row gets a version, bumped by every correction and checked by a conditional UPDATE or DELETE.
-- An optional contract number (合同编号) from the office's records decides what a duplicate is:
-- with a number, the place, year and number are recorded once; without one, as before, the
-- place, year, provider and title. SQLite cannot drop a table's UNIQUE constraint, so the table
-- is rebuilt (nothing refers to it) and the rule becomes two partial unique indexes.
CREATE TABLE past_contracts_new (
    id             {{ID}},
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    fiscal_year    INTEGER NOT NULL,
    category_code  {{CODE}} NOT NULL REFERENCES service_categories (code),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    provider_name  TEXT NOT NULL,
    title          TEXT NOT NULL,
    contract_no    TEXT NOT NULL DEFAULT '',
    amount         BIGINT NOT NULL,
    signed_on      TEXT NOT NULL DEFAULT '',
    start_on       TEXT NOT NULL DEFAULT '',
    end_on         TEXT NOT NULL DEFAULT '',
    communities    TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '',
    imported_by    BIGINT REFERENCES users (id),
    created_at     {{TS}} NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    updated_at     {{TS}},
    CHECK (amount > 0),
    CHECK (state IN ('completed', 'terminated'))
);
INSERT INTO past_contracts_new (id, place_code, fiscal_year, category_code, org_id, provider_name, title, amount, signed_on,
    start_on, end_on, communities, state, notes, imported_by, created_at)
SELECT id, place_code, fiscal_year, category_code, org_id, provider_name, title, amount, signed_on,
    start_on, end_on, communities, state, notes, imported_by, created_at FROM past_contracts;
DROP TABLE past_contracts;
ALTER TABLE past_contracts_new RENAME TO past_contracts;
-- a file imported twice must not count twice in the report
CREATE UNIQUE INDEX past_contracts_once ON past_contracts (place_code, fiscal_year, org_id, title) WHERE contract_no = '';
CREATE UNIQUE INDEX past_contracts_once_no ON past_contracts (place_code, fiscal_year, contract_no) WHERE contract_no <> '';
-- covers the funding report, like contracts_report
CREATE INDEX past_contracts_report ON past_contracts (place_code, fiscal_year, category_code, amount);
CREATE INDEX past_contracts_org ON past_contracts (org_id, fiscal_year);

-- An organization registered by a past-contract import (its provider was not yet in the
-- registry) says so: "past_contracts"; "" for one registered by hand or by the registry import.
ALTER TABLE organizations ADD COLUMN created_by_import TEXT NOT NULL DEFAULT '';

-- A complaint's answer keeps the office that gave it: the answerer's place (a purchaser or hub
-- of any level) or organization (a provider), so that pages name it (江苏省民政厅) instead of a
-- street office for everyone. Answers recorded before keep '' and are shown as before.
ALTER TABLE complaint_answers ADD COLUMN place_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_answers ADD COLUMN org_id BIGINT;

-- The past-contract import's audit note becomes note codes with arguments ("past_import
-- [rows, fen]; past_year [year, rows]…") instead of an English sentence, for the entries not yet
-- sealed (a sealed day's entries are never rewritten: their hashes are part of the seal chain).
-- @go past_import_notes
