-- Scheduled work (internal/jobs; README, "Operations"): the queue itself is River's, in its own
-- river_* tables migrated by River's migrator beside these; this table keeps one line per run
-- of a periodic job — its period, when it ran, how many records it created or escalated, or the
-- error it failed with — for the operator's page. The jobs prune lines older than 90 days.
-- {{ID}}, {{TS}} are replaced per database by the migration runner.

CREATE TABLE job_runs (
    id          {{ID}},
    kind        TEXT NOT NULL,
    period      TEXT NOT NULL,
    attempt     INTEGER NOT NULL DEFAULT 1,
    started_at  {{TS}} NOT NULL,
    finished_at {{TS}} NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_kind ON job_runs (kind, started_at);
