-- Issue 12, part 2 (docs/vouchers.md): service vouchers (服务券).
--
-- A scheme belongs to a purchaser's place and draws on one budget: issuing reserves the face
-- value of every voucher issued, paying a provider's monthly statement moves it to spent, an
-- expired voucher releases it. Eligibility: target groups (any of), a minimum age, communities,
-- living alone (the only resident of the household). Admitted providers and the catalog
-- categories the vouchers buy are rows of their own.
CREATE TABLE voucher_schemes (
    id            {{ID}},
    place_code    {{CODE}} NOT NULL REFERENCES places (code),
    budget_id     BIGINT NOT NULL REFERENCES budgets (id),
    name          TEXT NOT NULL,
    face_value    BIGINT NOT NULL,
    target_groups TEXT NOT NULL DEFAULT '',
    min_age       INTEGER NOT NULL DEFAULT 0,
    communities   TEXT NOT NULL DEFAULT '',
    living_alone  BOOLEAN NOT NULL DEFAULT FALSE,
    categories    TEXT NOT NULL DEFAULT '',
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    per_person    INTEGER NOT NULL,
    created_by    BIGINT REFERENCES users (id),
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL,
    CHECK (face_value > 0 AND per_person > 0 AND min_age >= 0)
);
CREATE INDEX voucher_schemes_place ON voucher_schemes (place_code, id);

CREATE TABLE voucher_providers (
    scheme_id BIGINT NOT NULL REFERENCES voucher_schemes (id),
    org_id    BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (scheme_id, org_id)
);

-- A voucher: an unguessable serial, the PIN's keyed hash (the PIN itself is shown once, on the
-- sheet or the resident's phone), its holder. Once per (scheme, person, seq) keeps the
-- per-person limit; the state moves issued → redeemed → settled, or issued → expired, each by a
-- conditional UPDATE on the old state.
CREATE TABLE vouchers (
    id              {{ID}},
    scheme_id       BIGINT NOT NULL REFERENCES voucher_schemes (id),
    serial          {{CODE}} NOT NULL UNIQUE,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    household_id    BIGINT REFERENCES households (id),
    community_code  {{CODE}} NOT NULL REFERENCES places (code),
    seq             INTEGER NOT NULL,
    face_value      BIGINT NOT NULL,
    valid_until     TEXT NOT NULL,
    pin_hash        TEXT NOT NULL DEFAULT '',
    pin_failures    INTEGER NOT NULL DEFAULT 0,
    pin_locked_until {{TS}},
    state           TEXT NOT NULL,
    chosen_org_id   BIGINT REFERENCES organizations (id),
    issued_at       {{TS}} NOT NULL,
    closed_at       {{TS}},
    rating          INTEGER NOT NULL DEFAULT 0,
    rating_comment  TEXT NOT NULL DEFAULT '',
    rated_at        {{TS}},
    UNIQUE (scheme_id, person_id, seq),
    CHECK (face_value > 0 AND rating BETWEEN 0 AND 5)
);
CREATE INDEX vouchers_person ON vouchers (person_id, id);
CREATE INDEX vouchers_household ON vouchers (household_id, id);
CREATE INDEX vouchers_scheme ON vouchers (scheme_id, state, valid_until);
CREATE INDEX vouchers_community ON vouchers (community_code, id);

-- A provider's monthly statement of one scheme: drafted from its redemptions, approved and paid
-- by the purchaser (once per scheme, provider and month).
CREATE TABLE voucher_statements (
    id          {{ID}},
    scheme_id   BIGINT NOT NULL REFERENCES voucher_schemes (id),
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    month       TEXT NOT NULL,
    vouchers    INTEGER NOT NULL,
    amount      BIGINT NOT NULL,
    state       TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at {{TS}},
    paid_on     TEXT NOT NULL DEFAULT '',
    paid_by     TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL,
    UNIQUE (scheme_id, org_id, month),
    CHECK (amount > 0 AND vouchers > 0)
);

-- A redemption: once per voucher (the primary key), by an admitted provider, linked to an entry
-- of the provider's service ledger (台账), and to the statement that settles it.
CREATE TABLE voucher_redemptions (
    voucher_id   BIGINT PRIMARY KEY REFERENCES vouchers (id),
    scheme_id    BIGINT NOT NULL REFERENCES voucher_schemes (id),
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    entry_id     BIGINT REFERENCES service_entries (id),
    amount       BIGINT NOT NULL,
    month        TEXT NOT NULL,
    statement_id BIGINT REFERENCES voucher_statements (id),
    user_id      BIGINT REFERENCES users (id),
    username     TEXT NOT NULL DEFAULT '',
    at           {{TS}} NOT NULL
);
CREATE INDEX voucher_redemptions_org ON voucher_redemptions (org_id, month);
CREATE INDEX voucher_redemptions_scheme ON voucher_redemptions (scheme_id, month, statement_id);
