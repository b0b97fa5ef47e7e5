-- Grid work (docs/grids.md): grid teams with their posts and A/B stand-ins, each grid's
-- responsibility list, grid boundaries, household visits and what they found. A finding turns
-- into one need (need_id, unique) and, once events exist, into one event (event_id, unique).

CREATE TABLE grid_members (
    id         {{ID}},
    grid_id    BIGINT NOT NULL REFERENCES grids (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    post       TEXT NOT NULL,
    backup_of  BIGINT REFERENCES grid_members (id),
    created_at {{TS}} NOT NULL,
    UNIQUE (grid_id, person_id)
);
CREATE INDEX grid_members_person ON grid_members (person_id);

CREATE TABLE grid_duties (
    id         {{ID}},
    grid_id    BIGINT NOT NULL REFERENCES grids (id),
    title      TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    post       TEXT NOT NULL DEFAULT '',
    created_at {{TS}} NOT NULL
);
CREATE INDEX grid_duties_grid ON grid_duties (grid_id, id);

CREATE TABLE grid_boundaries (
    grid_id    BIGINT PRIMARY KEY REFERENCES grids (id),
    rings      TEXT NOT NULL,
    min_lng    {{FLOAT}} NOT NULL,
    min_lat    {{FLOAT}} NOT NULL,
    max_lng    {{FLOAT}} NOT NULL,
    max_lat    {{FLOAT}} NOT NULL,
    updated_at {{TS}} NOT NULL
);

CREATE TABLE visits (
    id             {{ID}},
    grid_id        BIGINT NOT NULL REFERENCES grids (id),
    household_id   BIGINT NOT NULL REFERENCES households (id),
    community_code {{CODE}} NOT NULL REFERENCES places (code),
    visited_on     TEXT NOT NULL,
    people_met     TEXT NOT NULL DEFAULT '',
    situation      TEXT NOT NULL DEFAULT '',
    photo          TEXT NOT NULL DEFAULT '',
    recorded_by    BIGINT REFERENCES users (id),
    recorded_name  TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL
);
CREATE INDEX visits_household ON visits (household_id, visited_on);
CREATE INDEX visits_grid ON visits (grid_id, visited_on);
CREATE INDEX visits_community ON visits (community_code, visited_on);

CREATE TABLE visit_findings (
    id          {{ID}},
    visit_id    BIGINT NOT NULL REFERENCES visits (id),
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    need_id     BIGINT UNIQUE REFERENCES needs (id),
    event_id    BIGINT UNIQUE,
    created_at  {{TS}} NOT NULL
);
CREATE INDEX visit_findings_visit ON visit_findings (visit_id, id);
