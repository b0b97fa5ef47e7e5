-- Issue 10: the events in one state, and the open ones, within a place (docs/lists.md, "Grid
-- events").
--
-- The home page counts the events waiting at each step of the centre's work, and the list
-- filtered by state shows them newest first. Through events_state, whose rows hold no place,
-- both read every such event's row to test its community, and the list sorted them all for its
-- page. In this index a state's events are in id order with their community beside them: the
-- counts read the index alone, and a list within any place walks it newest first and reads the
-- rows of its page only.
CREATE INDEX events_state_place ON events (state, id, community_code);

-- The overdue and escalated filters of a city or a district walked the open events newest first
-- (events_open_recent) and read each one's row for its community, state, deadline and level:
-- the same index holds them now, so their counts read it alone and their pages read their own
-- rows only.
DROP INDEX events_open_recent;
CREATE INDEX events_open_recent ON events (id, community_code, state, step_due_at, escalation) WHERE state NOT IN ('closed', 'rejected');
ANALYZE events;
