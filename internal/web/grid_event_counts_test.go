// Issue 10: a grid's page counts its open and overdue events in one statement; the figures are
// the ones the events list gives for its filters state=open and overdue=1, for every reader.

package web_test

import (
	"context"
	"testing"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestGridEventCountsAsLists(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var grids []int64
		if _, err := e.app.RegistryService.Grids(ctx, demoActor(t, e, "gt-purchaser"), store.ListOptions{Limit: 100}, func(g *gongzhi.Grid) error {
			grids = append(grids, g.ID)
			return nil
		}); err != nil || len(grids) == 0 {
			t.Fatalf("grids %v %v", grids, err)
		}
		skip := func(*gongzhi.Event) error { return nil }
		open, overdue := 0, 0
		for _, name := range []string{"gt-purchaser", "zs-community", "zs-grid", "gt-department"} {
			ac := demoActor(t, e, name)
			for _, id := range grids {
				count := func(f map[string]string) int {
					f["grid"] = kernel.Id10(id)
					n, err := e.app.Events(ctx, ac, store.ListOptions{Filters: f, Limit: 1, CountOnly: true}, skip)
					if err != nil {
						t.Fatal(err)
					}
					return n
				}
				ev, err := e.app.EventsService.GridEvents(ctx, ac, id, 10)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Open != count(map[string]string{"state": "open"}) || ev.Overdue != count(map[string]string{"overdue": "1"}) {
					t.Errorf("%s, grid %d: %d open and %d overdue, the list counts %d and %d", name, id, ev.Open, ev.Overdue,
						count(map[string]string{"state": "open"}), count(map[string]string{"overdue": "1"}))
				}
				open, overdue = open+ev.Open, overdue+ev.Overdue
			}
		}
		if open == 0 || overdue == 0 {
			t.Fatalf("the demo's grids have %d open and %d overdue events: nothing compared", open, overdue)
		}
	})
}
