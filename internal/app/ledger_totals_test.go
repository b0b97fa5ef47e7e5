package app_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestLedgerTotalsKept: the ledger totals kept on write (migrations 0015 and 0036: by kind, by
// tag, distinct people) equal a recount of the ledger after a mix of entries, corrections and
// voidings on two contracts, with writers running at once, and RebuildLedgerTotals gives the same
// totals again.
func TestLedgerTotalsKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		a, ctx := f.a, f.ctx
		ids := []int64{f.ct.ID, f.ct1.ID}
		check := func(when string) {
			t.Helper()
			kept, err := db.Q().LedgerTotalsByContract(ctx, ids)
			f.must(err)
			counted, err := db.Q().RecountLedgerTotals(ctx, ids)
			f.must(err)
			if !reflect.DeepEqual(kept, counted) {
				for _, id := range ids {
					t.Errorf("%s: contract %d: kept %+v, counted %+v", when, id, kept[id], counted[id])
				}
			}
		}
		check("empty ledger")

		var mine []*gongzhi.ServiceEntry
		for i := range 6 {
			e := f.entry(f.ct, gongzhi.ActivityKinds[i%4], 1+i, f.zs[i%4:i%4+2+i%2], i)
			e.Tags = [][]string{nil, {"上门探访"}, {"上门探访", "助餐"}}[i%3]
			f.must(a.RecordEntry(ctx, f.providers[0], e))
			mine = append(mine, e)
		}
		check("after entries")
		// a correction changes the kind, the people and the visits; voiding takes an entry out
		c := f.entry(f.ct, gongzhi.ActivityCasework, 2, []int64{f.zs[5], f.zs[0]}, 3)
		c.Tags = []string{"电话关怀", "助餐"}
		f.must(a.CorrectEntry(ctx, f.providers[0], mine[1].ID, c, "人员登记有误，更正"))
		f.must(a.VoidEntry(ctx, f.providers[0], mine[2].ID, "重复录入，作废"))
		f.must(a.VoidEntry(ctx, f.providers[0], mine[4].ID, "重复录入，作废"))
		check("after corrections and voiding")

		// writers at once: two providers on their contracts, the same people again and again
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				prov, ct := f.providers[w%2], f.ct
				if w%2 == 1 {
					ct = f.ct1
				}
				for i := range 6 {
					e := f.entry(ct, gongzhi.ActivityKinds[(w+i)%4], 1+i, f.zs[(w+i)%4:(w+i)%4+2], w)
					e.Tags = [][]string{{"上门探访"}, nil, {"助餐", "上门探访"}}[(w+i)%3]
					if err := a.RecordEntry(context.Background(), prov, e); err != nil {
						errs <- err
						return
					}
					if i == 3 {
						if err := a.VoidEntry(context.Background(), prov, e.ID, "重复录入，作废"); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		check("after concurrent writers")

		f.must(db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.RebuildLedgerTotals(ctx) }))
		check("after a rebuild")
		kept, err := db.Q().LedgerTotalsByContract(ctx, ids)
		f.must(err)
		// 6 entries less 2 voided, then two writers of 6 less 1 voided on each contract
		if kept[f.ct.ID] == nil || kept[f.ct.ID].Entries != 14 || kept[f.ct1.ID] == nil || kept[f.ct1.ID].Entries != 10 {
			t.Errorf("kept totals: %+v and %+v, want 14 and 10 entries", kept[f.ct.ID], kept[f.ct1.ID])
		}
		// the tags are counted (the recount reads them from the entries)
		if kept[f.ct.ID] == nil || kept[f.ct.ID].ByTag["上门探访"] == 0 || kept[f.ct.ID].ByTag["电话关怀"] != 1 {
			t.Errorf("kept totals by tag: %+v", kept[f.ct.ID])
		}
		// a dashboard asks the tags only of the contracts counting by tag
		some, err := db.Q().LedgerTotalsTagged(ctx, ids, func(id int64) bool { return id == f.ct1.ID })
		f.must(err)
		if some[f.ct.ID].ByTag != nil || !reflect.DeepEqual(some[f.ct1.ID], kept[f.ct1.ID]) || some[f.ct.ID].Entries != 14 {
			t.Errorf("tagged for one contract: %+v and %+v", some[f.ct.ID], some[f.ct1.ID])
		}
	})
}
