-- Buying social services (docs/domain.md §3.1–3.9): needs, the purchase catalog, budgets and their
-- ledger, calls, applications, the panel draw, conflicts, scores, awards, the public notice and
-- objections, contracts with versions and payment portions, payments, the office calendar, and
-- the state history of every record. Money columns are BIGINT fen; dates are YYYY-MM-DD text.
-- {{ID}}, {{CODE}}, {{TS}}, {{FLOAT}} are replaced per database by the migration runner.

-- An expert's account is linked to the expert's person record (people.kind = 'expert').
ALTER TABLE users ADD COLUMN person_id BIGINT REFERENCES people (id);

CREATE TABLE service_categories (
    code       {{CODE}} PRIMARY KEY,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    standard   TEXT NOT NULL DEFAULT '',
    price_min  BIGINT NOT NULL DEFAULT 0,
    price_max  BIGINT NOT NULL DEFAULT 0,
    builtin    BOOLEAN NOT NULL DEFAULT FALSE,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at {{TS}} NOT NULL,
    updated_at {{TS}} NOT NULL,
    CHECK (price_min >= 0 AND price_max >= 0)
);

-- One province's real purchase catalog (docs/domain.md §3.2). Price ranges in fen.
INSERT INTO service_categories (code, name, name_en, standard, price_min, price_max, builtin, active, position, created_at, updated_at) VALUES
    ('elderly_home_care', '社区老人居家养老服务', 'Home care for the elderly in the community',
     '为社区高龄、独居、失能及困难老人提供助餐、助洁、助浴、助医、精神慰藉与紧急援助等上门和日间照料服务；建立服务对象档案，服务记录可追溯，服务对象满意度不低于90%。',
     5000000, 50000000, TRUE, TRUE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('community_social_work', '社区社会工作服务', 'Community social work',
     '由持证社会工作者运用个案、小组、社区工作方法，为社区困难群体提供需求评估、资源链接、能力提升与社区参与服务；每名专职社工年服务个案不少于10个。',
     5000000, 30000000, TRUE, TRUE, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('incubation_base', '社会组织孵化基地运营服务', 'Running an incubation base for social organizations',
     '运营社会组织孵化基地，提供场地、注册辅导、能力建设、项目督导与资源对接；年度孵化社区社会组织不少于10家，出壳率不低于60%。',
     10000000, 50000000, TRUE, TRUE, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('registration_assist', '社会组织登记管理辅助服务', 'Assistance with the registration of social organizations',
     '协助登记管理机关开展社会组织成立、变更、注销登记的材料预审、年检年报辅导与信息录入；材料预审在3个工作日内完成。',
     2000000, 10000000, TRUE, TRUE, 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('staff_training', '社会组织人员培训服务', 'Training of social organizations'' staff',
     '面向社会组织负责人、专职人员和志愿者开展项目管理、财务管理、社会工作实务等培训；每期不少于16学时，参训人员考核合格率不低于85%。',
     2000000, 15000000, TRUE, TRUE, 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('service_evaluation', '购买服务评估验收服务', 'Evaluation and acceptance of purchased services',
     '作为第三方对政府购买服务项目开展中期评估与结项验收，覆盖机构管理、团队建设、服务开展、服务成效、服务评价、资源募集、创新创意、财务管理八个维度，出具书面评估报告。',
     2000000, 20000000, TRUE, TRUE, 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('org_grading', '社会组织等级评估服务', 'Grading of social organizations',
     '依据社会组织评估管理办法组织实地评估、专家评审与结果公示，提出3A/4A/5A等级建议，评估材料完整归档。',
     2000000, 15000000, TRUE, TRUE, 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('poverty_county_social_work', '国贫县社会工作服务', 'Social work in poverty counties',
     '在国家级贫困县（原）派驻专业社工，为留守儿童、困境老人、残疾人等提供常驻服务并培育本土社工人才；驻点服务每年不少于10个月。',
     10000000, 50000000, TRUE, TRUE, 8, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE needs (
    id              {{ID}},
    community_code  {{CODE}} NOT NULL REFERENCES places (code),
    target_group    {{CODE}} NOT NULL REFERENCES target_groups (code),
    category_code   {{CODE}} NOT NULL REFERENCES service_categories (code),
    description     TEXT NOT NULL,
    people_affected INTEGER NOT NULL DEFAULT 1,
    source          TEXT NOT NULL,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    recorded_by     BIGINT REFERENCES users (id),
    recorded_name   TEXT NOT NULL DEFAULT '',
    created_at      {{TS}} NOT NULL
);
CREATE INDEX needs_community ON needs (community_code, id);

CREATE TABLE budgets (
    id          {{ID}},
    place_code  {{CODE}} NOT NULL REFERENCES places (code),
    fiscal_year INTEGER NOT NULL,
    level       TEXT NOT NULL,
    fund        TEXT NOT NULL,
    name        TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    reserved    BIGINT NOT NULL DEFAULT 0,
    spent       BIGINT NOT NULL DEFAULT 0,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  {{TS}} NOT NULL,
    updated_at  {{TS}} NOT NULL,
    CHECK (amount > 0 AND reserved >= 0 AND spent >= 0 AND reserved + spent <= amount)
);
CREATE INDEX budgets_place ON budgets (place_code, fiscal_year, id);

CREATE TABLE calls (
    id                 {{ID}},
    place_code         {{CODE}} NOT NULL REFERENCES places (code),
    kind               TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    categories         TEXT NOT NULL DEFAULT '',
    budget_id          BIGINT NOT NULL REFERENCES budgets (id),
    amount             BIGINT NOT NULL,
    reserved           BIGINT NOT NULL DEFAULT 0,
    bands              TEXT NOT NULL DEFAULT '[]',
    opens_at           {{TS}} NOT NULL,
    closes_at          {{TS}} NOT NULL,
    review_by          {{TS}},
    notice_days        INTEGER NOT NULL DEFAULT 5,
    notice_starts_at   {{TS}},
    notice_ends_at     {{TS}},
    eligibility        TEXT NOT NULL DEFAULT '[]',
    require_registered BOOLEAN NOT NULL DEFAULT TRUE,
    min_grade          TEXT NOT NULL DEFAULT '',
    exclude_ineligible BOOLEAN NOT NULL DEFAULT TRUE,
    criteria           TEXT NOT NULL DEFAULT '[]',
    aggregation        TEXT NOT NULL DEFAULT 'trim_mean',
    state              TEXT NOT NULL DEFAULT 'draft',
    panel_size         INTEGER NOT NULL DEFAULT 0,
    panel_fields       TEXT NOT NULL DEFAULT '',
    panel_seed         BIGINT,
    panel_pool         TEXT NOT NULL DEFAULT '',
    panel_drawn_at     {{TS}},
    cancel_reason      TEXT NOT NULL DEFAULT '',
    created_by         BIGINT REFERENCES users (id),
    created_at         {{TS}} NOT NULL,
    updated_at         {{TS}} NOT NULL,
    CHECK (amount > 0 AND reserved >= 0)
);
CREATE INDEX calls_place ON calls (place_code, id);
CREATE INDEX calls_state ON calls (state, closes_at);
CREATE INDEX calls_budget ON calls (budget_id);

CREATE TABLE call_needs (
    call_id BIGINT NOT NULL REFERENCES calls (id),
    need_id BIGINT NOT NULL REFERENCES needs (id),
    PRIMARY KEY (call_id, need_id)
);
CREATE INDEX call_needs_need ON call_needs (need_id);

CREATE TABLE applications (
    id              {{ID}},
    call_id         BIGINT NOT NULL REFERENCES calls (id),
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    title           TEXT NOT NULL,
    category_code   {{CODE}} REFERENCES service_categories (code),
    target_groups   TEXT NOT NULL DEFAULT '',
    communities     TEXT NOT NULL DEFAULT '',
    beneficiaries   INTEGER NOT NULL DEFAULT 0,
    summary         TEXT NOT NULL DEFAULT '',
    activity_plan   TEXT NOT NULL DEFAULT '',
    requested       BIGINT NOT NULL DEFAULT 0,
    band            INTEGER NOT NULL DEFAULT -1,
    budget_lines    TEXT NOT NULL DEFAULT '[]',
    team            TEXT NOT NULL DEFAULT '[]',
    outputs         TEXT NOT NULL DEFAULT '[]',
    outcomes        TEXT NOT NULL DEFAULT '[]',
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'draft',
    submitted_at    {{TS}},
    prelim_reason   TEXT NOT NULL DEFAULT '',
    score           BIGINT NOT NULL DEFAULT 0,
    scores          INTEGER NOT NULL DEFAULT 0,
    rank_no         INTEGER NOT NULL DEFAULT 0,
    unfunded_reason TEXT NOT NULL DEFAULT '',
    unfunded_note   TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users (id),
    created_at      {{TS}} NOT NULL,
    updated_at      {{TS}} NOT NULL
);
CREATE INDEX applications_call ON applications (call_id, state, id);
CREATE INDEX applications_org ON applications (org_id, id);

CREATE TABLE application_needs (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    need_id        BIGINT NOT NULL REFERENCES needs (id),
    PRIMARY KEY (application_id, need_id)
);
CREATE INDEX application_needs_need ON application_needs (need_id);

CREATE TABLE application_attachments (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    name           TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    content_type   TEXT NOT NULL DEFAULT '',
    uploaded_by    BIGINT REFERENCES users (id),
    uploaded_at    {{TS}} NOT NULL
);
CREATE INDEX application_attachments_app ON application_attachments (application_id, id);

-- Every expert the draw examined, in draw order (seq), selected or excluded and why.
CREATE TABLE panel_members (
    call_id     BIGINT NOT NULL REFERENCES calls (id),
    seq         INTEGER NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    outcome     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    declared_at {{TS}},
    excluded_at {{TS}},
    PRIMARY KEY (call_id, person_id),
    UNIQUE (call_id, seq)
);
CREATE INDEX panel_members_person ON panel_members (person_id, call_id);

-- Conflicts of interest of experts in a call: declared by the expert or recorded by the purchaser.
CREATE TABLE review_conflicts (
    id             {{ID}},
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    application_id BIGINT REFERENCES applications (id),
    reason         TEXT NOT NULL,
    declared_by    BIGINT REFERENCES users (id),
    declared_at    {{TS}} NOT NULL
);
CREATE INDEX review_conflicts_call ON review_conflicts (call_id, person_id);

CREATE TABLE review_scores (
    id             {{ID}},
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    criteria       TEXT NOT NULL,
    total          BIGINT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    submitted_at   {{TS}} NOT NULL,
    UNIQUE (application_id, person_id)
);
-- covers the aggregation of a call's scores
CREATE INDEX review_scores_call ON review_scores (call_id, application_id, person_id, total);
CREATE INDEX review_scores_person ON review_scores (call_id, person_id);

CREATE TABLE awards (
    id              {{ID}},
    call_id         BIGINT NOT NULL REFERENCES calls (id),
    application_id  BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    amount          BIGINT NOT NULL,
    state           TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    overturn_reason TEXT NOT NULL DEFAULT '',
    created_at      {{TS}} NOT NULL,
    updated_at      {{TS}} NOT NULL,
    CHECK (amount > 0)
);
CREATE INDEX awards_call ON awards (call_id, state);

CREATE TABLE objections (
    id             {{ID}},
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    application_id BIGINT REFERENCES applications (id),
    name           TEXT NOT NULL,
    contact        TEXT NOT NULL,
    body           TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open',
    filed_by       BIGINT REFERENCES users (id),
    filed_at       {{TS}} NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    upheld         BOOLEAN NOT NULL DEFAULT FALSE,
    overturned     BOOLEAN NOT NULL DEFAULT FALSE,
    answered_by    BIGINT REFERENCES users (id),
    answered_name  TEXT NOT NULL DEFAULT '',
    answered_at    {{TS}}
);
CREATE INDEX objections_call ON objections (call_id, state);

CREATE TABLE contracts (
    id             {{ID}},
    award_id       BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    place_code     {{CODE}} NOT NULL REFERENCES places (code),
    fiscal_year    INTEGER NOT NULL,
    category_code  {{CODE}} NOT NULL,
    title          TEXT NOT NULL,
    purchaser_name TEXT NOT NULL,
    provider_name  TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'draft',
    version        INTEGER NOT NULL DEFAULT 0,
    amount         BIGINT NOT NULL,
    paid           BIGINT NOT NULL DEFAULT 0,
    signed_at      {{TS}},
    created_at     {{TS}} NOT NULL,
    updated_at     {{TS}} NOT NULL,
    CHECK (amount > 0 AND paid >= 0 AND paid <= amount)
);
-- covers the funding report: no table lookups for 100,000 contracts
CREATE INDEX contracts_report ON contracts (state, place_code, fiscal_year, category_code, amount);
CREATE INDEX contracts_org ON contracts (org_id, id);
CREATE INDEX contracts_call ON contracts (call_id);

-- Versions are never updated except to record confirmations and the move pending → effective →
-- superseded; an amendment is a new row.
CREATE TABLE contract_versions (
    contract_id            BIGINT NOT NULL REFERENCES contracts (id),
    version                INTEGER NOT NULL,
    state                  TEXT NOT NULL,
    amount                 BIGINT NOT NULL,
    terms                  TEXT NOT NULL,
    reason                 TEXT NOT NULL DEFAULT '',
    created_by             BIGINT REFERENCES users (id),
    created_name           TEXT NOT NULL DEFAULT '',
    created_at             {{TS}} NOT NULL,
    purchaser_confirmed_by TEXT NOT NULL DEFAULT '',
    purchaser_confirmed_at {{TS}},
    provider_confirmed_by  TEXT NOT NULL DEFAULT '',
    provider_confirmed_at  {{TS}},
    effective_at           {{TS}},
    PRIMARY KEY (contract_id, version)
);

CREATE TABLE contract_portions (
    contract_id  BIGINT NOT NULL REFERENCES contracts (id),
    version      INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    milestone    INTEGER NOT NULL,
    basis_points INTEGER NOT NULL,
    amount       BIGINT NOT NULL,
    due_on       TEXT NOT NULL,
    PRIMARY KEY (contract_id, version, idx)
);

CREATE TABLE payments (
    id          {{ID}},
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    portion     INTEGER NOT NULL,
    amount      BIGINT NOT NULL,
    paid_on     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id),
    recorded_name TEXT NOT NULL DEFAULT '',
    recorded_at {{TS}} NOT NULL,
    CHECK (amount > 0)
);
CREATE INDEX payments_contract ON payments (contract_id, portion);

CREATE TABLE budget_ledger (
    id          {{ID}},
    budget_id   BIGINT NOT NULL REFERENCES budgets (id),
    call_id     BIGINT REFERENCES calls (id),
    contract_id BIGINT REFERENCES contracts (id),
    payment_id  BIGINT REFERENCES payments (id),
    kind        TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    at          {{TS}} NOT NULL,
    user_id     BIGINT,
    username    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX budget_ledger_budget ON budget_ledger (budget_id, id);

-- An organization barred from calls until a date (不合格 in an evaluation, breach of contract).
CREATE TABLE org_ineligibility (
    id         {{ID}},
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    place_code {{CODE}} NOT NULL REFERENCES places (code),
    until_on   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    lifted     BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES users (id),
    created_at {{TS}} NOT NULL
);
CREATE INDEX org_ineligibility_org ON org_ineligibility (org_id, until_on);

-- The office calendar: public holidays on weekdays and weekend days worked in exchange (调休).
CREATE TABLE holidays (
    day        {{CODE}} PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    workday    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at {{TS}} NOT NULL
);

CREATE TABLE purchase_history (
    id         {{ID}},
    at         {{TS}} NOT NULL,
    call_id    BIGINT,
    application_id BIGINT,
    entity     TEXT NOT NULL,
    entity_id  BIGINT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL,
    user_id    BIGINT,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX purchase_history_call ON purchase_history (call_id, at, id);
CREATE INDEX purchase_history_entity ON purchase_history (entity, entity_id, id);
CREATE INDEX purchase_history_application ON purchase_history (application_id, at, id);
