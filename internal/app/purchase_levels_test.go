// Purchasers at every level (issue 11 item 2): a province, a city or a district buys for the
// places under it exactly as a street does, never for another's, and the funding report rolls
// the levels below up.

package app_test

import (
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

const (
	lvProvince = "320000000000"
	lvNanjing  = "320100000000"
	lvLuhe     = "320116000000"
	lvWuxi     = "320200000000"
	lvDongting = "320205001000"
	lvDongComm = "320205001001"
)

// a second city of the province, with a district, a street and a community
var lvWuxiPlaces = []gongzhi.Place{
	{Code: lvWuxi, Name: "无锡市", Level: 2, ParentCode: lvProvince},
	{Code: "320205000000", Name: "锡山区", Level: 3, ParentCode: lvWuxi},
	{Code: lvDongting, Name: "东亭街道", Level: 4, ParentCode: "320205000000"},
	{Code: lvDongComm, Name: "东亭社区居委会", Level: 5, ParentCode: lvDongting},
}

func TestLevelScopedPurchasers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 4, experts: 8})
		if _, err := db.Q().UpsertPlaces(f.ctx, lvWuxiPlaces, purStart); err != nil {
			t.Fatal(err)
		}
		street := f.purchaser
		province := f.user(gongzhi.RolePurchaser, lvProvince, 0)
		nanjing := f.user(gongzhi.RolePurchaser, lvNanjing, 0)
		luhe := f.user(gongzhi.RolePurchaser, lvLuhe, 0)
		wuxi := f.user(gongzhi.RolePurchaser, lvWuxi, 0)

		// Budgets: the level is the place's unless given; money from above may be held below
		// (a district's fund held by a street); never a level below the place, never at a community.
		nb := &gongzhi.Budget{PlaceCode: lvNanjing, FiscalYear: 2026, Fund: "fiscal", Name: "南京市2026年度购买社会服务资金", Amount: gongzhi.Yuan(1_000_000)}
		f.must(f.a.CreateBudget(f.ctx, nanjing, nb))
		if nb.Level != "city" {
			t.Errorf("a city's budget without a level has level %q, want city", nb.Level)
		}
		pb := &gongzhi.Budget{PlaceCode: lvProvince, FiscalYear: 2026, Fund: "lottery", Name: "省级福彩公益金", Amount: gongzhi.Yuan(500_000)}
		f.must(f.a.CreateBudget(f.ctx, province, pb))
		if pb.Level != "province" {
			t.Errorf("a province's budget has level %q, want province", pb.Level)
		}
		f.must(f.a.CreateBudget(f.ctx, luhe, &gongzhi.Budget{PlaceCode: purStreet, FiscalYear: 2026, Level: "district", Fund: "lottery",
			Name: "六合区福彩公益金（葛塘街道）", Amount: gongzhi.Yuan(100_000)}))
		purIs(t, f.a.CreateBudget(f.ctx, nanjing, &gongzhi.Budget{PlaceCode: lvNanjing, FiscalYear: 2026, Level: "street", Fund: "fiscal",
			Name: "错", Amount: gongzhi.Yuan(1)}), gongzhi.EINVALID, "level", "budget.level_below_place")
		purIs(t, f.a.CreateBudget(f.ctx, nanjing, &gongzhi.Budget{PlaceCode: purZhongshan, FiscalYear: 2026, Fund: "fiscal",
			Name: "错", Amount: gongzhi.Yuan(1)}), gongzhi.EINVALID, "place_code", "budget.place_level")
		purIs(t, f.a.CreateBudget(f.ctx, wuxi, &gongzhi.Budget{PlaceCode: lvNanjing, FiscalYear: 2026, Fund: "fiscal",
			Name: "错", Amount: gongzhi.Yuan(1)}), gongzhi.EINVALID, "place_code", "place.out_of_scope")
		nb.Level = "street"
		purIs(t, f.a.UpdateBudget(f.ctx, nanjing, nb), gongzhi.EINVALID, "level", "budget.level_below_place")
		nb.Level = "province" // province money held by the city
		f.must(f.a.UpdateBudget(f.ctx, nanjing, nb))
		if _, err := f.a.Budget(f.ctx, wuxi, nb.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Errorf("another city's purchaser reads the budget: %v", err)
		}

		// The street buys as before: one contract.
		sc := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(10_000), gongzhi.Yuan(100_000))
		sapps := []*gongzhi.Application{f.apply(sc, 0, gongzhi.Yuan(60_000))}
		f.closeAndReview(sc, 3, 1)
		f.scoreAll(sc, sapps, func(int, int) gongzhi.Points { return 8000 })
		f.publish(sc, 6000)
		f.finalize(sc)
		streetCt := f.sign(sapps[0].ID, f.providers[0])

		// The city runs a call of its own for communities under it, exactly as the street does.
		now := f.clock()
		cc := &gongzhi.Call{PlaceCode: lvNanjing, Kind: "public_tender", Title: "南京市社区社会工作服务项目", Categories: []string{"elderly_home_care"},
			BudgetID: nb.ID, Amount: gongzhi.Yuan(300_000), Bands: []gongzhi.FundingBand{{Name: "市级项目", Min: gongzhi.Yuan(50_000), Max: gongzhi.Yuan(200_000)}},
			OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"在民政部门登记的社会组织"}}
		f.must(f.a.CreateCall(f.ctx, nanjing, cc))
		f.must(f.a.OpenCall(f.ctx, nanjing, cc.ID))

		// Another city's purchaser neither sees nor touches it, nor buys with the city's money
		// or for the city's places; the street below the city does not run the city's call.
		for who, ac := range map[string]*gongzhi.Actor{"无锡市": wuxi, "葛塘街道": street} {
			if _, err := f.a.Call(f.ctx, ac, cc.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
				t.Errorf("%s's purchaser reads the city's call: %v", who, err)
			}
			if err := f.a.CloseCall(f.ctx, ac, cc.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
				t.Errorf("%s's purchaser closes the city's call: %v", who, err)
			}
		}
		other := *cc
		other.ID = 0
		purIs(t, f.a.CreateCall(f.ctx, wuxi, &other), gongzhi.EINVALID, "place_code", "place.out_of_scope")
		other.PlaceCode = lvDongting
		purIs(t, f.a.CreateCall(f.ctx, wuxi, &other), gongzhi.EINVALID, "budget_id", "budget.missing")
		// a province sees every call below it
		if _, err := f.a.Call(f.ctx, province, cc.ID); err != nil {
			t.Errorf("the province's purchaser reads the city's call: %v", err)
		}
		if _, err := f.a.Call(f.ctx, province, sc.ID); err != nil {
			t.Errorf("the province's purchaser reads the street's call: %v", err)
		}

		capp := purApplication(cc, "南京市居家养老服务", gongzhi.Yuan(150_000))
		f.must(f.a.CreateApplication(f.ctx, f.providers[1], capp))
		f.must(f.a.SubmitApplication(f.ctx, f.providers[1], capp.ID))
		outside := purApplication(cc, "跨市项目", gongzhi.Yuan(100_000))
		outside.Communities = []string{lvDongComm}
		purIs(t, f.a.CreateApplication(f.ctx, f.providers[2], outside), gongzhi.EINVALID, "communities", "application.community_not_in_call")

		f.purchaser, f.hub, f.budget = nanjing, nanjing, nb // the city reviews its call itself
		f.closeAndReview(cc, 3, 2)
		f.scoreAll(cc, []*gongzhi.Application{capp}, func(int, int) gongzhi.Points { return 8200 })
		f.publish(cc, 6000)
		f.finalize(cc)
		cityCt := f.sign(capp.ID, f.providers[1])
		if cityCt.PlaceCode != lvNanjing {
			t.Errorf("the city's contract is at %s", cityCt.PlaceCode)
		}
		if _, err := f.a.Contract(f.ctx, wuxi, cityCt.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Errorf("another city's purchaser reads the city's contract: %v", err)
		}
		if _, err := f.a.Contract(f.ctx, street, cityCt.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Errorf("the street's purchaser reads the city's contract: %v", err)
		}
		po := cityCt.Current.Terms.Portions[0]
		if _, err := f.a.RecordPayment(f.ctx, wuxi, cityCt.ID, po.Index, po.Amount, po.DueOn, ""); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Errorf("another city's purchaser pays the city's contract: %v", err)
		}
		if _, err := f.a.RecordPayment(f.ctx, nanjing, cityCt.ID, po.Index, po.Amount, f.clock().In(gongzhi.ChinaTime).Format(time.DateOnly), ""); err != nil {
			t.Errorf("the city pays its contract: %v", err)
		}

		// The funding report rolls up: the province sees the city's own contract and the street's
		// under the city and the district, each with its subtotal; the levels add up to the year.
		years, err := f.a.FundingByCategory(f.ctx, lvProvince, 2026, 2026)
		f.must(err)
		if len(years) != 1 {
			t.Fatalf("the province's report: %+v", years)
		}
		y := years[0]
		total := streetCt.Amount + cityCt.Amount
		if y.Contracts != 2 || y.Amount != total {
			t.Errorf("the province's year: %d contracts, %s; want 2, %s", y.Contracts, y.Amount.Format(), total.Format())
		}
		type line struct {
			code, level      string
			own, n           int
			amount, subtotal gongzhi.Money
		}
		want := []line{
			{lvProvince, "province", 0, 2, 0, total},
			{lvNanjing, "city", 1, 2, cityCt.Amount, total},
			{lvLuhe, "district", 0, 1, 0, streetCt.Amount},
			{purStreet, "street", 1, 1, streetCt.Amount, streetCt.Amount},
		}
		if len(y.Places) != len(want) {
			t.Fatalf("the province's report by place: %+v", y.Places)
		}
		for i, w := range want {
			p := y.Places[i]
			got := line{p.PlaceCode, p.Level, p.Contracts, p.TotalContracts, p.Amount, p.TotalAmount}
			if got != w {
				t.Errorf("place %d: %+v, want %+v", i, got, w)
			}
		}
		if y.Places[1].PlaceName != "南京市" {
			t.Errorf("the city is named %q", y.Places[1].PlaceName)
		}
		if len(y.Levels) != 2 || y.Levels[0].Level != "city" || y.Levels[0].Amount != cityCt.Amount || y.Levels[1].Level != "street" ||
			y.Levels[1].Amount != streetCt.Amount || y.Levels[0].ShareBP+y.Levels[1].ShareBP != 10000 {
			t.Errorf("the province's report by level: %+v", y.Levels)
		}
		// the street's report has its own contract only; another city's has none of these
		years, err = f.a.FundingByCategory(f.ctx, purStreet, 2026, 2026)
		f.must(err)
		if len(years) != 1 || years[0].Amount != streetCt.Amount || len(years[0].Places) != 1 || years[0].Places[0].PlaceCode != purStreet {
			t.Errorf("the street's report: %+v", years)
		}
		years, err = f.a.FundingByCategory(f.ctx, lvWuxi, 2026, 2026)
		f.must(err)
		if len(years) != 0 {
			t.Errorf("another city's report counts these contracts: %+v", years)
		}
	})
}
