-- Issue 13 (docs/domain.md §6, consultation): the core that topics, meetings and votes share.
-- Bodies of a community (一委三会 and other councils), their members from the registry with
-- terms, topics (议题) and meetings (议事会, 听证会, 评议会, 恳谈会) with their attendance. Votes,
-- decisions and idea contests are tables of their own, added by later migrations.

-- A body: kind is one of party_committee, deliberation, residents_committee, supervision,
-- building_council, owners_committee, villager_reps, other.
CREATE TABLE consult_bodies (
    id          {{ID}},
    place_code  {{CODE}} NOT NULL REFERENCES places (code),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES users (id),
    created_at  {{TS}} NOT NULL,
    updated_at  {{TS}} NOT NULL
);
CREATE INDEX consult_bodies_place ON consult_bodies (place_code, id);

-- A member of a body for a term (dates YYYY-MM-DD; term_until '' while serving). role is one of
-- director (主任), deputy (副主任), member (委员), resident_rep (居民代表), building_head (楼栋长).
CREATE TABLE consult_members (
    id          {{ID}},
    body_id     BIGINT NOT NULL REFERENCES consult_bodies (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    role        TEXT NOT NULL,
    term_from   TEXT NOT NULL,
    term_until  TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL,
    UNIQUE (body_id, person_id, term_from)
);
CREATE INDEX consult_members_person ON consult_members (person_id);

-- A topic of a community. source: resident, paper, grid, committee, need. state: raised,
-- accepted, merged, declined, voting, decided, closed. accept_by is the working-day deadline
-- for the deliberation committee's answer; reason is a message code with its arguments (JSON).
CREATE TABLE consult_topics (
    id               {{ID}},
    place_code       {{CODE}} NOT NULL REFERENCES places (code),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL,
    raised_by_person BIGINT REFERENCES people (id),
    raised_by_user   BIGINT REFERENCES users (id),
    need_id          BIGINT REFERENCES needs (id),
    state            TEXT NOT NULL,
    accept_by        TEXT NOT NULL DEFAULT '',
    merged_into      BIGINT REFERENCES consult_topics (id),
    reason           TEXT NOT NULL DEFAULT '',
    supports         INTEGER NOT NULL DEFAULT 0,
    created_at       {{TS}} NOT NULL,
    updated_at       {{TS}} NOT NULL
);
CREATE INDEX consult_topics_place ON consult_topics (place_code, state, id);

-- A meeting. kind: deliberation (议事会), hearing (听证会), review (评议会), dialogue (恳谈会).
-- state: planned, open (sign-in running), held, cancelled. signin_key is the secret behind the
-- door's QR code.
CREATE TABLE consult_meetings (
    id          {{ID}},
    place_code  {{CODE}} NOT NULL REFERENCES places (code),
    body_id     BIGINT REFERENCES consult_bodies (id),
    topic_id    BIGINT REFERENCES consult_topics (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    starts_at   {{TS}} NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    agenda      TEXT NOT NULL DEFAULT '',
    minutes     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    signin_key  TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES users (id),
    created_at  {{TS}} NOT NULL,
    updated_at  {{TS}} NOT NULL
);
CREATE INDEX consult_meetings_place ON consult_meetings (place_code, starts_at);
CREATE INDEX consult_meetings_topic ON consult_meetings (topic_id);

-- Who attended a meeting, once each. how: qr (signed in at the door), staff (entered by staff).
CREATE TABLE consult_attendees (
    meeting_id  BIGINT NOT NULL REFERENCES consult_meetings (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    how         TEXT NOT NULL,
    signed_by   BIGINT REFERENCES users (id),
    signed_at   {{TS}} NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX consult_attendees_person ON consult_attendees (person_id);
