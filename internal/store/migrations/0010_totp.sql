-- Two factors (等保 2.0 level 3, identification by two techniques, one cryptographic): an account's
-- TOTP authenticator (RFC 6238), its one-time recovery codes, and the sign-ins waiting for their
-- second step.
--
-- user_totp holds at most one authenticator per account: its secret sealed by the field cipher
-- (internal/secret Box, context "user_totp.secret"), whether it is switched on (a pending one
-- waits for its first code), and the last time step a code was accepted for, so a code is never
-- accepted twice (a conditional UPDATE on last_step).
CREATE TABLE user_totp (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_enc TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    last_step     BIGINT NOT NULL DEFAULT 0,
    created_at    {{TS}} NOT NULL,
    enabled_at    {{TS}}
);

-- Recovery codes are stored by their SHA-256 only; used_at is set once, by a conditional UPDATE.
CREATE TABLE totp_recovery_codes (
    id        {{ID}},
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash {{CODE}} NOT NULL,
    used_at   {{TS}},
    UNIQUE (user_id, code_hash)
);

-- A sign-in whose password was right and whose second step (a code, or enrolment when the role
-- requires two factors and none is set up) is still to come. Kept by the SHA-256 of the value of
-- its short-lived cookie; deleted when the step succeeds (once: a conditional DELETE) or expires.
CREATE TABLE login_pending (
    id_hash    {{CODE}} PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enrol      BOOLEAN NOT NULL DEFAULT FALSE,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at {{TS}} NOT NULL,
    expires_at {{TS}} NOT NULL
);
CREATE INDEX login_pending_user ON login_pending (user_id);
CREATE INDEX login_pending_expires ON login_pending (expires_at);
