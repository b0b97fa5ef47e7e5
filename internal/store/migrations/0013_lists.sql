-- Lists at city scale (issue 10, docs/registry.md): a person's name in pinyin and its initials
-- for index-range search, target groups as rows (one per person and group) for an indexed
-- filter, and indexes that serve each registry list's default order within a scope. The Go step
-- fills the new columns and rows from what is stored, and adds the indexes whose collation
-- differs per database (byte order, so that a prefix is a range on both).
ALTER TABLE people ADD COLUMN name_py {{CODE}} NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_initials {{CODE}} NOT NULL DEFAULT '';

CREATE TABLE person_target_groups (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    code      {{CODE}} NOT NULL,
    PRIMARY KEY (person_id, code)
);
CREATE INDEX person_target_groups_code ON person_target_groups (code, person_id);

-- @go lists_city_scale
DROP INDEX people_place;
CREATE INDEX people_place ON people (place_code, id DESC);
CREATE INDEX people_name_py ON people (name_py);
CREATE INDEX people_name_initials ON people (name_initials);
CREATE INDEX people_kind ON people (kind, place_code);
CREATE INDEX grids_community ON grids (community_code, code, id);
