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
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
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

func num(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func items(r apiResp) []map[string]any {
	var out []map[string]any
	for _, x := range r.Body["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// offRefused checks an API refusal: status, code and the field's translated reason.
func offRefused(t *testing.T, r apiResp, status int, code, field, contains string) {
	t.Helper()
	c, fields := errOf(r)
	if r.Status != status || c != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.Status, r.Raw)
	}
	if field != "" && !strings.Contains(fmt.Sprint(fields[field]), contains) {
		t.Fatalf("field %s: want a reason with %q, got %s", field, contains, r.Raw)
	}
}

func TestOfficeFlowAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		pur := f.e.token("gt-purchaser")
		hub := f.e.token("gt-hub")

		// a need, the catalog, a budget
		need := f.api(pur, "POST", "/api/v1/needs", map[string]any{"community_code": demo.ZhongshanCode, "target_group": "elderly_alone",
			"category_code": "elderly_home_care", "description": "独居老人午餐无人照料", "people_affected": 36, "source": "household_visit"}, 201)
		needID := num(need.Body["id"])
		if r := f.api(hub, "GET", "/api/v1/needs/map", nil, 200); len(items(r)) != 1 || num(items(r)[0]["needs"]) != 1 {
			t.Fatalf("needs map: %s", r.Raw)
		}
		if r := f.api(pur, "GET", "/api/v1/catalog", nil, 200); len(items(r)) < 8 {
			t.Fatalf("catalog: %s", r.Raw)
		}
		offRefused(t, f.e.call(pur, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026,
			"level": "street", "fund": "fiscal", "name": "错", "amount": "20,000.555"}), 422, "invalid", "amount", "")
		b := f.api(pur, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026, "level": "street",
			"fund": "lottery", "name": "2026年福彩公益金社区公益创投", "amount": "300,000"}, 201)
		budgetID := num(b.Body["id"])
		if num(b.Body["amount"]) != 30_000_000 || num(b.Body["available"]) != 30_000_000 {
			t.Fatalf("budget: %s", b.Raw)
		}
		f.api(hub, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026, "level": "street",
			"fund": "fiscal", "name": "枢纽不能建预算", "amount": "1"}, 403)

		// a draft call, then opened
		call := map[string]any{"place_code": demo.StreetCode, "kind": "venture_philanthropy", "title": "葛塘街道首届社区公益创投",
			"categories": []string{"elderly_home_care", "community_social_work"}, "budget_id": budgetID, "amount": "150000",
			"bands":   []map[string]any{{"name": "小型", "min": "20000", "max": "50000"}, {"name": "中型", "min": "50000.01", "max": "90000"}},
			"opens_at": offStart.Format(time.RFC3339), "closes_at": offStart.Add(10*24*time.Hour + 8*time.Hour).Format(time.RFC3339),
			"need_ids": []int64{needID}, "eligibility": []string{"在本街道登记或备案的社会组织"}}
		bad := map[string]any{}
		for k, v := range call {
			bad[k] = v
		}
		bad["criteria"] = []map[string]any{{"name": "方案", "weight": 60}, {"name": "团队", "weight": 30}}
		offRefused(t, f.e.call(pur, "POST", "/api/v1/calls", bad), 422, "invalid", "criteria", "90")
		c := f.api(pur, "POST", "/api/v1/calls", call, 201)
		callID := num(c.Body["id"])
		base := fmt.Sprintf("/api/v1/calls/%d", callID)
		call["title"] = "葛塘街道2026年社区公益创投"
		if r := f.api(pur, "PUT", base, call, 200); r.Body["title"] != call["title"] || r.Body["state"] != "draft" {
			t.Fatalf("update: %s", r.Raw)
		}
		f.api(hub, "POST", base+"/open", nil, 403)
		if r := f.api(pur, "POST", base+"/open", nil, 200); r.Body["state"] != "open" || num(r.Body["reserved"]) != 15_000_000 {
			t.Fatalf("open: %s", r.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); num(r.Body["available"]) != 15_000_000 {
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
		if r := f.api(hub, "GET", base+"/applications", nil, 200); num(r.Body["total"]) != 4 {
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
		if num(d.Body["seed"]) != 20261211 {
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
		if r := f.api(hub, "GET", base+"/panel", nil, 200); num(r.Body["seed"]) != 20261211 {
			t.Fatalf("panel as the hub: %s", r.Raw)
		}
		for _, m := range d.Body["members"].([]any) {
			if m := m.(map[string]any); m["outcome"] == "selected" {
				f.must(f.e.app.DeclareNoConflict(f.ctx, f.expert(num(m["person_id"])), callID))
			}
		}
		f.api(pur, "POST", base+"/review", nil, 200)
		offRefused(t, f.e.call(pur, "POST", base+"/rank", nil), 409, "conflict", "scores", "")
		f.scoreAll(callID, map[int64]gongzhi.Points{apps[0]: 8800, apps[1]: 7500, apps[2]: 8200})
		rk := f.api(pur, "POST", base+"/rank", nil, 200)
		if got := items(rk); len(got) != 3 || num(got[0]["application_id"]) != apps[0] || num(got[1]["application_id"]) != apps[2] ||
			num(got[0]["scores"]) != int64(pool-2) {
			t.Fatalf("ranking: %s", rk.Raw)
		}

		// awards: the proposal funds in rank order until the money runs out (90,000 + 50,000 of
		// 150,000; the third, 40,000, no longer fits), then adjustments within the budget and the bands
		props := f.api(pur, "POST", base+"/awards/propose", map[string]any{"threshold": 60}, 200)
		if got := items(props); len(got) != 3 || num(got[2]["amount"]) != 0 || got[2]["reason"] != "unfunded.budget_exhausted" {
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
		for _, w := range items(aw) {
			sum += num(w["amount"])
		}
		if sum != 15_000_000 || len(items(aw)) != 3 {
			t.Fatalf("awards: %s", aw.Raw)
		}

		// the notice: 5 working days from Friday 11 December end at midnight after Thursday 17 December
		pub := f.api(pur, "POST", base+"/publish", nil, 200)
		if pub.Body["state"] != "notice" || !strings.HasPrefix(pub.Body["notice_ends_at"].(string), "2026-12-17T16:00:00") {
			t.Fatalf("publish: %s", pub.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); num(r.Body["reserved"]) != 15_000_000 {
			t.Fatalf("the awards' money is not held: %s", r.Raw)
		}
		o := &gongzhi.Objection{CallID: callID, ApplicationID: apps[1], Name: "李先生", Contact: "13900000000", Body: "该机构服务对象与其他项目重复"}
		f.must(f.e.app.FileObjection(f.ctx, nil, o))
		offRefused(t, f.e.call(pur, "POST", base+"/finalize", nil), 409, "conflict", "notice_ends_at", "2026-12-17")
		offRefused(t, f.e.call(pur, "POST", fmt.Sprintf("%s/objections/%d/answer", base, o.ID), map[string]any{"answer": "x", "overturn": true}),
			422, "invalid", "overturn", "")
		f.api(pur, "POST", fmt.Sprintf("%s/objections/%d/answer", base, o.ID), map[string]any{"answer": "经核查服务对象不重复，异议不成立。"}, 200)

		// contracts: drafted during the notice, signed after it
		gen := f.api(pur, "POST", base+"/contracts", map[string]any{"award_id": 0}, 200)
		if len(items(gen)) != 3 {
			t.Fatalf("contracts: %s", gen.Raw)
		}
		var ct int64
		for _, x := range items(gen) {
			if num(x["application_id"]) == apps[0] {
				ct = num(x["id"])
			}
		}
		cbase := fmt.Sprintf("/api/v1/contracts/%d", ct)
		offRefused(t, f.e.call(pur, "POST", cbase+"/confirm", nil), 409, "conflict", "contract", "2026-12-17")
		f.at(time.Date(2026, 12, 18, 9, 0, 0, 0, gongzhi.ChinaTime))
		pur, hub = f.e.token("gt-purchaser"), f.e.token("gt-hub")
		if r := f.api(pur, "POST", base+"/finalize", nil, 200); r.Body["state"] != "final" {
			t.Fatalf("finalize: %s", r.Raw)
		}
		f.api(pur, "POST", cbase+"/confirm", nil, 200)
		offRefused(t, f.e.call(pur, "POST", cbase+"/confirm", nil), 409, "conflict", "version", "")
		prov := f.e.token(f.provider("同心").User.Username)
		signed := f.api(prov, "POST", cbase+"/confirm", nil, 200)
		if signed.Body["state"] != "signed" || num(signed.Body["amount"]) != 8_500_000 {
			t.Fatalf("signing: %s", signed.Raw)
		}

		// payments: never more than the contract
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "85,000.01", "paid_on": "2026-12-18"}),
			409, "conflict", "amount", "85,000.00")
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "42,500.01", "paid_on": "2026-12-18"}),
			409, "conflict", "amount", "42,500.00")
		offRefused(t, f.e.call(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "100", "paid_on": "2026-12-19"}),
			422, "invalid", "paid_on", "")
		p := f.api(pur, "POST", cbase+"/payments", map[string]any{"portion": 0, "amount": "42500", "paid_on": "2026-12-18", "note": "首期50%"}, 201)
		if num(p.Body["amount"]) != 4_250_000 {
			t.Fatalf("payment: %s", p.Raw)
		}
		if r := f.api(pur, "GET", fmt.Sprintf("/api/v1/budgets/%d", budgetID), nil, 200); num(r.Body["spent"]) != 4_250_000 ||
			num(r.Body["reserved"]) != 10_750_000 {
			t.Fatalf("budget after the payment: %s", r.Raw)
		}
		if r := f.api(hub, "GET", fmt.Sprintf("/api/v1/budgets/%d/ledger", budgetID), nil, 200); len(items(r)) != 2 {
			t.Fatalf("ledger: %s", r.Raw)
		}
		if r := f.api(pur, "GET", "/api/v1/reports/on-time", nil, 200); num(r.Body["due"]) != 1 || num(r.Body["on_time"]) != 1 {
			t.Fatalf("on-time rate: %s", r.Raw)
		}

		// an amendment is a new version
		cur := f.api(pur, "GET", cbase, nil, 200).Body["current"].(map[string]any)["terms"].(map[string]any)
		cur["deliverables"] = cur["deliverables"].(string) + "增加每月一次健康讲座。"
		v2 := f.api(pur, "POST", cbase+"/amend", map[string]any{"terms": cur, "reason": "增加健康讲座"}, 200)
		if num(v2.Body["version"]) != 2 || v2.Body["state"] != "pending" {
			t.Fatalf("amend: %s", v2.Raw)
		}
		if r := f.api(pur, "GET", cbase+"/versions", nil, 200); len(items(r)) != 2 {
			t.Fatalf("versions: %s", r.Raw)
		}

		// reports and the call's history
		fr := f.api(pur, "GET", "/api/v1/reports/funding?from=2026&to=2026", nil, 200)
		years := fr.Body["years"].([]any)
		if len(years) != 1 || num(years[0].(map[string]any)["contracts"]) != 1 || num(years[0].(map[string]any)["amount"]) != 8_500_000 {
			t.Fatalf("funding report: %s", fr.Raw)
		}
		if r := f.e.call(pur, "GET", "/api/v1/reports/funding.xlsx?from=2026&to=2026", nil); r.Status != 200 ||
			!strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("funding export: %d", r.Status)
		}
		na := f.api(pur, "GET", "/api/v1/reports/needs-answered", nil, 200)
		if got := items(na); len(got) != 3 || len(got[0]["needs"].([]any)) != 1 {
			t.Fatalf("needs answered: %s", na.Raw)
		}
		if r := f.api(pur, "GET", "/api/v1/needs?answered=0", nil, 200); num(r.Body["total"]) != 0 {
			t.Fatalf("the need is still unanswered: %s", r.Raw)
		}
		h := f.api(hub, "GET", base+"/history", nil, 200)
		entities := map[string]bool{}
		for _, x := range items(h) {
			entities[x["entity"].(string)] = true
		}
		for _, want := range []string{"call", "application", "panel", "score", "ranking", "award", "objection", "contract", "contract_version", "payment"} {
			if !entities[want] {
				t.Errorf("the call's history has no %s line", want)
			}
		}
	})
}
