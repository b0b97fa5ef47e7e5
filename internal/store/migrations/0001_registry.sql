-- The registry and accounts: places, grids, households, organizations, people, target groups,
-- users, sessions, API tokens, the audit log and settings.
-- {{ID}}, {{CODE}}, {{TS}}, {{FLOAT}} are replaced per database by the migration runner.

CREATE TABLE places (
    code        {{CODE}} PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent_code {{CODE}},
    updated_at  {{TS}} NOT NULL
);
CREATE INDEX places_parent ON places (parent_code, code);
CREATE INDEX places_level ON places (level, code);

CREATE TABLE grids (
    id             {{ID}},
    community_code {{CODE}} NOT NULL REFERENCES places (code),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    leader         TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    team           TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL,
    UNIQUE (community_code, code)
);

CREATE TABLE households (
    id             {{ID}},
    community_code {{CODE}} NOT NULL REFERENCES places (code),
    grid_id        BIGINT REFERENCES grids (id),
    address        TEXT NOT NULL,
    head_name      TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    members        INTEGER NOT NULL DEFAULT 0,
    notes          TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL
);
CREATE INDEX households_community ON households (community_code, id);
CREATE INDEX households_grid ON households (grid_id);

CREATE TABLE organizations (
    id             {{ID}},
    name           TEXT NOT NULL,
    credit_code    {{CODE}} UNIQUE,
    type           TEXT NOT NULL,
    reg_state      TEXT NOT NULL,
    origin         TEXT NOT NULL,
    legal_rep      TEXT NOT NULL DEFAULT '',
    contact_name   TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    service_fields TEXT NOT NULL DEFAULT '',
    staff          INTEGER NOT NULL DEFAULT 0,
    licensed_sw    INTEGER NOT NULL DEFAULT 0,
    grade          TEXT NOT NULL DEFAULT '',
    incubation     TEXT NOT NULL DEFAULT 'none',
    registered_on  TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL
);
CREATE INDEX organizations_place ON organizations (place_code, id);

CREATE TABLE people (
    id              {{ID}},
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL DEFAULT '',
    id_enc          TEXT,
    id_hash         {{CODE}} UNIQUE,
    id_masked       TEXT NOT NULL DEFAULT '',
    birth_year      INTEGER NOT NULL DEFAULT 0,
    phone           TEXT NOT NULL DEFAULT '',
    place_code      {{CODE}} NOT NULL REFERENCES places (code),
    household_id    BIGINT REFERENCES households (id),
    org_id          BIGINT REFERENCES organizations (id),
    licence         TEXT NOT NULL DEFAULT '',
    expert_fields   TEXT NOT NULL DEFAULT '',
    affiliation     TEXT NOT NULL DEFAULT '',
    volunteer_hours {{FLOAT}} NOT NULL DEFAULT 0,
    target_groups   TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    created_at      {{TS}} NOT NULL,
    updated_at      {{TS}} NOT NULL
);
CREATE INDEX people_place ON people (place_code, id);
CREATE INDEX people_org ON people (org_id);
CREATE INDEX people_household ON people (household_id);

CREATE TABLE target_groups (
    code       {{CODE}} PRIMARY KEY,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    builtin    BOOLEAN NOT NULL DEFAULT FALSE,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at {{TS}} NOT NULL
);

CREATE TABLE users (
    id                   {{ID}},
    username             {{CODE}} NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL,
    place_code           {{CODE}} REFERENCES places (code),
    org_id               BIGINT REFERENCES organizations (id),
    phone                TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         {{TS}},
    last_login_at        {{TS}},
    created_at           {{TS}} NOT NULL,
    updated_at           {{TS}} NOT NULL
);

CREATE TABLE sessions (
    id_hash      {{CODE}} PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    last_seen_at {{TS}} NOT NULL,
    expires_at   {{TS}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
    id  {{ID}},
    ip  TEXT NOT NULL,
    at  {{TS}} NOT NULL
);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE api_tokens (
    id           {{ID}},
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   {{CODE}} NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   {{TS}} NOT NULL,
    last_used_at {{TS}},
    expires_at   {{TS}},
    revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id        {{ID}},
    at        {{TS}} NOT NULL,
    user_id   BIGINT,
    username  TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    via       TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_at ON audit_log (at);
CREATE INDEX audit_user ON audit_log (user_id, id);

CREATE TABLE settings (
    key        {{CODE}} PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at {{TS}} NOT NULL
);
