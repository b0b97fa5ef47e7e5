-- Issue 10: a community worker's ledger lists the entries that served the community, newest
-- first. The community's rows held only the entry, so each page read all of them (thousands at
-- city scale) and sorted them by the entries' dates. The date beside each row, indexed with the
-- community, gives the page in order; it is written with the row (a corrected entry's rows are
-- written anew).
ALTER TABLE service_entry_communities ADD COLUMN held_on TEXT NOT NULL DEFAULT '';
UPDATE service_entry_communities SET held_on = (SELECT e.held_on FROM service_entries e WHERE e.id = service_entry_communities.entry_id);
CREATE INDEX service_entry_communities_held ON service_entry_communities (community_code, held_on, entry_id);
ANALYZE service_entry_communities;
