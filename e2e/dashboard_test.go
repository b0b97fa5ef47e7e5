package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
)

// dashSign funds two projects of the demo street through a whole call (the app moves its clock
// past the deadline and the notice period), signs both contracts and pays the first portion of
// one; it returns the contracts.
func dashSign(t *testing.T, a *app.App) []*gongzhi.Contract {
	t.Helper()
	ctx := context.Background()
	var offset atomic.Int64
	a.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	must := fatalOn(t)
	user := func(name string) *gongzhi.Actor { return serviceActor(t, a, name) }
	pur, hub := user("gt-purchaser"), user("gt-hub")
	p1, p2 := user("gt-provider"), user("gt-provider2")
	provs := map[int64]*gongzhi.Actor{p1.User.OrgID: p1, p2.User.OrgID: p2}
	experts := map[int64]*gongzhi.Actor{}
	expert := func(person int64) *gongzhi.Actor {
		if experts[person] == nil {
			experts[person] = expertAccount(t, a, fmt.Sprintf("e2e-expert-%d", person), demo.DistrictCode, person)
		}
		return experts[person]
	}
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: a.Now().In(gongzhi.ChinaTime).Year(), Level: "district", Fund: "fiscal",
		Name: "区级购买社会服务资金", Amount: gongzhi.Yuan(400_000)}
	must(a.CreateBudget(ctx, pur, b))
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道为老为小服务项目", Categories: []string{"elderly_home_care", "community_social_work"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(150_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(100_000)}},
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour), Eligibility: []string{"在民政部门登记的社会组织"}}
	must(a.CreateCall(ctx, pur, c))
	must(a.OpenCall(ctx, pur, c.ID))
	for i, spec := range []struct {
		prov     *gongzhi.Actor
		title    string
		cat      string
		groups   []string
		comms    []string
		yuan     int64
		outputs  []gongzhi.Indicator
		outcomes []gongzhi.Indicator
	}{
		{p1, "长者助餐与探访", "elderly_home_care", []string{"elderly_alone", "elderly"}, []string{demo.ZhongshanCode, "320116004005"}, 90_000,
			[]gongzhi.Indicator{{Name: "助餐服务", Target: 3000, Unit: "人次"}}, []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}},
		{p2, "四点半课堂", "community_social_work", []string{"left_behind_children"}, []string{demo.ZhongshanCode}, 50_000,
			[]gongzhi.Indicator{{Name: "课后托管", Target: 800, Unit: "人次"}}, []gongzhi.Indicator{{Name: "家长满意度", Target: 90, Unit: "%"}}},
	} {
		staff := gongzhi.Yuan(spec.yuan * 6 / 10)
		ap := &gongzhi.Application{CallID: c.ID, Title: spec.title, CategoryCode: spec.cat, TargetGroups: spec.groups, Communities: spec.comms,
			Beneficiaries: 100 + i, Summary: "社区服务", ActivityPlan: "每周开展活动，每月入户探访。", Requested: gongzhi.Yuan(spec.yuan),
			BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: staff}, {Item: "活动经费", Amount: gongzhi.Yuan(spec.yuan) - staff}},
			Team:        []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: "社会工作师"}},
			Outputs:     spec.outputs, Outcomes: spec.outcomes}
		must(a.CreateApplication(ctx, spec.prov, ap))
		must(a.SubmitApplication(ctx, spec.prov, ap.ID))
	}
	offset.Add(int64(2 * time.Hour))
	must(a.CloseCall(ctx, pur, c.ID))
	var ids []int64
	_, err := a.Applications(ctx, hub, store.ListOptions{Filters: map[string]string{"call": fmt.Sprint(c.ID)}},
		func(ap *gongzhi.Application) error { ids = append(ids, ap.ID); return nil })
	must(err)
	for _, id := range ids {
		must(a.PrelimReview(ctx, hub, id, true, ""))
	}
	d, err := a.DrawPanel(ctx, pur, c.ID, 5, nil, 7)
	must(err)
	for _, m := range d.Members {
		if m.Active() {
			must(a.DeclareNoConflict(ctx, expert(m.PersonID), c.ID))
		}
	}
	must(a.StartReview(ctx, pur, c.ID))
	c, err = a.Call(ctx, pur, c.ID)
	must(err)
	for _, m := range d.Members {
		if !m.Active() {
			continue
		}
		apps, err := a.ReviewApplications(ctx, expert(m.PersonID), c.ID)
		must(err)
		for _, ap := range apps {
			var pts []gongzhi.Points
			for _, cr := range c.Criteria {
				pts = append(pts, gongzhi.Points(cr.Weight)*80)
			}
			_, err := a.SubmitScores(ctx, expert(m.PersonID), ap.ID, pts, "方案可行")
			must(err)
		}
	}
	out := signAwards(t, a, pur, c.ID, 0, func(d time.Duration) { offset.Add(int64(d)) }, time.Minute, "葛塘街道办事处",
		func(w *gongzhi.Award) *gongzhi.Actor { return provs[w.OrgID] })
	for i, ct := range out {
		ct, err := a.Contract(ctx, pur, ct.ID)
		must(err)
		out[i] = ct
	}
	offset.Add(int64(30 * 24 * time.Hour))
	p := out[0].Current.Terms.Portions[0]
	_, err = a.RecordPayment(ctx, pur, out[0].ID, 0, p.Amount, gongzhi.DateOf(a.Now()), "首笔拨付")
	must(err)
	return out
}

// TestDashboardAndDisclosure: the purchaser opens the street dashboard and sees its charts, on a
// desktop and on a phone; an anonymous visitor opens the public disclosure section and a
// contract summary.
func TestDashboardAndDisclosure(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	cts := dashSign(t, srv.App)
	b := newBrowser(t, srv.Base)
	b.login("gt-purchaser")
	// The contracts' fiscal year, not the clock's: dashSign moves the clock a month on, which in
	// December is the next year, whose dashboard has no contracts yet.
	dash := fmt.Sprintf("/dashboard?year=%d", cts[0].FiscalYear)
	if st := b.open(dash); st != http.StatusOK {
		b.fatal("GET /dashboard: %d", st)
	}
	for _, id := range []string{"chart-coverage", "chart-category", "chart-level", "chart-months", "chart-progress", "chart-satisfaction"} {
		if !b.visible("#" + id + " svg") {
			t.Errorf("the dashboard does not show %s", id)
		}
	}
	if h := b.text("main h1"); !strings.Contains(h, "看板") {
		t.Errorf("dashboard heading %q", h)
	}
	if txt := b.text("#chart-coverage"); !strings.Contains(txt, "中山社区") {
		t.Errorf("the coverage grid does not name the communities: %q", txt)
	}
	b.shot("01-dashboard-desktop")
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.open(dash)
	b.shot("02-dashboard-phone")
	for _, sel := range []string{"#coverage", "#money", "#progress"} {
		dashShot(b, "02-phone-"+sel[1:], sel)
	}
	checkNoSidewaysScroll(t, b, dash)

	// the same page in English, and a provider's own dashboard
	b.do("back to a desktop", chromedp.EmulateViewport(1280, 900))
	b.open("/lang?to=en&next=" + url.QueryEscape(dash))
	if h := b.text("main h1"); !strings.Contains(h, "Dashboard") {
		t.Errorf("English dashboard heading %q", h)
	}
	b.shot("02b-dashboard-english")
	pb := newBrowser(t, srv.Base)
	pb.login("gt-provider")
	pb.open(dash)
	if txt := pb.text("#contracts"); !strings.Contains(txt, cts[0].Title) && !strings.Contains(txt, cts[1].Title) {
		t.Errorf("the provider's dashboard does not list its contract: %q", txt)
	}
	if pb.visible("#chart-coverage") {
		t.Errorf("a provider sees the street's coverage grid")
	}
	pb.shot("02c-dashboard-provider")

	a := newBrowser(t, srv.Base)
	if st := a.open("/public/disclosure"); st != http.StatusOK {
		a.fatal("GET /public/disclosure: %d", st)
	}
	if txt := a.text("main"); !strings.Contains(txt, cts[0].Title) || !strings.Contains(txt, cts[0].ProviderName) {
		t.Errorf("the disclosure page does not list the contract: %q", txt)
	}
	a.shot("03-disclosure-desktop")
	a.load("open a contract summary", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#contracts a[href="/public/contracts/%d"]`, cts[0].ID))))
	if p := a.path(); p != fmt.Sprintf("/public/contracts/%d", cts[0].ID) {
		a.fatal("at %s, want the contract summary", p)
	}
	if txt := a.text("main"); !strings.Contains(txt, "中山社区") || !strings.Contains(txt, cts[0].Current.Terms.Portions[1].DueOn) {
		t.Errorf("the contract summary lacks communities or due dates: %q", txt)
	}
	a.shot("04-contract-desktop")
	a.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	a.open(fmt.Sprintf("/public/contracts/%d", cts[0].ID))
	a.shot("05-contract-phone")
	dashShot(a, "05-phone-portions", "#chart-portions")
	checkNoSidewaysScroll(t, a, "/public/contracts/{id}")
	a.open("/public/disclosure")
	a.shot("06-disclosure-phone")
	checkNoSidewaysScroll(t, a, "/public/disclosure")
}

// dashShot saves a PNG of one element (a chart at its real size on the screen) next to the
// full-page screenshots, when $GONGZHI_SCREENSHOTS is set.
func dashShot(b *browser, name, sel string) {
	b.t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Errorf("screenshot of %s: %v", sel, err)
		return
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(b.t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot of %s: %v", sel, err)
	}
}
