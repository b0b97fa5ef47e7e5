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

-- ===== end of complaints =====

-- ===== evaluation: schemes, rounds, panels, scores, grades =====

-- A call's evaluation scheme (dimensions, sub-indicators, thresholds, panel rule) as JSON;
-- editable until the first evaluation of the call starts.
CREATE TABLE evaluation_schemes (
    call_id    BIGINT PRIMARY KEY REFERENCES calls (id),
    scheme     TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at {{TS}} NOT NULL
);

-- One round (mid or final) of a contract's evaluation, with a copy of the scheme it started
-- with and, once finalized, the purchaser's result. Points are hundredths.
CREATE TABLE evaluations (
    id             {{ID}},
    contract_id    BIGINT NOT NULL REFERENCES contracts (id),
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    round          TEXT NOT NULL,
    state          TEXT NOT NULL,
    scheme         TEXT NOT NULL,
    total          BIGINT NOT NULL DEFAULT 0,
    grade          TEXT NOT NULL DEFAULT '',
    grade_note     TEXT NOT NULL DEFAULT '',
    strengths      TEXT NOT NULL DEFAULT '',
    problems       TEXT NOT NULL DEFAULT '',
    bonus          BIGINT NOT NULL DEFAULT 0,
    barred_until   TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES users (id),
    created_name   TEXT NOT NULL DEFAULT '',
    created_at     {{TS}} NOT NULL,
    finalized_at   {{TS}},
    published_at   {{TS}},
    UNIQUE (contract_id, round)
);
CREATE INDEX evaluations_place ON evaluations (place_code, state);
-- covers the bonus lookup of the ranking
CREATE INDEX evaluations_org ON evaluations (org_id, round, state, grade, published_at);

-- The panel of a round: accounts who score themselves, or named members without an account
-- whose sheets the secretary transcribes. A sheet is handed in once (scored_at).
CREATE TABLE evaluation_members (
    id            {{ID}},
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    affiliation   TEXT NOT NULL DEFAULT '',
    user_id       BIGINT REFERENCES users (id),
    person_id     BIGINT REFERENCES people (id),
    scores        TEXT NOT NULL DEFAULT '[]',
    comments      TEXT NOT NULL DEFAULT '[]',
    total         BIGINT NOT NULL DEFAULT 0,
    entered_by    TEXT NOT NULL DEFAULT '',
    scored_at     {{TS}}
);
CREATE INDEX evaluation_members_eval ON evaluation_members (evaluation_id, seq);
CREATE INDEX evaluation_members_user ON evaluation_members (user_id);

-- ===== end of evaluation =====
