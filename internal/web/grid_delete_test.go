package web_test

// Removing a grid (docs/grids.md §1 "Removing a grid"), on SQLite and on PostgreSQL: a grid of the
// demo street with households, a team, duties, a boundary, visits and events is refused with a
// clear conflict naming each, nothing removed; once emptied of its households, team, duties and
// boundary, a grid with no visits or events is removed.

import (
	"fmt"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestDeleteGridInUse(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		com := e.token("zs-community")
		var gid int64
		// 中山社区's first grid: households, a team, duties, a boundary, visits and events
		if err := db.Q().QueryRow(t.Context(), `SELECT id FROM grids WHERE community_code = '320116004001' ORDER BY code LIMIT 1`).Scan(&gid); err != nil {
			t.Fatal(err)
		}
		r := e.call(com, "DELETE", fmt.Sprintf("/api/v1/grids/%d", gid), nil)
		code, fields := errOf(r)
		if r.Status != 409 || code != "conflict" {
			t.Fatalf("deleting a grid in use: %d %s", r.Status, r.Raw)
		}
		for _, k := range []string{"households", "members", "duties", "boundary", "visits", "events"} {
			if fields[k].Code == "" {
				t.Errorf("the refusal does not name the grid's %s: %s", k, r.Raw)
			}
		}
		if e.call(com, "GET", fmt.Sprintf("/api/v1/grids/%d", gid), nil).Status != 200 {
			t.Fatal("the refused grid is gone")
		}

		// a new grid with a team member only: refused naming the team; without it, removed
		r = e.call(com, "POST", "/api/v1/grids", map[string]any{"community_code": "320116004001", "code": "99", "name": "中山社区第99网格"})
		if r.Status != 201 {
			t.Fatalf("new grid: %d %s", r.Status, r.Raw)
		}
		nid := offNum(r.Body["id"])
		var pid int64
		if err := db.Q().QueryRow(t.Context(), `SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code = '320116004001'
			AND p.id NOT IN (SELECT person_id FROM grid_members) ORDER BY p.id LIMIT 1`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		r = e.call(com, "POST", fmt.Sprintf("/api/v1/gridwork/grids/%d/members", nid), map[string]any{"person_id": pid, "post": "volunteer"})
		if r.Status != 201 {
			t.Fatalf("add a member: %d %s", r.Status, r.Raw)
		}
		mid := offNum(r.Body["id"])
		r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/grids/%d", nid), nil)
		if _, f := errOf(r); r.Status != 409 || f["members"].Code != "grid.has_members" || len(f) != 1 {
			t.Fatalf("deleting a grid with a team: %d %s", r.Status, r.Raw)
		}
		if r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/gridwork/members/%d", mid), nil); r.Status != 204 && r.Status != 200 {
			t.Fatalf("remove the member: %d %s", r.Status, r.Raw)
		}
		if r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/grids/%d", nid), nil); r.Status != 204 {
			t.Fatalf("deleting an empty grid: %d %s", r.Status, r.Raw)
		}
	})
}
