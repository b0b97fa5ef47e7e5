package store_test

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestEventMonthVersionsRaised: the version of a month grows whenever an event created in it is
// written, however it is written (here by plain SQL, as a script or the escalation job's bulk
// UPDATE would), and only then; the names' version grows when a category, a grid or a
// department is renamed. On both databases.
func TestEventMonthVersionsRaised(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx, q := context.Background(), db.Q()
		exec := execer(t, q)
		march := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
		key, other := store.EventMonthKey(march), store.EventMonthKey(march.AddDate(0, 1, 0))
		version := func(k string) int64 {
			t.Helper()
			v, err := q.EventStatsVersion(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		last, lastOther, lastNames := version(key), version(other), version(store.EventNamesVersion)
		raised := func(what string, k string, want bool) {
			t.Helper()
			v, o, n := version(key), version(other), version(store.EventNamesVersion)
			got := map[string]bool{key: v > last, other: o > lastOther, store.EventNamesVersion: n > lastNames}
			for kk, g := range got {
				if g != (kk == k && want) {
					t.Errorf("%s: version of %s raised %v", what, kk, g)
				}
			}
			if v < last || o < lastOther || n < lastNames {
				t.Errorf("%s: a version went down", what)
			}
			last, lastOther, lastNames = v, o, n
		}
		var cat, grid, dept int64
		if err := q.QueryRow(ctx, `SELECT (SELECT MIN(id) FROM event_categories), (SELECT MIN(id) FROM grids WHERE community_code = ?),
			(SELECT MIN(id) FROM departments)`, demo.ZhongshanCode).Scan(&cat, &grid, &dept); err != nil {
			t.Fatal(err)
		}
		id, err := q.InsertID(ctx, `INSERT INTO events (code, source, category_id, community_code, grid_id, title, state, step_started_at,
			step_due_at, esc1_at, esc2_at, esc3_at, created_at, updated_at) VALUES ('T-VERSIONS-1', 'patrol', ?, ?, ?, '测试', 'collected', ?, ?, ?, ?, ?, ?, ?)`,
			cat, demo.ZhongshanCode, grid, march, march, march, march, march, march, march)
		if err != nil {
			t.Fatal(err)
		}
		raised("an event inserted", key, true)
		exec(`UPDATE events SET rating = 5 WHERE id = ?`, id)
		raised("an event rated", key, true)
		exec(`UPDATE events SET escalation = escalation + 1 WHERE created_at >= ? AND created_at < ?`, march.AddDate(0, 0, -9), march.AddDate(0, 1, -9))
		raised("the month's events escalated at once", key, true)
		exec(`UPDATE events SET escalation = 0 WHERE id = -1`)
		raised("an update of no event", key, false)
		exec(`UPDATE event_categories SET name = name || '（改）' WHERE id = ?`, cat)
		raised("a category renamed", store.EventNamesVersion, true)
		exec(`UPDATE grids SET name = name || '（改）' WHERE id = ?`, grid)
		raised("a grid renamed", store.EventNamesVersion, true)
		exec(`UPDATE grids SET leader = '某' WHERE id = ?`, grid)
		raised("a grid's leader changed", store.EventNamesVersion, false)
		exec(`UPDATE departments SET name = name || '（改）' WHERE id = ?`, dept)
		raised("a department renamed", store.EventNamesVersion, true)
		exec(`DELETE FROM events WHERE id = ?`, id)
		raised("an event deleted", key, true)
	})
}
