package web_test

// The escalation level is the current step's (docs/events.md "Deadlines" and "Escalation"), on
// SQLite and on PostgreSQL: an event left collected is raised to the district by the job; once
// registered it starts again at level 0, off the escalated list, and if the new step runs late
// too the job raises it again, each level once more.

import (
	"fmt"
	"testing"
	"time"

	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestEventEscalationFollowsTheStep(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		grid, comm := f.e.token("zs-grid"), f.e.token("zs-community")
		var gridID int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code = ? ORDER BY id LIMIT 1`, "320116004001").Scan(&gridID))
		start := time.Now()
		r := f.api(grid, "POST", "/api/v1/events", map[string]any{"source": "patrol", "category_code": "fire", "grid_id": gridID, "title": "楼道飞线充电"}, 201)
		id := offNum(r.Body["id"])
		ev := fmt.Sprintf("/api/v1/events/%d", id)
		level := func() int64 { return offNum(f.api(comm, "GET", ev, nil, 200).Body["escalation"]) }
		escalatedListed := func() bool {
			for _, it := range offItems(f.api(comm, "GET", "/api/v1/events?escalated=1", nil, 200)) {
				if offNum(it["id"]) == id {
					return true
				}
			}
			return false
		}
		escalations := func() int {
			var n int
			f.must(a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM event_steps WHERE event_id = ? AND action = 'escalated'`, id).Scan(&n))
			return n
		}
		run := func() {
			if _, err := jobs.Run(ctx, a, jobs.ByKind(jobs.KindEvents), a.Now(), 1); err != nil {
				t.Fatal(err)
			}
		}

		// tokens are taken anew after the clock moves: they expire
		f.at(start.Add(10 * 24 * time.Hour))
		comm = f.e.token("zs-community")
		run()
		if l := level(); l != 3 || !escalatedListed() || escalations() != 3 {
			t.Fatalf("left collected ten days: level %d, listed %v, %d lines", l, escalatedListed(), escalations())
		}
		// registered: the dispatching step starts at level 0
		f.api(comm, "POST", ev+"/register", nil, 200)
		if l := level(); l != 0 || escalatedListed() {
			t.Fatalf("registered: level %d, still listed as escalated %v", l, escalatedListed())
		}
		run()
		if l := level(); l != 0 {
			t.Fatalf("the job raised a step on time to %d", l)
		}
		// the new step runs late too: raised again, each level once more
		f.at(start.Add(20 * 24 * time.Hour))
		comm = f.e.token("zs-community")
		run()
		if l := level(); l != 3 || escalations() != 6 {
			t.Fatalf("the dispatching step late: level %d, %d escalation lines, want 3 and 6", l, escalations())
		}
	})
}
