package web_test

// A household visit's finding becomes a grid event (docs/grids.md, docs/events.md) through the
// API and the pages on the demo street, on SQLite and on PostgreSQL: refused with a bad category
// writing nothing; once, also by fifty identical requests at the same time, the event reported
// from the visit's grid and household with the finding as its source; the visit form's option
// that records the visit and its event in one transaction; the finding and the event linking to
// each other; the grid's page listing its events; the centre registering the event.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestFindingToEvent(t *testing.T) {
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
		grid, com, hub := e.token("zs-grid"), e.token("zs-community"), e.token("gt-hub")
		r := e.call(grid, "GET", "/api/v1/gridwork/overdue", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) < 2 {
			t.Fatalf("overdue: %d %.300s", r.Status, r.Raw)
		}
		h := items[0].(map[string]any)
		hid, gid := int64(h["household_id"].(float64)), int64(h["grid_id"].(float64))
		visit := map[string]any{"household_id": hid, "visited_on": gongzhi.DateOf(e.app.Now()), "situation": "楼道堆放杂物",
			"findings": []map[string]any{{"kind": "problem", "description": "三楼楼道堆满纸箱，堵住消防通道\n已提醒住户"}}}
		r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit)
		if r.Status != 201 {
			t.Fatalf("visit: %d %s", r.Status, r.Raw)
		}
		vid := int64(r.Body["id"].(float64))
		fid := int64(r.Body["findings"].([]any)[0].(map[string]any)["id"].(float64))
		path := fmt.Sprintf("/api/v1/gridwork/findings/%d/event", fid)

		// a category that is not one, and a role that does not visit: refused, nothing written
		events := count(`SELECT COUNT(*) FROM events`)
		r = e.call(grid, "POST", path, map[string]any{"category_code": "nonsense"})
		if _, f := errOf(r); r.Status != 422 || f["category_id"].Code != "event.category_unknown" {
			t.Fatalf("bad category: %d %s", r.Status, r.Raw)
		}
		if r = e.call(hub, "POST", path, map[string]any{"category_code": "hazard"}); r.Status != http.StatusForbidden {
			t.Fatalf("the hub turns a finding into an event: %d", r.Status)
		}
		if n := count(`SELECT COUNT(*) FROM events`); n != events {
			t.Fatalf("refused requests wrote %d events", n-events)
		}

		// once, by fifty identical requests
		got := e.burst(50, grid, "POST", path, map[string]any{"category_code": "fire"})
		if got[201] != 1 || got[409] != 49 {
			t.Fatalf("50 identical finding → event: %v", got)
		}
		if n := count(`SELECT COUNT(*) FROM events`); n != events+1 {
			t.Fatalf("%d events made of one finding", n-events)
		}
		r = e.call(grid, "POST", path, map[string]any{"category_code": "fire"})
		if _, f := errOf(r); r.Status != 409 || f["event_id"].Code != "visit.finding_event_taken" {
			t.Fatalf("a second event: %d %s", r.Status, r.Raw)
		}
		var eid, egrid, ehh int64
		var src, ref, cat, title, state string
		if err := q.QueryRow(ctx, `SELECT e.id, e.source, e.source_ref, e.grid_id, e.household_id, c.code, e.title, e.state FROM events e
			JOIN event_categories c ON c.id = e.category_id JOIN visit_findings f ON f.event_id = e.id WHERE f.id = ?`, fid).
			Scan(&eid, &src, &ref, &egrid, &ehh, &cat, &title, &state); err != nil {
			t.Fatal(err)
		}
		if src != gongzhi.SourceVisit || ref != fmt.Sprintf("%d/%d", vid, fid) || egrid != gid || ehh != hid || cat != "fire" ||
			title != "三楼楼道堆满纸箱，堵住消防通道" || state != gongzhi.EventCollected {
			t.Fatalf("the event: %s %s grid %d household %d %s %q %s", src, ref, egrid, ehh, cat, title, state)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'visit_findings' AND entity_id = ?`, fmt.Sprint(fid)); n != 1 {
			t.Fatalf("%d audit entries of the finding", n)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'events' AND entity_id = ?`, fmt.Sprint(eid)); n != 1 {
			t.Fatalf("%d audit entries of the event", n)
		}

		// the visit form's option: the visit and its event in one transaction, or nothing
		visits := count(`SELECT COUNT(*) FROM visits`)
		other := items[1].(map[string]any)
		visit["household_id"] = int64(other["household_id"].(float64))
		visit["event_category"] = "nonsense"
		if r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit); r.Status != 422 {
			t.Fatalf("visit with a bad event category: %d %s", r.Status, r.Raw)
		}
		visit["findings"] = []map[string]any{}
		visit["event_category"] = "sanitation"
		if r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit); r.Status != 422 {
			t.Fatalf("an event without a finding: %d %s", r.Status, r.Raw)
		} else if _, f := errOf(r); f["findings"].Code != "visit.event_no_finding" {
			t.Fatalf("an event without a finding: %s", r.Raw)
		}
		if n := count(`SELECT COUNT(*) FROM visits`); n != visits {
			t.Fatalf("refused visits wrote %d visits", n-visits)
		}
		if n := count(`SELECT COUNT(*) FROM events`); n != events+1 {
			t.Fatalf("refused visits wrote %d events", n-events-1)
		}
		visit["findings"] = []map[string]any{{"kind": "need", "description": "独居老人希望有人帮忙买菜"}}
		r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit)
		if r.Status != 201 {
			t.Fatalf("visit with its event: %d %s", r.Status, r.Raw)
		}
		f2 := r.Body["findings"].([]any)[0].(map[string]any)
		if f2["event_id"] == nil || count(`SELECT COUNT(*) FROM events WHERE id = ? AND source = 'visit'`, int64(f2["event_id"].(float64))) != 1 {
			t.Fatalf("the visit form's event: %s", r.Raw)
		}

		// the pages: the finding links to its event, the event back to its finding; the form
		// offers the categories, the finding page's default follows the finding's kind
		e.user("zs-grid")
		b := e.browser()
		if st, _ := b.login("zs-grid", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("login: %d", st)
		}
		if st, page := b.get(fmt.Sprintf("/gridwork/visits/%d", vid)); st != 200 || !strings.Contains(page, fmt.Sprintf(`href="/events/%d"`, eid)) {
			t.Fatalf("the visit page does not link to its event: %d", st)
		}
		if st, page := b.get("/gridwork/visits/new"); st != 200 || !strings.Contains(page, `name="event_category"`) {
			t.Fatalf("the visit form has no event option: %d", st)
		}
		if st, page := b.get(fmt.Sprintf("/events/%d", eid)); st != 200 || !strings.Contains(page, fmt.Sprintf(`href="/gridwork/visits/%d#finding-%d"`, vid, fid)) {
			t.Fatalf("the event page does not link to its finding: %d", st)
		}
		// a third visit through the form, its finding turned on its page
		visit["findings"] = []map[string]any{{"kind": "problem", "description": "路灯不亮"}}
		delete(visit, "event_category")
		r = e.call(grid, "POST", "/api/v1/gridwork/visits", visit)
		fid3 := int64(r.Body["findings"].([]any)[0].(map[string]any)["id"].(float64))
		vid3 := int64(r.Body["id"].(float64))
		if _, page := b.get(fmt.Sprintf("/gridwork/visits/%d", vid3)); !strings.Contains(page, fmt.Sprintf(`action="/gridwork/findings/%d/event"`, fid3)) {
			t.Fatal("the finding has no → event form")
		}
		csrf := b.csrf(fmt.Sprintf("/gridwork/visits/%d", vid3))
		st, loc := b.post(fmt.Sprintf("/gridwork/findings/%d/event", fid3), url.Values{"csrf": {csrf}, "category_code": {"facilities"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/events/") {
			t.Fatalf("finding → event by the form: %d %s", st, loc)
		}
		st, page := b.post(fmt.Sprintf("/gridwork/findings/%d/event", fid3), url.Values{"csrf": {csrf}, "category_code": {"facilities"}})
		if st != http.StatusConflict || !strings.Contains(page, "此发现已转为事件") {
			t.Fatalf("a second finding → event by the form: %d", st)
		}

		// the grid's page counts and lists its events, for those who read events
		r = e.call(grid, "GET", fmt.Sprintf("/api/v1/gridwork/grids/%d", gid), nil)
		gev, _ := r.Body["events"].(map[string]any)
		if r.Status != 200 || gev == nil || gev["open"].(float64) < 1 || !strings.Contains(string(r.Raw), fmt.Sprintf(`"id":%d,`, eid)) {
			t.Fatalf("the grid page's events: %d %.300s", r.Status, r.Raw)
		}
		if r = e.call(hub, "GET", fmt.Sprintf("/api/v1/gridwork/grids/%d", gid), nil); r.Status != 200 || r.Body["events"] != nil {
			t.Fatalf("the hub reads the grid's events: %d %.300s", r.Status, r.Raw)
		}
		if _, page := b.get(fmt.Sprintf("/gridwork/grids/%d", gid)); !strings.Contains(page, fmt.Sprintf(`href="/events/%d"`, eid)) ||
			!strings.Contains(page, fmt.Sprintf(`href="/events?grid=%d&amp;state=open"`, gid)) {
			t.Fatal("the grid page does not list its events")
		}

		// the centre registers the event
		if r = e.call(com, "POST", fmt.Sprintf("/api/v1/events/%d/register", eid), map[string]any{}); r.Status != 200 {
			t.Fatalf("register: %d %s", r.Status, r.Raw)
		}
	})
}
