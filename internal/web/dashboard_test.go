package web_test

// Tests of the dashboards and the public disclosure section on both databases: the street's
// figures on a small fixture (two signed contracts of the demo street, one payment), each
// figure checked against the contracts; the scopes (a provider sees only its own contract, a
// neighbouring street's purchaser none of ours); who may open a dashboard; the public pages and
// API; and a scan of every public page and public API response for the registry's people —
// names, ID numbers and phones — which must never appear.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/overview"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// dashFix is the demo street with two signed contracts of a district-funded call: 长者助餐
// (同心, elderly care, 中山社区, for elderly people living alone and the elderly, 60,000 yuan, its
// first portion paid) and 四点半课堂 (启明, community social work, 中山社区 and 320116004005,
// for left-behind children, 40,000 yuan).
type dashFix struct {
	*offFix
	w        *dashWorld
	budget   *gongzhi.Budget
	meal     *gongzhi.Contract
	class    *gongzhi.Contract
	paid     gongzhi.Money
	paidOn   string
	mealProv *gongzhi.Actor
	// base is the street's dashboard and basePublic the public disclosure document before the
	// fixture's call: the demo's own contracts in service, which the figures add to.
	base       *overview.Dashboard
	basePublic map[string]any
}

func (f *offFix) orgID(part string) int64 {
	f.t.Helper()
	for name, id := range f.orgs {
		if strings.Contains(name, part) {
			return id
		}
	}
	f.t.Fatalf("no demo organization like %s", part)
	return 0
}

func (f *offFix) world() *dashWorld {
	return &dashWorld{tb: f.t, ctx: f.ctx, a: f.e.app, at: f.at, sys: f.sys, pur: f.pur, hub: f.hub, expert: f.expert,
		provider: func(org int64) *gongzhi.Actor {
			for name, id := range f.orgs {
				if id == org {
					return f.provider(name)
				}
			}
			f.t.Fatalf("no organization %d", org)
			return nil
		}}
}

func newDashFix(t *testing.T, db *store.DB) *dashFix {
	t.Helper()
	f := &dashFix{offFix: newOffFix(t, db)}
	f.w = f.world()
	f.budget = &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "district", Fund: "fiscal", Name: "2026年区级购买社会服务资金",
		Amount: gongzhi.Yuan(500_000)}
	f.must(f.e.app.CreateBudget(f.ctx, f.pur, f.budget))
	var err error
	f.base, err = f.e.app.Dashboard(f.ctx, f.pur, 2026)
	f.must(err)
	f.basePublic = f.api("", "GET", "/api/v1/public/disclosure", nil, 200).Body
	tongxin, qiming := f.orgID("同心"), f.orgID("启明")
	cts := f.w.fund(f.budget, "看板测试公益创投", []dashApp{
		{org: tongxin, title: "长者助餐", category: "elderly_home_care", groups: []string{"elderly_alone", "elderly"}, comms: []string{demo.ZhongshanCode}, yuan: 60_000},
		{org: qiming, title: "四点半课堂", category: "community_social_work", groups: []string{"left_behind_children"},
			comms: []string{demo.ZhongshanCode, "320116004005"}, yuan: 40_000},
	})
	for _, ct := range cts {
		switch ct.Title {
		case "长者助餐":
			f.meal = ct
		case "四点半课堂":
			f.class = ct
		}
	}
	if f.meal == nil || f.class == nil {
		t.Fatalf("contracts: %+v", cts)
	}
	f.at(f.e.app.Now().Add(48 * time.Hour))
	f.paid, f.paidOn = f.w.pay(f.meal, 0), gongzhi.DateOf(f.e.app.Now())
	f.mealProv = f.w.provider(tongxin)
	return f
}

func TestDashboardStreet(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFix(t, db)
		a, ctx := f.e.app, f.ctx
		year := f.meal.FiscalYear
		d, err := a.Dashboard(ctx, f.pur, year)
		f.must(err)
		// the demo street has contracts of its own in service: every figure is the base plus ours
		base := f.base
		if d.Kind != "street" || len(d.Contracts) != len(base.Contracts)+2 || d.Coverage == nil || base.Coverage == nil {
			t.Fatalf("street dashboard: %+v", d)
		}
		mine := map[int64]bool{}
		for _, c := range d.Contracts {
			mine[c.ContractID] = true
		}
		if !mine[f.meal.ID] || !mine[f.class.ID] {
			t.Fatalf("street dashboard lacks the fixture's contracts: %+v", d.Contracts)
		}
		// coverage: services of the contracts in force, needs of the demo street
		cellIn := func(cov *gongzhi.Coverage, comm, group string) gongzhi.CoverageCell {
			for _, c := range cov.Cells {
				if c.CommunityCode == comm && c.TargetGroup == group {
					return c
				}
			}
			return gongzhi.CoverageCell{}
		}
		cell := func(comm, group string) gongzhi.CoverageCell { return cellIn(d.Coverage, comm, group) }
		wantGaps := base.Coverage.Gaps
		for _, want := range []gongzhi.CoverageCell{
			// 中山社区's needs: the demo's own, and those its grid worker's household visits found
			// (three of elderly people living alone, two of elderly people: docs/grids.md)
			{CommunityCode: demo.ZhongshanCode, TargetGroup: "elderly_alone", Services: 1, Needs: 4, People: 92},
			{CommunityCode: demo.ZhongshanCode, TargetGroup: "elderly", Services: 1, Needs: 2, People: 3},
			{CommunityCode: demo.ZhongshanCode, TargetGroup: "left_behind_children", Services: 1, Needs: 1, People: 42},
			{CommunityCode: "320116004005", TargetGroup: "left_behind_children", Services: 1},
			{CommunityCode: "320116004005", TargetGroup: "elderly", Needs: 1, People: 130, Gap: true},
			{CommunityCode: "320116004007", TargetGroup: "disabled", Needs: 1, People: 25, Gap: true},
		} {
			// the fixture's services add to the demo's; a gap the demo already filled is none
			b := cellIn(base.Coverage, want.CommunityCode, want.TargetGroup)
			if b.Needs != want.Needs || b.People != want.People {
				t.Errorf("base cell %s × %s: %+v, want needs %d people %d", want.CommunityCode, want.TargetGroup, b, want.Needs, want.People)
			}
			want.Services += b.Services
			want.Gap = want.Needs > 0 && want.Services == 0
			if b.Gap && !want.Gap {
				wantGaps--
			}
			if got := cell(want.CommunityCode, want.TargetGroup); got != want {
				t.Errorf("cell %s × %s: got %+v, want %+v", want.CommunityCode, want.TargetGroup, got, want)
			}
		}
		if d.Coverage.Active != base.Coverage.Active+2 || d.Coverage.Gaps != wantGaps {
			t.Errorf("coverage: %d in force, %d gaps; want %d and %d", d.Coverage.Active, d.Coverage.Gaps, base.Coverage.Active+2, wantGaps)
		}
		// money: by category and by level add up to the contracts and the payment
		byCat, baseCat := map[string]gongzhi.MoneyRow{}, map[string]gongzhi.MoneyRow{}
		for _, r := range d.ByCategory {
			byCat[r.Key] = r
		}
		for _, r := range base.ByCategory {
			baseCat[r.Key] = r
		}
		if r, b := byCat["elderly_home_care"], baseCat["elderly_home_care"]; r.Contracts != b.Contracts+1 || r.Contracted != b.Contracted+f.meal.Amount || r.Paid != b.Paid+f.paid {
			t.Errorf("elderly care: %+v (base %+v)", r, b)
		}
		if r, b := byCat["community_social_work"], baseCat["community_social_work"]; r.Contracts != b.Contracts+1 || r.Contracted != b.Contracted+f.class.Amount || r.Paid != b.Paid {
			t.Errorf("social work: %+v (base %+v)", r, b)
		}
		if d.Total.Contracted != base.Total.Contracted+f.meal.Amount+f.class.Amount || d.Total.Paid != base.Total.Paid+f.paid ||
			d.Total.Contracts != base.Total.Contracts+2 {
			t.Errorf("total: %+v (base %+v)", d.Total, base.Total)
		}
		// the base itself adds up to the demo's contracts in service
		var baseSum, basePaid gongzhi.Money
		for _, c := range base.Contracts {
			baseSum += c.Amount
			basePaid += c.Paid
		}
		if base.Total.Contracted != baseSum || base.Total.Paid != basePaid || base.Total.Contracts != len(base.Contracts) {
			t.Errorf("base total %+v, contracts add up to %v paid %v", base.Total, baseSum, basePaid)
		}
		var budgets = map[string]gongzhi.Money{}
		_, err = a.Budgets(ctx, f.pur, store.ListOptions{}, func(b *gongzhi.Budget) error {
			if b.FiscalYear == year {
				budgets[b.Level] += b.Amount
			}
			return nil
		})
		f.must(err)
		levels, baseLevels := map[string]gongzhi.MoneyRow{}, map[string]gongzhi.MoneyRow{}
		var levelSum gongzhi.Money
		for _, r := range d.ByLevel {
			levels[r.Key] = r
			levelSum += r.Contracted
		}
		for _, r := range base.ByLevel {
			baseLevels[r.Key] = r
		}
		if r, b := levels["district"], baseLevels["district"]; r.Contracted != b.Contracted+f.meal.Amount+f.class.Amount || r.Paid != b.Paid+f.paid ||
			r.Budgeted != budgets["district"] || r.Contracts != b.Contracts+2 {
			t.Errorf("district level: %+v (base %+v, budgets %v)", r, b, budgets)
		}
		if r, b := levels["street"], baseLevels["street"]; r.Budgeted != budgets["street"] || r.Contracted != b.Contracted || r.Contracts != b.Contracts {
			t.Errorf("street level: %+v (base %+v, budgets %v)", r, b, budgets)
		}
		if levelSum != d.Total.Contracted {
			t.Errorf("levels add up to %v, categories to %v", levelSum, d.Total.Contracted)
		}
		wantMonths := map[string]gongzhi.Money{f.paidOn[:7]: f.paid}
		for _, m := range base.PaidByMonth {
			wantMonths[m.Month] += m.Paid
		}
		if len(d.PaidByMonth) != len(wantMonths) {
			t.Errorf("paid by month: %+v, want %v", d.PaidByMonth, wantMonths)
		}
		for _, m := range d.PaidByMonth {
			if wantMonths[m.Month] != m.Paid {
				t.Errorf("paid by month: %+v, want %v", d.PaidByMonth, wantMonths)
			}
		}
		for _, c := range d.Contracts {
			if !c.Active || c.ElapsedBP <= 0 || c.ElapsedBP >= 10000 || c.StartOn == "" {
				t.Errorf("contract status: %+v", c)
			}
		}

		// the hub and the auditor see the same street
		for _, who := range []string{"gt-hub", "gt-auditor"} {
			hd, err := a.Dashboard(ctx, f.actor(who), year)
			f.must(err)
			if len(hd.Contracts) != len(d.Contracts) || hd.Total.Contracted != d.Total.Contracted || hd.Coverage.Gaps != d.Coverage.Gaps {
				t.Errorf("%s sees %d contracts, %v", who, len(hd.Contracts), hd.Total)
			}
		}
		// a provider sees only its own contracts: ours and its demo ones
		pd, err := a.Dashboard(ctx, f.mealProv, year)
		f.must(err)
		own, ownCats := map[int64]bool{f.meal.ID: true}, map[string]bool{f.meal.CategoryCode: true}
		ownSum, ownPaid := f.meal.Amount, f.paid
		for _, c := range base.Contracts {
			if c.OrgID == f.meal.OrgID {
				own[c.ContractID], ownCats[c.CategoryCode] = true, true
				ownSum += c.Amount
				ownPaid += c.Paid
			}
		}
		if pd.Kind != "provider" || len(pd.Contracts) != len(own) || pd.Coverage != nil ||
			len(pd.ByCategory) != len(ownCats) || pd.Total.Contracted != ownSum || pd.Total.Paid != ownPaid {
			t.Errorf("provider dashboard: %+v", pd)
		}
		for _, c := range pd.Contracts {
			if !own[c.ContractID] {
				t.Errorf("provider sees contract %d (%s) of another", c.ContractID, c.Title)
			}
		}
		// a neighbouring street's purchaser sees none of ours
		other := f.account("cl-purchaser", gongzhi.RolePurchaser, demo.NeighbourCode, 0)
		od, err := a.Dashboard(ctx, other, year)
		f.must(err)
		if len(od.Contracts) != 0 || od.Total.Contracted != 0 || len(od.PaidByMonth) != 0 {
			t.Errorf("neighbour sees: %+v", od)
		}
		for _, c := range od.Coverage.Cells {
			if strings.HasPrefix(c.CommunityCode, "320116004") {
				t.Errorf("neighbour sees our cell %+v", c)
			}
		}

		// the API: one document with every block, scoped to the caller
		r := f.api(f.e.token("gt-purchaser"), "GET", fmt.Sprintf("/api/v1/dashboard?year=%d", year), nil, 200)
		for _, k := range []string{"coverage", "by_category", "by_level", "paid_by_month", "contracts", "progress", "attention", "satisfaction", "total"} {
			if _, ok := r.Body[k]; !ok {
				t.Errorf("API dashboard lacks %s: %s", k, r.Raw)
			}
		}
		if cov := r.Body["coverage"].(map[string]any); offNum(cov["gaps"]) != int64(d.Coverage.Gaps) || len(r.Body["contracts"].([]any)) != len(d.Contracts) {
			t.Errorf("API dashboard: %s", r.Raw)
		}
		ptok := f.e.token("gt-provider")
		if r := f.api(ptok, "GET", "/api/v1/dashboard", nil, 200); r.Body["kind"] != "provider" || r.Body["coverage"] != nil {
			t.Errorf("provider API dashboard: %s", r.Raw)
		}

		// the page, in both languages, with its charts and their tables
		for _, lang := range []string{"zh-CN", "en"} {
			b := f.browser("gt-purchaser", lang == "en")
			st, body := b.get(fmt.Sprintf("/dashboard?year=%d", year))
			if st != 200 {
				t.Fatalf("dashboard page (%s): %d", lang, st)
			}
			checkTranslated(t, "gt-purchaser "+lang, "/dashboard", body)
			for _, want := range []string{`id="chart-coverage"`, `id="chart-category"`, `id="chart-level"`, `id="chart-months"`, `id="chart-progress"`,
				`id="chart-satisfaction"`, `role="img"`, `<title id="chart-coverage-t">`, "长者助餐", "四点半课堂", `<details class="dash-table">`} {
				if !strings.Contains(body, want) {
					t.Errorf("dashboard page (%s) lacks %s", lang, want)
				}
			}
		}
		pb := f.browser(f.mealProv.User.Username, false)
		if st, body := pb.get("/dashboard"); st != 200 || !strings.Contains(body, "长者助餐") || strings.Contains(body, "四点半课堂") || strings.Contains(body, "chart-coverage") {
			t.Errorf("provider page: %d", st)
		}
	})
}

// TestDashboardAccess: the anonymous caller is sent to sign in (the API answers 401); a resident
// is refused with EFORBIDDEN.
func TestDashboardAccess(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if st, loc := e.browser().get("/dashboard"); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("anonymous /dashboard: %d %s", st, loc)
		}
		if r := e.call("", "GET", "/api/v1/dashboard", nil); r.Status != 401 {
			t.Errorf("anonymous API: %d", r.Status)
		}
		r := e.call(e.token("zs-resident"), "GET", "/api/v1/dashboard", nil)
		if code, _ := errOf(r); r.Status != 403 || code != gongzhi.EFORBIDDEN {
			t.Errorf("resident API: %d %s", r.Status, r.Raw)
		}
		for _, who := range []string{"zs-resident", "zs-community"} {
			e.user(who)
			b := e.browser()
			b.login(who, demo.Password)
			if st, _ := b.get("/dashboard"); st != http.StatusForbidden {
				t.Errorf("%s /dashboard: %d", who, st)
			}
		}
		if _, err := e.app.Dashboard(context.Background(), nil, 2026); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Errorf("nil actor: %v", err)
		}
	})
}

// TestDisclosurePublic: the public section shows the final awards, the contract summaries with
// their communities, indicators, portions and payments, and the payments made, on pages and in
// the API, without an account.
func TestDisclosurePublic(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFix(t, db)
		b := f.e.browser()
		for _, lang := range []string{"zh-CN", "en"} {
			b.get("/lang?to=" + lang + "&next=/")
			for path, wants := range map[string][]string{
				"/public/disclosure": {"长者助餐", "四点半课堂", "/public/supervision-reports", "/public/evaluations", "/public/contracts/" + fmtID(f.meal.ID),
					f.meal.ProviderName, "看板测试公益创投"},
				"/public/contracts":                     {"长者助餐", "四点半课堂", f.class.ProviderName},
				"/public/contracts/" + fmtID(f.meal.ID): {"长者助餐", f.meal.ProviderName, "中山社区", "服务人次", "1200", f.meal.Current.Terms.Portions[1].DueOn, f.paidOn, f.meal.Current.Terms.StartOn, `id="chart-portions"`},
				"/public/payments-made":                 {"长者助餐", f.paidOn, "¥" + f.paid.Format()},
				"/public":                               {`href="/public/disclosure"`},
			} {
				st, body := b.get(path)
				if st != 200 {
					t.Errorf("anonymous %s (%s): %d", path, lang, st)
					continue
				}
				checkTranslated(t, "public "+lang, path, body)
				for _, w := range wants {
					if !strings.Contains(body, w) {
						t.Errorf("%s (%s) lacks %q", path, lang, w)
					}
				}
			}
		}
		if st, _ := b.get("/public/contracts/999999"); st != http.StatusNotFound {
			t.Errorf("a missing contract: %d", st)
		}
		// the demo street's own contracts, awards and payments come before the fixture's
		bp := f.basePublic
		baseContracts, basePayments, baseAwards := offNum(bp["contracts_total"]), offNum(bp["payments_total"]), len(bp["awards"].([]any))
		if r := f.api("", "GET", "/api/v1/public/contracts", nil, 200); offNum(r.Body["total"]) != baseContracts+2 || !apiHasID(r.Body, f.meal.ID) || !apiHasID(r.Body, f.class.ID) {
			t.Errorf("API contracts: %s", r.Raw)
		}
		r := f.api("", "GET", "/api/v1/public/contracts/"+fmtID(f.meal.ID), nil, 200)
		portions := r.Body["portions"].([]any)
		if p := portions[0].(map[string]any); p["paid_on"] != f.paidOn || len(r.Body["communities"].([]any)) != 1 || len(r.Body["outputs"].([]any)) != 2 {
			t.Errorf("API contract: %s", r.Raw)
		}
		if r := f.api("", "GET", "/api/v1/public/payments-made", nil, 200); offNum(r.Body["total"]) != basePayments+1 {
			t.Errorf("API payments: %s", r.Raw)
		} else {
			found := false
			for _, it := range r.Body["items"].([]any) {
				p := it.(map[string]any)
				found = found || (offNum(p["contract_id"]) == f.meal.ID && offNum(p["amount"]) == int64(f.paid) && p["paid_on"] == f.paidOn)
			}
			if !found {
				t.Errorf("API payments lack the fixture's: %s", r.Raw)
			}
		}
		r = f.api("", "GET", "/api/v1/public/disclosure", nil, 200)
		if len(r.Body["awards"].([]any)) != baseAwards+2 || offNum(r.Body["contracts_total"]) != baseContracts+2 || offNum(r.Body["payments_total"]) != basePayments+1 {
			t.Errorf("API disclosure: %s", r.Raw)
		}
		ours := 0
		for _, it := range r.Body["awards"].([]any) {
			if id := offNum(it.(map[string]any)["contract_id"]); id == f.meal.ID || id == f.class.ID {
				ours++
			}
		}
		if ours != 2 {
			t.Errorf("API disclosure awards: %d of the fixture's: %s", ours, r.Raw)
		}
		f.api("", "GET", "/api/v1/public/contracts/999999", nil, 404)
	})
}

// TestDisclosureNoPersonalData scans every public page and every public API response of the
// seeded street for the registry's people: their names, ID numbers and phones, and the
// accounts' names. None may appear.
func TestDisclosureNoPersonalData(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFix(t, db)
		a, ctx := f.e.app, f.ctx
		var names []string
		_, err := a.People(ctx, f.sys, store.ListOptions{}, func(p *gongzhi.Person) error { names = append(names, p.Name); return nil })
		f.must(err)
		if len(names) < 50 {
			t.Fatalf("only %d people in the demo registry", len(names))
		}
		// accounts' names, except those of an organization or a place (a provider's or a
		// community office's account is named after it)
		notPeople := map[string]bool{}
		for name := range f.orgs {
			notPeople[name] = true
		}
		_, err = a.DB.Q().ListPlaces(ctx, store.Scope{}, store.ListOptions{}, func(p *gongzhi.Place) error { notPeople[p.Name] = true; return nil })
		f.must(err)
		users, err := a.Users(ctx, f.sys, store.ListOptions{})
		f.must(err)
		for _, u := range users.Items {
			if !notPeople[u.DisplayName] {
				names = append(names, u.DisplayName)
			}
		}
		// a need with its contact, which must stay private
		n := &gongzhi.Need{CommunityCode: demo.ZhongshanCode, TargetGroup: "elderly", CategoryCode: "elderly_home_care", Description: "楼道照明损坏，老人夜间出行不便。",
			PeopleAffected: 3, Source: "online", ContactName: "联系人乙", ContactPhone: "13912345678"}
		f.must(a.SubmitNeedPublic(ctx, &gongzhi.Actor{IP: "127.0.0.1", Via: "web"}, n))
		names = append(names, n.ContactName)
		var calls []int64
		_, err = a.Calls(ctx, nil, store.ListOptions{}, func(c *gongzhi.Call) error { calls = append(calls, c.ID); return nil })
		f.must(err)
		pages := []string{"/public", "/public/needs", "/public/payments", "/public/disclosure", "/public/contracts", "/public/payments-made",
			"/public/contracts/" + fmtID(f.meal.ID), "/public/contracts/" + fmtID(f.class.ID), "/catalog"}
		apis := []string{"/api/v1/public/calls", "/api/v1/public/communities", "/api/v1/public/on-time-rate", "/api/v1/public/disclosure",
			"/api/v1/public/contracts", "/api/v1/public/payments-made", "/api/v1/public/contracts/" + fmtID(f.meal.ID), "/api/v1/public/contracts/" + fmtID(f.class.ID)}
		// the month's supervision report and an evaluation round, published: their public pages
		rep, ev := dashPublished(f)
		pages = append(pages, "/public/supervision-reports", "/public/supervision-reports/"+fmtID(rep), "/public/evaluations", "/public/evaluations/"+fmtID(ev))
		apis = append(apis, "/api/v1/public/supervision-reports", "/api/v1/public/supervision-reports/"+fmtID(rep),
			"/api/v1/public/evaluations", "/api/v1/public/evaluations/"+fmtID(ev))
		for _, p := range apis[len(apis)-4:] {
			id := ev
			if strings.Contains(p, "supervision") {
				id = rep
			}
			if r := f.api("", "GET", p, nil, 200); !strings.Contains(string(r.Raw), fmt.Sprintf(`"id":%d`, id)) {
				t.Errorf("%s lacks the published record: %s", p, r.Raw)
			}
		}
		for _, id := range calls {
			pages = append(pages, "/public/calls/"+fmtID(id))
			apis = append(apis, "/api/v1/public/calls/"+fmtID(id), "/api/v1/public/calls/"+fmtID(id)+"/notice", "/api/v1/public/calls/"+fmtID(id)+"/objections")
		}
		scanned := 0
		for _, lang := range []string{"zh-CN", "en"} {
			b := f.e.browser()
			b.get("/lang?to=" + lang + "&next=/")
			for _, p := range pages {
				st, body := b.get(p)
				if st != 200 {
					t.Errorf("%s: %d", p, st)
				}
				if found := gongzhi.FindPersonalData(body, names...); len(found) > 0 {
					t.Errorf("%s (%s) shows personal data: %v", p, lang, found)
				}
				scanned++
			}
		}
		for _, p := range apis {
			r := f.e.call("", "GET", p, nil)
			if r.Status != 200 && r.Status != 404 && r.Status != 409 {
				t.Errorf("%s: %d %s", p, r.Status, r.Raw)
			}
			if found := gongzhi.FindPersonalData(string(r.Raw), names...); len(found) > 0 {
				t.Errorf("%s shows personal data: %v", p, found)
			}
			scanned++
		}
		// the scan itself finds what it looks for
		if found := gongzhi.FindPersonalData("联系人乙 13912345678", names...); len(found) != 2 {
			t.Fatalf("the scan misses personal data: %v", found)
		}
		t.Logf("scanned %d public pages and responses for %d names", scanned, len(names))
	})
}

// TestDashboardCharts: every chart is an accessible SVG with a title and a description, and
// the figure carries the same numbers as a table.
func TestDashboardCharts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	b := e.browser()
	e.user("gt-purchaser")
	b.login("gt-purchaser", demo.Password)
	st, body := b.get("/dashboard")
	if st != 200 {
		t.Fatalf("dashboard: %d", st)
	}
	// the coverage grid shows the demo's needs no service covers as gaps
	for _, want := range []string{`id="chart-coverage"`, `<title id="chart-coverage-t">服务覆盖`, `<desc id="chart-coverage-d">`, "缺", "中山社区",
		`id="chart-satisfaction"`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	// a year without data (the demo street's surveys are recent) says so
	if st, empty := b.get("/dashboard?year=2001"); st != 200 || !strings.Contains(empty, "本年度尚无满意度数据") {
		t.Errorf("a year without data: %d, lacks 本年度尚无满意度数据", st)
	}
	// every chart is an image with a title; the legend's swatches are hidden from screen readers
	charts, swatches := strings.Count(body, `role="img"`), strings.Count(body, `aria-hidden="true"`)
	if charts == 0 || charts != strings.Count(body, "<title id=") || charts+swatches != strings.Count(body, "<svg") {
		t.Errorf("%d charts, %d titles, %d swatches, %d SVGs", charts, strings.Count(body, "<title id="), swatches, strings.Count(body, "<svg"))
	}
}

// apiHasID tells whether a list response holds an item with the id.
func apiHasID(body map[string]any, id int64) bool {
	items, _ := body["items"].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && offNum(m["id"]) == id {
			return true
		}
	}
	return false
}

// dashPublished publishes the street's supervision report of the month and the mid-term
// evaluation of 长者助餐 (an expert, a residents' representative and the hub score it), and
// returns their ids.
func dashPublished(f *dashFix) (report, evaluation int64) {
	f.t.Helper()
	a, ctx := f.e.app, f.ctx
	hub := f.actor("gt-hub")
	r, err := a.GenerateSupervisionReport(ctx, hub, gongzhi.DateOf(a.Now())[:7])
	f.must(err)
	_, err = a.PublishSupervisionReport(ctx, hub, r.ID)
	f.must(err)
	e := &gongzhi.Evaluation{ContractID: f.meal.ID, Round: gongzhi.RoundMid, Members: []gongzhi.EvalMember{
		{Kind: gongzhi.MemberExpert, Username: "gt-expert"},
		{Kind: gongzhi.MemberResident, Name: "居民代表甲", Affiliation: "中山社区"},
		{Kind: gongzhi.MemberOfficial, Username: "gt-hub"}}}
	f.must(a.StartEvaluation(ctx, f.pur, e))
	e, err = a.Evaluation(ctx, f.pur, e.ID)
	f.must(err)
	flat, _ := e.Scheme.Flat()
	scores := make([]gongzhi.Points, len(flat))
	for i, in := range flat {
		scores[i] = gongzhi.Points(in.Max) * 85
	}
	for _, m := range e.Members {
		switch {
		case m.UserID == 0:
			_, err = a.SubmitEvalSheet(ctx, hub, e.ID, m.ID, scores, nil)
		case m.Kind == gongzhi.MemberExpert:
			_, err = a.SubmitEvalSheet(ctx, f.actor("gt-expert"), e.ID, 0, scores, nil)
		default:
			_, err = a.SubmitEvalSheet(ctx, hub, e.ID, 0, scores, nil)
		}
		f.must(err)
	}
	_, err = a.FinalizeEvaluation(ctx, f.pur, e.ID, gongzhi.Evaluation{Strengths: "台账规范，服务按计划推进。", Problems: "宣传覆盖不足。"})
	f.must(err)
	_, err = a.PublishEvaluation(ctx, f.pur, e.ID)
	f.must(err)
	return r.ID, e.ID
}
