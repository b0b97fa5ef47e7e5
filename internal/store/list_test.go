package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// seedPeople adds n people in two communities, with names, phones and target groups that the
// searches below find.
func seedPeople(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	places := []gongzhi.Place{
		{Code: "330900000000", Name: "舟山市", Level: 2},
		{Code: "330902000000", Name: "定海区", Level: 3, ParentCode: "330900000000"},
		{Code: "330902001000", Name: "解放街道", Level: 4, ParentCode: "330902000000"},
		{Code: "330902001001", Name: "东门社区", Level: 5, ParentCode: "330902001000"},
		{Code: "330902001002", Name: "西门社区", Level: 5, ParentCode: "330902001000"},
	}
	if _, err := db.Q().UpsertPlaces(ctx, places, now); err != nil {
		t.Fatal(err)
	}
	surnames := []string{"张", "王", "单", "曾", "李"}
	given := []string{"伟", "芳", "雄信", "国藩", "娜"}
	var ps []*gongzhi.Person
	var secs []store.PersonSecret
	for i := range n {
		p := &gongzhi.Person{Kind: "resident", Name: surnames[i%5] + given[(i/5)%5], Phone: fmt.Sprintf("139%08d", i),
			PlaceCode: places[3+i%2].Code, BirthYear: 1940 + i%60}
		if i%7 == 0 {
			p.TargetGroups = []string{"elderly"}
		}
		if i%35 == 0 {
			p.TargetGroups = append(p.TargetGroups, "disabled")
		}
		ps = append(ps, p)
		secs = append(secs, store.PersonSecret{})
	}
	err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertPeopleBatch(ctx, ps, secs, now) })
	if err != nil {
		t.Fatal(err)
	}
}

func listIDs(t *testing.T, q *store.Q, s store.Scope, opts store.ListOptions) ([]int64, int, gongzhi.ListInfo) {
	t.Helper()
	var info gongzhi.ListInfo
	opts.Info = &info
	var ids []int64
	total, err := q.ListPeople(context.Background(), s, opts, func(p *gongzhi.Person) error { ids = append(ids, p.ID); return nil })
	if err != nil {
		t.Fatalf("list %+v: %v", opts, err)
	}
	return ids, total, info
}

// TestListCursors pages through lists with cursors forward and back, and checks that they give
// the rows of the whole list (an export, read in chunks) in its order, under several sorts, on
// both databases; and that counts stop at MaxCount, deep pages are refused, and searches and
// filters find what they should.
func TestListCursors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = gongzhi.MaxCount + 50
		seedPeople(t, db, n)
		q := db.Q()
		street := store.Scope{Prefix: "330902001"}
		for _, sort := range []struct {
			name string
			desc bool
		}{{"", false}, {"name", false}, {"name", true}, {"birth_year", true}} {
			base := store.ListOptions{Sort: sort.name, Desc: sort.desc}
			all, total, info := listIDs(t, q, street, base)
			if len(all) != n || total != n || !info.TotalExact {
				t.Fatalf("sort %v: export %d rows, total %d, exact %v", sort, len(all), total, info.TotalExact)
			}
			if len(slices.Compact(slices.Sorted(slices.Values(all)))) != n {
				t.Fatalf("sort %v: export repeats rows", sort)
			}
			// forward with after= from the first page
			opts := base
			opts.Limit = 1500
			var got []int64
			var pages []string
			for {
				ids, total, info := listIDs(t, q, street, opts)
				if total != gongzhi.MaxCount || info.TotalExact {
					t.Fatalf("sort %v: paged total %d exact %v, want bound %d", sort, total, info.TotalExact, gongzhi.MaxCount)
				}
				got = append(got, ids...)
				pages = append(pages, opts.After)
				if info.Next == "" {
					break
				}
				opts.After = info.Next
			}
			if !slices.Equal(got, all) {
				t.Fatalf("sort %v: cursor pages differ from the export (%d rows vs %d)", sort, len(got), len(all))
			}
			// back with before= from the last page
			opts = base
			opts.Limit = 1500
			opts.After = pages[len(pages)-1]
			var back []int64
			for {
				ids, _, info := listIDs(t, q, street, opts)
				back = append(slices.Clone(ids), back...)
				if info.Prev == "" {
					break
				}
				opts.After, opts.Before = "", info.Prev
			}
			if !slices.Equal(back, all) {
				t.Fatalf("sort %v: pages back differ from the export (%d rows vs %d)", sort, len(back), len(all))
			}
			// page= agrees with cursors
			opts = base
			opts.Limit, opts.Offset = 1500, gongzhi.MaxOffset
			ids, _, _ := listIDs(t, q, street, opts)
			if !slices.Equal(ids, all[gongzhi.MaxOffset:gongzhi.MaxOffset+1500]) {
				t.Fatalf("sort %v: page 3 differs", sort)
			}
		}
		// a cursor made under one sort is refused under another
		_, _, info := listIDs(t, q, street, store.ListOptions{Limit: 10})
		_, err := q.ListPeople(context.Background(), street, store.ListOptions{Limit: 10, Sort: "name", After: info.Next},
			func(*gongzhi.Person) error { return nil })
		if e := gongzhi.AsError(err); e == nil || e.Fields["after"] != "err.cursor" {
			t.Fatalf("cursor under another sort: %v", err)
		}
		_, err = q.ListPeople(context.Background(), street, store.ListOptions{Limit: 20, Offset: gongzhi.MaxOffset + 20},
			func(*gongzhi.Person) error { return nil })
		if e := gongzhi.AsError(err); e == nil || e.Fields["page"] != "err.page_deep" {
			t.Fatalf("deep page: %v", err)
		}
		// searches and filters
		for _, c := range []struct {
			q, group string
			want     func(i int) bool
		}{
			{q: "张", want: func(i int) bool { return i%5 == 0 }},
			{q: "张伟", want: func(i int) bool { return i%5 == 0 && (i/5)%5 == 0 }},
			{q: "zhang", want: func(i int) bool { return i%5 == 0 }},
			{q: "ZW", want: func(i int) bool { return (i%5 == 0 || i%5 == 3) && (i/5)%5 == 0 }}, // 张伟, 曾伟
			{q: "shan", want: func(i int) bool { return i%5 == 2 }},
			{q: "zgf", want: func(i int) bool { return (i%5 == 0 || i%5 == 3) && (i/5)%5 == 3 }}, // 张国藩, 曾国藩
			{q: "zeng", want: func(i int) bool { return i%5 == 3 }},
			{q: "1390000012", want: func(i int) bool { return i/10 == 12 }},
			{group: "elderly", want: func(i int) bool { return i%7 == 0 }},
			{q: "li", group: "disabled", want: func(i int) bool { return i%35 == 0 && i%5 == 4 }},
		} {
			opts := store.ListOptions{Q: c.q, Filters: map[string]string{}}
			if c.group != "" {
				opts.Filters["target_group"] = c.group
			}
			ids, total, _ := listIDs(t, q, street, opts)
			want := 0
			for i := range n {
				if c.want(i) {
					want++
				}
			}
			if len(ids) != want || total != want {
				t.Errorf("search %q group %q: %d rows (total %d), want %d", c.q, c.group, len(ids), total, want)
			}
		}
		// target-group rows follow an update and a delete
		ctx := context.Background()
		ids, _, _ := listIDs(t, q, street, store.ListOptions{Filters: map[string]string{"target_group": "disabled"}})
		p, err := q.GetPerson(ctx, street, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		p.TargetGroups = []string{"children"}
		p.Name = "单于飞"
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.UpdatePerson(ctx, p, nil, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := listIDs(t, q, street, store.ListOptions{Q: "chanyu", Filters: map[string]string{"target_group": "children"}}); !slices.Equal(got, []int64{p.ID}) {
			t.Fatalf("after update: %v", got)
		}
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.DeletePerson(ctx, p.ID) }); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := listIDs(t, q, street, store.ListOptions{Filters: map[string]string{"target_group": "children"}}); len(got) != 0 {
			t.Fatalf("after delete: %v", got)
		}
	})
}

// TestListsPlannedForTheirValues checks that PostgreSQL plans a list's page and count for the
// values bound each time (docs/lists.md "Plans"): kept as prepared statements, they were soon
// run with a generic plan, which takes a city's place range for a few rows (a grid's visits
// read 351,000 index entries of the city's to intersect with the grid's 162).
func TestListsPlannedForTheirValues(t *testing.T) {
	db := storetest.Postgres(t)
	seedPeople(t, db, 40)
	ctx := context.Background()
	err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var id int64
		for range 8 {
			ids, total, _ := listIDs(t, q, store.Scope{Prefix: "3309"}, store.ListOptions{Limit: 5, Q: "张"})
			if len(ids) != 5 || total != 8 {
				t.Fatalf("page %d rows of %d, want 5 of 8", len(ids), total)
			}
			id = ids[0]
		}
		// the control: a statement that is not a list is kept prepared on this connection
		if _, err := q.GetPerson(ctx, store.Scope{Prefix: "3309"}, id); err != nil {
			return err
		}
		var lists, others int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FILTER (WHERE statement LIKE '%counted%' OR statement LIKE '%ORDER BY pe.place_code%'),
			COUNT(*) FILTER (WHERE statement LIKE '%FROM people pe%') FROM pg_prepared_statements
			WHERE statement NOT LIKE '%pg_prepared_statements%'`).Scan(&lists, &others); err != nil {
			return err
		}
		if lists != 0 || others == 0 {
			t.Errorf("prepared statements: %d of lists (want 0), %d others (want the person's)", lists, others)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPostgresSessionSettings: the pool's connections plan without parallel workers
// (postgresSession in db.go), unless the DSN says otherwise.
func TestPostgresSessionSettings(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	for _, c := range []struct{ dsn, want string }{{dsn, "0"}, {dsn + "&max_parallel_workers_per_gather=2", "2"}} {
		db, err := store.Open(ctx, c.dsn)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = db.Q().QueryRow(ctx, `SHOW max_parallel_workers_per_gather`).Scan(&got)
		db.Close()
		if err != nil || got != c.want {
			t.Errorf("max_parallel_workers_per_gather = %q (%v), want %q", got, err, c.want)
		}
	}
}

// TestNarrowListsKeptPrepared: a list within one community (and a list with no range at all) is
// few rows whatever its values, so it stays prepared and PostgreSQL keeps its plan instead of
// planning it at each run; a street's list whose only values are its range stays prepared too,
// with the range's bounds written into the statement; a street's list with another value is
// still planned for its values (docs/lists.md "Plans"; TestPlacesWritten for the bounds written).
func TestNarrowListsKeptPrepared(t *testing.T) {
	db := storetest.Postgres(t)
	seedPeople(t, db, 40)
	ctx := context.Background()
	prepared := func(q *store.Q) []string {
		t.Helper()
		rows, err := q.Query(ctx, `SELECT statement FROM pg_prepared_statements WHERE (statement LIKE '%counted%' OR statement LIKE '%ORDER BY pe.place_code%')
			AND statement NOT LIKE '%pg_prepared_statements%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	for _, c := range []struct {
		scope   store.Scope
		q       string
		filters map[string]string
		kept    bool
		written string // a literal the kept statements hold
		none    bool   // lists nothing
	}{
		{scope: store.Scope{Prefix: "330902001001"}, kept: true},
		{scope: store.Scope{Prefix: "330902001"}, kept: true, written: "'330902001:'"},
		// a name with few matches is searched as their ids, as narrow as a community
		{scope: store.Scope{Prefix: "330902001001"}, q: "张", kept: true},
		{scope: store.Scope{Prefix: "330902001"}, q: "张", kept: false},
		// a street's list with another value than its range
		{scope: store.Scope{Prefix: "330902001"}, filters: map[string]string{"household": "1"}, kept: false, none: true},
	} {
		err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			before := len(prepared(q))
			for range 3 {
				_, total, _ := listIDs(t, q, c.scope, store.ListOptions{Limit: 5, Q: c.q, Filters: c.filters})
				if (total == 0) != c.none {
					t.Fatalf("%+v %q %v: %d listed", c.scope, c.q, c.filters, total)
				}
			}
			after := prepared(q)
			if kept := len(after) > before; kept != c.kept {
				t.Errorf("list under %s searching %q with %v: kept prepared %v, want %v", c.scope.Prefix, c.q, c.filters, kept, c.kept)
			}
			if c.written != "" && !strings.Contains(strings.Join(after[before:], "\n"), c.written) {
				t.Errorf("list under %s: statements kept %q, without %s", c.scope.Prefix, after[before:], c.written)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
