package web_test

// The departments a reader deals with (docs/events.md): those of its place, of the places above
// it and below it, never a neighbour's; each with the categories it handles besides its own.
// A registered event's dispatch offers the category's responsible department and those that also
// handle it. On SQLite and on PostgreSQL.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/events"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestDepartmentsOfAReader(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		fac, err := a.EventsService.Category(ctx, 0, "facilities")
		f.must(err)
		san, err := a.EventsService.Category(ctx, 0, "sanitation")
		f.must(err)
		for _, d := range []*gongzhi.Department{
			{Name: "长芦街道城市管理办公室", PlaceCode: demo.NeighbourCode, Categories: []int64{fac.ID}},
			{Name: "中山社区物业办", PlaceCode: demo.ZhongshanCode, Categories: []int64{fac.ID, san.ID}},
			{Name: "接待寺社区物业办", PlaceCode: "320116004005", Categories: []int64{fac.ID}},
		} {
			f.must(a.DB.Q().SaveDepartment(ctx, d, time.Now()))
		}
		catID := func(code string) int64 {
			c, err := a.EventsService.Category(ctx, 0, code)
			f.must(err)
			return c.ID
		}
		seen := func(user string) map[string][]int64 {
			out := map[string][]int64{}
			for _, d := range offItems(f.api(f.e.token(user), "GET", "/api/v1/departments", nil, 200)) {
				var cats []int64
				for _, c := range d["categories"].([]any) {
					cats = append(cats, offNum(c))
				}
				out[d["name"].(string)] = cats
			}
			return out
		}
		names := func(m map[string][]int64) []string {
			var out []string
			for n := range m {
				out = append(out, n)
			}
			slices.Sort(out)
			return out
		}
		street := []string{"住房和城乡建设局", "城市管理办公室", "综治中心", "社会事业办", "消防安全办公室"}
		for _, c := range []struct {
			user      string
			want, not []string
		}{
			{"zs-community", append(slices.Clone(street), "中山社区物业办"), []string{"长芦街道", "接待寺社区"}},
			{"gt-purchaser", append(slices.Clone(street), "中山社区物业办", "接待寺社区物业办"), []string{"长芦街道"}},
		} {
			got := seen(c.user)
			for _, w := range c.want {
				if !slices.ContainsFunc(names(got), func(n string) bool { return strings.Contains(n, w) }) {
					t.Errorf("%s: no department %s among %v", c.user, w, names(got))
				}
			}
			for _, n := range names(got) {
				for _, x := range c.not {
					if strings.Contains(n, x) {
						t.Errorf("%s sees %s", c.user, n)
					}
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: %d departments %v, want %d", c.user, len(got), names(got), len(c.want))
			}
			for n, cats := range got {
				var want []int64
				switch {
				case strings.Contains(n, "城市管理办公室"):
					want = []int64{fac.ID}
				case strings.Contains(n, "中山社区物业办"):
					want = []int64{min(fac.ID, san.ID), max(fac.ID, san.ID)}
				case strings.Contains(n, "接待寺社区物业办"):
					want = []int64{fac.ID}
				case strings.Contains(n, "消防安全办公室"):
					want = []int64{catID("hazard")}
				case strings.Contains(n, "住房和城乡建设局"):
					want = []int64{catID("building")}
				}
				if !slices.Equal(cats, want) {
					t.Errorf("%s: %s handles %v, want %v", c.user, n, cats, want)
				}
			}
		}

		// their number does not change the statements that read them (no statement per department)
		comm := f.actor("zs-community")
		count := func() int64 {
			var n atomic.Int64
			_, err := a.EventsService.Departments(store.CountingStatements(ctx, &n), comm)
			f.must(err)
			return n.Load()
		}
		before := count()
		for i := range 20 {
			f.must(a.DB.Q().SaveDepartment(ctx, &gongzhi.Department{Name: fmt.Sprintf("中山社区第%d办", i+1), PlaceCode: demo.ZhongshanCode,
				Categories: []int64{fac.ID, san.ID}}, time.Now()))
		}
		if after := count(); after != before || before > 2 {
			t.Errorf("the community's departments in %d statements, with 20 more in %d; want the same, at most 2", before, after)
		}

		// a registered facilities event in 中山社区: the district's 住建局 is responsible, the
		// street's 城市管理办公室 and 中山社区物业办 also handle it, 接待寺's is not 中山's
		var gridID int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code = ? ORDER BY id LIMIT 1`, demo.ZhongshanCode).Scan(&gridID))
		grid := f.actor("zs-grid")
		e, err := a.EventsService.ReportEvent(ctx, grid, events.New{Source: gongzhi.SourcePatrol, CategoryID: fac.ID, GridID: gridID, Title: "路灯不亮"}, nil)
		f.must(err)
		_, err = a.EventsService.Register(ctx, comm, e.ID, "")
		f.must(err)
		st, page := loginBrowser(t, f.e, "zs-community").get("/events/" + strconv.FormatInt(e.ID, 10))
		if st != 200 {
			t.Fatalf("the event's page: %d", st)
		}
		_, form, ok := strings.Cut(page, `name="department_id"`)
		if !ok {
			t.Fatalf("no dispatch form on a registered event's page:\n%s", page)
		}
		form, _, _ = strings.Cut(form, "</select>")
		for _, w := range []string{"住房和城乡建设局", "城市管理办公室", "中山社区物业办"} {
			if !strings.Contains(form, w) {
				t.Errorf("dispatch offers no %s: %s", w, form)
			}
		}
		for _, x := range []string{"接待寺社区物业办", "长芦街道", "综治中心"} {
			if strings.Contains(form, x) {
				t.Errorf("dispatch offers %s: %s", x, form)
			}
		}

		// dispatched, the event's department is named in the list, as on its own record
		var bureau int64
		f.must(a.DB.Q().QueryRow(ctx, `SELECT id FROM departments WHERE name LIKE '%住房和城乡建设局'`).Scan(&bureau))
		_, err = a.EventsService.Dispatch(ctx, comm, e.ID, bureau, false, "")
		f.must(err)
		tok := f.e.token("zs-community")
		one := f.api(tok, "GET", "/api/v1/events/"+strconv.FormatInt(e.ID, 10), nil, 200).Body["department_name"]
		listed := map[int64]any{}
		for _, it := range offItems(f.api(tok, "GET", "/api/v1/events?limit=200", nil, 200)) {
			listed[offNum(it["id"])] = it["department_name"]
		}
		if name, _ := one.(string); !strings.HasSuffix(name, "住房和城乡建设局") || listed[e.ID] != one {
			t.Errorf("the dispatched event's department: %v on its record, %v in the list", one, listed[e.ID])
		}
	})
}
