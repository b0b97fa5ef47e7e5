-- Issue 13 (docs/consultation.md): what deliberation adds to the consultation core of 0027 —
-- the committee that raised a topic and when a topic was answered; residents' supports (once per
-- resident: the primary key), comments and counter-proposals (hidden with a reason, never
-- deleted); a meeting's speakers and the proposals tabled at it; idea contests (金点子) with their
-- ideas and supports.

ALTER TABLE consult_topics ADD COLUMN body_id BIGINT REFERENCES consult_bodies (id);
ALTER TABLE consult_topics ADD COLUMN answered_at {{TS}};

-- One support per resident and topic.
CREATE TABLE consult_supports (
    topic_id    BIGINT NOT NULL REFERENCES consult_topics (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    created_at  {{TS}} NOT NULL,
    PRIMARY KEY (topic_id, person_id)
);

-- A comment (kind comment) or a counter-proposal (kind proposal) on a topic by a resident of
-- its community. hidden_reason is a message code with its arguments (JSON), like a topic's reason.
CREATE TABLE consult_comments (
    id             {{ID}},
    topic_id       BIGINT NOT NULL REFERENCES consult_topics (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    user_id        BIGINT REFERENCES users (id),
    kind           TEXT NOT NULL,
    body           TEXT NOT NULL,
    hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_reason  TEXT NOT NULL DEFAULT '',
    hidden_by      BIGINT REFERENCES users (id),
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL
);
CREATE INDEX consult_comments_topic ON consult_comments (topic_id, id);

-- Who spoke at a meeting (a person of the registry, or a name for a guest) and what they said.
CREATE TABLE consult_speakers (
    id          {{ID}},
    meeting_id  BIGINT NOT NULL REFERENCES consult_meetings (id),
    person_id   BIGINT REFERENCES people (id),
    name        TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL
);
CREATE INDEX consult_speakers_meeting ON consult_speakers (meeting_id, id);

-- A proposal tabled at a meeting (a vote may later choose among them).
CREATE TABLE consult_proposals (
    id          {{ID}},
    meeting_id  BIGINT NOT NULL REFERENCES consult_meetings (id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    tabled_by   TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL
);
CREATE INDEX consult_proposals_meeting ON consult_proposals (meeting_id, id);

-- An idea contest (金点子) of a community: a theme and the days ideas are taken (YYYY-MM-DD).
CREATE TABLE consult_contests (
    id          {{ID}},
    place_code  {{CODE}} NOT NULL REFERENCES places (code),
    title       TEXT NOT NULL,
    theme       TEXT NOT NULL DEFAULT '',
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    created_by  BIGINT REFERENCES users (id),
    created_at  {{TS}} NOT NULL,
    updated_at  {{TS}} NOT NULL
);
CREATE INDEX consult_contests_place ON consult_contests (place_code, id);

-- An idea of a contest by a resident; shortlist_reason is a message code with its arguments (JSON).
CREATE TABLE consult_ideas (
    id                {{ID}},
    contest_id        BIGINT NOT NULL REFERENCES consult_contests (id),
    person_id         BIGINT NOT NULL REFERENCES people (id),
    user_id           BIGINT REFERENCES users (id),
    title             TEXT NOT NULL,
    body              TEXT NOT NULL DEFAULT '',
    supports          INTEGER NOT NULL DEFAULT 0,
    shortlisted       BOOLEAN NOT NULL DEFAULT FALSE,
    shortlist_reason  TEXT NOT NULL DEFAULT '',
    created_at        {{TS}} NOT NULL,
    updated_at        {{TS}} NOT NULL
);
CREATE INDEX consult_ideas_contest ON consult_ideas (contest_id, id);

-- One support per resident and idea.
CREATE TABLE consult_idea_supports (
    idea_id     BIGINT NOT NULL REFERENCES consult_ideas (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    created_at  {{TS}} NOT NULL,
    PRIMARY KEY (idea_id, person_id)
);
