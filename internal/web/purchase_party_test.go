package web_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
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

// partyFix is the demo street with a clock the test moves, the expert pool linked to expert
// accounts (gt-expert to the expert it names), a budget and an open call that closes in an hour.
type partyFix struct {
	t        *testing.T
	e        *env
	ctx      context.Context
	offset   atomic.Int64
	sys      *gongzhi.Actor
	pur, hub *gongzhi.Actor
	budget   *gongzhi.Budget
	call     *gongzhi.Call
	experts  map[int64]*gongzhi.Actor // expert person → an account linked to them
	gtExpert int64                    // the person gt-expert is linked to
}

func newPartyFix(t *testing.T, db *store.DB) *partyFix {
	t.Helper()
	e := newEnv(t, db)
	f := &partyFix{t: t, e: e, ctx: context.Background(), sys: gongzhi.SystemActor("test"), experts: map[int64]*gongzhi.Actor{}}
	e.app.Now = func() time.Time { return time.Now().Add(time.Duration(f.offset.Load())) }
	f.pur, f.hub = f.actor("gt-purchaser"), f.actor("gt-hub")
	f.linkExperts()
	f.budget = &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "街道公益创投资金",
		Amount: gongzhi.Yuan(1_000_000)}
	f.must(e.app.CreateBudget(f.ctx, f.pur, f.budget))
	f.call = f.newCall("葛塘街道社区公益创投", time.Hour)
	return f
}

func (f *partyFix) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// later moves the clock forward.
func (f *partyFix) later(d time.Duration) { f.offset.Add(int64(d)) }

func (f *partyFix) actor(name string) *gongzhi.Actor {
	f.t.Helper()
	ac := &gongzhi.Actor{User: f.e.user(name), Via: "test"}
	f.must(f.e.app.ScopeFor(f.ctx, ac))
	return ac
}

// linkExperts finds the expert of the demo pool gt-expert was made for (same phone; the demo
// links them) and makes sure of the link, and gives every other expert an account.
func (f *partyFix) linkExperts() {
	f.t.Helper()
	a := f.e.app
	gt := f.e.user("gt-expert")
	var pool []*gongzhi.Person
	_, err := a.People(f.ctx, f.sys, store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 100}, func(p *gongzhi.Person) error {
		pool = append(pool, p)
		return nil
	})
	f.must(err)
	for _, p := range pool {
		if p.Phone == gt.Phone {
			if linked, err := a.DB.Q().UserPersonID(f.ctx, gt.ID); err != nil || linked != p.ID {
				f.must(err)
				f.must(a.LinkExpertAccount(f.ctx, f.sys, gt.ID, p.ID))
			}
			f.gtExpert = p.ID
			f.experts[p.ID] = f.actor("gt-expert")
			continue
		}
		// a person has one account: the demo's, if it made one, with the demo's password
		holder, _, err := a.DB.Q().PersonHolder(f.ctx, p.ID)
		f.must(err)
		u := &gongzhi.User{Username: fmt.Sprintf("expert-%d", p.ID), DisplayName: p.Name, Role: gongzhi.RoleExpert, PlaceCode: demo.DistrictCode}
		if holder != 0 {
			u, err = a.DB.Q().GetUser(f.ctx, holder)
		} else {
			_, err = a.CreateUser(f.ctx, f.sys, u, "")
		}
		f.must(err)
		f.must(a.DB.Q().SetPassword(f.ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, a.Now()))
		u.MustChangePassword = false
		if holder == 0 {
			f.must(a.LinkExpertAccount(f.ctx, f.sys, u.ID, p.ID))
		}
		ac := &gongzhi.Actor{User: u, Via: "test"}
		f.must(a.ScopeFor(f.ctx, ac))
		f.experts[p.ID] = ac
	}
	if f.gtExpert == 0 {
		f.t.Fatal("gt-expert matches no expert of the demo pool")
	}
}

// newCall opens a venture-philanthropy call that takes applications for open.
func (f *partyFix) newCall(title string, open time.Duration) *gongzhi.Call {
	f.t.Helper()
	now := f.e.app.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: title,
		Description: "面向本街道社区社会组织的公益创投。", Categories: []string{"elderly_home_care", "community_social_work"},
		BudgetID: f.budget.ID, Amount: gongzhi.Yuan(200_000),
		Bands:   []gongzhi.FundingBand{{Name: "小型", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(50_000)}, {Name: "中型", Min: gongzhi.Yuan(50_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(open), ReviewBy: now.Add(10 * 24 * time.Hour),
		Eligibility: []string{"在民政部门登记或备案的社会组织"}}
	f.must(f.e.app.CreateCall(f.ctx, f.pur, c))
	f.must(f.e.app.OpenCall(f.ctx, f.pur, c.ID))
	return c
}

// appBody is a complete application as JSON: money as strings of yuan.
func appBody(callID int64, title string, yuan int64) map[string]any {
	staff := yuan * 6 / 10
	return map[string]any{"call_id": callID, "title": title, "category_code": "elderly_home_care", "target_groups": []string{"elderly"},
		"communities": []string{demo.ZhongshanCode}, "beneficiaries": 120, "activity_plan": "每周五天为高龄独居老人提供助餐、探访与健康讲座。",
		"requested":    strconv.FormatInt(yuan, 10),
		"budget_lines": []map[string]any{{"item": "人员费", "amount": strconv.FormatInt(staff, 10)}, {"item": "活动费", "amount": strconv.FormatInt(yuan-staff, 10)}},
		"team":         []map[string]any{{"name": "王芳", "role": "项目负责人", "qualification": "社会工作师"}},
		"outputs":      []map[string]any{{"name": "助餐人次", "target": 5000, "unit": "人次"}},
		"outcomes":     []map[string]any{{"name": "服务对象满意度", "target": 90, "unit": "%"}}}
}

// apply drafts and submits an application through the API and returns its id.
func (f *partyFix) apply(tok, title string, yuan int64) int64 {
	f.t.Helper()
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, title, yuan))
	if r.Status != 201 {
		f.t.Fatalf("create application: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", id), nil); r.Status != 200 || r.Body["state"] != "submitted" {
		f.t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	return id
}

// toReview closes the call after its deadline, passes every application in the preliminary
// review, draws the panel from the experts in social work or evaluation (gt-expert is one), and
// starts the review. It returns the panel's selected experts.
func (f *partyFix) toReview(size int) []int64 {
	f.t.Helper()
	a := f.e.app
	f.later(2 * time.Hour)
	f.must(a.CloseCall(f.ctx, f.pur, f.call.ID))
	var ids []int64
	_, err := a.Applications(f.ctx, f.hub, store.ListOptions{Filters: map[string]string{"call": fmtID(f.call.ID), "state": "submitted"}},
		func(ap *gongzhi.Application) error { ids = append(ids, ap.ID); return nil })
	f.must(err)
	for _, id := range ids {
		f.must(a.PrelimReview(f.ctx, f.hub, id, true, "材料齐全"))
	}
	d, err := a.DrawPanel(f.ctx, f.pur, f.call.ID, size, []string{"social_work", "evaluation"}, 7)
	f.must(err)
	f.must(a.StartReview(f.ctx, f.pur, f.call.ID))
	var active []int64
	for _, m := range d.Members {
		if m.Active() {
			active = append(active, m.PersonID)
		}
	}
	return active
}

func fmtID(id int64) string { return strconv.FormatInt(id, 10) }

// points spreads a total over the call's criteria in proportion to their weights.
func (f *partyFix) points(total gongzhi.Points) []gongzhi.Points {
	out := make([]gongzhi.Points, len(f.call.Criteria))
	var given gongzhi.Points
	for i, cr := range f.call.Criteria {
		if i == len(out)-1 {
			out[i] = total - given
			break
		}
		out[i] = total * gongzhi.Points(cr.Weight) / 100
		given += out[i]
	}
	return out
}

// scoreAll has every active expert but skip declare no conflict and score what they may.
func (f *partyFix) scoreAll(active []int64, skip int64) {
	f.t.Helper()
	a := f.e.app
	for i, p := range active {
		if p == skip {
			continue
		}
		ac := f.experts[p]
		f.must(a.DeclareNoConflict(f.ctx, ac, f.call.ID))
		apps, err := a.ReviewApplications(f.ctx, ac, f.call.ID)
		f.must(err)
		for j, ap := range apps {
			if _, err := a.SubmitScores(f.ctx, ac, ap.ID, f.points(gongzhi.Points(8000+100*i-300*j)), "方案可行"); err != nil &&
				gongzhi.AsError(err).Fields["application_id"] != "review.already_scored" {
				f.t.Fatal(err)
			}
		}
	}
}

// publish ranks, proposes the awards and publishes them.
func (f *partyFix) publish() {
	f.t.Helper()
	a := f.e.app
	_, err := a.RankCall(f.ctx, f.pur, f.call.ID)
	f.must(err)
	_, err = a.ProposeAwards(f.ctx, f.pur, f.call.ID, 0)
	f.must(err)
	f.must(a.PublishAwards(f.ctx, f.pur, f.call.ID))
}

// signedIn returns a browser signed in as a demo account.
func (f *partyFix) signedIn(name string) *browser {
	f.t.Helper()
	f.e.user(name)
	b := f.e.browser()
	if st, loc := b.login(name, demo.Password); st != http.StatusSeeOther {
		f.t.Fatalf("%s login: %d %s", name, st, loc)
	}
	return b
}

// appForm is the application form as a person fills it in: three budget lines in yuan.
func appForm(csrf string, callID int64, lines ...string) url.Values {
	v := url.Values{"csrf": {csrf}, "call_id": {fmtID(callID)}, "title": {"长者助餐“幸福食堂”"}, "category_code": {"elderly_home_care"},
		"target_groups": {"elderly"}, "communities": {demo.ZhongshanCode}, "beneficiaries": {"150"},
		"activity_plan": {"第一季度：需求调研与志愿者招募\n第二季度起：每周五天助餐与探访"}, "requested": {"5万"},
		"team.0.name": {"王芳"}, "team.0.role": {"项目负责人"}, "team.0.qualification": {"中级社会工作师"},
		"outputs.0.name": {"助餐人次"}, "outputs.0.target": {"6000"}, "outputs.0.unit": {"人次"},
		"outcomes.0.name": {"满意度"}, "outcomes.0.target": {"90"}, "outcomes.0.unit": {"%"},
		"attachments.0.name": {"机构登记证书.pdf"}, "attachments.0.size": {"204800"},
		"attachments.0.sha256": {strings.Repeat("ab", 32)}, "attachments.0.content_type": {"application/pdf"}}
	for i := 0; i+1 < len(lines); i += 2 {
		n := strconv.Itoa(i / 2)
		v.Set("budget_lines."+n+".item", lines[i])
		v.Set("budget_lines."+n+".amount", lines[i+1])
	}
	return v
}

var idNumberRe = regexp.MustCompile(`\b\d{17}[\dXx]\b`)

// partyKeyRe also catches the keys of the purchase workflow shown untranslated.
var partyKeyRe = regexp.MustCompile(`(?:^|[^\w@./-])((?:party|application|review|panel|money|points|state|award|notice|objection|unfunded|` +
	`eligibility|attachment|expert|budget|contract|payment|call|err|nav|action|list|detail|form)\.[A-Za-z0-9_.]*[A-Za-z0-9_])`)

func checkTranslated(t *testing.T, who, path, body string) {
	t.Helper()
	text := tagRe.ReplaceAllString(body, "\n")
	for _, re := range []*regexp.Regexp{messageKeyRe, partyKeyRe} {
		if m := re.FindStringSubmatch(text); m != nil {
			t.Errorf("%s GET %s shows the untranslated key %q", who, path, m[1])
		}
	}
}

// ---- tests

// TestPartyProviderDraftSubmitWithdraw: a provider sees the open call, drafts an application
// through the form (budget lines that do not add up are refused beside the budget lines), saves
// it, submits it and withdraws it, and sees each step on the detail page; the API does the same.
func TestPartyProviderDraftSubmitWithdraw(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		b := f.signedIn("gt-provider")
		st, page := b.get("/applications")
		if st != 200 || !strings.Contains(page, f.call.Title) || !strings.Contains(page, fmt.Sprintf(`href="/applications/new?call=%d"`, f.call.ID)) {
			t.Fatalf("the open call is not offered: %d", st)
		}
		csrf := b.csrf(fmt.Sprintf("/applications/new?call=%d", f.call.ID))

		// budget lines of 30,000 + 10,000 for a request of 50,000: refused, beside the lines
		st, page = b.post("/applications/new", appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "10,000"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("budget lines not adding up: %d", st)
		}
		i := strings.Index(page, `id="field-budget_lines"`)
		j := strings.Index(page[max(i, 0):], "预算明细合计为 40,000.00 元") + max(i, 0)
		if i < 0 || j < i || strings.Contains(page[i:j], `class="field `) {
			t.Fatal("the budget lines' error is not beside the budget lines")
		}
		if !strings.Contains(page, `value="长者助餐“幸福食堂”"`) || !strings.Contains(page, `name="budget_lines.1.amount" id="in-budget_lines.1.amount" value="10,000"`) {
			t.Fatal("the typed values were lost")
		}
		n := 0
		db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM applications WHERE title = ?`, "长者助餐“幸福食堂”").Scan(&n)
		if n != 0 {
			t.Fatal("a refused form wrote an application")
		}
		// an amount that is not money, beside its cell
		st, page = b.post("/applications/new", appForm(csrf, f.call.ID, "人员费", "三万", "活动费", "20000"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-budget_lines.0.amount"`) {
			t.Fatalf("a wrong amount: %d", st)
		}

		// right: saved as a draft
		st, loc := b.post("/applications/new", appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "20000"))
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/applications/") {
			t.Fatalf("save draft: %d %s", st, loc)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/applications/"), 10, 64)
		_, page = b.get(loc)
		for _, want := range []string{"草稿", "50,000.00 元", "小型 20,000.00–50,000.00", "机构登记证书.pdf", "助餐人次", "填写申报书", "请在 "} {
			if !strings.Contains(page, want) {
				t.Errorf("the draft's page lacks %q", want)
			}
		}
		if _, page = b.get(loc + "/edit"); !strings.Contains(page, `value="30000.00"`) || !strings.Contains(page, `name="remove_attachment"`) {
			t.Error("the edit form does not hold the saved lines and attachment")
		}
		// edit: a fourth budget line, the attachment removed
		ap, err := f.e.app.Application(f.ctx, f.sys, id)
		if err != nil || len(ap.Attachments) != 1 {
			t.Fatalf("attachments %v %v", ap, err)
		}
		edit := appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "15000", "宣传费", "4000", "交通费", "1000")
		for _, k := range []string{"name", "size", "sha256", "content_type"} {
			edit.Del("attachments.0." + k)
		}
		edit.Set("remove_attachment", fmtID(ap.Attachments[0].ID))
		if st, loc2 := b.post(loc+"/edit", edit); st != http.StatusSeeOther || loc2 != loc {
			t.Fatalf("edit: %d %s", st, loc2)
		}
		if ap, _ = f.e.app.Application(f.ctx, f.sys, id); len(ap.BudgetLines) != 4 || len(ap.Attachments) != 0 || ap.BudgetLines[3].Amount != gongzhi.Yuan(1000) {
			t.Fatalf("after editing: %d lines, %d attachments", len(ap.BudgetLines), len(ap.Attachments))
		}

		// submit
		if st, loc := b.post(fmt.Sprintf("/applications/%d/submit", id), url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", st, loc)
		}
		_, page = b.get(loc)
		if !strings.Contains(page, "已提交，待初审") || !strings.Contains(page, "等待初审") || !strings.Contains(page, `action="/applications/`+fmtID(id)+`/withdraw"`) {
			t.Fatal("the submitted application does not say so, or cannot be withdrawn")
		}
		// withdraw
		if st, _ := b.post(fmt.Sprintf("/applications/%d/withdraw", id), url.Values{"csrf": {csrf}, "reason": {"与区级项目重复"}}); st != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", st)
		}
		_, page = b.get(loc)
		if !strings.Contains(page, "已撤回") || !strings.Contains(page, "与区级项目重复") {
			t.Fatal("the withdrawal and its reason are not shown")
		}
		ap, err = f.e.app.Application(f.ctx, f.pur, id)
		if err != nil || ap.State != gongzhi.AppWithdrawn {
			t.Fatalf("state %v %v", ap, err)
		}

		// the same through the API
		tok := f.e.token("gt-provider2")
		bad := appBody(f.call.ID, "预算不平", 40_000)
		bad["budget_lines"] = []map[string]any{{"item": "人员费", "amount": "20000"}, {"item": "活动费", "amount": 1999999}}
		r := f.e.call(tok, "POST", "/api/v1/applications", bad)
		if code, fields := errOf(r); r.Status != 422 || code != "invalid" || fields["budget_lines"].Code != "application.budget_sum" ||
			!strings.Contains(fields["budget_lines"].Message, "39,999.99") || !fieldAgrees(fields["budget_lines"]) {
			t.Fatalf("API budget lines: %d %s", r.Status, r.Raw)
		}
		r = f.e.call(tok, "POST", "/api/v1/applications", map[string]any{"call_id": f.call.ID, "title": "只有标题"})
		if r.Status != 201 || r.Body["state"] != "draft" {
			t.Fatalf("API draft: %d %s", r.Status, r.Raw)
		}
		draft := int64(r.Body["id"].(float64))
		if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", draft), nil); r.Status != 422 {
			t.Fatalf("API incomplete submit: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "PUT", fmt.Sprintf("/api/v1/applications/%d", draft), appBody(f.call.ID, "完整的申报", 30_000)); r.Status != 200 || r.Body["requested"] != float64(3_000_000) {
			t.Fatalf("API update: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/attachments", draft),
			map[string]any{"name": "预算表.xlsx", "size": 1024, "sha256": strings.Repeat("0f", 32)}); r.Status != 201 {
			t.Fatalf("API attachment: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", draft), nil); r.Status != 200 || r.Body["state"] != "submitted" {
			t.Fatalf("API submit: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil); r.Status != 404 {
			t.Fatalf("another provider's application: %d", r.Status)
		}
		r = f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d/progress", draft), nil)
		if steps, _ := r.Body["steps"].([]any); r.Status != 200 || len(steps) < 3 || steps[2].(map[string]any)["status"] != "current" {
			t.Fatalf("API progress: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", draft), map[string]any{"reason": "机构调整"}); r.Status != 200 || r.Body["state"] != "withdrawn" {
			t.Fatalf("API withdraw: %d %s", r.Status, r.Raw)
		}
		r = f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d/history", draft), nil)
		if items, _ := r.Body["items"].([]any); r.Status != 200 || len(items) != 3 {
			t.Fatalf("API history: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications?call=%d", f.call.ID), nil); r.Status != 200 || r.Body["total"] != float64(1) {
			t.Fatalf("API list: %d %s", r.Status, r.Raw)
		}
	})
}

// TestPartySubmitAfterDeadline: once the server's clock passes the deadline, submitting is
// refused, and the page says so plainly.
func TestPartySubmitAfterDeadline(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "赶在截止前", 30_000))
	if r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	b := f.signedIn("gt-provider")
	csrf := b.csrf(fmt.Sprintf("/applications/%d", id))
	f.later(f.call.ClosesAt.Sub(f.e.app.Now()) + time.Second)

	st, page := b.post(fmt.Sprintf("/applications/%d/submit", id), url.Values{"csrf": {csrf}})
	if st != http.StatusConflict || !strings.Contains(page, "申报已截止，不能再提交、修改或撤回") || !strings.Contains(page, `id="refusal"`) {
		t.Fatalf("submit after the deadline: %d", st)
	}
	if !strings.Contains(page, "赶在截止前") || strings.Contains(page, `action="/applications/`+fmtID(id)+`/submit"`) {
		t.Fatal("the refusal is not shown on the application's page, or it still offers to submit")
	}
	if _, page = b.get(fmt.Sprintf("/applications/%d", id)); !strings.Contains(page, "申报已于") {
		t.Fatal("the application's page does not say the deadline has passed")
	}
	r = f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", id), nil)
	if code, fields := errOf(r); r.Status != 409 || code != "conflict" || !fieldIs(fields["call_id"], "zh-CN", "application.deadline_passed") {
		t.Fatalf("API submit after the deadline: %d %s", r.Status, r.Raw)
	}
	if st, _ := b.get(fmt.Sprintf("/applications/new?call=%d", f.call.ID)); st != http.StatusConflict {
		t.Fatalf("new application after the deadline: %d", st)
	}
	if ap, _ := f.e.app.Application(f.ctx, f.sys, id); ap.State != gongzhi.AppDraft {
		t.Fatalf("state %s", ap.State)
	}
}

// TestPartyExpertReview: gt-expert, drawn onto the panel, declares no conflict, cannot see the
// other experts' scores before submitting their own, scores once (a second time is refused),
// then sees everyone's; after declaring a conflict with an applicant they cannot score it.
func TestPartyExpertReview(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		a1 := f.apply(f.e.token("gt-provider"), "同心长者食堂", 50_000)
		a2 := f.apply(f.e.token("gt-provider2"), "夕阳红互助小组", 30_000)
		active := f.toReview(4)
		var other int64
		for _, p := range active {
			if p != f.gtExpert && other == 0 {
				other = p
			}
		}
		if len(active) != 4 || other == 0 || !contains(active, f.gtExpert) {
			t.Fatalf("panel %v without gt-expert (%d)", active, f.gtExpert)
		}
		// another member scores first
		otherTok := tokenFor(t, f, f.experts[other])
		if r := f.e.call(otherTok, "POST", fmt.Sprintf("/api/v1/reviews/%d/no-conflict", f.call.ID), nil); r.Status != 200 {
			t.Fatalf("no conflict: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(otherTok, "POST", fmt.Sprintf("/api/v1/applications/%d/scores", a1), map[string]any{
			"criteria": []any{1500, "25.5", 1600, 1200, "12"}, "comment": "另一位专家的意见：预算偏高"}); r.Status != 201 || r.Body["total"] != float64(8050) {
			t.Fatalf("the other expert scores: %d %s", r.Status, r.Raw)
		}

		b := f.signedIn("gt-expert")
		tok := f.e.token("gt-expert")
		st, page := b.get("/reviews")
		if st != 200 || !strings.Contains(page, f.call.Title) || !strings.Contains(page, "待声明利益冲突") {
			t.Fatalf("assignments: %d", st)
		}
		st, page = b.get(fmt.Sprintf("/reviews/%d", f.call.ID))
		if st != 200 || !strings.Contains(page, "同心长者食堂") || !strings.Contains(page, `action="/reviews/`+fmtID(f.call.ID)+`/no-conflict"`) {
			t.Fatalf("assignment: %d", st)
		}
		if st, _ := b.get(fmt.Sprintf("/reviews/%d/applications/%d", f.call.ID, a1)); st != http.StatusNotFound {
			t.Fatalf("an application before declaring: %d", st)
		}
		csrf := b.csrf("/reviews")
		if st, _ := b.post(fmt.Sprintf("/reviews/%d/no-conflict", f.call.ID), url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
			t.Fatalf("declare no conflict: %d", st)
		}
		_, page = b.get(fmt.Sprintf("/reviews/%d", f.call.ID))
		if !strings.Contains(page, fmt.Sprintf(`/reviews/%d/applications/%d`, f.call.ID, a1)) || !strings.Contains(page, "未评分") {
			t.Fatal("the applications to score are not listed")
		}

		// others' scores are hidden before one's own
		scorePage := fmt.Sprintf("/reviews/%d/applications/%d", f.call.ID, a1)
		st, page = b.get(scorePage)
		if st != 200 || strings.Contains(page, "预算偏高") || !strings.Contains(page, `name="criteria.4"`) || !strings.Contains(page, "同心长者食堂") {
			t.Fatalf("score page before scoring: %d (shows the others' scores or has no form)", st)
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d/scores", a1), nil); r.Status != 409 || strings.Contains(string(r.Raw), "预算偏高") {
			t.Fatalf("API scores before one's own: %d %s", r.Status, r.Raw)
		}
		// out of range, beside the criterion
		form := url.Values{"csrf": {csrf}, "criteria.0": {"18"}, "criteria.1": {"31"}, "criteria.2": {"16.5"}, "criteria.3": {"12"}, "criteria.4": {"12"}, "comment": {"服务设计扎实"}}
		st, page = b.post(scorePage+"/score", form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-criteria.1"`) || !strings.Contains(page, `value="16.5"`) {
			t.Fatalf("a score above the weight: %d", st)
		}
		form.Set("criteria.1", "27")
		if st, loc := b.post(scorePage+"/score", form); st != http.StatusSeeOther || loc != scorePage {
			t.Fatalf("score: %d %s", st, loc)
		}
		_, page = b.get(scorePage)
		if !strings.Contains(page, "预算偏高") || !strings.Contains(page, "服务设计扎实") || !strings.Contains(page, "85.50") || strings.Contains(page, `name="criteria.0"`) {
			t.Fatal("after scoring, the page does not show both scores")
		}
		// twice
		st, page = b.post(scorePage+"/score", form)
		if st != http.StatusConflict || !strings.Contains(page, "不能重复评分") {
			t.Fatalf("scoring twice through the form: %d", st)
		}
		r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/scores", a1), map[string]any{"criteria": []any{0, 0, 0, 0, 0}})
		if code, fields := errOf(r); r.Status != 409 || code != "conflict" || fields["application_id"] != (apiField{"review.already_scored", "您已对该申报书评过分，不能重复评分"}) {
			t.Fatalf("API scoring twice: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d/scores", a1), nil); r.Status != 200 || len(r.Body["items"].([]any)) != 2 {
			t.Fatalf("API scores after one's own: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/reviews/%d/applications", f.call.ID), nil); r.Status != 200 || len(r.Body["items"].([]any)) != 2 {
			t.Fatalf("API applications to score: %d %s", r.Status, r.Raw)
		}

		// a conflict with the second applicant: excluded, and may not score it
		st, page = b.post(fmt.Sprintf("/reviews/%d/conflict", f.call.ID), url.Values{"csrf": {csrf}, "reason": {""}, "application_ids": {fmtID(a2)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-reason"`) {
			t.Fatalf("a conflict without a reason: %d", st)
		}
		if st, _ := b.post(fmt.Sprintf("/reviews/%d/conflict", f.call.ID), url.Values{"csrf": {csrf}, "reason": {"本人为该机构理事"}, "application_ids": {fmtID(a2)}}); st != http.StatusSeeOther {
			t.Fatalf("declare a conflict: %d", st)
		}
		r = f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/scores", a2), map[string]any{"criteria": []any{"10", "10", "10", "10", "10"}})
		if code, fields := errOf(r); r.Status != 409 || code != "conflict" || !fieldIs(fields["application_id"], "zh-CN", "review.conflict") {
			t.Fatalf("scoring with a conflict: %d %s", r.Status, r.Raw)
		}
		if st, _ := b.get(fmt.Sprintf("/reviews/%d/applications/%d", f.call.ID, a2)); st != http.StatusNotFound {
			t.Fatalf("the conflicted application is visible: %d", st)
		}
		_, page = b.get("/reviews")
		if !strings.Contains(page, "已回避") {
			t.Fatal("the assignment does not show the exclusion")
		}
		// the provider cannot read scores
		if r := f.e.call(f.e.token("gt-provider"), "GET", fmt.Sprintf("/api/v1/applications/%d/scores", a1), nil); r.Status != 403 {
			t.Fatalf("provider reads scores: %d", r.Status)
		}
	})
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func tokenFor(t *testing.T, f *partyFix, ac *gongzhi.Actor) string {
	t.Helper()
	_, tok, err := f.e.app.CreateToken(f.ctx, ac, "test-"+rand.Text()[:10], 1)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestPartyPublicPages: without signing in, anyone reads the open calls, a call's notice with
// its awards, files an objection during the notice and a need with a contact, and sees the
// purchaser's on-time payment rate; no ID number, name or contact of a resident appears.
func TestPartyPublicPages(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		anon := f.e.browser()
		for _, p := range []string{"/public", fmt.Sprintf("/public/calls/%d", f.call.ID), "/public/needs", "/public/payments"} {
			st, page := anon.get(p)
			if st != 200 {
				t.Fatalf("anonymous GET %s: %d", p, st)
			}
			checkTranslated(t, "anonymous", p, page)
		}
		_, page := anon.get("/public")
		if !strings.Contains(page, f.call.Title) || !strings.Contains(page, "20,000.00–50,000.00") || !strings.Contains(page, "按时拨付率") {
			t.Fatal("the public page lacks the open call, its bands or the payment rate")
		}
		for _, link := range []string{`href="/public/needs"`, `href="/public/complaints"`, `href="/public/complaints/track"`, `class="lang" href="/public/disclosure"`} {
			if !strings.Contains(page, link) {
				t.Errorf("the public page lacks %s", link)
			}
		}
		_, page = anon.get(fmt.Sprintf("/public/calls/%d", f.call.ID))
		if !strings.Contains(page, "服务方案与可行性") || !strings.Contains(page, "申报截止") {
			t.Fatal("the call's page lacks its criteria or timeline")
		}

		// a resident's need, anonymous: the contact is required and never shown
		need := url.Values{"community_code": {demo.ZhongshanCode}, "target_group": {"elderly"}, "category_code": {"elderly_home_care"},
			"people_affected": {"30"}, "description": {"小区高龄老人多，希望有上门助浴服务。"}, "contact_name": {"赵阿姨"}}
		if st, page := anon.post("/public/needs", need); st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-contact_phone"`) {
			t.Fatalf("a need without a phone: %d", st)
		}
		need.Set("contact_phone", "13912345678")
		if st, loc := anon.post("/public/needs", need); st != http.StatusSeeOther || loc != "/public/needs" {
			t.Fatalf("a need: %d %s", st, loc)
		}
		if r := f.e.call("", "POST", "/api/v1/public/needs", map[string]any{"community_code": demo.ZhongshanCode, "target_group": "elderly",
			"category_code": "community_social_work", "people_affected": 12, "description": "需要儿童课后托管", "contact_name": "钱先生", "contact_phone": "13800001111"}); r.Status != 201 {
			t.Fatalf("API need: %d %s", r.Status, r.Raw)
		}
		if r := f.e.call("", "GET", "/api/v1/public/communities", nil); r.Status != 200 || len(r.Body["items"].([]any)) < 2 {
			t.Fatalf("API communities: %d %s", r.Status, r.Raw)
		}

		// to the notice
		a1 := f.apply(f.e.token("gt-provider"), "同心长者食堂", 50_000)
		f.apply(f.e.token("gt-provider2"), "夕阳红互助小组", 30_000)
		f.scoreAll(f.toReview(3), 0)
		f.publish()
		callPage := fmt.Sprintf("/public/calls/%d", f.call.ID)
		st, page := anon.get(callPage)
		if st != 200 || !strings.Contains(page, "评审结果公示") || !strings.Contains(page, "同心长者食堂") || !strings.Contains(page, "50,000.00") ||
			!strings.Contains(page, `action="/public/calls/`+fmtID(f.call.ID)+`/objections"`) {
			t.Fatalf("the notice: %d", st)
		}
		obj := url.Values{"application_id": {fmtID(a1)}, "name": {"李先生"}, "contact": {"13900002222"}, "body": {"该机构同一团队在邻街道重复申报。"}}
		if st, loc := anon.post(callPage+"/objections", obj); st != http.StatusSeeOther || loc != callPage {
			t.Fatalf("objection: %d %s", st, loc)
		}
		obj.Set("contact", "")
		if st, page := anon.post(callPage+"/objections", obj); st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-contact"`) {
			t.Fatalf("an objection without a contact: %d", st)
		}
		if r := f.e.call("", "POST", "/api/v1/public/calls/"+fmtID(f.call.ID)+"/objections", map[string]any{"name": "周女士", "contact": "zhou@example.com",
			"body": "评分标准公布不够详细。"}); r.Status != 201 || r.Body["state"] != "open" {
			t.Fatalf("API objection: %d %s", r.Status, r.Raw)
		}
		r := f.e.call("", "GET", "/api/v1/public/calls/"+fmtID(f.call.ID)+"/notice", nil)
		if r.Status != 200 || r.Body["objections"] != float64(2) || len(r.Body["awards"].([]any)) != 2 {
			t.Fatalf("API notice: %d %s", r.Status, r.Raw)
		}
		r = f.e.call("", "GET", "/api/v1/public/calls/"+fmtID(f.call.ID)+"/objections", nil)
		if r.Status != 200 || strings.Contains(string(r.Raw), "李先生") || strings.Contains(string(r.Raw), "zhou@") || strings.Contains(string(r.Raw), "重复申报") {
			t.Fatalf("API objections show who filed them: %s", r.Raw)
		}
		// the call is among the calls in notice (the demo street holds one of its own), all of them in notice
		if r := f.e.call("", "GET", "/api/v1/public/calls?state=notice", nil); r.Status != 200 || !slices.ContainsFunc(r.Body["items"].([]any), func(it any) bool {
			return it.(map[string]any)["id"] == float64(f.call.ID)
		}) || slices.ContainsFunc(r.Body["items"].([]any), func(it any) bool { return it.(map[string]any)["state"] != "notice" }) {
			t.Fatalf("API calls in notice: %d %s", r.Status, r.Raw)
		}
		// one rate per purchaser with public calls: the demo street's and the demo province's
		if r := f.e.call("", "GET", "/api/v1/public/on-time-rate", nil); r.Status != 200 || len(r.Body["items"].([]any)) != 2 ||
			!strings.Contains(string(r.Raw), `"place_code":"`+demo.StreetCode+`"`) || !strings.Contains(string(r.Raw), `"place_code":"`+demo.ProvinceCode+`"`) {
			t.Fatalf("API on-time rate: %d %s", r.Status, r.Raw)
		}

		// after the notice period: no more objections
		c, _ := f.e.app.Call(f.ctx, f.pur, f.call.ID)
		f.later(c.NoticeEndsAt.Sub(f.e.app.Now()) + time.Minute)
		if r := f.e.call("", "POST", "/api/v1/public/calls/"+fmtID(f.call.ID)+"/objections", map[string]any{"name": "x", "contact": "x", "body": "x"}); r.Status != 409 {
			t.Fatalf("objection after the notice: %d %s", r.Status, r.Raw)
		}

		// no personal data anywhere on the public pages, for anyone
		for _, p := range []string{"/public", callPage, "/public/needs", "/public/payments", "/api/v1/public/calls", "/api/v1/public/calls/" + fmtID(f.call.ID),
			"/api/v1/public/calls/" + fmtID(f.call.ID) + "/notice", "/api/v1/public/communities"} {
			_, page := anon.get(p)
			if m := idNumberRe.FindString(page); m != "" {
				t.Errorf("%s shows an ID number %s", p, m)
			}
			for _, personal := range []string{"赵阿姨", "13912345678", "钱先生", "13800001111", "李先生", "13900002222", "小区高龄老人多"} {
				if strings.Contains(page, personal) {
					t.Errorf("%s shows %q", p, personal)
				}
			}
		}
		// the provider sees the award on its application's page
		pb := f.signedIn("gt-provider")
		_, page = pb.get(fmt.Sprintf("/applications/%d", a1))
		if !strings.Contains(page, "拟资助 50,000.00 元") || !strings.Contains(page, "材料齐全") || !strings.Contains(page, "公示至") {
			t.Fatal("the provider's page lacks the award, the preliminary review's note or the notice end")
		}
	})
}

// TestPartyPagesTranslated: every page of this side renders for its role, in Chinese and in
// English, without a message key shown as it is.
func TestPartyPagesTranslated(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	ptok := f.e.token("gt-provider")
	a1 := f.apply(ptok, "同心长者食堂", 50_000)
	r := f.e.call(ptok, "POST", "/api/v1/applications", map[string]any{"call_id": f.call.ID, "title": "草稿"})
	draft := int64(r.Body["id"].(float64))
	second := f.newCall("第二期公益创投", 48*time.Hour)
	active := f.toReview(3)
	f.must(f.e.app.DeclareNoConflict(f.ctx, f.experts[f.gtExpert], f.call.ID))
	_, err := f.e.app.SubmitScores(f.ctx, f.experts[active[0]], a1, f.points(7000), "好")
	if err != nil && active[0] != f.gtExpert {
		f.must(f.e.app.DeclareNoConflict(f.ctx, f.experts[active[0]], f.call.ID))
		_, err = f.e.app.SubmitScores(f.ctx, f.experts[active[0]], a1, f.points(7000), "好")
	}
	f.must(err)
	pages := map[string][]string{
		"gt-provider": {"/applications", "/applications?state=draft", fmt.Sprintf("/applications/new?call=%d", second.ID), fmt.Sprintf("/applications/%d", a1),
			fmt.Sprintf("/applications/%d", draft), "/public", fmt.Sprintf("/public/calls/%d", f.call.ID)},
		"gt-expert": {"/reviews", fmt.Sprintf("/reviews/%d", f.call.ID), fmt.Sprintf("/reviews/%d/applications/%d", f.call.ID, a1)},
		"gt-hub":    {"/applications", fmt.Sprintf("/applications/%d", a1)},
		"":          {"/public", "/public/needs", "/public/payments", fmt.Sprintf("/public/calls/%d", f.call.ID), fmt.Sprintf("/public/calls/%d", second.ID)},
	}
	for who, paths := range pages {
		for _, lang := range []string{"zh-CN", "en"} {
			b := f.e.browser()
			if who != "" {
				f.e.user(who)
				b.login(who, demo.Password)
			}
			b.get("/lang?to=" + lang + "&next=/")
			for _, p := range paths {
				st, body := b.get(p)
				if st != 200 {
					t.Errorf("%s (%s) GET %s: %d", who, lang, p, st)
					continue
				}
				checkTranslated(t, who+" "+lang, p, body)
				if lang == "en" && strings.Contains(body, "申报截止") {
					t.Errorf("%s GET %s in English still shows Chinese labels", who, p)
				}
			}
		}
	}
	// the draft's edit form (the draft's call is closed: refused, plainly)
	b := f.signedIn("gt-provider")
	if st, body := b.get(fmt.Sprintf("/applications/%d/edit", draft)); st != http.StatusConflict || !strings.Contains(body, "申报已截止") {
		t.Errorf("edit after the deadline: %d", st)
	}
	// roles that have no business here
	zb := f.signedIn("zs-resident")
	for _, p := range []string{"/applications", "/reviews", fmt.Sprintf("/applications/%d", a1)} {
		if st, _ := zb.get(p); st != http.StatusForbidden && st != http.StatusNotFound {
			t.Errorf("resident GET %s: %d", p, st)
		}
	}
}

// TestPartyExpertNotLinked: an expert account not linked to the expert pool is told so, not
// shown an error page; the API answers 403.
func TestPartyExpertNotLinked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	u := e.user("gt-expert")
	if err := e.app.LinkExpertAccount(context.Background(), gongzhi.SystemActor("test"), u.ID, 0); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("gt-expert", demo.Password)
	if st, page := b.get("/reviews"); st != 200 || !strings.Contains(page, "尚未关联专家库") {
		t.Fatalf("unlinked expert: %d %s", st, page)
	}
	if r := e.call(e.token("gt-expert"), "GET", "/api/v1/reviews", nil); r.Status != 403 {
		t.Fatalf("API unlinked expert: %d %s", r.Status, r.Raw)
	}
}

// TestPartySaveAndSubmitLeavesNoDraft: "save and submit" is one transaction. A new application
// that cannot be submitted is shown again with every missing field marked and leaves no draft
// behind; an edit of a draft that cannot be submitted leaves the stored draft as it was.
func TestPartySaveAndSubmitLeavesNoDraft(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		b := f.signedIn("gt-provider")
		csrf := b.csrf(fmt.Sprintf("/applications/new?call=%d", f.call.ID))
		count := func(title string) int {
			n := -1
			db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM applications WHERE title = ?`, title).Scan(&n)
			return n
		}
		// a new application without budget lines and without beneficiaries: a draft could be
		// saved, a submission cannot
		form := appForm(csrf, f.call.ID)
		form.Del("beneficiaries")
		form.Set("title", "只填了一半的申报书")
		form.Set("then", "submit")
		st, page := b.post("/applications/new", form)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("incomplete save and submit: %d", st)
		}
		sum := strings.Index(page, `id="error-summary"`)
		if sum < 0 || !strings.Contains(page[sum:], `href="#in-beneficiaries"`) || !strings.Contains(page, `id="field-budget_lines"`) {
			t.Error("the summary does not name the missing fields")
		}
		if !strings.Contains(page, `value="只填了一半的申报书"`) || !strings.Contains(page, `action="/applications/new"`) {
			t.Error("the typed values or the form's action were lost")
		}
		if n := count("只填了一半的申报书"); n != 0 {
			t.Fatalf("a failed save and submit left %d drafts behind", n)
		}
		// a draft saved, then an edit submitted without its budget lines: nothing of the edit is kept
		st, loc := b.post("/applications/new", appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "20000"))
		if st != http.StatusSeeOther {
			t.Fatalf("save draft: %d %s", st, loc)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/applications/"), 10, 64)
		edit := appForm(csrf, f.call.ID)
		edit.Set("title", "改过的标题")
		edit.Set("then", "submit")
		for _, k := range []string{"name", "size", "sha256", "content_type"} {
			edit.Del("attachments.0." + k) // attached already
		}
		if st, _ := b.post(loc+"/edit", edit); st != http.StatusUnprocessableEntity {
			t.Fatalf("incomplete edit and submit: %d", st)
		}
		ap, err := f.e.app.Application(f.ctx, f.sys, id)
		if err != nil || ap.Title != "长者助餐“幸福食堂”" || ap.State != gongzhi.AppDraft || len(ap.BudgetLines) != 2 || len(ap.Attachments) != 1 {
			t.Fatalf("the stored draft changed: %v %+v", err, ap)
		}
		// complete: saved and submitted at once
		full := appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "20000")
		full.Set("then", "submit")
		for _, k := range []string{"name", "size", "sha256", "content_type"} {
			full.Del("attachments.0." + k) // attached already
		}
		if st, loc2 := b.post(loc+"/edit", full); st != http.StatusSeeOther || loc2 != loc {
			t.Fatalf("save and submit: %d %s", st, loc2)
		}
		if ap, _ = f.e.app.Application(f.ctx, f.sys, id); ap.State != gongzhi.AppSubmitted || len(ap.Attachments) != 1 {
			t.Fatalf("after save and submit: %s, %d attachments", ap.State, len(ap.Attachments))
		}
	})
}
