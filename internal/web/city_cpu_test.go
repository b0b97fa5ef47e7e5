package web_test

// Answers made cheaper for the city (issue 10, BENCHMARKS.md "Processor time per request") give
// what they gave before, on SQLite and PostgreSQL: the home page's count of households overdue
// for a visit, counted by the database (gridwork.OverdueCount, store.CountOverdueHouseholds)
// instead of reading every household's state, equals the overdue list's length for a community
// worker (all the community's grids) and a grid worker (its own), with visits on each side of
// both intervals, of vulnerable households and others; the people of an organization (its page)
// are its people within the caller's scope, newest first by place.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestOverdueCount(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		q := db.Q()
		com, grid := e.token("zs-community"), e.token("zs-grid")
		todoCount := func(tok string) int {
			t.Helper()
			r := e.call(tok, "GET", "/api/v1/todos", nil)
			if r.Status != 200 {
				t.Fatalf("todos: %d %s", r.Status, r.Raw)
			}
			n := 0
			for _, it := range r.Body["todos"].([]any) {
				if m := it.(map[string]any); m["key"] == "todo.visits_overdue" {
					n = int(m["count"].(float64))
				}
			}
			return n
		}
		overdue := func(tok string) int {
			t.Helper()
			r := e.call(tok, "GET", "/api/v1/gridwork/overdue", nil)
			if r.Status != 200 {
				t.Fatalf("overdue: %d %s", r.Status, r.Raw)
			}
			return len(r.Body["items"].([]any))
		}
		check := func(when string) {
			t.Helper()
			for _, who := range []struct{ name, tok string }{{"zs-community", com}, {"zs-grid", grid}} {
				want := overdue(who.tok)
				if got := todoCount(who.tok); got != want {
					t.Errorf("%s, %s: to-do counts %d overdue households, the list has %d", when, who.name, got, want)
				}
			}
		}
		check("as the demo has it")

		// households of the community, vulnerable and not, the grid worker's own grid among them
		in := "'" + strings.Join(gongzhi.VulnerableGroups, "', '") + "'"
		var vulnerable, other []int64
		rows, err := q.Query(ctx, `SELECT h.id, EXISTS (SELECT 1 FROM people p JOIN person_target_groups g ON g.person_id = p.id
			WHERE p.household_id = h.id AND g.code IN (`+in+`)) FROM households h
			WHERE h.community_code = ? AND h.grid_id IS NOT NULL ORDER BY h.grid_id, h.id`, demo.ZhongshanCode)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var v bool
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			if v {
				vulnerable = append(vulnerable, id)
			} else {
				other = append(other, id)
			}
		}
		rows.Close()
		if len(vulnerable) < 6 || len(other) < 6 {
			t.Fatalf("the demo community has %d vulnerable and %d other households with a grid", len(vulnerable), len(other))
		}
		day, _ := time.Parse(time.DateOnly, gongzhi.DateOf(e.app.Now()))
		ago := func(days int) string { return day.AddDate(0, 0, -days).Format(time.DateOnly) }
		visit := func(hid int64, on string) {
			t.Helper()
			if _, err := q.Exec(ctx, `INSERT INTO visits (grid_id, household_id, community_code, visited_on, created_at)
				SELECT grid_id, id, community_code, ?, ? FROM households WHERE id = ?`, on, e.app.Now().UTC(), hid); err != nil {
				t.Fatal(err)
			}
		}
		// each side of both intervals (a visit exactly the interval ago is not overdue), today,
		// and a household visited long ago and again lately
		lv, lo := gongzhi.VulnerableVisitIntervalDays, gongzhi.VisitIntervalDays
		for i, days := range []int{0, lv, lv + 1, lo, lo + 1, 400} {
			visit(vulnerable[i], ago(days))
			visit(other[i], ago(days))
		}
		visit(vulnerable[0], ago(500))
		visit(other[5], ago(3))
		check("after visits on each side of the intervals")
	})
}

func TestPeopleOfOrganization(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		q := db.Q()
		pur := e.token("gt-purchaser")
		var org int64
		if err := q.QueryRow(ctx, `SELECT org_id FROM people WHERE org_id IS NOT NULL GROUP BY org_id ORDER BY COUNT(*) DESC, org_id LIMIT 1`).Scan(&org); err != nil {
			t.Fatal(err)
		}
		var want []int64
		// the demo database is the street: every person is in the purchaser's scope
		rows, err := q.Query(ctx, `SELECT id FROM people WHERE org_id = ? ORDER BY place_code, id DESC`, org)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		rows.Close()
		if len(want) < 2 {
			t.Fatalf("organization %d has %d people", org, len(want))
		}
		r := e.call(pur, "GET", fmt.Sprintf("/api/v1/people?org=%d&per_page=200", org), nil)
		if r.Status != 200 {
			t.Fatalf("people of an organization: %d %s", r.Status, r.Raw)
		}
		var got []int64
		for _, it := range r.Body["items"].([]any) {
			got = append(got, int64(it.(map[string]any)["id"].(float64)))
		}
		if !slices.Equal(got, want) || int(r.Body["total"].(float64)) != len(want) {
			t.Fatalf("people of organization %d: %v (total %v), want %v", org, got, r.Body["total"], want)
		}
		if r := e.call(pur, "GET", fmt.Sprintf("/organizations/%d", org), nil); r.Status != 200 {
			t.Fatalf("the organization's page: %d", r.Status)
		}
	})
}
