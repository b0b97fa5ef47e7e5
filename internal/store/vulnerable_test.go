package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestHouseholdVulnerableKept: a household's vulnerable flag follows its people, however they
// are written (here by plain SQL, as an import or a script would): a member put in a
// vulnerable group sets it, another group does not, the group removed clears it, the member
// moving takes it to the other household, the member deleted clears it. After the demo's
// seeding every flag equals what the people say. On both databases.
func TestHouseholdVulnerableKept(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx, q := context.Background(), db.Q()
		exec := execer(t, q)
		in := "('" + strings.Join(gongzhi.VulnerableGroups, "', '") + "')"
		var wrong int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM households h WHERE h.vulnerable <> CASE WHEN EXISTS (SELECT 1 FROM people vp
			JOIN person_target_groups vt ON vt.person_id = vp.id WHERE vp.household_id = h.id AND vt.code IN `+in+`) THEN 1 ELSE 0 END`).Scan(&wrong); err != nil {
			t.Fatal(err)
		}
		if wrong != 0 {
			t.Fatalf("%d households' flags differ from their people after the demo", wrong)
		}
		var h1, h2 int64
		if err := q.QueryRow(ctx, `SELECT MIN(id), MAX(id) FROM households WHERE community_code = ? AND vulnerable = 0`, demo.ZhongshanCode).Scan(&h1, &h2); err != nil || h1 == h2 {
			t.Fatalf("two households that are not vulnerable: %d %d %v", h1, h2, err)
		}
		flags := func(want1, want2 int, when string) {
			t.Helper()
			var v1, v2 int
			if err := q.QueryRow(ctx, `SELECT (SELECT vulnerable FROM households WHERE id = ?), (SELECT vulnerable FROM households WHERE id = ?)`, h1, h2).Scan(&v1, &v2); err != nil {
				t.Fatal(err)
			}
			if v1 != want1 || v2 != want2 {
				t.Errorf("%s: flags %d %d, want %d %d", when, v1, v2, want1, want2)
			}
		}
		now := time.Now().UTC()
		p, err := q.InsertID(ctx, `INSERT INTO people (kind, name, place_code, household_id, created_at, updated_at) VALUES ('resident', '测试居民', ?, ?, ?, ?)`,
			demo.ZhongshanCode, h1, now, now)
		if err != nil {
			t.Fatal(err)
		}
		flags(0, 0, "a member in no group")
		exec(`INSERT INTO person_target_groups (person_id, code) VALUES (?, 'elderly')`, p)
		flags(0, 0, "a member among the elderly (not a vulnerable group)")
		exec(`INSERT INTO person_target_groups (person_id, code) VALUES (?, ?)`, p, gongzhi.VulnerableGroups[0])
		flags(1, 0, "a member in a vulnerable group")
		exec(`DELETE FROM person_target_groups WHERE person_id = ? AND code = ?`, p, gongzhi.VulnerableGroups[0])
		flags(0, 0, "the group removed")
		exec(`INSERT INTO person_target_groups (person_id, code) VALUES (?, ?)`, p, gongzhi.VulnerableGroups[len(gongzhi.VulnerableGroups)-1])
		flags(1, 0, "another vulnerable group")
		exec(`UPDATE people SET household_id = ? WHERE id = ?`, h2, p)
		flags(0, 1, "the member moved")
		exec(`UPDATE people SET household_id = NULL WHERE id = ?`, p)
		flags(0, 0, "the member left every household")
		exec(`UPDATE people SET household_id = ? WHERE id = ?`, h1, p)
		flags(1, 0, "the member back")
		exec(`DELETE FROM people WHERE id = ?`, p)
		flags(0, 0, "the member deleted")
	})
}

// TestVulnerableGroupsInMigration: migration 0039 fills the flag with the groups the triggers
// watch; a change of gongzhi.VulnerableGroups needs a migration of its own.
func TestVulnerableGroupsInMigration(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	want := "vt.code IN ('" + strings.Join(gongzhi.VulnerableGroups, "', '") + "')"
	for _, m := range ms {
		if m.Version == 39 {
			if !strings.Contains(m.SQL, want) {
				t.Fatalf("migration 0039 does not fill the flag with %s", want)
			}
			return
		}
	}
	t.Fatal("no migration 0039")
}
