-- Issue 13 (docs/votes.md, docs/domain.md §6): votes (表决) anyone can recount from the public
-- ledger, and the decisions (决议) a passed vote becomes, followed to the end.

-- A vote of a community. Its rules — the columns from topic_id to owner_body_id and its options —
-- are set while it is a draft and frozen once it opens: triggers (the Go step votes_frozen, on
-- both databases) refuse any UPDATE of them, and any change of its options or electors, once
-- state is no longer draft. electorate: residents18, households, body, meeting. ballot_kind:
-- yes_no, one_of, up_to (max_choices), budget (budget_fen, each option's cost_fen).
-- threshold: majority, two_thirds; threshold_base: cast, electorate. quorum_pct: the share of
-- the electorate (percent) that must take part. state: draft, open, closed.
CREATE TABLE votes (
    id               {{ID}},
    place_code       {{CODE}} NOT NULL REFERENCES places (code),
    topic_id         BIGINT REFERENCES consult_topics (id),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    electorate       TEXT NOT NULL,
    body_id          BIGINT REFERENCES consult_bodies (id),
    meeting_id       BIGINT REFERENCES consult_meetings (id),
    ballot_kind      TEXT NOT NULL,
    max_choices      INTEGER NOT NULL DEFAULT 1,
    budget_fen       BIGINT NOT NULL DEFAULT 0,
    opens_at         {{TS}} NOT NULL,
    closes_at        {{TS}} NOT NULL,
    quorum_pct       INTEGER NOT NULL,
    threshold        TEXT NOT NULL,
    threshold_base   TEXT NOT NULL,
    secret           INTEGER NOT NULL DEFAULT 0,
    proxies          INTEGER NOT NULL DEFAULT 0,
    owner_body_id    BIGINT REFERENCES consult_bodies (id),
    state            TEXT NOT NULL,
    electorate_size  INTEGER NOT NULL DEFAULT 0,
    cast_count       INTEGER NOT NULL DEFAULT 0,
    quorum_met       INTEGER NOT NULL DEFAULT 0,
    passed           INTEGER NOT NULL DEFAULT 0,
    result           TEXT NOT NULL DEFAULT '',
    created_by       BIGINT REFERENCES users (id),
    opened_by        BIGINT REFERENCES users (id),
    opened_at        {{TS}},
    closed_at        {{TS}},
    created_at       {{TS}} NOT NULL,
    updated_at       {{TS}} NOT NULL
);
CREATE INDEX votes_place ON votes (place_code, id);
CREATE INDEX votes_due ON votes (state, closes_at);

-- A vote's options, numbered from 1 (yes/no/abstain votes have the three).
CREATE TABLE vote_options (
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    position  INTEGER NOT NULL,
    label     TEXT NOT NULL,
    cost_fen  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (vote_id, position)
);

-- The electorate, fixed when the vote opens: voter is "p<person id>" (one person, one vote) or
-- "h<household id>" (household representatives: one vote per household).
CREATE TABLE vote_electors (
    vote_id       BIGINT NOT NULL REFERENCES votes (id),
    voter         TEXT NOT NULL,
    person_id     BIGINT REFERENCES people (id),
    household_id  BIGINT REFERENCES households (id),
    PRIMARY KEY (vote_id, voter)
);
CREATE INDEX vote_electors_person ON vote_electors (person_id);
CREATE INDEX vote_electors_household ON vote_electors (household_id);

-- Who voted (the list the supervision committee checks), one row per voter: the primary key
-- refuses a second ballot under any concurrency and across channels. channel: online, paper,
-- proxy. A paper or proxy ballot is entered by one staff account and counts once a second,
-- different one witnesses it (state pending → counted); its choice waits in pending_choice
-- (positions, comma-separated) until then. person_id is who cast it (the household's
-- representative for a household vote); proxy_person_id who held the proxy, once per vote.
CREATE TABLE vote_ballots (
    vote_id          BIGINT NOT NULL REFERENCES votes (id),
    voter            TEXT NOT NULL,
    person_id        BIGINT NOT NULL REFERENCES people (id),
    channel          TEXT NOT NULL,
    state            TEXT NOT NULL,
    pending_choice   TEXT NOT NULL DEFAULT '',
    proxy_person_id  BIGINT REFERENCES people (id),
    entered_by       BIGINT REFERENCES users (id),
    witnessed_by     BIGINT REFERENCES users (id),
    cast_at          {{TS}} NOT NULL,
    PRIMARY KEY (vote_id, voter)
);
CREATE UNIQUE INDEX vote_ballots_proxy ON vote_ballots (vote_id, proxy_person_id);

-- The counted choices, which the tally and the ledger's ballot.cast records hold: tracker is a
-- random code (secret ballot: only the voter learns it) or the voter's pseudonym (open ballot).
-- No voter column: a secret choice is not linked to who cast it.
CREATE TABLE vote_choices (
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    tracker   {{CODE}} NOT NULL,
    choice    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (vote_id, tracker)
);

-- A decision (决议) a passed vote became: its owner body carries it out in tasks; the
-- supervision committee reviews completion; residents rate it once each; it may become a need
-- of the purchase workflow (need_id). state: in_progress, completed (the owner's claim),
-- accepted (reviewed by the supervision committee).
CREATE TABLE vote_decisions (
    id             {{ID}},
    vote_id        BIGINT NOT NULL UNIQUE REFERENCES votes (id),
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    title          TEXT NOT NULL,
    owner_body_id  BIGINT REFERENCES consult_bodies (id),
    state          TEXT NOT NULL,
    need_id        BIGINT UNIQUE REFERENCES needs (id),
    review_note    TEXT NOT NULL DEFAULT '',
    reviewed_by    BIGINT REFERENCES users (id),
    reviewed_at    {{TS}},
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL
);
CREATE INDEX vote_decisions_place ON vote_decisions (place_code, id);

CREATE TABLE decision_tasks (
    id           {{ID}},
    decision_id  BIGINT NOT NULL REFERENCES vote_decisions (id),
    title        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    done_on      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    updated_at   {{TS}} NOT NULL
);
CREATE INDEX decision_tasks_decision ON decision_tasks (decision_id, id);

CREATE TABLE decision_ratings (
    decision_id  BIGINT NOT NULL REFERENCES vote_decisions (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    rating       INTEGER NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   {{TS}} NOT NULL,
    PRIMARY KEY (decision_id, person_id)
);

-- @go votes_frozen
