package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
)

// freeExperts finds a seed whose draw examines first three experts of the pool who have no
// account yet and no organization (so no conflict with an applicant skips them), and returns the
// seed and those three.
func freeExperts(t *testing.T, a *app.App) (int64, []*gongzhi.Person) {
	t.Helper()
	ctx, sys := context.Background(), gongzhi.SystemActor("test")
	var pool []int64
	people := map[int64]*gongzhi.Person{}
	a.People(ctx, sys, store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 100}, func(p *gongzhi.Person) error {
		pool = append(pool, p.ID)
		people[p.ID] = p
		return nil
	})
	free := func(id int64) bool {
		holder, err := a.DB.Q().PersonAccount(ctx, id)
		return err == nil && holder == 0 && people[id].OrgID == 0
	}
	for seed := int64(1); seed < 100_000; seed++ {
		order := gongzhi.DrawOrder(pool, seed)
		if len(order) >= 3 && free(order[0]) && free(order[1]) && free(order[2]) {
			return seed, []*gongzhi.Person{people[order[0]], people[order[1]], people[order[2]]}
		}
	}
	t.Fatal("no seed draws three experts without accounts first")
	return 0, nil
}

var oneTimePassword = regexp.MustCompile(`一次性密码：(\S+?)（`)

// createExpertAccount is the system administrator making an expert's account on the user pages;
// it returns the one-time password the page shows once.
func (b *browser) createExpertAccount(username, display string) string {
	b.t.Helper()
	if st := b.open("/users/new"); st != http.StatusOK {
		b.fatal("GET /users/new: %d", st)
	}
	b.set("the expert's account", map[string]string{"username": username, "display_name": display, "role": gongzhi.RoleExpert,
		"place_code": demo.DistrictCode})
	b.press("create "+username, `main form.grid-form button[type="submit"]`, http.StatusOK)
	m := oneTimePassword.FindStringSubmatch(b.text("main .flash"))
	if m == nil {
		b.fatal("no one-time password for %s: %q", username, b.text("main .flash"))
	}
	return m[1]
}

// firstLogin signs in with a one-time password and sets the test's password.
func (b *browser) firstLogin(username, otp string) {
	b.t.Helper()
	b.open("/login")
	b.load("sign in as "+username,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), otp),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	if p := b.path(); p != "/password" {
		b.fatal("after the first sign-in of %s: at %s, want /password", username, p)
	}
	st := b.load("the password of "+username,
		chromedp.SendKeys(chromedp.ID("in-current"), otp),
		chromedp.SendKeys(chromedp.ID("in-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("in-confirm"), newPassword),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)))
	if p := b.path(); st != http.StatusOK || p != "/" {
		b.fatal("after the password of %s: status %d at %s", username, st, p)
	}
}

// phone turns the browser into a 390×844 phone, checks that the page does not scroll sideways,
// and takes a screenshot.
func (b *browser) phone(name string) {
	b.t.Helper()
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	checkNoSidewaysScroll(b.t, b, b.path())
	b.shot(name)
}

// TestNewCallWithLinkedExperts is issue 11's first "done when": in a fresh demo a new call runs
// from opening to a signed contract with a panel of three experts drawn from the pool, none of
// whom had an account. The system administrator makes two expert accounts on the user pages; the
// purchaser links them to the experts they are on the account links pages (finding each by
// name, ID numbers masked); each signs in, declares and scores; the third member scored on
// paper, and the purchaser, the review's secretary, enters that sheet. The call is ranked,
// noticed, made final, and its contract confirmed by both sides.
func TestNewCallWithLinkedExperts(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	seed, members := freeExperts(t, srv.App)
	cst := time.FixedZone("CST", 8*3600)
	now := clock.now().In(cst)
	const callTitle = "葛塘街道2026年度为老服务项目征集"
	const project = "高龄老人居家探访“邻里守望”"

	// ---- the system administrator makes two expert accounts
	adm := newBrowser(t, srv.Base)
	adm.login("admin-sys")
	otps := []string{adm.createExpertAccount("ex-lin", members[0].Name+"（专家）"), adm.createExpertAccount("ex-zhao", members[1].Name+"（专家）")}
	adm.shot("x01-expert-account-created")

	// each browser lives for browserTimeout: the purchaser comes back in a new one for each step
	purchaser := func() *browser {
		b := newBrowser(t, srv.Base)
		b.acceptDialogs()
		b.relogin("gt-purchaser")
		return b
	}

	// ---- the purchaser: a budget, a call, open it
	p := newBrowser(t, srv.Base)
	p.acceptDialogs()
	p.login("gt-purchaser")
	p.open("/budgets/new")
	p.set("fill the budget", map[string]string{"name": "2026年街道为老服务资金", "fiscal_year": "2026", "amount": "50万",
		"level": "street", "fund": "fiscal", "place_code": demo.StreetCode})
	p.press("save the budget", `main form.grid-form button[type="submit"]`, http.StatusOK)
	p.open("/calls/new")
	budgetID := eval[string](p, `Array.from(document.querySelectorAll('main select[name="budget_id"] option')).filter(o => o.textContent.includes("为老服务资金")).map(o => o.value)[0] || ""`)
	if budgetID == "" {
		p.fatal("the call form offers no budget")
	}
	p.set("fill the call", map[string]string{"title": callTitle, "kind": "venture_philanthropy", "place_code": demo.StreetCode,
		"budget_id": budgetID, "amount": "200000", "description": "面向本街道社会组织，资助居家养老探访服务。",
		"bands.0.name": "资助档", "bands.0.min": "20000", "bands.0.max": "90000",
		"opens_at": now.Add(-10 * time.Minute).Format(cstLayout), "closes_at": now.Add(30 * time.Minute).Format(cstLayout),
		"review_by": now.Add(10 * 24 * time.Hour).Format(cstLayout), "notice_days": "5", "eligibility": "在民政部门登记的社会组织"})
	p.check("choose the categories", "categories", "elderly_home_care")
	p.press("save the call", `main form.grid-form button[type="submit"]`, http.StatusOK)
	callID := p.pathID()
	callPage := fmt.Sprintf("/calls/%d", callID)
	p.press("open the call", `main form[action="`+callPage+`/open"] button`, http.StatusOK)
	p.expect("the open call", "征集中")

	// ---- the provider applies
	v := newBrowser(t, srv.Base)
	v.login("gt-provider")
	v.open(fmt.Sprintf("/applications/new?call=%d", callID))
	v.set("fill the application", map[string]string{"title": project, "category_code": "elderly_home_care", "beneficiaries": "120",
		"summary": "为中山社区高龄独居老人每周上门探访。", "activity_plan": "每周探访两次，每月一次健康讲座",
		"requested": "4万", "contact_name": "王芳", "contact_phone": "025-57101234",
		"budget_lines.0.item": "人员费", "budget_lines.0.amount": "30000", "budget_lines.1.item": "宣传与耗材", "budget_lines.1.amount": "10000",
		"team.0.name": "王芳", "team.0.role": "项目负责人", "team.0.qualification": "中级社会工作师",
		"outputs.0.name": "探访人次", "outputs.0.target": "2000", "outputs.0.unit": "人次",
		"outcomes.0.name": "服务对象满意度", "outcomes.0.target": "90", "outcomes.0.unit": "%"})
	v.check("target group and community", "target_groups", "elderly", "communities", demo.ZhongshanCode)
	v.press("保存并提交", `main button[name="then"][value="submit"]`, http.StatusOK)
	appID := v.pathID()

	// ---- after the deadline: close, preliminary review, a panel of three, review
	clock.forward(time.Hour)
	p = purchaser()
	p.open(callPage)
	p.press("close the call", `main form[action="`+callPage+`/close"] button`, http.StatusOK)
	h := newBrowser(t, srv.Base)
	h.login("gt-hub")
	h.open(callPage)
	h.press("eligible", fmt.Sprintf(`main form[action="%s/applications/%d/prelim"]:has(input[name="decision"][value="eligible"]) button`, callPage, appID), http.StatusOK)
	p = purchaser()
	p.open(callPage)
	p.set("the panel", map[string]string{"size": "3", "seed": strconv.FormatInt(seed, 10)})
	p.press("draw the panel", `main form[action="`+callPage+`/panel"] button`, http.StatusOK)
	p.expect("the panel", members[0].Name, members[1].Name, members[2].Name)
	p.press("start the review", `main form[action="`+callPage+`/review"] button`, http.StatusOK)
	p.expect("the call in review", "评审中")

	// ---- the purchaser links the two accounts to the experts they are, on the pages
	p = purchaser()
	p.menu("/account-links", "账号关联")
	p.expect("the account links", "ex-lin", "ex-zhao", "未关联")
	p.shot("x02-account-links")
	for i, username := range []string{"ex-lin", "ex-zhao"} {
		p = purchaser()
		p.open("/account-links?q=" + username)
		p.press("the account "+username, `main td a[href$="/person"]`, http.StatusOK)
		p.set("the name", map[string]string{"q": members[i].Name})
		p.press("search the pool", `main #find form button[type="submit"]`, http.StatusOK)
		p.expect("the people found", members[i].Name)
		if i == 0 {
			p.shot("x03-link-search")
			p.phone("x03-link-search-phone") // and links from the phone
		}
		p.press("link "+members[i].Name, fmt.Sprintf(`main form:has(input[name="person_id"][value="%d"]) button`, members[i].ID), http.StatusOK)
		p.expect("the account linked", "已关联", members[i].Name)
	}
	p.shot("x04-accounts-linked")
	p.phone("x04-accounts-linked-phone")

	// ---- each expert signs in, declares no conflict and scores
	for i, username := range []string{"ex-lin", "ex-zhao"} {
		e := newBrowser(t, srv.Base)
		e.firstLogin(username, otps[i])
		e.open(fmt.Sprintf("/reviews/%d", callID))
		e.press("no conflict", `main #no-conflict button`, http.StatusOK)
		e.press("the application", fmt.Sprintf(`main a[href="/reviews/%d/applications/%d"]`, callID, appID), http.StatusOK)
		e.set("the scores", map[string]string{"criteria.0": "18", "criteria.1": "25", "criteria.2": "16", "criteria.3": strconv.Itoa(12 + i), "criteria.4": "12",
			"comment": "方案可行。"})
		e.press("submit the scores", `main #review form button[type="submit"]`, http.StatusOK)
		e.expect("the scores", "方案可行")
	}

	// ---- the third member scored on paper: the secretary enters the sheet
	p = purchaser()
	p.open(callPage)
	// ranking is not offered while a score is missing: the page says how many it waits for
	if p.count(`main form[action="`+callPage+`/rank"]`) != 0 {
		t.Error("ranking is offered before the paper sheet is entered")
	}
	p.expect("the ranking waits for the paper sheet", "还有 1 份评分未提交")
	appPage := fmt.Sprintf("%s/applications/%d", callPage, appID)
	p.open(appPage)
	p.expect("the paper form", "录入纸质评分表", members[2].Name)
	p.set("the paper sheet", map[string]string{"person_id": strconv.FormatInt(members[2].ID, 10), "criteria.0": "17", "criteria.1": "24",
		"criteria.2": "15", "criteria.3": "12", "criteria.4": "11", "comment": "建议细化探访记录。"})
	p.press("without the declaration", `main #paper-form button[type="submit"]`, http.StatusUnprocessableEntity)
	p.expect("the declaration asked", "无利益冲突声明")
	p.check("the declaration", "declared", "1")
	p.shot("x05-paper-form")
	p.phone("x05-paper-form-phone") // and enters the sheet on the phone
	p.press("enter the paper sheet", `main #paper-form button[type="submit"]`, http.StatusOK)
	p.expect("the paper score", "纸质评分", "建议细化探访记录", "79.00")
	if p.count(`main #paper-form`) != 0 {
		t.Error("the paper form is still offered after every member scored")
	}
	p.shot("x06-paper-entered")

	// ---- rank, propose, publish; after the notice, final and the contract
	p = purchaser()
	p.open(callPage)
	p.press("rank", `main form[action="`+callPage+`/rank"] button`, http.StatusOK)
	p.press("propose the awards", `main form[action="`+callPage+`/awards/propose"] button`, http.StatusOK)
	p.press("publish the notice", `main form[action="`+callPage+`/publish"] button`, http.StatusOK)
	p.expect("the call in notice", "公示中")
	c, err := srv.App.Call(context.Background(), nil, callID)
	if err != nil {
		t.Fatal(err)
	}
	clock.forward(c.NoticeEndsAt.Sub(clock.now()) + time.Hour)
	p3 := purchaser()
	p3.open(callPage)
	p3.press("finalize", `main form[action="`+callPage+`/finalize"] button`, http.StatusOK)
	p3.press("generate the contract", `main form[action="`+callPage+`/contracts"] button`, http.StatusOK)
	if !strings.HasPrefix(p3.path(), "/contracts/") {
		p3.open(callPage)
		p3.press("the contract", `main #awards a[href^="/contracts/"]`, http.StatusOK)
	}
	contractPage := p3.path()
	p3.press("the purchaser confirms", `main form[action="`+contractPage+`/confirm"] button`, http.StatusOK)
	v2 := newBrowser(t, srv.Base)
	v2.acceptDialogs()
	v2.relogin("gt-provider")
	v2.open(contractPage)
	v2.press("the provider confirms", `main form[action="`+contractPage+`/confirm"] button`, http.StatusOK)
	v2.shot("x07-contract-signed")
	ct, err := srv.App.Contract(context.Background(), gongzhi.SystemActor("test"), v2.pathID())
	if err != nil {
		t.Fatal(err)
	}
	if ct.State != gongzhi.ContractSigned || ct.CallID != callID {
		t.Errorf("the contract of call %d is %s (call %d), want signed", callID, ct.State, ct.CallID)
	}
	// the scores: two by the experts with their accounts, one entered on paper by the purchaser
	scores, err := srv.App.Scores(context.Background(), gongzhi.SystemActor("test"), appID)
	if err != nil {
		t.Fatal(err)
	}
	paper := 0
	for _, sc := range scores {
		if sc.EnteredBy != "" {
			paper++
			if sc.PersonID != members[2].ID {
				t.Errorf("a paper score of person %d, want %d", sc.PersonID, members[2].ID)
			}
		}
	}
	if len(scores) != 3 || paper != 1 {
		t.Errorf("%d scores, %d on paper; want 3, 1", len(scores), paper)
	}
}
