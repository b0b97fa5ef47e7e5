package app_test

import (
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// An indicator counts only the ledger entries it describes (issue 11 item 6): by kind or by a
// tag chosen for it in the contract, never every entry of the contract; the progress page, the
// dashboard's kept totals and a recount agree.
func TestIndicatorCountsOnlyItsEntries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a, prov := f.ctx, f.a, f.providers[0]
		terms := f.ct.Current.Terms
		terms.Outputs = append(terms.Outputs,
			gongzhi.Indicator{Name: "上门探访", Target: 10, Unit: "次", Measure: gongzhi.MeasureTagPrefix + "上门探访"},
			gongzhi.Indicator{Name: "助餐", Target: 10, Unit: "次", Measure: gongzhi.MeasureTagPrefix + "助餐"},
			gongzhi.Indicator{Name: "亲子活动", Target: 10, Unit: "场", Measure: gongzhi.MeasureEntries + ":" + gongzhi.ActivityGroup},
			gongzhi.Indicator{Name: "活动次数", Target: 10, Unit: "次"}) // says nothing: counts nothing
		_, err := a.AmendContract(ctx, f.purchaser, f.ct.ID, terms, "按指标口径细化计数")
		f.must(err)
		f.must(a.ConfirmContract(ctx, f.purchaser, f.ct.ID))
		f.must(a.ConfirmContract(ctx, prov, f.ct.ID))
		rec := func(kind string, offset int, tags ...string) *gongzhi.ServiceEntry {
			t.Helper()
			e := f.entry(f.ct, kind, offset, f.zs[0:1], 0)
			e.Tags = tags
			f.must(a.RecordEntry(ctx, prov, e))
			return e
		}
		// casework: 3 home visits (one of them also a meal delivery), 1 untagged; 2 groups, one
		// tagged as a visit; 1 community event tagged 助餐; and another contract's visit
		rec(gongzhi.ActivityCasework, 1, "上门探访")
		rec(gongzhi.ActivityCasework, 2, "上门探访", "助餐")
		visit := rec(gongzhi.ActivityCasework, 3, "上门探访")
		rec(gongzhi.ActivityCasework, 4)
		rec(gongzhi.ActivityGroup, 5)
		rec(gongzhi.ActivityGroup, 6, "上门探访")
		rec(gongzhi.ActivityCommunity, 7, "助餐")
		other := f.entry(f.ct1, gongzhi.ActivityCasework, 1, f.zs[0:1], 0)
		other.Tags = []string{"上门探访"}
		f.must(a.RecordEntry(ctx, f.providers[1], other))
		want := map[string]int64{"上门探访": 4, "助餐": 2, "亲子活动": 2, "活动次数": 0, "个案服务": 4, "各类活动": 7}
		check := func(when string) {
			t.Helper()
			_, ps, err := a.ContractProgress(ctx, f.hub, f.ct.ID)
			f.must(err)
			all, err := a.ProgressInScope(ctx, f.hub, 2026)
			f.must(err)
			kept := map[string]int64{}
			for _, p := range all {
				if p.ContractID == f.ct.ID {
					kept[p.Name] = p.Done
				}
			}
			seen := 0
			for _, p := range ps {
				w, ok := want[p.Name]
				if !ok {
					continue
				}
				seen++
				if p.Done != w || kept[p.Name] != w {
					t.Errorf("%s: %s done %d (dashboard %d), want %d", when, p.Name, p.Done, kept[p.Name], w)
				}
			}
			if seen != len(want) {
				t.Fatalf("%s: %d of %d indicators found in %+v", when, seen, len(want), ps)
			}
		}
		check("recorded")
		// a correction that drops the tag, and a voided visit, count no more
		e := f.entry(f.ct, gongzhi.ActivityCasework, 3, f.zs[0:1], 0)
		f.must(a.CorrectEntry(ctx, prov, visit.ID, e, "不是上门探访"))
		want["上门探访"] = 3
		check("corrected")
		f.must(a.VoidEntry(ctx, prov, e.ID, "录重复了"))
		want["个案服务"], want["各类活动"] = 3, 6
		check("voided")
		got, _, err := a.Entry(ctx, prov, e.ID)
		f.must(err)
		if len(got.Tags) != 0 {
			t.Fatalf("tags after correction %q", got.Tags)
		}
		// the terms refuse a measure that names no tag
		terms.Outputs[len(terms.Outputs)-1].Measure = gongzhi.MeasureTagPrefix
		_, err = a.AmendContract(ctx, f.purchaser, f.ct.ID, terms, "再改")
		if gongzhi.ErrorCode(err) != gongzhi.EINVALID {
			t.Fatalf("empty tag measure: %v", err)
		}
	})
}
