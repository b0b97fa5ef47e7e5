-- Concluded purchases of earlier years, imported from the office's own records (issue 11, item 3:
-- an office that adopts Gongzhi has years of past purchases). They are a table of their own, not
-- rows of contracts: a past contract has no call, application or award, and no version, payment
-- portion, ledger, inspection, rectification, complaint or evaluation may ever refer to it, which
-- the foreign keys of those tables (all on contracts) guarantee. The funding report and the
-- provider's history add them to the live contracts. Money is BIGINT fen; dates YYYY-MM-DD text;
-- communities a ",code,code," list.
CREATE TABLE past_contracts (
    id             {{ID}},
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    fiscal_year    INTEGER NOT NULL,
    category_code  {{CODE}} NOT NULL REFERENCES service_categories (code),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    provider_name  TEXT NOT NULL,
    title          TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    signed_on      TEXT NOT NULL DEFAULT '',
    start_on       TEXT NOT NULL DEFAULT '',
    end_on         TEXT NOT NULL DEFAULT '',
    communities    TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '',
    imported_by    BIGINT REFERENCES users (id),
    created_at     {{TS}} NOT NULL,
    CHECK (amount > 0),
    CHECK (state IN ('completed', 'terminated')),
    -- a file imported twice must not count twice in the report
    UNIQUE (place_code, fiscal_year, org_id, title)
);
-- covers the funding report, like contracts_report
CREATE INDEX past_contracts_report ON past_contracts (place_code, fiscal_year, category_code, amount);
CREATE INDEX past_contracts_org ON past_contracts (org_id, fiscal_year);
