-- People of one kind within a scope (a city's social workers, volunteers, experts; the home
-- page asks whether there are any): the index now also serves the list's order (place, then
-- newest first), so that a rare kind in a city is an index range, not a walk of a million
-- residents looking for it (issue 10, docs/lists.md).
DROP INDEX people_kind;
CREATE INDEX people_kind ON people (kind, place_code, id DESC);
