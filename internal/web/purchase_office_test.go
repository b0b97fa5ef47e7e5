package web_test

// Tests of the office's side of buying social services, through HTTP: the whole path of a call
// through the API (budget, call, open, applications, close, preliminary review, panel draw,
// scores, ranking, awards, notice, objections, final awards, contract, both confirmations, the
// first payment), the same path through the forms with every page rendered as the purchaser and
// the hub in both languages, and the refusals: awarding beyond the budget or outside the bands,
// paying more than the contract, signing before the notice ends.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// offFix is the demo street with a clock the test sets.
type offFix struct {
	t     *testing.T
	e     *env
	ctx   context.Context
	sys   *gongzhi.Actor
	clock atomic.Int64
	pur   *gongzhi.Actor
	hub   *gongzhi.Actor
	orgs  map[string]int64 // demo organization name → id
	provs map[int64]*gongzhi.Actor
	exps  map[int64]*gongzhi.Actor // expert person → linked account
}

// offStart is Monday 30 November 2026, 09:00 in China.
var offStart = time.Date(2026, 11, 30, 9, 0, 0, 0, gongzhi.ChinaTime)

func newOffFix(t *testing.T, db *store.DB) *offFix {
	t.Helper()
	e := newEnv(t, db)
	f := &offFix{t: t, e: e, ctx: context.Background(), sys: gongzhi.SystemActor("test"), orgs: map[string]int64{},
		provs: map[int64]*gongzhi.Actor{}, exps: map[int64]*gongzhi.Actor{}}
	f.at(offStart)
	e.app.Now = func() time.Time { return time.Unix(0, f.clock.Load()) }
	f.pur, f.hub = f.actor("gt-purchaser"), f.actor("gt-hub")
	_, err := e.app.Organizations(f.ctx, f.sys, store.ListOptions{}, func(o *gongzhi.Organization) error {
		f.orgs[o.Name] = o.ID
		return nil
	})
	f.must(err)
	return f
}

func (f *offFix) at(t time.Time) { f.clock.Store(t.UnixNano()) }

func (f *offFix) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *offFix) actor(name string) *gongzhi.Actor {
	f.t.Helper()
	ac := &gongzhi.Actor{User: f.e.user(name), Via: "test"}
	f.must(f.e.app.ScopeFor(f.ctx, ac))
	return ac
}

// account makes a signed-in account of a role (its password already changed).
func (f *offFix) account(username, role, place string, org int64) *gongzhi.Actor {
	f.t.Helper()
	a := f.e.app
	u := &gongzhi.User{Username: username, DisplayName: username, Role: role, PlaceCode: place, OrgID: org}
	_, err := a.CreateUser(f.ctx, f.sys, u, "")
	f.must(err)
	f.must(a.DB.Q().SetPassword(f.ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, a.Now()))
	u.MustChangePassword = false
	ac := &gongzhi.Actor{User: u, Via: "test"}
	f.must(a.ScopeFor(f.ctx, ac))
	return ac
}

// known is the existing account id, signing in with the demo's password.
func (f *offFix) known(id int64) *gongzhi.Actor {
	f.t.Helper()
	a := f.e.app
	u, err := a.DB.Q().GetUser(f.ctx, id)
	f.must(err)
	f.must(a.DB.Q().SetPassword(f.ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, a.Now()))
	u.MustChangePassword = false
	ac := &gongzhi.Actor{User: u, Via: "test"}
	f.must(a.ScopeFor(f.ctx, ac))
	return ac
}

// provider is a provider account of the demo organization whose name contains part.
func (f *offFix) provider(part string) *gongzhi.Actor {
	f.t.Helper()
	for name, id := range f.orgs {
		if strings.Contains(name, part) {
			if f.provs[id] == nil {
				f.provs[id] = f.account(fmt.Sprintf("prov-%d", id), gongzhi.RoleProvider, "", id)
			}
			return f.provs[id]
		}
	}
	f.t.Fatalf("no demo organization named like %s", part)
	return nil
}

// expert is an expert account linked to a person of the pool.
func (f *offFix) expert(person int64) *gongzhi.Actor {
	f.t.Helper()
	if f.exps[person] == nil {
		// a person has one account: the demo's, if it made one, with the demo's password
		holder, _, err := f.e.app.DB.Q().PersonHolder(f.ctx, person)
		f.must(err)
		if holder != 0 {
			f.exps[person] = f.known(holder)
			return f.exps[person]
		}
		ac := f.account(fmt.Sprintf("exp-%d", person), gongzhi.RoleExpert, demo.DistrictCode, 0)
		f.must(f.e.app.LinkExpertAccount(f.ctx, f.sys, ac.User.ID, person))
		f.exps[person] = ac
	}
	return f.exps[person]
}

// apply writes and submits a complete application for requested yuan.
func (f *offFix) apply(callID int64, prov *gongzhi.Actor, title string, requested int64, needs ...int64) int64 {
	f.t.Helper()
	staff := gongzhi.Yuan(requested * 6 / 10)
	ap := &gongzhi.Application{CallID: callID, Title: title, CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
		Communities: []string{demo.ZhongshanCode}, Beneficiaries: 120, Summary: "高龄独居老人助餐与探访",
		ActivityPlan: "每周五天助餐，每月两次入户探访与健康讲座。", Requested: gongzhi.Yuan(requested),
		BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: staff}, {Item: "活动经费", Amount: gongzhi.Yuan(requested) - staff}},
		Team:        []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
		Outputs:     []gongzhi.Indicator{{Name: "助餐服务", Target: 3000, Unit: "人次"}},
		Outcomes:    []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}, NeedIDs: needs}
	f.must(f.e.app.CreateApplication(f.ctx, prov, ap))
	f.must(f.e.app.SubmitApplication(f.ctx, prov, ap.ID))
	return ap.ID
}

// scoreAll has every active panel member score every eligible application they may score.
func (f *offFix) scoreAll(callID int64, total map[int64]gongzhi.Points) {
	f.t.Helper()
	a := f.e.app
	d, err := a.Panel(f.ctx, f.pur, callID)
	f.must(err)
	c, err := a.Call(f.ctx, f.pur, callID)
	f.must(err)
	for _, m := range d.Members {
		if !m.Active() {
			continue
		}
		ex := f.expert(m.PersonID)
		apps, err := a.ReviewApplications(f.ctx, ex, callID)
		f.must(err)
		for _, ap := range apps {
			// spread the application's total over the criteria, within each weight
			left := total[ap.ID] + gongzhi.Points(m.Seq%3*100) // experts differ a little
			var crit []gongzhi.Points
			for _, cr := range c.Criteria {
				p := min(left, gongzhi.Points(cr.Weight)*100)
				crit = append(crit, p)
				left -= p
			}
			_, err := a.SubmitScores(f.ctx, ex, ap.ID, crit, "评审意见")
			f.must(err)
		}
	}
}

// offAPI calls the API and fails unless the status is want; it returns the body.
func (f *offFix) api(tok, method, path string, body any, want int) apiResp {
	f.t.Helper()
	r := f.e.call(tok, method, path, body)
	if r.Status != want {
		f.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

func offNum(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func offItems(r apiResp) []map[string]any {
	var out []map[string]any
	for _, x := range r.Body["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// offRefused checks an API refusal: status, code and the field's reason — a code whose message
// is the translated message given, which contains contains.
func offRefused(t *testing.T, r apiResp, status int, code, field, contains string) {
	t.Helper()
	c, fields := errOf(r)
	if r.Status != status || c != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.Status, r.Raw)
	}
	if f, ok := fields[field]; field != "" && (!ok || !strings.Contains(f.Message, contains) || !fieldAgrees(f)) {
		t.Fatalf("field %s: want a code and its message with %q, got %s", field, contains, r.Raw)
	}
}

func TestOfficeFlowAPI(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		pur := f.e.token("gt-purchaser")
		hub := f.e.token("gt-hub")

		// a need, the catalog, a budget; the demo street already has needs of its own
		cell := func() (needs, people int64) {
			for _, c := range offItems(f.api(hub, "GET", "/api/v1/needs/map", nil, 200)) {
				if c["community_code"] == demo.ZhongshanCode && c["target_group"] == "elderly_alone" && c["category_code"] == "elderly_home_care" {
					return offNum(c["needs"]), offNum(c["people"])
				}
			}
			return 0, 0
		}
		needsBefore, peopleBefore := cell()
		need := f.api(pur, "POST", "/api/v1/needs", map[string]any{"community_code": demo.ZhongshanCode, "target_group": "elderly_alone",
			"category_code": "elderly_home_care", "description": "独居老人午餐无人照料", "people_affected": 36, "source": "household_visit"}, 201)
		needID := offNum(need.Body["id"])
		if n, p := cell(); n != needsBefore+1 || p != peopleBefore+36 {
			t.Fatalf("needs map cell: %d needs, %d people; was %d, %d", n, p, needsBefore, peopleBefore)
		}
		if r := f.api(pur, "GET", "/api/v1/catalog", nil, 200); len(offItems(r)) < 8 {
			t.Fatalf("catalog: %s", r.Raw)
		}
		offRefused(t, f.e.call(pur, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026,
			"level": "street", "fund": "fiscal", "name": "错", "amount": "20,000.555"}), 422, "invalid", "amount", "")
		b := f.api(pur, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026, "level": "street",
			"fund": "lottery", "name": "2026年福彩公益金社区公益创投", "amount": "300,000"}, 201)
		budgetID := offNum(b.Body["id"])
		if offNum(b.Body["amount"]) != 30_000_000 || offNum(b.Body["available"]) != 30_000_000 {
			t.Fatalf("budget: %s", b.Raw)
		}
		f.api(hub, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026, "level": "street",
			"fund": "fiscal", "name": "枢纽不能建预算", "amount": "1"}, 403)

		// a draft call, then opened
		call := map[string]any{"place_code": demo.StreetCode, "kind": "venture_philanthropy", "title": "葛塘街道首届社区公益创投",
			"categories": []string{"elderly_home_care", "community_social_work"}, "budget_id": budgetID, "amount": "150000",
			"bands":    []map[string]any{{"name": "小型", "min": "20000", "max": "50000"}, {"name": "中型", "min": "50000.01", "max": "90000"}},
			"opens_at": offStart.Format(time.RFC3339), "closes_at": offStart.Add(10*24*time.Hour + 8*time.Hour).Format(time.RFC3339),
			"need_ids": []int64{needID}, "eligibility": []string{"在本街道登记或备案的社会组织"}}
		bad := map[string]any{}
		for k, v := range call {
			bad[k] = v
		}
		bad["criteria"] = []map[string]any{{"name": "方案", "weight": 60}, {"name": "团队", "weight": 30}}
		offRefused(t, f.e.call(pur, "POST", "/api/v1/calls", bad), 422, "invalid", "criteria", "90")
		c := f.api(pur, "POST", "/api/v1/calls", call, 201)
		callID := offNum(c.Body["id"])
		base := fmt.Sprintf("/api/v1/calls/%d", callID)
		call["title"] = "葛塘街道2026年社区公益创投"
		if r := f.api(pur, "PUT", base, call, 200); r.Body["title"] != call["title"] || r.Body["state"] != "draft" {
			t.Fatalf("update: %s", r.Raw)
		}
		f.api(hub, "POST", base+"/open", nil, 403)
		if r := f.api(pur, "POST", base+"/open", nil, 200); r.Body["state"] != "open" || offNum(r.Body["reserved"]) != 15_000_000 {
			t.Fatalf("open: %s", r.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); offNum(r.Body["available"]) != 15_000_000 {
			t.Fatalf("budget after opening: %s", r.Raw)
		}
		offRefused(t, f.e.call(pur, "PUT", base, call), 409, "conflict", "state", "征集中")
		offRefused(t, f.e.call(pur, "POST", base+"/close", nil), 409, "conflict", "closes_at", "")

		// four applications; two organizations have an affiliated expert in the pool
		apps := []int64{
			f.apply(callID, f.provider("同心"), "长者食堂助餐", 90_000, needID),
			f.apply(callID, f.provider("启明"), "四点半课堂", 40_000),
			f.apply(callID, f.provider("仁爱"), "独居老人探访", 50_000),
			f.apply(callID, f.provider("睦邻"), "材料不全的项目", 30_000),
		}

		// after the deadline: close, preliminary review by the hub
		f.at(offStart.Add(11 * 24 * time.Hour)) // Friday 11 December, 09:00
		pur, hub = f.e.token("gt-purchaser"), f.e.token("gt-hub")
		f.api(pur, "POST", base+"/close", nil, 200)
		if r := f.api(hub, "GET", base+"/applications", nil, 200); offNum(r.Body["total"]) != 4 {
			t.Fatalf("applications: %s", r.Raw)
		}
		offRefused(t, f.e.call(hub, "POST", fmt.Sprintf("%s/applications/%d/prelim", base, apps[3]), map[string]any{"eligible": false}),
			422, "invalid", "reason", "")
		f.api(hub, "POST", fmt.Sprintf("%s/applications/%d/prelim", base, apps[3]), map[string]any{"eligible": false, "reason": "缺少预算明细附件"}, 200)
		for _, id := range apps[:3] {
			if r := f.api(hub, "POST", fmt.Sprintf("%s/applications/%d/prelim", base, id), map[string]any{"eligible": true}, 200); r.Body["state"] != "eligible" {
				t.Fatalf("prelim: %s", r.Raw)
			}
		}
		offRefused(t, f.e.call(pur, "POST", base+"/review", nil), 409, "conflict", "panel", "")

		// the draw: almost the whole pool, so that the affiliated experts are met and excluded with the reason
		var pool int
		_, err := f.e.app.People(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"kind": "expert"}}, func(*gongzhi.Person) error { pool++; return nil })
		f.must(err)
		d := f.api(pur, "POST", base+"/panel", map[string]any{"size": pool - 2, "seed": 20261211}, 200)
		if offNum(d.Body["seed"]) != 20261211 {
			t.Fatalf("seed: %s", d.Raw)
		}
		excluded := 0
		for _, m := range d.Body["members"].([]any) {
			m := m.(map[string]any)
			if m["outcome"] == "excluded" {
				excluded++
				if m["reason"] != "affiliated" || m["detail"] == "" {
					t.Fatalf("excluded without a reason: %v", m)
				}
			}
		}
		if excluded == 0 {
			t.Fatalf("want the affiliated expert the draw met excluded: %s", d.Raw)
		}
		offRefused(t, f.e.call(pur, "POST", base+"/panel", map[string]any{"size": 3, "seed": 1}), 409, "conflict", "panel", "")
		if r := f.api(hub, "GET", base+"/panel", nil, 200); offNum(r.Body["seed"]) != 20261211 {
			t.Fatalf("panel as the hub: %s", r.Raw)
		}
		for _, m := range d.Body["members"].([]any) {
			if m := m.(map[string]any); m["outcome"] == "selected" {
				f.must(f.e.app.DeclareNoConflict(f.ctx, f.expert(offNum(m["person_id"])), callID))
			}
		}
		f.api(pur, "POST", base+"/review", nil, 200)
		offRefused(t, f.e.call(pur, "POST", base+"/rank", nil), 409, "conflict", "scores", "")
		f.scoreAll(callID, map[int64]gongzhi.Points{apps[0]: 8800, apps[1]: 7500, apps[2]: 8200})
		rk := f.api(pur, "POST", base+"/rank", nil, 200)
		if got := offItems(rk); len(got) != 3 || offNum(got[0]["application_id"]) != apps[0] || offNum(got[1]["application_id"]) != apps[2] ||
			offNum(got[0]["scores"]) != int64(pool-2) {
			t.Fatalf("ranking: %s", rk.Raw)
		}

		// awards: the proposal funds in rank order until the money runs out (90,000 + 50,000 of
		// 150,000; the third, 40,000, no longer fits), then adjustments within the budget and the bands
		props := f.api(pur, "POST", base+"/awards/propose", map[string]any{"threshold": 60}, 200)
		if got := offItems(props); len(got) != 3 || offNum(got[2]["amount"]) != 0 || got[2]["reason"] != "unfunded.budget_exhausted" {
			t.Fatalf("proposal: %s", props.Raw)
		}
		offRefused(t, f.e.call(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[1], "amount": "40000"}),
			409, "conflict", "amount", "10,000.00")
		offRefused(t, f.e.call(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[1], "amount": "15000"}),
			422, "invalid", "amount", "")
		offRefused(t, f.e.call(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[0], "amount": "95000"}),
			422, "invalid", "amount", "")
		offRefused(t, f.e.call(pur, "POST", base+"/awards/remove", map[string]any{"application_id": apps[2], "reason": "unfunded.decision"}),
			422, "invalid", "note", "")
		f.api(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[2], "amount": "45000", "note": "压缩宣传费"}, 200)
		f.api(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[0], "amount": 8_500_000, "note": "按评审意见核减"}, 200)
		f.api(pur, "POST", base+"/awards/set", map[string]any{"application_id": apps[1], "amount": "20,000", "note": "按小型档最低额资助"}, 200)
		aw := f.api(pur, "GET", base+"/awards", nil, 200)
		var sum int64
		for _, w := range offItems(aw) {
			sum += offNum(w["amount"])
		}
		if sum != 15_000_000 || len(offItems(aw)) != 3 {
			t.Fatalf("awards: %s", aw.Raw)
		}

		// the notice: 5 working days from Friday 11 December end at midnight after Thursday 17 December
		pub := f.api(pur, "POST", base+"/publish", nil, 200)
		if pub.Body["state"] != "notice" || !strings.HasPrefix(pub.Body["notice_ends_at"].(string), "2026-12-17T16:00:00") {
			t.Fatalf("publish: %s", pub.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); offNum(r.Body["reserved"]) != 15_000_000 {
			t.Fatalf("the awards' money is not held: %s", r.Raw)
		}
		o := &gongzhi.Objection{CallID: callID, ApplicationID: apps[1], Name: "李先生", Contact: "13900000000", Body: "该机构服务对象与其他项目重复"}
		f.must(f.e.app.FileObjection(f.ctx, nil, o))
		offRefused(t, f.e.call(pur, "POST", base+"/finalize", nil), 409, "conflict", "notice_ends_at", "2026-12-17")
		offRefused(t, f.e.call(pur, "POST", fmt.Sprintf("%s/objections/%d/answer", base, o.ID), map[string]any{"answer": "x", "overturn": true}),
			422, "invalid", "overturn", "")
		f.api(pur, "POST", fmt.Sprintf("%s/objections/%d/answer", base, o.ID), map[string]any{"answer": "经核查服务对象不重复，异议不成立。"}, 200)

		// contracts: drafted once the results are final (an objection may overturn an award in
		// notice), then signed
		offRefused(t, f.e.call(pur, "POST", base+"/contracts", map[string]any{"award_id": 0}), 409, "conflict", "award_id", "")
		f.at(time.Date(2026, 12, 18, 9, 0, 0, 0, gongzhi.ChinaTime))
		pur, hub = f.e.token("gt-purchaser"), f.e.token("gt-hub")
		if r := f.api(pur, "POST", base+"/finalize", nil, 200); r.Body["state"] != "final" {
			t.Fatalf("finalize: %s", r.Raw)
		}
		gen := f.api(pur, "POST", base+"/contracts", map[string]any{"award_id": 0}, 200)
		if len(offItems(gen)) != 3 {
			t.Fatalf("contracts: %s", gen.Raw)
		}
		var ct int64
		for _, x := range offItems(gen) {
			if offNum(x["application_id"]) == apps[0] {
				ct = offNum(x["id"])
			}
		}
		cbase := fmt.Sprintf("/api/v1/contracts/%d", ct)
		f.api(pur, "POST", cbase+"/confirm", nil, 200)
		offRefused(t, f.e.call(pur, "POST", cbase+"/confirm", nil), 409, "conflict", "version", "")
		prov := f.e.token(f.provider("同心").User.Username)
		signed := f.api(prov, "POST", cbase+"/confirm", nil, 200)
		if signed.Body["state"] != "signed" || offNum(signed.Body["amount"]) != 8_500_000 {
			t.Fatalf("signing: %s", signed.Raw)
		}

		// payments: never more than the contract
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "85,000.01", "paid_on": "2026-12-18"}),
			409, "conflict", "amount", "85,000.00")
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "42,500.01", "paid_on": "2026-12-18"}),
			409, "conflict", "amount", "42,500.00")
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "100", "paid_on": "2026-12-19"}),
			422, "invalid", "paid_on", "")
		// the street's rate before this payment: the demo's projects in service count too
		before := f.api(pur, "GET", "/api/v1/reports/on-time", nil, 200)
		p := f.api(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "42500", "paid_on": "2026-12-18", "note": "首期50%"}, 201)
		if offNum(p.Body["amount"]) != 4_250_000 {
			t.Fatalf("payment: %s", p.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); offNum(r.Body["spent"]) != 4_250_000 ||
			offNum(r.Body["reserved"]) != 10_750_000 {
			t.Fatalf("budget after the payment: %s", r.Raw)
		}
		if r := f.api(hub, "GET", fmt.Sprintf("/api/v1/budgets/%d/ledger", budgetID), nil, 200); len(offItems(r)) != 2 {
			t.Fatalf("ledger: %s", r.Raw)
		}
		if r := f.api(pur, "GET", "/api/v1/reports/on-time", nil, 200); offNum(r.Body["due"]) != offNum(before.Body["due"]) ||
			offNum(r.Body["on_time"]) != offNum(before.Body["on_time"])+1 || offNum(r.Body["unpaid"]) != offNum(before.Body["unpaid"])-1 {
			t.Fatalf("on-time rate: %s", r.Raw)
		}

		// an amendment is a new version
		cur := f.api(pur, "GET", cbase, nil, 200).Body["current"].(map[string]any)["terms"].(map[string]any)
		cur["deliverables"] = cur["deliverables"].(string) + "增加每月一次健康讲座。"
		v2 := f.api(pur, "POST", cbase+"/amend", map[string]any{"terms": cur, "reason": "增加健康讲座"}, 200)
		if offNum(v2.Body["version"]) != 2 || v2.Body["state"] != "pending" {
			t.Fatalf("amend: %s", v2.Raw)
		}
		if r := f.api(pur, "GET", cbase+"/versions", nil, 200); len(offItems(r)) != 2 {
			t.Fatalf("versions: %s", r.Raw)
		}

		// reports and the call's history
		fr := f.api(pur, "GET", "/api/v1/reports/funding?from=2026&to=2026", nil, 200)
		years := fr.Body["years"].([]any)
		var nSigned, amount int64 // the report adds up the signed contracts: this one and the demo's projects in service
		_, err = f.e.app.Contracts(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}}, func(x *gongzhi.Contract) error {
			if x.FiscalYear == 2026 {
				nSigned++
				amount += int64(x.Amount)
			}
			return nil
		})
		f.must(err)
		if len(years) != 1 || nSigned < 2 || offNum(years[0].(map[string]any)["contracts"]) != nSigned || offNum(years[0].(map[string]any)["amount"]) != amount {
			t.Fatalf("funding report: %s", fr.Raw)
		}
		if r := f.e.call(pur, "GET", "/api/v1/reports/funding.xlsx?from=2026&to=2026", nil); r.Status != 200 ||
			!strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("funding export: %d", r.Status)
		}
		na := f.api(pur, "GET", "/api/v1/reports/needs-answered", nil, 200)
		var ours []map[string]any // this call's projects, apart from the demo's projects in service
		for _, x := range offItems(na) {
			if offNum(x["call_id"]) == callID {
				ours = append(ours, x)
			}
		}
		if got := ours; len(got) != 3 || len(got[0]["needs"].([]any)) != 1 {
			t.Fatalf("needs answered: %s", na.Raw)
		}
		for _, n := range offItems(f.api(pur, "GET", "/api/v1/needs?answered=0&per_page=200", nil, 200)) {
			if offNum(n["id"]) == needID {
				t.Fatalf("the need the project answers is still unanswered: %v", n)
			}
		}
		if r := f.api(pur, "GET", "/api/v1/needs?answered=1", nil, 200); offNum(r.Body["total"]) != 1 {
			t.Fatalf("answered needs: %s", r.Raw)
		}
		h := f.api(hub, "GET", base+"/history", nil, 200)
		entities := map[string]bool{}
		for _, x := range offItems(h) {
			entities[x["entity"].(string)] = true
		}
		for _, want := range []string{"call", "application", "panel", "score", "ranking", "award", "objection", "contract", "contract_version", "payment"} {
			if !entities[want] {
				t.Errorf("the call's history has no %s line", want)
			}
		}
		// notes come as a code and its arguments, with the text the reader's language gives them;
		// every award's line names its application
		paid := false
		for _, x := range offItems(h) {
			n := x["note"].(map[string]any)
			if x["entity"] == "award" && offNum(x["application_id"]) == 0 {
				t.Errorf("an award's line without its application: %v", x)
			}
			if x["entity"] != "payment" {
				continue
			}
			args := fmt.Sprint(n["args"])
			if n["code"] == "paid_on_time" && args == "[1 4250000 2026-12-18]" && n["text"] == "第 1 期：42,500.00 元，2026-12-18 支付，按时" {
				paid = true
			}
		}
		if !paid {
			t.Errorf("the call's history lacks the payment's note as data: %s", h.Raw)
		}
		if !strings.Contains(string(h.Raw), `"code":"paid_on_time","args":["1","4250000","2026-12-18"]`) {
			t.Errorf("the history's payment note in JSON: %s", h.Raw)
		}
	})
}

// offKeyRe matches a message key of the purchase pages shown as it is.
var offKeyRe = regexp.MustCompile(`(?:^|[^\w@./-])((?:need|budget|ledger|category|call|app|award|panel|objection|contract|version|payment|` +
	`report|unit|money|state|entity|note|unfunded|notice|review|eligibility|application|datetime|nav|action|list|detail|err)\.[A-Za-z0-9_.]*[A-Za-z0-9_])`)

// offBrowser signs an account in; with en the pages come in English.
func (f *offFix) browser(name string, en bool) *browser {
	f.t.Helper()
	b := f.e.browser()
	if st, loc := b.login(name, demo.Password); st != http.StatusSeeOther {
		f.t.Fatalf("%s login: %d %s", name, st, loc)
	}
	if en {
		b.get("/lang?to=en&next=/")
	}
	return b
}

// offPage gets a page and checks its status and that no message key shows untranslated.
func offPage(t *testing.T, b *browser, who, path string, want int) string {
	t.Helper()
	st, body := b.get(path)
	if st != want {
		t.Errorf("%s GET %s: %d, want %d", who, path, st, want)
		return body
	}
	text := tagRe.ReplaceAllString(body, "\n")
	if m := offKeyRe.FindStringSubmatch(text); m != nil {
		t.Errorf("%s GET %s shows the untranslated key %q", who, path, m[1])
	}
	if m := messageKeyRe.FindStringSubmatch(text); m != nil {
		t.Errorf("%s GET %s shows the untranslated key %q", who, path, m[1])
	}
	return body
}

// offPages renders pages as the purchaser and the hub, in Chinese and in English. Pages in
// buyerOnly answer 403 to the hub.
func (f *offFix) offPages(pages []string, buyerOnly map[string]bool) {
	f.t.Helper()
	for _, who := range []string{"gt-purchaser", "gt-hub"} {
		for _, en := range []bool{false, true} {
			b := f.browser(who, en)
			for _, p := range pages {
				want := http.StatusOK
				if who == "gt-hub" && buyerOnly[p] {
					want = http.StatusForbidden
				}
				offPage(f.t, b, fmt.Sprintf("%s (en=%v)", who, en), p, want)
			}
		}
	}
}

// offPost posts a form with the CSRF token of the page at from.
func offPost(t *testing.T, b *browser, from, path string, form url.Values) (int, string) {
	t.Helper()
	form.Set("csrf", b.csrf(from))
	return b.post(path, form)
}

// offBeside checks that a reason is shown inside the element with id, before the next field.
func offBeside(t *testing.T, body, id, reason string) {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element %s on the page", id)
	}
	j := strings.Index(body[i:], reason)
	if j < 0 || strings.Contains(body[i:i+j], `class="field `) {
		t.Fatalf("%q is not shown beside %s", reason, id)
	}
}

func offCallForm(budget int64, need int64, weights ...string) url.Values {
	v := url.Values{"title": {"葛塘街道社区公益创投（表单）"}, "kind": {"venture_philanthropy"}, "place_code": {demo.StreetCode},
		"budget_id": {strconv.FormatInt(budget, 10)}, "amount": {"150,000"}, "categories": {"elderly_home_care", "community_social_work"},
		"description": {"面向本街道的社区公益创投。"}, "opens_at": {"2026-11-30T09:00"}, "closes_at": {"2026-12-10"}, "review_by": {""},
		"notice_days": {"5"}, "eligibility": {"在本街道登记或备案的社会组织\n近两年无不良信用记录"}, "min_grade": {""},
		"aggregation": {"trim_mean"}, "need_ids": {strconv.FormatInt(need, 10)}}
	bands := [][3]string{{"小型", "20000", "50000"}, {"中型", "50,000.01", "9万"}, {"", "", ""}, {"", "", ""}, {"", "", ""}}
	for i, b := range bands {
		k := "bands." + strconv.Itoa(i)
		v.Set(k+".name", b[0])
		v.Set(k+".min", b[1])
		v.Set(k+".max", b[2])
	}
	names := []string{"需求分析与目标", "服务方案与可行性", "团队与执行能力", "预算合理性", "创新与可持续性", "", "", ""}
	for i, n := range names {
		k := "criteria." + strconv.Itoa(i)
		v.Set(k+".name", n)
		v.Set(k+".description", "")
		if i < len(weights) {
			v.Set(k+".weight", weights[i])
		} else {
			v.Set(k+".weight", "")
		}
	}
	return v
}

var offLocRe = regexp.MustCompile(`^/(?:needs|budgets|calls|contracts)/(\d+)`)

func offIDOf(t *testing.T, loc string) int64 {
	t.Helper()
	m := offLocRe.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("not a record's page: %s", loc)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func TestOfficeFlowUI(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) { offFlowUI(t, db) })
}

func offFlowUI(t *testing.T, db *store.DB) {
	f := newOffFix(t, db)
	a := f.e.app
	pb, hb := f.browser("gt-purchaser", false), f.browser("gt-hub", false)

	// a need, with the error beside the field first
	form := url.Values{"community_code": {demo.ZhongshanCode}, "source": {"grid_report"}, "target_group": {"elderly_alone"},
		"category_code": {"elderly_home_care"}, "description": {""}, "people_affected": {"二十"}, "contact_name": {"张阿姨"}}
	st, body := offPost(t, hb, "/needs/new", "/needs/new", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `value="二十"`) || !strings.Contains(body, "张阿姨") {
		t.Fatalf("bad need: %d", st)
	}
	offBeside(t, body, "field-people_affected", "应为数字")
	form.Set("description", "独居老人午餐无人照料，希望社区开设助餐点")
	form.Set("people_affected", "36")
	st, loc := offPost(t, hb, "/needs/new", "/needs/new", form)
	if st != http.StatusSeeOther {
		t.Fatalf("need: %d %s", st, loc)
	}
	needID := offIDOf(t, loc)

	// a budget: money in yuan, a bad amount shown beside its field with what was typed
	bf := url.Values{"name": {"2026年街道社区公益创投资金"}, "fiscal_year": {"2026"}, "amount": {"二十万"}, "level": {"street"},
		"fund": {"fiscal"}, "place_code": {demo.StreetCode}, "notes": {"街道财政安排"}}
	st, body = offPost(t, pb, "/budgets/new", "/budgets/new", bf)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `value="二十万"`) {
		t.Fatalf("bad amount: %d", st)
	}
	offBeside(t, body, "field-amount", "金额格式不正确")
	bf.Set("amount", "300,000.50")
	st, loc = offPost(t, pb, "/budgets/new", "/budgets/new", bf)
	if st != http.StatusSeeOther {
		t.Fatalf("budget: %d %s", st, loc)
	}
	budgetID := offIDOf(t, loc)
	if body := offPage(t, pb, "purchaser", loc, 200); !strings.Contains(body, "¥300,000.50") {
		t.Fatal("the budget does not show its amount in yuan")
	}
	if st, _ := offPost(t, hb, "/budgets", "/budgets/new", bf); st != http.StatusForbidden {
		t.Fatalf("the hub created a budget: %d", st)
	}

	// the catalog
	cf := url.Values{"code": {"elder_canteen"}, "name": {"社区长者食堂运营服务"}, "name_en": {"Community canteen for the elderly"},
		"price_min": {"80000"}, "price_max": {"50000"}, "standard": {"每日午餐，持证厨师"}}
	st, body = offPost(t, pb, "/catalog/new", "/catalog/new", cf)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad price range: %d", st)
	}
	offBeside(t, body, "field-price_max", "上限不能低于下限")
	cf.Set("price_max", "200000")
	if st, loc := offPost(t, pb, "/catalog/new", "/catalog/new", cf); st != http.StatusSeeOther || loc != "/catalog" {
		t.Fatalf("category: %d %s", st, loc)
	}
	if body := offPage(t, f.e.browser(), "public", "/catalog", 200); !strings.Contains(body, "¥80,000.00 – ¥200,000.00") {
		t.Fatal("the catalog does not show the new price range")
	}

	// a call: weights that do not add up are shown beside the criteria, the typed rows kept
	cform := offCallForm(budgetID, needID, "20", "30", "20", "15", "5")
	st, body = offPost(t, pb, "/calls/new", "/calls/new", cform)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `value="50,000.01"`) || !strings.Contains(body, `value="9万"`) {
		t.Fatalf("bad weights: %d", st)
	}
	offBeside(t, body, "field-criteria", "当前 90")
	cform = offCallForm(budgetID, needID, "20", "30", "20", "15", "15")
	st, loc = offPost(t, pb, "/calls/new", "/calls/new", cform)
	if st != http.StatusSeeOther {
		t.Fatalf("call: %d %s", st, loc)
	}
	callID := offIDOf(t, loc)
	cpath := fmt.Sprintf("/calls/%d", callID)
	c, err := a.Call(f.ctx, f.pur, callID)
	f.must(err)
	if c.Amount != gongzhi.Yuan(150_000) || c.Bands[1].Min != 5_000_001 || c.Bands[1].Max != gongzhi.Yuan(90_000) ||
		!c.ClosesAt.Equal(time.Date(2026, 12, 11, 0, 0, 0, 0, gongzhi.ChinaTime)) || len(c.NeedIDs) != 1 {
		t.Fatalf("the call as stored: %+v", c)
	}
	// a second draft, cancelled with its reason
	draft := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "commission", Title: "委托项目（将撤销）", Categories: []string{"staff_training"},
		BudgetID: budgetID, Amount: gongzhi.Yuan(20_000), Bands: []gongzhi.FundingBand{{Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(20_000)}},
		OpensAt: offStart, ClosesAt: offStart.Add(72 * time.Hour)}
	f.must(a.CreateCall(f.ctx, f.pur, draft))
	f.offPages([]string{cpath, cpath + "/edit", fmt.Sprintf("/calls/%d/edit", draft.ID), "/calls", "/calls/new", "/calls?state=draft"},
		map[string]bool{cpath + "/edit": true, fmt.Sprintf("/calls/%d/edit", draft.ID): true, "/calls/new": true})
	dpath := fmt.Sprintf("/calls/%d", draft.ID)
	if st, body := offPost(t, pb, dpath, dpath+"/cancel", url.Values{"reason": {""}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "必填") {
		t.Fatalf("cancel without a reason: %d", st)
	}
	if st, _ := offPost(t, pb, dpath, dpath+"/cancel", url.Values{"reason": {"与区级项目重复"}}); st != http.StatusSeeOther {
		t.Fatalf("cancel: %d", st)
	}

	// open: the money is reserved; the hub may not
	if st, _ := offPost(t, hb, cpath, cpath+"/open", url.Values{}); st != http.StatusForbidden {
		t.Fatalf("the hub opened the call: %d", st)
	}
	if st, loc := offPost(t, pb, cpath, cpath+"/open", url.Values{}); st != http.StatusSeeOther || loc != cpath {
		t.Fatalf("open: %d %s", st, loc)
	}
	if body := offPage(t, pb, "purchaser", offBudgetPath(budgetID), 200); !strings.Contains(body, "¥150,000.00") {
		t.Fatal("the ledger does not show the reservation")
	}
	apps := []int64{
		f.apply(callID, f.provider("同心"), "长者食堂助餐", 90_000, needID),
		f.apply(callID, f.provider("启明"), "四点半课堂", 40_000),
		f.apply(callID, f.provider("仁爱"), "独居老人探访", 50_000),
		f.apply(callID, f.provider("睦邻"), "材料不全的项目", 30_000),
	}
	if st, body := offPost(t, pb, cpath, cpath+"/close", url.Values{}); st != http.StatusConflict || !strings.Contains(body, "申报截止时间未到") {
		t.Fatalf("close before the deadline: %d", st)
	}

	// after the deadline
	f.at(time.Date(2026, 12, 11, 9, 0, 0, 0, gongzhi.ChinaTime))
	pb, hb = f.browser("gt-purchaser", false), f.browser("gt-hub", false)
	if st, _ := offPost(t, pb, cpath, cpath+"/close", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("close: %d", st)
	}
	prelim := func(app int64) string { return fmt.Sprintf("%s/applications/%d/prelim", cpath, app) }
	st, body = offPost(t, hb, cpath, prelim(apps[3]), url.Values{"decision": {"reject"}, "reason": {""}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "必填") {
		t.Fatalf("reject without a reason: %d", st)
	}
	if st, _ := offPost(t, hb, cpath, prelim(apps[3]), url.Values{"decision": {"reject"}, "reason": {"缺少预算明细"}}); st != http.StatusSeeOther {
		t.Fatalf("reject: %d", st)
	}
	for _, id := range apps[:3] {
		if st, _ := offPost(t, hb, cpath, prelim(id), url.Values{"decision": {"eligible"}}); st != http.StatusSeeOther {
			t.Fatalf("eligible: %d", st)
		}
	}
	if st, body := offPost(t, pb, cpath, cpath+"/panel", url.Values{"size": {"0"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "超出范围") {
		t.Fatalf("draw of 0: %d", st)
	}
	if st, _ := offPost(t, pb, cpath, cpath+"/panel", url.Values{"size": {"5"}, "seed": {"8675309"}}); st != http.StatusSeeOther {
		t.Fatalf("draw: %d", st)
	}
	if body := offPage(t, hb, "hub", cpath, 200); !strings.Contains(body, "8675309") {
		t.Fatal("the call page does not show the seed")
	}
	d, err := a.Panel(f.ctx, f.pur, callID)
	f.must(err)
	for _, m := range d.Members {
		if m.Active() {
			f.must(a.DeclareNoConflict(f.ctx, f.expert(m.PersonID), callID))
		}
	}
	f.offPages([]string{cpath, cpath + "/history", fmt.Sprintf("%s/applications/%d", cpath, apps[0])}, nil)
	if st, _ := offPost(t, pb, cpath, cpath+"/review", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("start the review: %d", st)
	}
	f.scoreAll(callID, map[int64]gongzhi.Points{apps[0]: 8800, apps[1]: 7500, apps[2]: 8200})
	if st, _ := offPost(t, pb, cpath, cpath+"/rank", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("rank: %d", st)
	}
	if st, _ := offPost(t, pb, cpath, cpath+"/awards/propose", url.Values{"threshold": {"60"}}); st != http.StatusSeeOther {
		t.Fatalf("propose: %d", st)
	}
	// the proposal: 90,000 + 50,000 of 150,000; the third (40,000) no longer fits
	award := func(app int64, amount string) (int, string) {
		return offPost(t, pb, cpath, cpath+"/awards/set", url.Values{"application_id": {strconv.FormatInt(app, 10)}, "amount": {amount}, "note": {""}})
	}
	if st, body := award(apps[0], "95,000"); st != http.StatusUnprocessableEntity || !strings.Contains(body, `value="95,000"`) {
		t.Fatalf("above the request: %d", st)
	}
	if st, body := award(apps[2], "10000"); st != http.StatusUnprocessableEntity || !strings.Contains(body, "资助金额不在资助档内") {
		t.Fatalf("outside the bands: %d", st)
	}
	st, body = award(apps[1], "40000")
	if st != http.StatusConflict || !strings.Contains(body, `value="40000"`) {
		t.Fatalf("beyond the budget: %d", st)
	}
	row := body[strings.Index(body, fmt.Sprintf(`name="application_id" value="%d"`, apps[1])):]
	if i := strings.Index(row, "超出征集预算（尚余 10,000.00 元）"); i < 0 || strings.Contains(row[:i], "<tr>") {
		t.Fatal("the refusal is not shown beside the award's form")
	}
	for _, step := range []struct {
		app    int64
		amount string
	}{{apps[2], "30000"}, {apps[1], "30000"}} {
		if st, _ := award(step.app, step.amount); st != http.StatusSeeOther {
			t.Fatalf("award %d: %d", step.app, st)
		}
	}
	unaward := func(reason, note string) (int, string) {
		return offPost(t, pb, cpath, cpath+"/awards/remove", url.Values{"application_id": {strconv.FormatInt(apps[1], 10)}, "reason": {reason}, "note": {note}})
	}
	if st, body := unaward("unfunded.decision", ""); st != http.StatusUnprocessableEntity || !strings.Contains(body, "必填") {
		t.Fatalf("not funded without the purchaser's words: %d", st)
	}
	if st, _ := unaward("unfunded.below_threshold", ""); st != http.StatusSeeOther {
		t.Fatalf("remove an award: %d", st)
	}
	if st, _ := award(apps[1], "30000"); st != http.StatusSeeOther {
		t.Fatalf("restore an award: %d", st)
	}
	f.offPages([]string{cpath}, nil)
	if body := offPage(t, pb, "purchaser", cpath, 200); !strings.Contains(body, "资助合计 ¥150,000.00") || !strings.Contains(body, "尚余 ¥0.00") {
		t.Fatal("the awards' total and what is left are not shown")
	}
	if st, _ := offPost(t, pb, cpath, cpath+"/publish", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("publish: %d", st)
	}
	if body := offPage(t, pb, "purchaser", cpath, 200); !strings.Contains(body, "2026-12-11 至 2026-12-17") {
		t.Fatal("the notice's period in working days is not shown")
	}
	o := &gongzhi.Objection{CallID: callID, ApplicationID: apps[2], Name: "李先生", Contact: "13900000000", Body: "探访对象与其他项目重复"}
	f.must(a.FileObjection(f.ctx, nil, o))
	opath := fmt.Sprintf("%s/objections/%d/answer", cpath, o.ID)
	if st, body := offPost(t, pb, cpath, opath, url.Values{"answer": {"不成立"}, "overturn": {"true"}}); st != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `不成立</textarea>`) {
		t.Fatalf("overturn without upholding: %d", st)
	}
	if st, body := offPost(t, pb, cpath, cpath+"/finalize", url.Values{}); st != http.StatusConflict || !strings.Contains(body, "2026-12-17") {
		t.Fatalf("finalize during the notice: %d", st)
	}
	if st, _ := offPost(t, pb, cpath, opath, url.Values{"answer": {"经核查不重复，异议不成立。"}}); st != http.StatusSeeOther {
		t.Fatalf("answer: %d", st)
	}
	// during the notice the page offers no contract (an objection may overturn an award) and
	// says what the call waits for; a contract sent anyway is refused beside the awards
	if body := offPage(t, pb, "purchaser", cpath, 200); strings.Contains(body, `action="`+cpath+`/contracts"`) || !strings.Contains(body, "然后为各项资助生成合同") {
		t.Fatal("the call in notice offers contracts, or does not say that they wait for the final results")
	}
	if st, body := offPost(t, pb, cpath, cpath+"/contracts", url.Values{}); st != http.StatusConflict || !strings.Contains(body, "资助结果尚未确定") {
		t.Fatalf("contracts during the notice: %d", st)
	}
	f.offPages([]string{cpath, cpath + "/history"}, nil)

	// after the notice: final, the contracts, both sides confirm, the first payment
	f.at(time.Date(2026, 12, 18, 9, 0, 0, 0, gongzhi.ChinaTime))
	pb = f.browser("gt-purchaser", false)
	if body := offPage(t, pb, "purchaser", cpath, 200); !strings.Contains(body, `action="`+cpath+`/finalize"`) || strings.Contains(body, `action="`+cpath+`/contracts"`) {
		t.Fatal("after the notice the call does not offer to make the results final, or offers contracts before")
	}
	if st, _ := offPost(t, pb, cpath, cpath+"/finalize", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("finalize: %d", st)
	}
	if st, loc := offPost(t, pb, cpath, cpath+"/contracts", url.Values{}); st != http.StatusSeeOther || loc != cpath+"#awards" {
		t.Fatalf("contracts: %d %s", st, loc)
	}
	var ct int64
	_, err = a.Contracts(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(callID, 10)}}, func(x *gongzhi.Contract) error {
		if x.ApplicationID == apps[0] {
			ct = x.ID
		}
		return nil
	})
	f.must(err)
	kpath := fmt.Sprintf("/contracts/%d", ct)
	f.offPages([]string{kpath, kpath + "/terms"}, map[string]bool{kpath + "/terms": true})
	if st, _ := offPost(t, pb, kpath, kpath+"/confirm", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	pv := f.browser(f.provider("同心").User.Username, false)
	if st, _ := offPost(t, pv, kpath, kpath+"/confirm", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("the provider's confirmation: %d", st)
	}
	pay := url.Values{"portion": {"0"}, "amount": {"90,000.01"}, "paid_on": {"2026-12-18"}, "note": {"首期"}}
	st, body = offPost(t, pb, kpath, kpath+"/payments", pay)
	if st != http.StatusConflict || !strings.Contains(body, "超过合同金额") || !strings.Contains(body, `value="90,000.01"`) {
		t.Fatalf("paying more than the contract: %d", st)
	}
	pay.Set("amount", "45000")
	if st, _ := offPost(t, pb, kpath, kpath+"/payments", pay); st != http.StatusSeeOther {
		t.Fatalf("payment: %d", st)
	}
	body = offPage(t, pb, "purchaser", kpath, 200)
	rate, err := a.OnTimeRate(f.ctx, "320116004000") // the demo's projects in service count too
	f.must(err)
	for _, want := range []string{"人民币玖万元整", "¥45,000.00", gongzhi.FormatBP(rate.RateBP), "@media print"} {
		if want == "@media print" {
			continue // the stylesheet is separate; checked below
		}
		if !strings.Contains(body, want) {
			t.Errorf("the contract page lacks %q", want)
		}
	}
	if st, css := pb.get(officeCSSPath(body)); st != 200 || !strings.Contains(css, "@media print") {
		t.Fatalf("the print stylesheet: %d", st)
	}

	// an amendment: the form, then a new version waiting for both sides
	f.offPages([]string{kpath + "/amend"}, map[string]bool{kpath + "/amend": true})
	_, form2 := pb.get(kpath + "/amend")
	am := offFormValues(form2)
	am.Set("reason", "")
	if st, body := offPost(t, pb, kpath+"/amend", kpath+"/amend", am); st != http.StatusUnprocessableEntity || !strings.Contains(body, "必填") {
		t.Fatalf("amend without a reason: %d", st)
	}
	am.Set("reason", "增加健康讲座")
	am.Set("portions.0.percent", "40")
	if st, body := offPost(t, pb, kpath+"/amend", kpath+"/amend", am); st != http.StatusUnprocessableEntity || !strings.Contains(body, "90.00%") {
		t.Fatalf("portions not adding up: %d %s", st, tagRe.ReplaceAllString(body, " "))
	}
	am.Set("portions.0.percent", "50")
	if st, _ := offPost(t, pb, kpath+"/amend", kpath+"/amend", am); st != http.StatusSeeOther {
		t.Fatalf("amend: %d", st)
	}

	// reports, and every page once more as the purchaser and the hub in both languages
	years, err := a.FundingByCategory(f.ctx, "320116004000", 2026, 2026)
	f.must(err)
	if len(years) != 1 {
		t.Fatalf("funding years: %+v", years)
	}
	if body := offPage(t, pb, "purchaser", "/reports?from=2026&to=2026", 200); !strings.Contains(body, "<svg") || !strings.Contains(body, "¥"+years[0].Amount.Format()) {
		t.Fatal("the funding report has no chart or no amount")
	}
	if res, err := pb.c.Get(f.e.srv.URL + "/reports/funding.xlsx?from=2026&to=2026"); err != nil ||
		!strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("funding export: %v", err)
	}
	pages := []string{"/needs", "/needs?answered=0&sort=people_affected&desc=1", "/needs/new", "/needs/map", "/needs/map?target_group=elderly_alone",
		fmt.Sprintf("/needs/%d", needID), "/budgets", offBudgetPath(budgetID), "/budgets/new", offBudgetPath(budgetID) + "/edit", "/catalog",
		"/catalog/new", "/catalog/elderly_home_care/edit", "/calls", "/calls?state=final", "/calls/new", cpath, cpath + "/history", dpath,
		fmt.Sprintf("%s/applications/%d", cpath, apps[3]), "/contracts", "/contracts?state=signed", kpath, "/reports", "/reports?from=2020&to=2026",
		"/reports/needs"}
	f.offPages(pages, map[string]bool{"/budgets/new": true, offBudgetPath(budgetID) + "/edit": true, "/catalog/new": true,
		"/catalog/elderly_home_care/edit": true, "/calls/new": true})

	// the other roles that reach these pages see what their role may
	for _, tc := range []struct {
		who   string
		pages map[string]int
	}{
		{"zs-community", map[string]int{"/needs": 200, "/needs/new": 200, "/needs/map": 200, fmt.Sprintf("/needs/%d", needID): 200,
			"/budgets": 403, "/calls/new": 403}},
		{"zs-grid", map[string]int{"/needs": 200, "/needs/new": 200, "/needs/map": 200}},
		{"gt-auditor", map[string]int{"/needs": 200, "/needs/new": 403, "/budgets": 200, offBudgetPath(budgetID): 200, "/calls": 200, cpath: 200,
			cpath + "/history": 200, kpath: 200, "/contracts": 200, "/reports": 200, "/reports/needs": 200}},
		{f.provider("同心").User.Username, map[string]int{"/calls": 200, cpath: 200, "/contracts": 200, kpath: 200, "/needs": 403,
			"/budgets": 403, cpath + "/history": 403}},
		{f.provider("仁爱").User.Username, map[string]int{kpath: 404, "/contracts": 200}},
	} {
		if tc.who == "zs-community" || tc.who == "zs-grid" || tc.who == "gt-auditor" {
			f.e.user(tc.who)
		}
		for _, en := range []bool{false, true} {
			b := f.browser(tc.who, en)
			for p, want := range tc.pages {
				offPage(t, b, fmt.Sprintf("%s (en=%v)", tc.who, en), p, want)
			}
		}
	}
	// a provider sees only its own contract's link among the awards, and no staff forms
	body = offPage(t, f.browser(f.provider("仁爱").User.Username, false), "provider", cpath, 200)
	if strings.Contains(body, kpath+`"`) || strings.Contains(body, "/prelim") || strings.Contains(body, "/awards/set") {
		t.Error("a provider sees another's contract or staff forms on the call page")
	}
}

func offBudgetPath(id int64) string { return fmt.Sprintf("/budgets/%d", id) }

var offCSSRe = regexp.MustCompile(`href="(/purchase-office\.css\?v=[^"]+)"`)

func officeCSSPath(body string) string {
	if m := offCSSRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return "/purchase-office.css"
}

var (
	offInputRe = regexp.MustCompile(`<input[^>]*>`)
	offNameRe  = regexp.MustCompile(`name="([^"]+)"`)
	offValueRe = regexp.MustCompile(`value="([^"]*)"`)
)

// offFormValues reads the values a form page shows (inputs and selected options, roughly).
func offFormValues(body string) url.Values {
	v := url.Values{}
	for _, tag := range offInputRe.FindAllString(body, -1) {
		n, val := offNameRe.FindStringSubmatch(tag), offValueRe.FindStringSubmatch(tag)
		if n == nil || n[1] == "csrf" || strings.Contains(tag, `type="checkbox"`) && !strings.Contains(tag, " checked") {
			continue
		}
		if val == nil {
			val = []string{"", ""}
		}
		v.Set(n[1], offUnescape(val[1]))
	}
	// textareas and selects
	ta := regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	for _, m := range ta.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], offUnescape(m[2]))
	}
	sel := regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	opt := regexp.MustCompile(`<option value="([^"]*)" selected>`)
	for _, m := range sel.FindAllStringSubmatch(body, -1) {
		if o := opt.FindStringSubmatch(m[2]); o != nil {
			v.Set(m[1], o[1])
		}
	}
	return v
}

func offUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}
