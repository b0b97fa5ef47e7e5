-- The audit log's protection and watch (internal/security; docs/audit.md), 等保 2.0 level 3.
-- audit_seals: one seal per closed day (China time) of the audit log, written once by the sealing
-- job: how many entries the day holds, its first and last id, the digest over the entries'
-- hashes in id order, the previous seal's chain value and this seal's chain value, and the hash
-- algorithm (sha256 or sm3). purged_at is set when the retention job removed the day's entries;
-- the seal itself stays, so the chain of seals can still be checked.
-- audit_seal_entries: each sealed entry's hash, so that `gongzhi audit verify` names the entry
-- that was changed, added or removed (the day's digest covers these rows in turn).
-- security_alarms: alarms for the security administrator, each once per kind, subject and window.
-- {{ID}}, {{TS}}, {{CODE}} are replaced per database by the migration runner.

CREATE TABLE audit_seals (
    day       {{CODE}} PRIMARY KEY,
    count     INTEGER NOT NULL,
    first_id  BIGINT NOT NULL DEFAULT 0,
    last_id   BIGINT NOT NULL DEFAULT 0,
    digest    TEXT NOT NULL,
    prev      TEXT NOT NULL,
    chain     TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    sealed_at {{TS}} NOT NULL,
    purged_at {{TS}}
);

CREATE TABLE audit_seal_entries (
    entry_id BIGINT PRIMARY KEY,
    day      {{CODE}} NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX audit_seal_entries_day ON audit_seal_entries (day, entry_id);

CREATE TABLE security_alarms (
    id          {{ID}},
    kind        {{CODE}} NOT NULL,
    subject     TEXT NOT NULL,
    win         {{CODE}} NOT NULL,
    count       INTEGER NOT NULL,
    first_at    {{TS}} NOT NULL,
    last_at     {{TS}} NOT NULL,
    created_at  {{TS}} NOT NULL,
    acked_by    BIGINT,
    acked_name  TEXT NOT NULL DEFAULT '',
    acked_at    {{TS}},
    UNIQUE (kind, subject, win)
);
CREATE INDEX security_alarms_open ON security_alarms (acked_at, id);
