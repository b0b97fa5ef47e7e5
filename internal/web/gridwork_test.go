package web_test

// Grid work (docs/grids.md) through the API on the demo street, on SQLite and on PostgreSQL:
// teams and their once rule, responsibility lists, boundaries imported all or nothing with bad
// geometry refused by feature, the visit figures, the overdue list of the grid worker, a visit
// with its finding, and the finding turned into a need once — also by fifty identical requests
// at the same time.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestGridWork(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		q := db.Q()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		com, grid, pur, hub := e.token("zs-community"), e.token("zs-grid"), e.token("gt-purchaser"), e.token("gt-hub")
		var gid int64
		var gcode string
		if err := q.QueryRow(ctx, `SELECT id, code FROM grids WHERE community_code = ? ORDER BY code LIMIT 1`, demo.ZhongshanCode).Scan(&gid, &gcode); err != nil {
			t.Fatal(err)
		}

		// the grid page: the demo's team, list and figures; the hub reads figures, not households
		r := e.call(com, "GET", fmt.Sprintf("/api/v1/gridwork/grids/%d", gid), nil)
		if r.Status != 200 || len(r.Body["members"].([]any)) < 2 || len(r.Body["duties"].([]any)) != 4 || len(r.Body["households"].([]any)) == 0 {
			t.Fatalf("grid page: %d %.400s", r.Status, r.Raw)
		}
		if r = e.call(hub, "GET", fmt.Sprintf("/api/v1/gridwork/grids/%d", gid), nil); r.Status != 200 || len(r.Body["households"].([]any)) != 0 {
			t.Fatalf("hub's grid page: %d %.300s", r.Status, r.Raw)
		}
		// a member: a resident of another household of the grid, once
		var person int64
		if err := q.QueryRow(ctx, `SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.grid_id = ?
			AND p.id NOT IN (SELECT person_id FROM grid_members) ORDER BY p.id LIMIT 1`, gid).Scan(&person); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/gridwork/grids/%d/members", gid)
		if r = e.call(grid, "POST", path, map[string]any{"person_id": person, "post": "doctor"}); r.Status != http.StatusForbidden {
			t.Fatalf("a grid worker makes up the team: %d", r.Status)
		}
		if r = e.call(com, "POST", path, map[string]any{"person_id": person, "post": "astronaut", "backup_of": 999999}); r.Status != 422 {
			t.Fatalf("bad member: %d %s", r.Status, r.Raw)
		} else if _, f := errOf(r); f["post"].Code != "choice" || f["backup_of"].Code != "grid.backup_unknown" {
			t.Fatalf("bad member: %s", r.Raw)
		}
		got := e.burst(50, com, "POST", path, map[string]any{"person_id": person, "post": "doctor"})
		if got[201] != 1 || got[409] != 49 {
			t.Fatalf("50 identical members: %v", got)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'grid_members' AND action = 'create' AND after LIKE ?`, fmt.Sprintf(`%%"person_id":%d,%%`, person)); n != 1 {
			t.Fatalf("%d audit entries of one member", n)
		}
		var mid int64
		if err := q.QueryRow(ctx, `SELECT id FROM grid_members WHERE person_id = ? AND grid_id = ?`, person, gid).Scan(&mid); err != nil {
			t.Fatal(err)
		}
		if r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/gridwork/members/%d", mid), nil); r.Status != 204 {
			t.Fatalf("remove member: %d %s", r.Status, r.Raw)
		}
		if r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/gridwork/members/%d", mid), nil); r.Status != 409 {
			t.Fatalf("remove a member twice: %d %s", r.Status, r.Raw)
		}
		// a duty
		r = e.call(com, "POST", fmt.Sprintf("/api/v1/gridwork/grids/%d/duties", gid), map[string]any{"title": "防汛值守", "post": "leader"})
		if r.Status != 201 {
			t.Fatalf("duty: %d %s", r.Status, r.Raw)
		}
		if r = e.call(com, "DELETE", fmt.Sprintf("/api/v1/gridwork/duties/%d", int64(r.Body["id"].(float64))), nil); r.Status != 204 {
			t.Fatalf("remove duty: %d", r.Status)
		}

		// boundaries: all or nothing, each bad feature named
		before := count(`SELECT COUNT(*) FROM grid_boundaries`)
		square := `[[[118.80,32.25],[118.81,32.25],[118.81,32.26],[118.80,32.26],[118.80,32.25]]]`
		feature := func(code, typ, coords string) string {
			return `{"type":"Feature","properties":{"grid_code":"` + code + `"},"geometry":{"type":"` + typ + `","coordinates":` + coords + `}}`
		}
		bad := `{"type":"FeatureCollection","features":[` + strings.Join([]string{
			feature(gcode, "Polygon", square),
			feature("02", "Polygon", `[[[118.80,32.25],[118.81,32.25],[118.81,32.26],[118.80,32.26]]]`),                // open
			feature("03", "Point", `[118.80,32.25]`),                                                                   // not a polygon
			feature("01", "Polygon", `[[[118.80,32.25],[118.81,32.26],[118.81,32.25],[118.80,32.26],[118.80,32.25]]]`), // crossing
			feature("99", "Polygon", square),                                                                           // no such grid
		}, ",") + `]}`
		r = e.call(com, "POST", "/api/v1/gridwork/boundaries?place="+demo.ZhongshanCode, bad)
		_, f := errOf(r)
		if r.Status != 422 || f["features.2"].Code != "geo.ring_open" || f["features.3"].Code != "geo.not_polygon" || f["features.4"].Code != "geo.ring_crossing" {
			t.Fatalf("bad geometry: %d %s", r.Status, r.Raw)
		}
		good := `{"type":"FeatureCollection","features":[` + feature(gcode, "Polygon", square) + `,` + feature("99", "Polygon", square) + `]}`
		if r = e.call(com, "POST", "/api/v1/gridwork/boundaries?place="+demo.ZhongshanCode, good); r.Status != 422 {
			t.Fatalf("unknown grid: %d %s", r.Status, r.Raw)
		} else if _, f := errOf(r); !fieldIs(f["features.2"], "zh-CN", "geo.grid_unknown:99") {
			t.Fatalf("unknown grid: %s", r.Raw)
		}
		if r = e.call(com, "POST", "/api/v1/gridwork/boundaries?place="+demo.ZhongshanCode, `{"type":"Topology"}`); r.Status != 422 {
			t.Fatalf("not a collection: %d", r.Status)
		}
		if n := count(`SELECT COUNT(*) FROM grid_boundaries`); n != before {
			t.Fatalf("refused imports wrote %d boundaries", n-before)
		}
		good = `{"type":"FeatureCollection","features":[` + feature(gcode, "Polygon", square) + `]}`
		if r = e.call(com, "POST", "/api/v1/gridwork/boundaries?place="+demo.ZhongshanCode, good); r.Status != 200 || r.Body["grids"].(float64) != 1 {
			t.Fatalf("import: %d %s", r.Status, r.Raw)
		}
		// the maps of the street and the community; figures per grid, community and street
		if r = e.call(pur, "GET", "/api/v1/gridwork/map?place="+demo.StreetCode, nil); r.Status != 200 || len(r.Body["grids"].([]any)) < 20 {
			t.Fatalf("street map: %d %.300s", r.Status, r.Raw)
		}
		r = e.call(pur, "GET", "/api/v1/gridwork/rates", nil)
		tot, _ := r.Body["total"].(map[string]any)
		if r.Status != 200 || len(r.Body["communities"].([]any)) != 8 || tot["households"].(float64) < 800 || tot["rate"].(float64) < 0.6 || tot["rate"].(float64) >= 1 {
			t.Fatalf("rates: %d %.500s", r.Status, r.Raw)
		}
		if r = e.call(pur, "GET", "/api/v1/gridwork/rates?period=2026Q5", nil); r.Status != 422 {
			t.Fatalf("bad period: %d", r.Status)
		}

		// the grid worker's overdue households, a visit of one, its finding into a need once
		r = e.call(grid, "GET", "/api/v1/gridwork/overdue", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) == 0 {
			t.Fatalf("overdue: %d %.300s", r.Status, r.Raw)
		}
		h := items[0].(map[string]any)
		hid := int64(h["household_id"].(float64))
		if int64(h["grid_id"].(float64)) != gid {
			t.Fatalf("zs-grid's overdue household is of grid %v, want its own %d", h["grid_id"], gid)
		}
		var met, stranger int64
		if err := q.QueryRow(ctx, `SELECT id FROM people WHERE household_id = ? ORDER BY id LIMIT 1`, hid).Scan(&met); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(ctx, `SELECT id FROM people WHERE household_id <> ? AND kind = 'resident' ORDER BY id LIMIT 1`, hid).Scan(&stranger); err != nil {
			t.Fatal(err)
		}
		visit := map[string]any{"household_id": hid, "visited_on": gongzhi.DateOf(e.app.Now()), "people_met": []int64{met, stranger},
			"situation": "老人独居，行动不便", "findings": []map[string]any{{"kind": "need", "description": "希望每周有人上门助浴"}}}
		if r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit); r.Status != 422 {
			t.Fatalf("a stranger met: %d %s", r.Status, r.Raw)
		} else if _, f := errOf(r); f["people_met"].Code != "visit.not_member" {
			t.Fatalf("a stranger met: %s", r.Raw)
		}
		visit["people_met"] = []int64{met}
		r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit)
		if r.Status != 201 {
			t.Fatalf("visit: %d %s", r.Status, r.Raw)
		}
		fid := int64(r.Body["findings"].([]any)[0].(map[string]any)["id"].(float64))
		if r = e.call(grid, "GET", "/api/v1/gridwork/overdue", nil); len(r.Body["items"].([]any)) != len(items)-1 {
			t.Fatalf("after the visit %d overdue, want %d", len(r.Body["items"].([]any)), len(items)-1)
		}
		needs := count(`SELECT COUNT(*) FROM needs`)
		path = fmt.Sprintf("/api/v1/gridwork/findings/%d/need", fid)
		if r = e.call(grid, "POST", path, map[string]any{"target_group": "nobody", "category_code": "elderly_home_care"}); r.Status != 422 {
			t.Fatalf("bad target group: %d %s", r.Status, r.Raw)
		}
		got = e.burst(50, grid, "POST", path, map[string]any{"target_group": "elderly_alone", "category_code": "elderly_home_care"})
		if got[201] != 1 || got[409] != 49 {
			t.Fatalf("50 identical finding → need: %v", got)
		}
		if n := count(`SELECT COUNT(*) FROM needs`); n != needs+1 {
			t.Fatalf("%d needs made of one finding", n-needs)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'visit_findings' AND entity_id = ?`, fmt.Sprint(fid)); n != 1 {
			t.Fatalf("%d audit entries of the finding", n)
		}
		r = e.call(grid, "POST", path, map[string]any{"target_group": "elderly_alone", "category_code": "elderly_home_care"})
		if _, f := errOf(r); r.Status != 409 || f["need_id"].Code != "visit.finding_taken" {
			t.Fatalf("a second need: %d %s", r.Status, r.Raw)
		}
		var src string
		if err := q.QueryRow(ctx, `SELECT n.source FROM needs n JOIN visit_findings f ON f.need_id = n.id WHERE f.id = ?`, fid).Scan(&src); err != nil || src != "household_visit" {
			t.Fatalf("the need's source: %q %v", src, err)
		}
		// the home page lists the overdue visits
		if r = e.call(grid, "GET", "/api/v1/todos", nil); !strings.Contains(string(r.Raw), "todo.visits_overdue") {
			t.Fatalf("to-do: %s", r.Raw)
		}
	})
}
