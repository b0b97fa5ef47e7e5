package web_test

// The events' figures hold the values of events with known times (docs/events.md
// "Performance"), on SQLite and on PostgreSQL: five events of March 2025 in one grid and category,
// dispatched to 城市管理办公室 and reported back after 1, 2, 3, 4 and 400 hours, one sent back
// once, one reopened once: handling time median 3 h and 90th percentile 400 h (nearest rank),
// four on time of five, one return and one reopening — per department, grid and category, the
// total, the hot spot, the printable monthly report and the same through the API.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/events"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestEventFiguresValues(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		grid, comm, dept := f.actor("zs-grid"), f.actor("zs-community"), f.actor("gt-department")
		var gridID, cg int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code = ? ORDER BY id LIMIT 1`, "320116004001").Scan(&gridID))
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM departments WHERE name LIKE '%城市管理%'`).Scan(&cg))
		cat, err := a.EventsService.Category(ctx, 0, "sanitation")
		f.must(err)
		// Monday 3 March 2025, 10:00 China time: a working day; the category's 16 working hours
		// run to Wednesday 10:00
		t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, gongzhi.ChinaTime)
		for i, hours := range []int{1, 2, 3, 4, 400} {
			at := t0.Add(time.Duration(i) * time.Minute)
			f.at(at)
			e, err := a.EventsService.ReportEvent(ctx, grid, events.New{Source: gongzhi.SourcePatrol, CategoryID: cat.ID, GridID: gridID, Title: "垃圾清运"}, nil)
			f.must(err)
			_, err = a.EventsService.Register(ctx, comm, e.ID, "")
			f.must(err)
			_, err = a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, "")
			f.must(err)
			if i == 0 { // sent back once and dispatched again at once
				_, err = a.EventsService.SendBack(ctx, dept, e.ID, "请核实地址")
				f.must(err)
				_, err = a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, "")
				f.must(err)
			}
			if i == 4 { // reported back after an hour, not solved on site: reopened
				f.at(at.Add(time.Hour))
				_, err = a.EventsService.Handle(ctx, dept, e.ID, "已清运", nil)
				f.must(err)
				_, err = a.EventsService.Verify(ctx, grid, e.ID, false, "仍有垃圾", nil)
				f.must(err)
			}
			f.at(at.Add(time.Duration(hours) * time.Hour))
			_, err = a.EventsService.Handle(ctx, dept, e.ID, "已清运", nil)
			f.must(err)
		}

		want := events.PerfRow{Events: 5, Handled: 5, OnTime: 4, OnTimeRate: 0.8, MedianHours: 3, P90Hours: 400, Returns: 1, Reopens: 1}
		check := func(where string, got events.PerfRow) {
			t.Helper()
			got.Key, got.Name = "", ""
			if got != want {
				t.Errorf("%s: %+v, want %+v", where, got, want)
			}
		}
		p, err := a.EventsService.Performance(ctx, f.pur, "2025-03")
		f.must(err)
		check("the total", p.Total)
		for what, rows := range map[string][]events.PerfRow{"department": p.ByDepartment, "grid": p.ByGrid, "category": p.ByCategory} {
			if len(rows) != 1 {
				t.Fatalf("%d rows by %s, want 1: %+v", len(rows), what, rows)
			}
			check("by "+what, rows[0])
		}
		if len(p.HotSpots) != 1 || p.HotSpots[0].Events != 5 || p.HotSpots[0].Category != cat.Name {
			t.Errorf("hot spots %+v", p.HotSpots)
		}

		// the printable monthly report shows them beside the month before, with its Excel sheet
		b := f.e.browser()
		f.e.user("gt-purchaser")
		if st, loc := b.login("gt-purchaser", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", st, loc)
		}
		st, page := b.get("/events/report?month=2025-03")
		if st != 200 {
			t.Fatalf("the monthly report: %d", st)
		}
		for _, want := range []string{`class="event-report"`, "网格事件月度报告 2025-03", "<td data-label=\"2025-03\" class=\"num\">400.0</td>",
			"<td data-label=\"2025-03\" class=\"num\">3.0</td>", "<td data-label=\"2025-03\" class=\"num\">80%</td>",
			`href="/events/report?month=2025-02"`, `href="/events/stats.xlsx?month=2025-03"`, "环境卫生",
			// February had no event: its handling time and on-time rate are not known, not 0
			"<td data-label=\"2025-02\" class=\"num\">—</td>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the monthly report does not show %s", want)
			}
		}
		if strings.Contains(page, "<td data-label=\"2025-02\" class=\"num\">0%</td>") {
			t.Errorf("the monthly report gives a month with nothing handled an on-time rate of 0%%")
		}
		st, sheet := b.get("/events/stats.xlsx?month=2025-03")
		x, err := excelize.OpenReader(strings.NewReader(sheet))
		if st != 200 || err != nil {
			t.Fatalf("the month's Excel sheet: %d %v", st, err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		f.must(err)
		if len(rows) < 2 || !slices.Contains(rows[1], "400") && !slices.Contains(rows[1], "400.0") {
			t.Errorf("the Excel sheet's total row %v has no 90th percentile of 400 hours", rows[1:min(2, len(rows))])
		}

		// the same through the API
		r := f.api(f.e.token("gt-purchaser"), "GET", "/api/v1/events/stats?month=2025-03", nil, 200)
		tot, _ := r.Body["total"].(map[string]any)
		for k, v := range map[string]float64{"events": 5, "handled": 5, "on_time": 4, "on_time_rate": 0.8, "median_hours": 3, "p90_hours": 400, "returns": 1, "reopens": 1} {
			if got, _ := tot[k].(float64); got != v {
				t.Errorf("API total %s = %v, want %v", k, tot[k], v)
			}
		}

		// the figures are kept between reads and follow every write: a sixth event of March
		// reported through the service, the category renamed by plain SQL
		again, err := a.EventsService.Performance(ctx, f.pur, "2025-03")
		f.must(err)
		if again.Total != p.Total || len(again.HotSpots) != 1 || again.HotSpots[0] != p.HotSpots[0] {
			t.Errorf("read again without a write: %+v, want %+v", again.Total, p.Total)
		}
		again.ByGrid[0].Events = 99 // a caller's copy is its own
		f.at(t0.Add(48 * time.Hour))
		_, err = a.EventsService.ReportEvent(ctx, grid, events.New{Source: gongzhi.SourcePatrol, CategoryID: cat.ID, GridID: gridID, Title: "垃圾满溢"}, nil)
		f.must(err)
		p, err = a.EventsService.Performance(ctx, f.pur, "2025-03")
		f.must(err)
		if p.Total.Events != 6 || p.Total.Handled != 5 || p.ByGrid[0].Events != 6 {
			t.Errorf("after a sixth event: total %+v, by grid %+v", p.Total, p.ByGrid)
		}
		_, err = a.DB.Q().Exec(ctx, `UPDATE event_categories SET name = '环境卫生（新）' WHERE id = ?`, cat.ID)
		f.must(err)
		p, err = a.EventsService.Performance(ctx, f.pur, "2025-03")
		f.must(err)
		if len(p.HotSpots) != 1 || p.HotSpots[0].Category != "环境卫生（新）" || p.HotSpots[0].Events != 6 {
			t.Errorf("after the category's rename: hot spots %+v", p.HotSpots)
		}
	})
}
