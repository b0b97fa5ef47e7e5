-- Issue 11, items 6, 7 and 15 (docs/domain.md §4.1, §4.2, §4.10).
--
-- Ledger entries carry tags (",上门探访,"), so that an indicator can count only the entries it
-- describes: by kind (entries:KIND) or by a tag chosen for it (tag:TAG).
ALTER TABLE service_entries ADD COLUMN tags TEXT NOT NULL DEFAULT '';

-- A catalog entry's price range is enforced on applications and awards; an office that allows
-- exceptions for a category records the reason on the application and on the award.
ALTER TABLE service_categories ADD COLUMN allow_exceptions BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN price_exception TEXT NOT NULL DEFAULT '';
ALTER TABLE awards ADD COLUMN price_exception TEXT NOT NULL DEFAULT '';

-- Public needs: the office publishes a need (its description checked for personal data);
-- residents of its community support it once (the primary key) and comment; the community or
-- the office hides a comment with a reason.
ALTER TABLE needs ADD COLUMN published_at {{TS}};
CREATE INDEX needs_published ON needs (community_code, published_at);
CREATE TABLE need_supports (
    need_id    BIGINT NOT NULL REFERENCES needs (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at {{TS}} NOT NULL,
    PRIMARY KEY (need_id, user_id)
);
CREATE TABLE need_comments (
    id            {{ID}},
    need_id       BIGINT NOT NULL REFERENCES needs (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    author_name   TEXT NOT NULL,
    body          TEXT NOT NULL,
    hidden        BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_reason TEXT NOT NULL DEFAULT '',
    hidden_by     TEXT NOT NULL DEFAULT '',
    hidden_at     {{TS}},
    created_at    {{TS}} NOT NULL
);
CREATE INDEX need_comments_need ON need_comments (need_id, id);
