// A household's vulnerable flag, kept by the database (migration 0039): set when one of its
// people is in a vulnerable group (gongzhi.VulnerableGroups), cleared when none is, whatever
// writes the people, their groups or their household.

package store

import (
	"context"
	"fmt"
	"strings"

	"gongzhi"
)

// vulnerableCodes is gongzhi.VulnerableGroups as an SQL list of literals, for the triggers
// (constants of the code, not input).
func vulnerableCodes() string {
	qs := make([]string, len(gongzhi.VulnerableGroups))
	for i, g := range gongzhi.VulnerableGroups {
		qs[i] = "'" + g + "'"
	}
	return "(" + strings.Join(qs, ", ") + ")"
}

// householdVulnerableSet is the UPDATE that sets the flag of household hid (an SQL expression).
func householdVulnerableSet(hid string) string {
	return `UPDATE households SET vulnerable = CASE WHEN EXISTS (SELECT 1 FROM people vp JOIN person_target_groups vt ON vt.person_id = vp.id
  WHERE vp.household_id = households.id AND vt.code IN ` + vulnerableCodes() + `) THEN 1 ELSE 0 END WHERE id = ` + hid
}

// migrateHouseholdVulnerable creates the triggers that keep households.vulnerable.
func migrateHouseholdVulnerable(ctx context.Context, q *Q) error {
	var stmts []string
	if q.d == Postgres {
		stmts = []string{
			// a person's groups changed: their household
			`CREATE FUNCTION household_vulnerable_groups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE p BIGINT;
BEGIN
  IF TG_OP = 'DELETE' THEN p := OLD.person_id; ELSE p := NEW.person_id; END IF;
  ` + householdVulnerableSet(`(SELECT household_id FROM people WHERE id = p)`) + `;
  RETURN NULL;
END $$`,
			`CREATE TRIGGER person_target_groups_vulnerable AFTER INSERT OR DELETE ON person_target_groups FOR EACH ROW EXECUTE FUNCTION household_vulnerable_groups()`,
			// a person moved or was deleted: the household left (and the one joined), the lower
			// id first, so that two opposite moves at once lock them in the same order
			`CREATE FUNCTION household_vulnerable_people() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a BIGINT; b BIGINT;
BEGIN
  a := OLD.household_id;
  IF TG_OP = 'UPDATE' THEN b := NEW.household_id; END IF;
  IF a IS NOT NULL AND b IS NOT NULL AND b < a THEN a := NEW.household_id; b := OLD.household_id; END IF;
  IF a IS NOT NULL THEN ` + householdVulnerableSet("a") + `; END IF;
  IF b IS NOT NULL THEN ` + householdVulnerableSet("b") + `; END IF;
  RETURN NULL;
END $$`,
			`CREATE TRIGGER people_vulnerable_move AFTER UPDATE OF household_id ON people FOR EACH ROW
  WHEN (OLD.household_id IS DISTINCT FROM NEW.household_id) EXECUTE FUNCTION household_vulnerable_people()`,
			`CREATE TRIGGER people_vulnerable_delete AFTER DELETE ON people FOR EACH ROW
  WHEN (OLD.household_id IS NOT NULL) EXECUTE FUNCTION household_vulnerable_people()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER person_target_groups_vulnerable_insert AFTER INSERT ON person_target_groups BEGIN ` +
				householdVulnerableSet(`(SELECT household_id FROM people WHERE id = NEW.person_id)`) + `; END`,
			`CREATE TRIGGER person_target_groups_vulnerable_delete AFTER DELETE ON person_target_groups BEGIN ` +
				householdVulnerableSet(`(SELECT household_id FROM people WHERE id = OLD.person_id)`) + `; END`,
			`CREATE TRIGGER people_vulnerable_move AFTER UPDATE OF household_id ON people WHEN OLD.household_id IS NOT NEW.household_id BEGIN ` +
				householdVulnerableSet("OLD.household_id") + `; ` + householdVulnerableSet("NEW.household_id") + `; END`,
			`CREATE TRIGGER people_vulnerable_delete AFTER DELETE ON people WHEN OLD.household_id IS NOT NULL BEGIN ` +
				householdVulnerableSet("OLD.household_id") + `; END`,
		}
	}
	for _, s := range stmts {
		if _, err := q.x.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w\n%s", err, s)
		}
	}
	return nil
}
