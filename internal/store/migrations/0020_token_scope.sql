-- API tokens carry a scope (issue 11): 'read' answers reads only, 'write' also writes, 'full'
-- also manages the account's tokens. Tokens made before scopes existed could do everything their
-- account could, so they keep 'full'.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
