package demo_test

// The demo street's grid work and events (docs/grids.md, docs/events.md), in a fresh demo on
// SQLite and on PostgreSQL: every grid of 中山社区 has a team, a responsibility list and visits
// over the last 90 days; the street's visit figures are plausible; 中山社区's events stand at
// each of the seven steps, and one was rejected, one sent back, one escalated, and one was born
// of a visit's finding, the finding and the event linking to each other.

import (
	"context"
	"os"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
)

// TestMain runs the tests with storetest.Main, which drops the PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestDemoGridWorkAndEvents(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, demodb.Box(), demodb.Config, nil)
		q := db.Q()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		since := time.Now().In(gongzhi.ChinaTime).AddDate(0, 0, -90).Format(time.DateOnly)

		// every grid of 中山社区: a team, duties, visits in the last 90 days, most households visited
		grids := count(`SELECT COUNT(*) FROM grids WHERE community_code = ?`, demo.ZhongshanCode)
		if grids < 3 {
			t.Fatalf("中山社区 has %d grids", grids)
		}
		for what, query := range map[string]string{
			"a team":        `SELECT COUNT(*) FROM grids g WHERE g.community_code = ? AND EXISTS (SELECT 1 FROM grid_members m WHERE m.grid_id = g.id)`,
			"duties":        `SELECT COUNT(*) FROM grids g WHERE g.community_code = ? AND EXISTS (SELECT 1 FROM grid_duties d WHERE d.grid_id = g.id)`,
			"a boundary":    `SELECT COUNT(*) FROM grids g WHERE g.community_code = ? AND EXISTS (SELECT 1 FROM grid_boundaries b WHERE b.grid_id = g.id)`,
			"recent visits": `SELECT COUNT(*) FROM grids g WHERE g.community_code = ? AND EXISTS (SELECT 1 FROM visits v WHERE v.grid_id = g.id AND v.visited_on >= '` + since + `')`,
		} {
			if n := count(query, demo.ZhongshanCode); n != grids {
				t.Errorf("%d of 中山社区's %d grids have %s", n, grids, what)
			}
		}
		hh := count(`SELECT COUNT(*) FROM households h WHERE h.grid_id IS NOT NULL AND h.community_code LIKE '320116004%'`)
		visited := count(`SELECT COUNT(DISTINCT v.household_id) FROM visits v WHERE v.community_code LIKE '320116004%' AND v.visited_on >= ?`, since)
		if r := float64(visited) / float64(hh); r < 0.75 || r > 0.98 {
			t.Errorf("the street's households visited in 90 days: %d of %d (%.0f%%), want most but not all", visited, hh, 100*r)
		}
		// the street's page: this quarter's rate, and some households overdue for the grid worker
		rates, err := a.Rates(ctx, demo.ActorOf(ctx, t, a, "gt-purchaser"), demo.StreetCode, "")
		if err != nil {
			t.Fatal(err)
		}
		if rates.Total.Households != hh || rates.Total.Rate <= 0.2 || rates.Total.Rate > 0.98 || len(rates.Communities) != 8 {
			t.Errorf("the street's visit figures: %+v", rates.Total)
		}
		overdue, err := a.Overdue(ctx, demo.ActorOf(ctx, t, a, "zs-grid"), 0)
		if err != nil || len(overdue) == 0 {
			t.Errorf("zs-grid's overdue households: %d %v", len(overdue), err)
		}

		// 中山社区's events at every step, and the side roads
		ev := func(where string, args ...any) int {
			return count(`SELECT COUNT(*) FROM events e WHERE e.community_code = '`+demo.ZhongshanCode+`' AND `+where, args...)
		}
		for _, st := range []string{gongzhi.EventCollected, gongzhi.EventRegistered, gongzhi.EventHandling, gongzhi.EventHandled,
			gongzhi.EventVerified, gongzhi.EventClosed, gongzhi.EventRejected} {
			if ev(`e.state = ?`, st) == 0 {
				t.Errorf("no event of 中山社区 at %s", st)
			}
		}
		for what, where := range map[string]string{
			"evaluated":                 `e.state = 'closed' AND e.rating > 0`,
			"sent back":                 `e.returns > 0`,
			"escalated to the district": `e.escalation = 3`,
			"solved in the grid":        `e.in_grid`,
			"a 12345 transfer":          `e.source = 'hotline'`,
		} {
			if ev(where) == 0 {
				t.Errorf("no event of 中山社区 %s", what)
			}
		}
		// born of a visit's finding, linked both ways
		if n := ev(`e.source = 'visit' AND e.household_id IS NOT NULL AND EXISTS (SELECT 1 FROM visit_findings f JOIN visits v ON v.id = f.visit_id
			WHERE f.event_id = e.id AND v.household_id = e.household_id AND e.source_ref = v.id || '/' || f.id)`); n == 0 {
			t.Error("no event of 中山社区 born of a visit's finding and linked both ways")
		}
	})
}
