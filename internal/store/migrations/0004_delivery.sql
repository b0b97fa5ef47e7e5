-- Delivering and holding to account (DOMAIN.md §4 steps 10–13): the service ledger with its
-- evidence, satisfaction sampling and residents' ratings; monthly supervision, findings,
-- rectification orders, talks, joint meetings and the monthly supervision report; complaints and
-- inquiries; evaluation schemes, rounds, panels, scores and grades. Money is BIGINT fen; dates
-- are YYYY-MM-DD text; months are YYYY-MM text.
-- {{ID}}, {{CODE}}, {{TS}}, {{FLOAT}} are replaced per database by the migration runner.

-- ===== ledger: service ledger, evidence, indicator links, sampling, ratings =====

-- ===== end of ledger =====

-- ===== supervision: inspections, findings, rectifications, talks, joint meetings, reports =====

-- ===== end of supervision =====

-- ===== complaints: complaints and inquiries =====

-- A complaint, inquiry or suggestion (12345-style work order). The contact's name and phone are
-- sealed with the app's key; phone_hash (keyed hash of the digits) throttles per phone and
-- phone_last4 checks the tracking request. due_at is the answer deadline; escalate_at when an
-- unanswered one reaches the street office (escalation 2); escalation 1 (the hub) is at due_at.
CREATE TABLE complaints (
    id                {{ID}},
    code              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    community_code    {{CODE}} NOT NULL REFERENCES places (code),
    contract_id       BIGINT REFERENCES contracts (id),
    about_hub         BOOLEAN NOT NULL DEFAULT FALSE,
    subject           TEXT NOT NULL,
    description       TEXT NOT NULL,
    route             TEXT NOT NULL,
    org_id            BIGINT REFERENCES organizations (id),
    state             TEXT NOT NULL,
    escalation        INTEGER NOT NULL DEFAULT 0,
    due_at            {{TS}} NOT NULL,
    escalate_at       {{TS}} NOT NULL,
    escalated_at      {{TS}},
    answered_at       {{TS}},
    first_due_at      {{TS}} NOT NULL,
    rating            INTEGER NOT NULL DEFAULT 0,
    rating_comment    TEXT NOT NULL DEFAULT '',
    rated_at          {{TS}},
    contact_name_enc  TEXT NOT NULL DEFAULT '',
    contact_phone_enc TEXT NOT NULL DEFAULT '',
    phone_last4       TEXT NOT NULL DEFAULT '',
    phone_hash        TEXT NOT NULL DEFAULT '',
    user_id           BIGINT REFERENCES users (id),
    created_at        {{TS}} NOT NULL,
    updated_at        {{TS}} NOT NULL,
    CHECK (rating BETWEEN 0 AND 5 AND escalation BETWEEN 0 AND 2)
);
CREATE INDEX complaints_place ON complaints (community_code, state);
CREATE INDEX complaints_org ON complaints (org_id, state);
CREATE INDEX complaints_due ON complaints (state, due_at);
CREATE INDEX complaints_user ON complaints (user_id);

-- Answers: round 1 by the assigned party, round 2 by the street office after a low rating.
CREATE TABLE complaint_answers (
    id           {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    round        INTEGER NOT NULL,
    body         TEXT NOT NULL,
    user_id      BIGINT REFERENCES users (id),
    role         TEXT NOT NULL,
    org_name     TEXT NOT NULL DEFAULT '',
    at           {{TS}} NOT NULL,
    UNIQUE (complaint_id, round)
);

-- Every state change, re-route, escalation and reveal of a complaint.
CREATE TABLE complaint_history (
    id           {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    at           {{TS}} NOT NULL,
    action       TEXT NOT NULL,
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL DEFAULT '',
    user_id      BIGINT REFERENCES users (id),
    username     TEXT NOT NULL,
    role         TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_history_complaint ON complaint_history (complaint_id, id);

-- Submissions and failed tracking requests by client address and phone hash, for throttling;
-- rows older than two days are pruned at each submission.
CREATE TABLE complaint_throttle (
    id   {{ID}},
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    at   {{TS}} NOT NULL
);
CREATE INDEX complaint_throttle_key ON complaint_throttle (kind, key, at);
CREATE INDEX complaint_throttle_at ON complaint_throttle (at);

-- ===== end of complaints =====

-- ===== evaluation: schemes, rounds, panels, scores, grades =====

-- ===== end of evaluation =====
