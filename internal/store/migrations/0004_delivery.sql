-- Delivering and holding to account (docs/domain.md §4–9): the service ledger with its
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
CREATE INDEX surveys_contract ON surveys (contract_id);

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
CREATE INDEX service_ratings_contract ON service_ratings (contract_id, score);

-- ===== end of ledger =====

-- ===== supervision: inspections, findings, rectifications, talks, joint meetings, reports =====

-- One inspection per contract and month, created lazily for every signed contract whose period
-- covers the month; the checklist with its findings is JSON.
CREATE TABLE inspections (
    id            {{ID}},
    contract_id   BIGINT NOT NULL REFERENCES contracts (id),
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    place_code    {{CODE}} NOT NULL,
    month         TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'due',
    progress_pct  INTEGER NOT NULL DEFAULT 0,
    progress      TEXT NOT NULL DEFAULT '',
    difficulties  TEXT NOT NULL DEFAULT '',
    results       TEXT NOT NULL DEFAULT '',
    checklist     TEXT NOT NULL DEFAULT '[]',
    inspected_on  TEXT NOT NULL DEFAULT '',
    inspector     TEXT NOT NULL DEFAULT '',
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL,
    UNIQUE (contract_id, month),
    CHECK (progress_pct >= 0 AND progress_pct <= 100)
);
CREATE INDEX inspections_month ON inspections (month, place_code);
CREATE INDEX inspections_due ON inspections (state, due_on);
CREATE INDEX inspections_org ON inspections (org_id, month);

CREATE TABLE talks (
    id               {{ID}},
    day              TEXT NOT NULL,
    contract_id      BIGINT NOT NULL REFERENCES contracts (id),
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    place_code       {{CODE}} NOT NULL,
    attendees        TEXT NOT NULL DEFAULT '[]',
    reason           TEXT NOT NULL,
    conclusions      TEXT NOT NULL,
    rectification_id BIGINT,
    created_by       TEXT NOT NULL,
    created_at       {{TS}} NOT NULL
);
CREATE INDEX talks_place ON talks (place_code, day);
CREATE INDEX talks_org ON talks (org_id, day);

CREATE TABLE rectifications (
    id            {{ID}},
    inspection_id BIGINT REFERENCES inspections (id),
    check_key     TEXT NOT NULL DEFAULT '',
    talk_id       BIGINT REFERENCES talks (id),
    contract_id   BIGINT NOT NULL REFERENCES contracts (id),
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    place_code    {{CODE}} NOT NULL,
    month         TEXT NOT NULL,
    severity      TEXT NOT NULL DEFAULT 'minor',
    requirement   TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open',
    escalated     BOOLEAN NOT NULL DEFAULT FALSE,
    answer        TEXT NOT NULL DEFAULT '',
    evidence      TEXT NOT NULL DEFAULT '[]',
    answered_at   {{TS}},
    reopen_reason TEXT NOT NULL DEFAULT '',
    verified_by   TEXT NOT NULL DEFAULT '',
    closed_at     {{TS}},
    created_by    TEXT NOT NULL,
    created_at    {{TS}} NOT NULL,
    updated_at    {{TS}} NOT NULL
);
CREATE INDEX rectifications_place ON rectifications (place_code, state, deadline);
CREATE INDEX rectifications_org ON rectifications (org_id, state);
CREATE INDEX rectifications_month ON rectifications (month, place_code);
CREATE INDEX rectifications_inspection ON rectifications (inspection_id);

CREATE TABLE meetings (
    id         {{ID}},
    place_code {{CODE}} NOT NULL,
    day        TEXT NOT NULL,
    title      TEXT NOT NULL,
    venue      TEXT NOT NULL DEFAULT '',
    attendees  TEXT NOT NULL DEFAULT '[]',
    minutes    TEXT NOT NULL,
    decisions  TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at {{TS}} NOT NULL
);
CREATE INDEX meetings_place ON meetings (place_code, day);

-- The organizations at a meeting: a provider sees the meetings it attended.
CREATE TABLE meeting_orgs (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (meeting_id, org_id)
);
CREATE INDEX meeting_orgs_org ON meeting_orgs (org_id);

CREATE TABLE meeting_actions (
    id           {{ID}},
    meeting_id   BIGINT NOT NULL REFERENCES meetings (id),
    place_code   {{CODE}} NOT NULL,
    text         TEXT NOT NULL,
    owner_org_id BIGINT REFERENCES organizations (id),
    owner_name   TEXT NOT NULL DEFAULT '',
    deadline     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'open',
    note         TEXT NOT NULL DEFAULT '',
    done_at      {{TS}},
    done_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id, id);
CREATE INDEX meeting_actions_open ON meeting_actions (place_code, state, deadline);
CREATE INDEX meeting_actions_owner ON meeting_actions (owner_org_id, state);

-- One report per street and month: a snapshot of the figures and the narrative, regenerable and
-- editable until published.
CREATE TABLE supervision_reports (
    id           {{ID}},
    place_code   {{CODE}} NOT NULL REFERENCES places (code),
    month        TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'draft',
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    figures      TEXT NOT NULL,
    generated_at {{TS}} NOT NULL,
    generated_by TEXT NOT NULL,
    published_at {{TS}},
    published_by TEXT NOT NULL DEFAULT '',
    UNIQUE (place_code, month)
);
CREATE INDEX supervision_reports_public ON supervision_reports (state, month);

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
