-- Issue 11's leftovers in accounts and tokens.
--
-- A person (an expert, a social worker, a resident) is linked to at most one account. Double
-- links made before this rule keep the account linked first; the later ones are unlinked.
UPDATE users SET person_id = NULL WHERE person_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM users o WHERE o.person_id = users.person_id AND o.id < users.id);
CREATE UNIQUE INDEX users_person_once ON users (person_id) WHERE person_id IS NOT NULL;

-- A token's name is unique among its account's live tokens (a revoked token's name may be used
-- again). Live namesakes made before this rule get their id appended.
UPDATE api_tokens SET name = name || ' #' || CAST(id AS TEXT) WHERE revoked = FALSE
    AND EXISTS (SELECT 1 FROM api_tokens o WHERE o.user_id = api_tokens.user_id AND o.name = api_tokens.name
        AND o.revoked = FALSE AND o.id < api_tokens.id);
CREATE UNIQUE INDEX api_tokens_user_name ON api_tokens (user_id, name) WHERE revoked = FALSE;

-- A token may be limited to a place within its account's scope (NULL: the account's own), and
-- remembers when it was revoked, so that a second revoke can say when.
ALTER TABLE api_tokens ADD COLUMN place_code TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at {{TS}};
