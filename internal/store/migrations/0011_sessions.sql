-- Sign-in and account controls (issue 9, 等保 level 3):
-- login_tries/login_tries_at reserve an account's remaining sign-in tries before the password
-- is hashed, so that tries arriving together cannot pass the lockout (a reservation older than a
-- minute is a crashed process's and no longer counts); last_login_ip and the previous sign-in
-- (prev_login_at, prev_login_ip) show a user their own last sign-in; password_changed_at drives
-- the staff password expiry; active_at is the last sign-in or re-enabling, from which the daily
-- job counts an account's days unused.
ALTER TABLE users ADD COLUMN login_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_tries_at {{TS}};
ALTER TABLE users ADD COLUMN last_login_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN prev_login_at {{TS}};
ALTER TABLE users ADD COLUMN prev_login_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN password_changed_at {{TS}};
ALTER TABLE users ADD COLUMN active_at {{TS}};
-- updated_at is at least as recent as the last password change (setting one stamps it).
UPDATE users SET password_changed_at = updated_at, active_at = COALESCE(last_login_at, created_at);
CREATE INDEX sessions_user_created ON sessions (user_id, created_at);
