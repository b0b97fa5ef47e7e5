-- Delivering and holding to account (DOMAIN.md §4 steps 10–13): the service ledger with its
-- evidence, satisfaction sampling and residents' ratings; monthly supervision, findings,
-- rectification orders, talks, joint meetings and the monthly supervision report; complaints and
-- inquiries; evaluation schemes, rounds, panels, scores and grades. Money is BIGINT fen; dates
-- are YYYY-MM-DD text; months are YYYY-MM text.
-- {{ID}}, {{CODE}}, {{TS}}, {{FLOAT}} are replaced per database by the migration runner.

-- ===== ledger: service ledger, evidence, indicator links, sampling, ratings =====

-- One activity of a signed contract. Never deleted: a correction keeps the entry as it stood in
-- service_entry_versions, voiding sets the state. communities and target_groups are ",a,b,"
-- lists; volunteers is JSON; visits and volunteer_minutes are kept for the sums.
CREATE TABLE service_entries (
    id                {{ID}},
    contract_id       BIGINT NOT NULL REFERENCES contracts (id),
    org_id            BIGINT NOT NULL REFERENCES organizations (id),
    place_code        {{CODE}} NOT NULL,
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    held_on           TEXT NOT NULL,
    start_time        TEXT NOT NULL DEFAULT '',
    end_time          TEXT NOT NULL DEFAULT '',
    minutes           INTEGER NOT NULL DEFAULT 0,
    venue             TEXT NOT NULL DEFAULT '',
    communities       TEXT NOT NULL,
    target_groups     TEXT NOT NULL DEFAULT '',
    counted           INTEGER NOT NULL DEFAULT 0,
    visits            INTEGER NOT NULL DEFAULT 0,
    volunteers        TEXT NOT NULL DEFAULT '[]',
    volunteer_minutes INTEGER NOT NULL DEFAULT 0,
    summary           TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'active',
    version           INTEGER NOT NULL DEFAULT 1,
    reason            TEXT NOT NULL DEFAULT '',
    created_by        BIGINT,
    created_name      TEXT NOT NULL,
    created_at        {{TS}} NOT NULL,
    updated_at        {{TS}} NOT NULL
);
CREATE INDEX service_entries_contract ON service_entries (contract_id, state, held_on);
CREATE INDEX service_entries_place ON service_entries (place_code, held_on);
CREATE INDEX service_entries_org ON service_entries (org_id, held_on);

-- The named participants of an entry (residents of the registry).
CREATE TABLE service_entry_people (
    entry_id    BIGINT NOT NULL REFERENCES service_entries (id),
    contract_id BIGINT NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    place_code  {{CODE}} NOT NULL,
    PRIMARY KEY (entry_id, person_id)
);
CREATE INDEX service_entry_people_contract ON service_entry_people (contract_id, person_id);
CREATE INDEX service_entry_people_person ON service_entry_people (person_id, entry_id);

-- An entry as it stood before each correction or voiding (JSON).
CREATE TABLE service_entry_versions (
    entry_id     BIGINT NOT NULL REFERENCES service_entries (id),
    version      INTEGER NOT NULL,
    action       TEXT NOT NULL,
    data         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_name TEXT NOT NULL,
    created_at   {{TS}} NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- Evidence files, stored by the file store under their SHA-256.
CREATE TABLE service_evidence (
    id            {{ID}},
    entry_id      BIGINT NOT NULL REFERENCES service_entries (id),
    name          TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    uploaded_name TEXT NOT NULL,
    uploaded_at   {{TS}} NOT NULL
);
CREATE INDEX service_evidence_entry ON service_evidence (entry_id);

-- Satisfaction samplings of a contract's recipients; seed is the PRNG seed as a signed 64-bit value.
CREATE TABLE surveys (
    id           {{ID}},
    contract_id  BIGINT NOT NULL REFERENCES contracts (id),
    org_id       BIGINT NOT NULL,
    place_code   {{CODE}} NOT NULL,
    margin_bp    INTEGER NOT NULL,
    seed         BIGINT NOT NULL,
    population   INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_name TEXT NOT NULL,
    created_at   {{TS}} NOT NULL
);
CREATE INDEX surveys_place ON surveys (place_code, id);

CREATE TABLE survey_samples (
    survey_id     BIGINT NOT NULL REFERENCES surveys (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    place_code    {{CODE}} NOT NULL,
    answer        TEXT NOT NULL DEFAULT '',
    score         INTEGER NOT NULL DEFAULT 0,
    comment       TEXT NOT NULL DEFAULT '',
    answered_name TEXT NOT NULL DEFAULT '',
    answered_at   {{TS}},
    PRIMARY KEY (survey_id, person_id)
);

-- Residents' own ratings of services they took part in (下评上): once per entry and person.
CREATE TABLE service_ratings (
    id          {{ID}},
    entry_id    BIGINT NOT NULL REFERENCES service_entries (id),
    contract_id BIGINT NOT NULL,
    place_code  {{CODE}} NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    user_id     BIGINT,
    score       INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL,
    UNIQUE (entry_id, person_id)
);
CREATE INDEX service_ratings_place ON service_ratings (place_code, created_at);

-- ===== end of ledger =====

-- ===== supervision: inspections, findings, rectifications, talks, joint meetings, reports =====

-- ===== end of supervision =====

-- ===== complaints: complaints and inquiries =====

-- ===== end of complaints =====

-- ===== evaluation: schemes, rounds, panels, scores, grades =====

-- ===== end of evaluation =====
