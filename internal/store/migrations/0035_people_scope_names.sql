-- Issue 10: a common name searched within a scope (王, wang, zw) is a check of each person of the
-- scope while the list walks it in order, and its total counts up to 500 matches, one row read
-- per person checked (docs/lists.md). With the search keys beside the place in one index, that
-- count reads the index alone, not the people's rows.
CREATE INDEX people_place_names ON people (place_code, name_py, name_initials, name);
