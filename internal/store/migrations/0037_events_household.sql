-- Issue 10: a resident's events are those they reported and those a visit to their household
-- found (docs/events.md, "Who evaluates"). The reporter has an index; this one finds the visit's
-- events of a household, so that a resident's to-do and list read their own few events instead
-- of every closed event of the city.
CREATE INDEX events_household ON events (household_id, id) WHERE source = 'visit';
ANALYZE events;
