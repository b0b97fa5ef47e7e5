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

-- ===== end of evaluation =====
