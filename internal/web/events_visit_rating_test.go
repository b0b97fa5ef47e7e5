package web_test

// Who evaluates an event born of a household visit (docs/events.md "Who evaluates"), through the
// API on the demo street, on SQLite and on PostgreSQL: the residents with accounts of the visited
// household read it and rate it once it is closed — once, also by fifty identical requests; a
// resident of another household neither reads nor rates it; the home page's to-do asks the
// household's resident to evaluate it until they have.

import (
	"fmt"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestVisitEventRatedByTheHousehold(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		// the demo resident's household, and a resident account of another household
		var hid int64
		var other string
		f.must(a.DB.Q().QueryRow(ctx, `SELECT p.household_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'zs-resident'`).Scan(&hid))
		f.must(a.DB.Q().QueryRow(ctx, `SELECT u.username FROM users u JOIN people p ON p.id = u.person_id
			WHERE u.role = 'resident' AND p.household_id <> ? ORDER BY u.id LIMIT 1`, hid).Scan(&other))
		grid, comm, dept, res, res2 := f.e.token("zs-grid"), f.e.token("zs-community"), f.e.token("gt-department"), f.e.token("zs-resident"), f.e.token(other)

		r := f.api(grid, "POST", "/api/v1/gridwork/visits", map[string]any{"household_id": hid, "visited_on": f.e.app.Now().Format("2006-01-02"),
			"situation": "老人独自在家", "event_category": "sanitation",
			"findings": []map[string]any{{"kind": "problem", "description": "楼下垃圾桶三天未清运"}}}, 201)
		var id int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT event_id FROM visit_findings WHERE visit_id = ?`, offNum(r.Body["id"])).Scan(&id))
		ev := fmt.Sprintf("/api/v1/events/%d", id)

		// the household's resident reads it, another does not; neither rates it before it is closed
		f.api(res, "GET", ev, nil, 200)
		f.api(res2, "GET", ev, nil, 404)
		if _, fs := errOf(f.api(res, "POST", ev+"/rate", map[string]any{"rating": 5}, 409)); fs["state"].Code != "event.not_closed" {
			t.Fatalf("rated before closing: %v", fs)
		}
		listed := func(tok string, filter string) bool {
			for _, it := range offItems(f.api(tok, "GET", "/api/v1/events?"+filter, nil, 200)) {
				if offNum(it["id"]) == id {
					return true
				}
			}
			return false
		}
		if !listed(res, "") || listed(res2, "") {
			t.Fatalf("my events: the household's resident lists it %v, another resident %v", listed(res, ""), listed(res2, ""))
		}

		cg := eventDept(f, comm, "城市管理")
		f.api(comm, "POST", ev+"/register", nil, 200)
		f.api(comm, "POST", ev+"/dispatch", map[string]any{"department_id": cg}, 200)
		f.api(dept, "POST", ev+"/handle", map[string]any{"reason": "已清运"}, 200)
		f.api(grid, "POST", ev+"/verify", map[string]any{"solved": true}, 200)
		f.api(comm, "POST", ev+"/close", nil, 200)

		// closed: on the resident's list of events to evaluate; staff and other residents may not rate it
		if !listed(res, "state=closed&rated=0") {
			t.Fatal("the closed event is not among the resident's events to evaluate")
		}
		f.api(res2, "POST", ev+"/rate", map[string]any{"rating": 1}, 404)
		f.api(comm, "POST", ev+"/rate", map[string]any{"rating": 5}, 403)
		f.once("evaluations", burst(t, res, fmt.Sprintf("%s/events/%d/rate", f.base, id), `{"rating":4,"comment":"清运及时"}`), 200)
		var rating, ratings int
		f.must(a.DB.Q().QueryRow(ctx, `SELECT rating FROM events WHERE id = ?`, id).Scan(&rating))
		f.must(a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM event_ratings WHERE event_id = ?`, id).Scan(&ratings))
		if rating != 4 || ratings != 1 {
			t.Fatalf("rating %d with %d stored, want 4 once", rating, ratings)
		}
		if listed(res, "state=closed&rated=0") {
			t.Fatal("the rated event is still to evaluate")
		}
	})
}
