-- Issue 14, part 1 (docs/events.md, docs/domain.md §7): grid events through the seven steps of
-- GB/T 30428 (collect → register → dispatch → handle and report back → verify → close →
-- evaluate), the functional departments (职能部门) they are dispatched to, the categories with
-- their responsible department, handling deadline and urgency, and Open311 request tokens.

-- A functional department of a street or a district (城管科, 综治中心, 区住建局 …).
CREATE TABLE departments (
    id         {{ID}},
    place_code {{CODE}} NOT NULL REFERENCES places (code),
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    created_at {{TS}} NOT NULL,
    updated_at {{TS}} NOT NULL,
    UNIQUE (place_code, name)
);

-- The accounts of a department (role "department"): one department per account.
CREATE TABLE department_accounts (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id),
    department_id BIGINT NOT NULL REFERENCES departments (id)
);
CREATE INDEX department_accounts_dept ON department_accounts (department_id);

-- Event categories: the responsible department, the handling deadline in working hours of the
-- office calendar and an urgency. Seeded with the standard list; the office edits them.
CREATE TABLE event_categories (
    id             {{ID}},
    code           {{CODE}} NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    department_id  BIGINT REFERENCES departments (id),
    deadline_hours INTEGER NOT NULL,
    urgency        TEXT NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    position       INTEGER NOT NULL DEFAULT 0,
    updated_at     {{TS}} NOT NULL,
    CHECK (deadline_hours > 0)
);

-- Which departments handle which categories besides the responsible one.
CREATE TABLE department_categories (
    department_id BIGINT NOT NULL REFERENCES departments (id),
    category_id   BIGINT NOT NULL REFERENCES event_categories (id),
    PRIMARY KEY (department_id, category_id)
);

INSERT INTO event_categories (code, name, name_en, deadline_hours, urgency, position, updated_at) VALUES
    ('dispute', '矛盾纠纷', 'Disputes', 40, 'normal', 1, CURRENT_TIMESTAMP),
    ('hazard', '安全隐患', 'Safety hazards', 8, 'urgent', 2, CURRENT_TIMESTAMP),
    ('sanitation', '环境卫生', 'Sanitation', 16, 'normal', 3, CURRENT_TIMESTAMP),
    ('facilities', '市政设施', 'Public facilities', 24, 'normal', 4, CURRENT_TIMESTAMP),
    ('building', '违章搭建', 'Illegal construction', 40, 'normal', 5, CURRENT_TIMESTAMP),
    ('livelihood', '民生诉求', 'Livelihood requests', 40, 'normal', 6, CURRENT_TIMESTAMP),
    ('order', '治安问题', 'Public order', 8, 'urgent', 7, CURRENT_TIMESTAMP),
    ('fire', '消防安全', 'Fire safety', 4, 'critical', 8, CURRENT_TIMESTAMP),
    ('other', '其他事项', 'Other', 40, 'normal', 9, CURRENT_TIMESTAMP);

-- An event. The state moves by conditional UPDATEs on the old state (docs/events.md); each step
-- has its deadline (step_due_at) and escalation times; the reporter's contact is sealed.
CREATE TABLE events (
    id              {{ID}},
    code            {{CODE}} NOT NULL UNIQUE,
    source          TEXT NOT NULL,
    source_ref      TEXT NOT NULL DEFAULT '',
    category_id     BIGINT NOT NULL REFERENCES event_categories (id),
    community_code  {{CODE}} NOT NULL REFERENCES places (code),
    grid_id         BIGINT REFERENCES grids (id),
    household_id    BIGINT REFERENCES households (id),
    address         TEXT NOT NULL DEFAULT '',
    lat             {{FLOAT}},
    lon             {{FLOAT}},
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    media_url       TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    department_id   BIGINT REFERENCES departments (id),
    in_grid         BOOLEAN NOT NULL DEFAULT FALSE,
    step_started_at {{TS}} NOT NULL,
    step_due_at     {{TS}} NOT NULL,
    esc1_at         {{TS}} NOT NULL,
    esc2_at         {{TS}} NOT NULL,
    esc3_at         {{TS}} NOT NULL,
    due_at          {{TS}},
    escalation      INTEGER NOT NULL DEFAULT 0,
    escalated_at    {{TS}},
    returns         INTEGER NOT NULL DEFAULT 0,
    reopens         INTEGER NOT NULL DEFAULT 0,
    reporter_user_id BIGINT REFERENCES users (id),
    reporter_name_enc  TEXT NOT NULL DEFAULT '',
    reporter_phone_enc TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users (id),
    registered_at   {{TS}},
    dispatched_at   {{TS}},
    handled_at      {{TS}},
    verified_at     {{TS}},
    closed_at       {{TS}},
    rating          INTEGER NOT NULL DEFAULT 0,
    rating_comment  TEXT NOT NULL DEFAULT '',
    rated_at        {{TS}},
    created_at      {{TS}} NOT NULL,
    updated_at      {{TS}} NOT NULL,
    CHECK (rating BETWEEN 0 AND 5)
);
CREATE INDEX events_community ON events (community_code, id);
CREATE INDEX events_state ON events (state, step_due_at);
CREATE INDEX events_dept ON events (department_id, id);
CREATE INDEX events_grid ON events (grid_id, id);
CREATE INDEX events_reporter ON events (reporter_user_id, id);

-- Every step of an event, timed: who moved it from which state to which, with a note (a code and
-- its arguments, never a sentence) and how long the state it left had lasted.
CREATE TABLE event_steps (
    id         {{ID}},
    event_id   BIGINT NOT NULL REFERENCES events (id),
    at         {{TS}} NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    user_id    BIGINT REFERENCES users (id),
    username   TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    seconds    BIGINT NOT NULL DEFAULT 0,
    on_time    BOOLEAN NOT NULL DEFAULT TRUE,
    note_code  TEXT NOT NULL DEFAULT '',
    note_args  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX event_steps_event ON event_steps (event_id, id);

-- Photos of an event: taken at collection, as evidence of handling, at verification.
CREATE TABLE event_files (
    id           {{ID}},
    event_id     BIGINT NOT NULL REFERENCES events (id),
    step         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    at           {{TS}} NOT NULL
);
CREATE INDEX event_files_event ON event_files (event_id, id);

-- The reporter's evaluation: once per event.
CREATE TABLE event_ratings (
    event_id BIGINT PRIMARY KEY REFERENCES events (id),
    rating   INTEGER NOT NULL,
    at       {{TS}} NOT NULL
);

-- A 12345 work order becomes one event: importing a sheet twice is refused, not counted twice.
CREATE UNIQUE INDEX events_hotline ON events (source_ref) WHERE source = 'hotline';
