-- Issue 10: whether a household is vulnerable (a member in gongzhi.VulnerableGroups: elderly
-- living alone, disabled, in hardship; docs/grids.md "The plan") is kept on the household, so
-- that the overdue-visit count, a grid's page and the visit figures read one column instead of
-- asking each household's people (a community's 1,700 households: most of a community worker's
-- home page). The database keeps it, whoever writes: triggers on a person's target groups, on a
-- person moving household and on a person deleted (vulnerable.go). A change of the vulnerable
-- groups is a migration that rewrites the triggers and refills the column.
ALTER TABLE households ADD COLUMN vulnerable INTEGER NOT NULL DEFAULT 0;
UPDATE households SET vulnerable = 1 WHERE id IN (SELECT vp.household_id FROM people vp JOIN person_target_groups vt ON vt.person_id = vp.id
    WHERE vt.code IN ('elderly_alone', 'disabled', 'hardship') AND vp.household_id IS NOT NULL);
-- @go household_vulnerable
