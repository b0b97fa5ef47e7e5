-- Households carry a code (户编号), unique within their community, by which an import links
-- residents to their household (docs/domain.md §2.1, §2.5). Households entered before it have "".
ALTER TABLE households ADD COLUMN code TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX households_code ON households (community_code, code) WHERE code <> '';
