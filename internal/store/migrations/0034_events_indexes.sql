-- Issue 14 at city scale (BENCHMARKS.md, "Grid events at city scale"): the indexes a year of a
-- city's events (about 100,000) needs for its lists and statistics.

-- The open events of a place (a few in a hundred of a year's): the overdue, escalated and open
-- filters, and their counts, read these instead of every event of the place.
CREATE INDEX events_open ON events (community_code, id) WHERE state NOT IN ('closed', 'rejected');
-- The same newest first, for a city's or a district's list and the public ones (Open311's
-- status=open): read in order, they stop at the page's last row instead of sorting them all.
CREATE INDEX events_open_recent ON events (id) WHERE state NOT IN ('closed', 'rejected');
-- The category filter, newest first.
CREATE INDEX events_category ON events (category_id, id);
-- The statistics of a month, and the date filters (Open311's start_date and end_date).
CREATE INDEX events_created ON events (created_at);
-- The planner's statistics for the new indexes.
ANALYZE events;
