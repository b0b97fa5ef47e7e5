package web_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestCommunityLedgerNewestFirst: a community worker's ledger lists the entries that served the
// community newest first, page after page by cursor, every entry once, as the entries' own days
// say — also after a correction moves an entry's day (its community rows carry the day,
// migration 0038).
func TestCommunityLedgerNewestFirst(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := ledSign(f)
		zs, _ := ledResidents(f)
		prov, com := f.e.token("gt-provider"), f.e.token("zs-community")
		day := func(d int) string {
			s, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
			return s.AddDate(0, 0, d).Format(time.DateOnly)
		}
		var first int64
		for i, d := range []int{3, 5, 1, 4, 2, 5} {
			id := offNum(f.api(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(d), zs[i:i+2], 1), 201).Body["id"])
			if i == 0 {
				first = id
			}
		}
		walk := func() []int64 {
			var got []int64
			path := "/api/v1/ledger?per_page=7"
			for range 500 {
				r := f.api(com, "GET", path, nil, 200)
				for _, it := range offItems(r) {
					got = append(got, offNum(it["id"]))
				}
				next, _ := r.Body["next"].(string)
				if next == "" {
					return got
				}
				path = "/api/v1/ledger?per_page=7&after=" + next
			}
			t.Fatal("more than 500 pages")
			return nil
		}
		want := func() []int64 {
			var ids []int64
			rows, err := db.Q().Query(f.ctx, `SELECT id FROM service_entries WHERE communities LIKE ? ORDER BY held_on DESC, id DESC`, "%,"+demo.ZhongshanCode+",%")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			return ids
		}
		if got, w := walk(), want(); len(got) < 6 || !slices.Equal(got, w) {
			t.Fatalf("community ledger by pages: %v, want %v", got, w)
		}
		// the first entry (day 3) corrected to day 6: first now
		corr := ledEntry(ct, day(6), zs[:2], 1)
		corr["reason"] = "日期录错"
		f.api(prov, "PUT", fmt.Sprintf("/api/v1/ledger/%d", first), corr, 200)
		got, w := walk(), want()
		if !slices.Equal(got, w) || got[0] != first {
			t.Fatalf("after the correction: %v, want %v with %d first", got, w, first)
		}
		if r := f.api(com, "GET", "/api/v1/ledger", nil, 200); offNum(r.Body["total"]) != int64(len(w)) {
			t.Errorf("total %v, want %d", r.Body["total"], len(w))
		}
	})
}
