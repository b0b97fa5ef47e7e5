package app_test

import (
	"bytes"
	"context"
	"iter"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/xlsx"
)

// TestImportGridsHouseholds imports grids and households from CSV files as a community's
// account, then residents linked to them by household code: every problem of a bad file is
// reported by line and column and nothing is imported; a good file goes in whole.
func TestImportGridsHouseholds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		street := impActor(t, a, &gongzhi.User{Username: "getang", DisplayName: "葛塘", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"})

		// grids
		bad := "\ufeff*所属社区（代码或名称）,*网格编号,*网格名称,网格长\n" +
			"中山社区,01,中山第1网格,王伟\n" +
			"320116004001,01,重复,\n" +
			"城北社区,01,城北第1网格,\n" +
			"长城社区,02,,\n"
		_, err := a.ImportCSV(ctx, street, "grids", strings.NewReader(bad), 0)
		errs := impRowErrors(t, err)
		want := xlsx.Errors{
			{Line: 3, Column: "网格编号", Key: "code", Reason: "grid.code_duplicate_in_file:2"},
			{Line: 4, Column: "所属社区（代码或名称）", Key: "community", Reason: "place.missing"},
			{Line: 5, Column: "网格名称", Key: "name", Reason: xlsx.ReasonRequired},
		}
		if len(errs) != len(want) {
			t.Fatalf("grid problems %v, want %v", errs, want)
		}
		for i := range want {
			if errs[i] != want[i] {
				t.Errorf("grid problem %d: %+v, want %+v", i, errs[i], want[i])
			}
		}
		if n := impCount(t, db, "grids"); n != 0 {
			t.Fatalf("%d grids imported from a bad file", n)
		}
		good := "所属社区（代码或名称）,网格编号,网格名称\n中山社区,01,中山第1网格\n中山社区,02,中山第2网格\n长城社区,01,长城第1网格\n"
		if n, err := a.ImportCSV(ctx, street, "grids", strings.NewReader(good), 0); err != nil || n != 3 {
			t.Fatalf("grids: %d, %v", n, err)
		}
		if _, err := a.ImportCSV(ctx, street, "grids", strings.NewReader("所属社区（代码或名称）,网格编号,网格名称\n中山社区,02,又一个\n"), 0); err == nil {
			t.Fatal("a grid number taken in the community was imported")
		}

		// households, as the system (households are kept by community staff and grid workers)
		sys := gongzhi.SystemActor("test")
		zs := impActor(t, a, &gongzhi.User{Username: "zhongshan", DisplayName: "中山", Role: gongzhi.RoleCommunity, PlaceCode: "320116004001"})
		_, err = a.ImportCSV(ctx, zs, "households", strings.NewReader("所属社区（代码或名称）,户编号,住址\n长城社区,H1,长城村1组1号\n"), 0)
		if errs := impRowErrors(t, err); len(errs) != 1 || errs[0].Key != "community" {
			t.Fatalf("a household outside the account's community: %v", errs)
		}
		bad = "所属社区（代码或名称）,户编号,网格编号,住址,家庭人数\n" +
			"中山社区,H1,01,中山路1号,3\n" +
			"中山社区,H1,02,中山路2号,2\n" +
			"长城社区,H1,09,长城村1组1号,x\n" +
			"中山社区,,01,中山路3号,1\n"
		_, err = a.ImportCSV(ctx, sys, "households", strings.NewReader(bad), 0)
		errs = impRowErrors(t, err)
		want = xlsx.Errors{
			{Line: 3, Column: "户编号", Key: "code", Reason: "household.code_duplicate_in_file:2"},
			{Line: 4, Column: "网格编号", Key: "grid", Reason: "household.grid_missing"},
			{Line: 4, Column: "家庭人数", Key: "members", Reason: "number.format"},
			{Line: 5, Column: "户编号", Key: "code", Reason: xlsx.ReasonRequired},
		}
		if len(errs) != len(want) {
			t.Fatalf("household problems %v, want %v", errs, want)
		}
		for i := range want {
			if errs[i] != want[i] {
				t.Errorf("household problem %d: %+v, want %+v", i, errs[i], want[i])
			}
		}
		if n := impCount(t, db, "households"); n != 0 {
			t.Fatalf("%d households imported from a bad file", n)
		}
		good = "所属社区（代码或名称）,户编号,网格编号,住址,户主,家庭人数\n" +
			"中山社区,H1,01,中山路1号,王伟,3\n" +
			"中山社区,H2,02,中山路2号,,2\n" +
			"长城社区,H1,01,长城村1组1号,李静,1\n"
		if n, err := a.ImportCSV(ctx, sys, "households", strings.NewReader(good), 0); err != nil || n != 3 {
			t.Fatalf("households: %d, %v", n, err)
		}
		var hs []*gongzhi.Household
		if _, err := a.Households(ctx, street, store.ListOptions{Sort: "address"}, func(h *gongzhi.Household) error { hs = append(hs, h); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(hs) != 3 {
			t.Fatalf("%d households", len(hs))
		}
		for _, h := range hs {
			if h.Code == "" || h.GridID == 0 || !strings.HasPrefix(h.GridName, map[string]string{"320116004001": "中山", "320116004002": "长城"}[h.CommunityCode]) {
				t.Errorf("household %+v", h)
			}
		}
		if got := impAudit(t, db, "households"); len(got) != 1 {
			t.Errorf("%d import audit entries of households", len(got))
		}
		if _, err := a.ImportCSV(ctx, sys, "households", strings.NewReader("所属社区（代码或名称）,户编号,住址\n中山社区,H2,又一户\n"), 0); err == nil ||
			!strings.Contains(err.Error(), "household.code_taken") && len(impRowErrors(t, err)) != 1 {
			t.Fatalf("a household code taken in the community: %v", err)
		}

		// residents linked by household code
		rows := impRows(
			map[string]string{"name": "王伟", "kind": "居民", "id_number": impID("19800101", 1), "place": "中山社区", "household": "H1"},
			map[string]string{"name": "李静", "kind": "居民", "id_number": impID("19800101", 2), "place": "长城社区", "household": "H1"},
			map[string]string{"name": "张三", "kind": "居民", "id_number": impID("19800101", 3), "place": "中山社区", "household": "H9"},
		)
		_, err = a.ImportRows(ctx, sys, "people", rows)
		errs = impRowErrors(t, err)
		if len(errs) != 1 || errs[0].Line != 4 || errs[0].Key != "household" || errs[0].Reason != "household.code_missing" {
			t.Fatalf("people problems %v", errs)
		}
		if n, err := a.ImportRows(ctx, sys, "people", rows[:2]); err != nil || n != 2 {
			t.Fatalf("people: %d, %v", n, err)
		}
		var ps []*gongzhi.Person
		if _, err := a.People(ctx, street, store.ListOptions{}, func(p *gongzhi.Person) error { ps = append(ps, p); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			var h *gongzhi.Household
			for _, x := range hs {
				if x.ID == p.HouseholdID {
					h = x
				}
			}
			if h == nil || h.CommunityCode != p.PlaceCode || h.Code != "H1" {
				t.Errorf("%s is in household %d", p.Name, p.HouseholdID)
			}
		}
	})
}

// TestImportHouseholdsSheet goes through a real workbook with the template's headers.
func TestImportHouseholdsSheet(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	a := impApp(t, db)
	impSeedPlaces(t, db)
	ctx := context.Background()
	sys := gongzhi.SystemActor("test")
	if err := a.SaveGrid(ctx, sys, &gongzhi.Grid{CommunityCode: "320116004001", Code: "01", Name: "中山第1网格"}); err != nil {
		t.Fatal(err)
	}
	data := [][]any{
		{"中山社区", "0001", "01", "中山路1号", "王伟", "13912345678", 3, ""},
		{"320116004001", "0002", "", "中山路2号", "", "", "", "租住户"},
	}
	var buf bytes.Buffer
	err := xlsx.Export(&buf, "家庭", impHeaders(registry.HouseholdColumns()), iter.Seq[[]any](func(yield func([]any) bool) {
		for _, r := range data {
			if !yield(r) {
				return
			}
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := a.ImportExcel(ctx, sys, "households", &buf, 1000); err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
}
