package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestAccountLinksAPIAndPages: an integrator with the purchaser's token finds the expert
// accounts not yet linked, finds the expert by name (ID numbers masked, never in clear), links
// and unlinks; the hub may not link experts; the purchaser does the same on the pages, with a
// form that needs its CSRF token.
func TestAccountLinksAPIAndPages(t *testing.T) {
	e := newEnv(t, demodb.SQLite(t))
	ctx, sys := context.Background(), gongzhi.SystemActor("test")
	ex := &gongzhi.User{Username: "ex-new", DisplayName: "新专家", Role: gongzhi.RoleExpert, PlaceCode: demo.DistrictCode}
	if _, err := e.app.CreateUser(ctx, sys, ex, ""); err != nil {
		t.Fatal(err)
	}
	var expert *gongzhi.Person
	e.app.People(ctx, sys, store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 100}, func(p *gongzhi.Person) error {
		if expert == nil && p.OrgID == 0 {
			expert = p
		}
		return nil
	})
	pur := e.token("gt-purchaser")

	r := e.call(pur, "GET", "/api/v1/account-links?linked=0", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), `"username":"ex-new"`) || strings.Contains(string(r.Raw), `"username":"gt-expert"`) {
		t.Fatalf("unlinked expert accounts: %d %s", r.Status, r.Raw)
	}
	base := fmt.Sprintf("/api/v1/users/%d/person", ex.ID)
	r = e.call(pur, "GET", base+"/candidates?q="+url.QueryEscape(expert.Name), nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), fmt.Sprintf(`"id":%d,`, expert.ID)) || (strings.Contains(string(r.Raw), `"id_number"`) || strings.Contains(string(r.Raw), `"phone"`)) {
		t.Fatalf("candidates: %d %s", r.Status, r.Raw)
	}
	if r := e.call(pur, "PUT", base, map[string]any{"person_id": expert.ID, "user_id": 1}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown field: %d %s", r.Status, r.Raw)
	}
	if r := e.call(e.token("gt-hub"), "PUT", base, map[string]any{"person_id": expert.ID}); r.Status != http.StatusNotFound {
		t.Fatalf("the hub links an expert: %d %s", r.Status, r.Raw)
	}
	if r := e.call(e.token("gt-hub"), "GET", "/api/v1/account-links?role=expert", nil); r.Status != http.StatusForbidden {
		t.Fatalf("the hub lists expert accounts: %d %s", r.Status, r.Raw)
	}
	r = e.call(pur, "PUT", base, map[string]any{"person_id": expert.ID})
	if r.Status != http.StatusOK || r.Body["person_id"] != float64(expert.ID) || r.Body["person_name"] != expert.Name {
		t.Fatalf("link: %d %s", r.Status, r.Raw)
	}
	if id, err := e.app.DB.Q().UserPersonID(ctx, ex.ID); err != nil || id != expert.ID {
		t.Fatalf("stored link %d %v", id, err)
	}
	if r := e.call(pur, "DELETE", base, nil); r.Status != http.StatusNoContent {
		t.Fatalf("unlink: %d %s", r.Status, r.Raw)
	}
	if id, _ := e.app.DB.Q().UserPersonID(ctx, ex.ID); id != 0 {
		t.Fatalf("still linked to %d", id)
	}

	// the pages
	e.user("gt-purchaser")
	b := e.browser()
	if st, _ := b.login("gt-purchaser", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("login %d", st)
	}
	if st, page := b.get("/account-links"); st != http.StatusOK || !strings.Contains(page, "ex-new") || !strings.Contains(page, "未关联") {
		t.Fatalf("/account-links: %d", st)
	}
	page := fmt.Sprintf("/users/%d/person", ex.ID)
	st, body := b.get(page + "?q=" + url.QueryEscape(expert.Name))
	if st != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`name="person_id" value="%d"`, expert.ID)) {
		t.Fatalf("%s: %d", page, st)
	}
	if st, _ := b.post(page, url.Values{"person_id": {fmt.Sprint(expert.ID)}}); st != http.StatusForbidden {
		t.Fatalf("a link without the CSRF token: %d", st)
	}
	if st, loc := b.post(page, url.Values{"csrf": {b.csrf(page)}, "person_id": {fmt.Sprint(expert.ID)}}); st != http.StatusSeeOther || loc != "/account-links?role=expert" {
		t.Fatalf("link on the page: %d %s", st, loc)
	}
	if _, body := b.get("/account-links?q=ex-new"); !strings.Contains(body, expert.Name) {
		t.Fatal("the list does not show the linked expert")
	}
	if st, _ := b.post(page+"/unlink", url.Values{"csrf": {b.csrf(page)}}); st != http.StatusSeeOther {
		t.Fatalf("unlink on the page: %d", st)
	}
	if id, _ := e.app.DB.Q().UserPersonID(ctx, ex.ID); id != 0 {
		t.Fatalf("still linked to %d after the page's unlink", id)
	}
}

// TestRemoveMemberPoolExhaustedSaysSo: when the purchaser takes a member off a panel that
// already holds every expert the pool can give, the call page says the pool is exhausted, not
// that a replacement was drawn; the API says pool_exhausted.
func TestRemoveMemberPoolExhaustedSaysSo(t *testing.T) {
	f := newOffFix(t, demodb.SQLite(t))
	a := f.e.app
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "2026年街道专项资金", Amount: gongzhi.Yuan(500_000)}
	f.must(a.CreateBudget(f.ctx, f.pur, b))
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "专家库用尽的征集", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(200_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: offStart, ClosesAt: offStart.Add(24 * time.Hour), Eligibility: []string{"在民政部门登记的社会组织"}}
	f.must(a.CreateCall(f.ctx, f.pur, c))
	f.must(a.OpenCall(f.ctx, f.pur, c.ID))
	prov := f.provider("同心")
	appID := f.apply(c.ID, prov, "邻里守望", 40_000)
	f.at(offStart.Add(25 * time.Hour))
	f.must(a.CloseCall(f.ctx, f.pur, c.ID))
	f.must(a.PrelimReview(f.ctx, f.hub, appID, true, ""))
	// the most the pool gives: what a draw of fifty says it could select
	_, err := a.DrawPanel(f.ctx, f.pur, c.ID, 50, nil, 3)
	fe := gongzhi.AsError(err)
	if fe == nil || !strings.HasPrefix(fe.Fields["size"], "panel.pool_too_small:") {
		t.Fatalf("a draw of fifty: %v", err)
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(fe.Fields["size"], "panel.pool_too_small:"))
	d, err := a.DrawPanel(f.ctx, f.pur, c.ID, n, nil, 3)
	f.must(err)
	var members []int64
	for _, m := range d.Members {
		if m.Active() {
			members = append(members, m.PersonID)
		}
	}
	pb := f.browser("gt-purchaser", false)
	cpath := fmt.Sprintf("/calls/%d", c.ID)
	// the panel holds the whole pool: the page says so before anyone is taken off, with what
	// the office can do
	if _, body := pb.get(cpath); !strings.Contains(body, `id="pool-exhausted"`) || !strings.Contains(body, `href="/people/new?kind=expert"`) ||
		!strings.Contains(body, `href="/account-links"`) {
		t.Fatal("the call page does not say that the draw holds the whole pool")
	}
	st, loc := offPost(t, pb, cpath, cpath+"/panel/remove", url.Values{"person_id": {fmt.Sprint(members[0])}, "reason": {"出差无法参加"}})
	if st != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", st, loc)
	}
	_, body := pb.get(loc)
	if !strings.Contains(body, "专家库已用尽") || strings.Contains(body, "递补已按原顺序抽取") {
		t.Fatal("the call page does not say that the pool is exhausted")
	}
	r := f.e.call(f.e.token("gt-purchaser"), "POST", fmt.Sprintf("/api/v1/calls/%d/panel/remove", c.ID), map[string]any{"person_id": members[1], "reason": "生病"})
	if r.Status != http.StatusOK || r.Body["pool_exhausted"] != true || r.Body["replacement"] != nil {
		t.Fatalf("the API's removal: %d %s", r.Status, r.Raw)
	}
	// a conflict with the applicant takes a member off: the page and the API say the pool is
	// exhausted, not merely that the conflict is recorded
	orgID := fmt.Sprint(prov.User.OrgID)
	st, loc = offPost(t, pb, cpath, cpath+"/conflicts", url.Values{"person_id": {fmt.Sprint(members[2])}, "org_id": {orgID}, "reason": {"曾任该机构理事"}})
	if st != http.StatusSeeOther {
		t.Fatalf("conflict: %d %s", st, loc)
	}
	if _, body = pb.get(loc); !strings.Contains(body, "该专家已回避。专家库已用尽") || !strings.Contains(body, `id="pool-exhausted"`) {
		t.Fatal("the call page does not say that the pool is exhausted after a conflict")
	}
	r = f.e.call(f.e.token("gt-purchaser"), "POST", fmt.Sprintf("/api/v1/calls/%d/conflicts", c.ID),
		map[string]any{"person_id": members[3], "org_id": prov.User.OrgID, "reason": "近亲属在该机构任职"})
	if r.Status != http.StatusOK || r.Body["pool_exhausted"] != true || r.Body["replacement"] != nil {
		t.Fatalf("the API's conflict: %d %s", r.Status, r.Raw)
	}
	// a conflict that takes no one off exhausts nothing
	r = f.e.call(f.e.token("gt-purchaser"), "POST", fmt.Sprintf("/api/v1/calls/%d/conflicts", c.ID),
		map[string]any{"person_id": members[0], "org_id": prov.User.OrgID, "reason": "近亲属在该机构任职"})
	if r.Status != http.StatusOK || r.Body["pool_exhausted"] != nil || r.Body["replacement"] != nil {
		t.Fatalf("the API's conflict for a member already off: %d %s", r.Status, r.Raw)
	}
}
