package web_test

import (
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The services name every failed field at once (issue 11, item 8): a record's own refusals and
// those of its checks against storage (places, budgets, catalog, contract, registry) together,
// for calls, contracts, budgets, needs, ledger entries, organizations and users.
func TestServicesNameEveryFailedField(t *testing.T) {
	t.Parallel()
	f := newOffFix(t, demodb.SQLite(t))
	ct1, _ := supSigned(t, f)
	a, ctx := f.e.app, f.ctx
	p1 := f.provider("同心")
	const nowhere = "320116004999" // a community code in the street's scope that does not exist
	want := func(form string, err error, fields map[string]string) {
		t.Helper()
		e := gongzhi.AsError(err)
		if err == nil || len(e.Fields) < 2 {
			t.Fatalf("%s: %v, want the refusals of %v at once", form, err, fields)
		}
		for k, reason := range fields {
			if got := e.Fields[k]; got == "" || !strings.HasPrefix(got, reason) {
				t.Errorf("%s: field %s refused for %q, want %q (all: %v)", form, k, got, reason, e.Fields)
			}
		}
	}

	var budgetID int64
	_, err := a.Budgets(ctx, f.pur, store.ListOptions{}, func(b *gongzhi.Budget) error { budgetID = b.ID; return nil })
	f.must(err)
	call := &gongzhi.Call{PlaceCode: "320116004000", Kind: "venture_philanthropy", Title: "", Categories: []string{"no_such_category"},
		BudgetID: 987654, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: offStart, ClosesAt: offStart.Add(72 * time.Hour), Eligibility: []string{"登记的社会组织"}}
	want("call", a.CreateCall(ctx, f.pur, call), map[string]string{"title": "required", "budget_id": "budget.missing", "categories": "choice"})

	want("budget", a.CreateBudget(ctx, f.pur, &gongzhi.Budget{PlaceCode: nowhere, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "", Amount: gongzhi.Yuan(1000)}),
		map[string]string{"name": "required", "place_code": "place.missing"})
	if budgetID == 0 {
		t.Fatal("no budget")
	}

	want("need", a.RecordNeed(ctx, f.pur, &gongzhi.Need{CommunityCode: "320116004001", TargetGroup: "no_such_group", CategoryCode: "no_such_category",
		Description: "", PeopleAffected: 5, Source: "visit"}),
		map[string]string{"description": "required", "target_group": "choice", "category_code": "choice"})

	ct, err := a.Contract(ctx, f.pur, ct1)
	f.must(err)
	terms := ct.Current.Terms
	terms.Deliverables = ""
	_, err = a.AmendContract(ctx, f.pur, ct1, terms, "")
	want("contract amendment", err, map[string]string{"reason": "required", "deliverables": "required"})

	err = a.RecordEntry(ctx, p1, &gongzhi.ServiceEntry{ContractID: ct1, Kind: gongzhi.ActivityGroup, Title: "", HeldOn: "2027-01-20",
		StartTime: "09:00", EndTime: "11:00", Venue: "中山社区活动室", Communities: []string{nowhere}, TargetGroups: []string{"elderly"}, Counted: 3, Summary: "按计划开展"})
	want("ledger entry", err, map[string]string{"title": "required", "held_on": "ledger.future", "communities": "ledger.community_not_covered"})

	want("organization", a.CreateOrganization(ctx, f.pur, &gongzhi.Organization{Name: "", PlaceCode: nowhere, Type: "social_group"}),
		map[string]string{"name": "required", "place_code": "place.missing"})

	_, err = a.CreateUser(ctx, f.sys, &gongzhi.User{Username: "new-staff", DisplayName: "", Role: gongzhi.RoleCommunity, PlaceCode: nowhere}, "123")
	want("user", err, map[string]string{"display_name": "required", "password": "", "place_code": "place.missing"})
}
