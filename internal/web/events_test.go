// Grid events (docs/events.md) through the API: the seven steps with their roles, the refusals
// of bad input and abuse, fifty identical requests to each step deciding once, the escalation
// of an overdue event by the scheduled job, and the throttle of anonymous reports — on SQLite
// and on PostgreSQL.

package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// eventDept finds a department of the demo street by a part of its name.
func eventDept(f *delivOnce, tok, part string) int64 {
	f.t.Helper()
	for _, d := range offItems(f.api(tok, "GET", "/api/v1/departments", nil, 200)) {
		if name, _ := d["name"].(string); strings.Contains(name, part) {
			return offNum(d["id"])
		}
	}
	f.t.Fatalf("no department %s", part)
	return 0
}

func TestEventsSevenStepsOnce(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		grid, comm, dept, res := f.e.token("zs-grid"), f.e.token("zs-community"), f.e.token("gt-department"), f.e.token("zs-resident")
		var gridID, outside int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code = ? ORDER BY id LIMIT 1`, "320116004001").Scan(&gridID))
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code NOT LIKE '320116004%' ORDER BY id LIMIT 1`).Scan(&outside))

		// a grid outside the caller's scope, no category, half a coordinate: refused, nothing written
		var before int
		f.must(a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&before))
		r := f.api(grid, "POST", "/api/v1/events", map[string]any{"source": "patrol", "category_code": "sanitation", "grid_id": outside, "title": "越界"}, 422)
		if _, fs := errOf(r); fs["grid_id"].Code != "event.grid_unknown" {
			t.Fatalf("outside grid: %s", r.Raw)
		}
		r = f.api(grid, "POST", "/api/v1/events", map[string]any{"source": "patrol", "grid_id": gridID, "title": "无类别", "lat": 32.1}, 422)
		if _, fs := errOf(r); fs["category_id"].Code != "required" || fs["lat"].Code != "event.coordinates_both" {
			t.Fatalf("bad report: %s", r.Raw)
		}
		var after int
		f.must(a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&after))
		if after != before {
			t.Fatalf("refused reports wrote %d events", after-before)
		}

		// the resident reports online; the community registers it
		r = f.api(res, "POST", "/api/v1/events", map[string]any{"category_code": "sanitation", "community_code": "320116004001",
			"title": "小区门口垃圾满溢", "description": "垃圾桶满了两天没人清运。", "lat": 32.3, "lon": 118.8}, 201)
		id := offNum(r.Body["id"])
		ev := fmt.Sprintf("%s/events/%d", f.base, id)
		f.once("registrations", burst(t, comm, ev+"/register", `{}`), 200)
		// a department that does not handle the category is refused; the right one takes it
		zz, cg := eventDept(f, comm, "综治中心"), eventDept(f, comm, "城市管理")
		r = f.api(comm, "POST", fmt.Sprintf("/api/v1/events/%d/dispatch", id), map[string]any{"department_id": zz}, 422)
		if _, fs := errOf(r); fs["department_id"].Code != "event.dept_not_handling" {
			t.Fatalf("dispatch to a department not handling the category: %s", r.Raw)
		}
		f.once("dispatches", burst(t, comm, ev+"/dispatch", fmt.Sprintf(`{"department_id":%d}`, cg)), 200)
		// the grid worker may not handle what the department was sent; closing without verification is refused
		f.api(grid, "POST", fmt.Sprintf("/api/v1/events/%d/handle", id), map[string]any{"reason": "代办"}, 409)
		f.once("reports back", burst(t, dept, ev+"/handle", `{"reason":"已清运并增加清运频次"}`), 200)
		r = f.api(comm, "POST", fmt.Sprintf("/api/v1/events/%d/close", id), nil, 409)
		if _, fs := errOf(r); fs["state"].Code != "event.wrong_state" {
			t.Fatalf("close before verification: %s", r.Raw)
		}
		f.once("verifications", burst(t, grid, ev+"/verify", `{"solved":true,"reason":"现场已清理"}`), 200)
		f.once("closings", burst(t, comm, ev+"/close", `{}`), 200)
		f.once("evaluations", burst(t, res, ev+"/rate", `{"rating":4,"comment":"及时"}`), 200)
		var ratings int
		f.must(a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM event_ratings WHERE event_id = ?`, id).Scan(&ratings))
		if ratings != 1 {
			t.Fatalf("%d ratings stored, want 1", ratings)
		}
		hs, err := a.EventHistory(ctx, f.sys, id)
		f.must(err)
		lines := map[string]int{}
		for _, h := range hs {
			lines[h.Action+" "+h.To]++
		}
		f.same("the event's history", lines, map[string]int{"reported collected": 1, "registered registered": 1, "dispatched handling": 1,
			"handled handled": 1, "verified verified": 1, "closed closed": 1, "rated closed": 1})
		f.same("the event's audit", f.audit(events.ResEvents, id), map[string]int{"create ": 1, "registered ": 1, "dispatched ": 1,
			"handled 已清运并增加清运频次": 1, "verified 现场已清理": 1, "closed ": 1, "rate ": 1})

		// a department sends one back with a reason; it waits to be dispatched again
		r = f.api(grid, "POST", "/api/v1/events", map[string]any{"source": "patrol", "category_code": "building", "grid_id": gridID, "title": "违章搭建"}, 201)
		id2 := offNum(r.Body["id"])
		f.api(comm, "POST", fmt.Sprintf("/api/v1/events/%d/register", id2), nil, 200)
		f.api(comm, "POST", fmt.Sprintf("/api/v1/events/%d/dispatch", id2), map[string]any{"department_id": cg}, 200)
		f.api(dept, "POST", fmt.Sprintf("/api/v1/events/%d/return", id2), map[string]any{}, 422)
		r = f.api(dept, "POST", fmt.Sprintf("/api/v1/events/%d/return", id2), map[string]any{"reason": "属区住建局职责"}, 200)
		if r.Body["state"] != gongzhi.EventRegistered || offNum(r.Body["returns"]) != 1 {
			t.Fatalf("sent back: %s", r.Raw)
		}

		// overdue: ten days later the job escalates it to the district, once per level
		f.at(time.Now().Add(10 * 24 * time.Hour))
		done := make(chan int, 4)
		for range 4 {
			go func() {
				n, err := jobs.EscalateEvents(ctx, a, a.Now())
				if err != nil {
					t.Error(err)
				}
				done <- n
			}()
		}
		total := 0
		for range 4 {
			total += <-done
		}
		e, err := a.Event(ctx, f.sys, id2)
		f.must(err)
		if e.Escalation != gongzhi.EscalationDistrict {
			t.Fatalf("escalation %d, want %d", e.Escalation, gongzhi.EscalationDistrict)
		}
		hs, err = a.EventHistory(ctx, f.sys, id2)
		f.must(err)
		esc := 0
		for _, h := range hs {
			if h.Action == "escalated" {
				esc++
			}
		}
		if esc != 3 || total < 3 {
			t.Fatalf("%d escalation lines (%d raised), want 3", esc, total)
		}

		// anonymous reports are throttled by address
		var codes []int
		for range events.ReportIPLimit + 1 {
			r := f.e.call("", "POST", "/api/v1/public/events", map[string]any{"category_code": "other", "community_code": "320116004001", "title": "匿名反映"})
			codes = append(codes, r.Status)
		}
		if codes[events.ReportIPLimit-1] != 201 || codes[events.ReportIPLimit] != 429 {
			t.Fatalf("anonymous reports answered %v", codes)
		}
	})
}
