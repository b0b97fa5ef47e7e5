-- The service ledger's lists at city scale (issue 10, docs/lists.md "The service ledger"): the
-- communities an entry served as rows, so that a community's entries are an index range instead
-- of a LIKE over every entry, and indexes that serve the lists' orders within a scope (a place
-- prefix: place, then newest first; an organization: newest first). The Go step fills the rows
-- for the entries already stored.
CREATE TABLE service_entry_communities (
    community_code {{CODE}} NOT NULL,
    entry_id       BIGINT NOT NULL REFERENCES service_entries (id) ON DELETE CASCADE,
    PRIMARY KEY (community_code, entry_id)
);
CREATE INDEX service_entry_communities_entry ON service_entry_communities (entry_id);
DROP INDEX service_entries_place;
CREATE INDEX service_entries_place ON service_entries (place_code, held_on DESC, id DESC);
DROP INDEX service_entries_org;
CREATE INDEX service_entries_org ON service_entries (org_id, held_on DESC, id DESC);
-- @go ledger_communities
