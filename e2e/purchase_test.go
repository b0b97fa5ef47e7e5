package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
)

// offsetClock is the product's clock, moved forward by the test: the deadline passes, the
// notice period ends. Sessions idle for more than 8 hours end with it, so people sign in again.
type offsetClock struct{ offset atomic.Int64 }

func (c *offsetClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *offsetClock) forward(d time.Duration) { c.offset.Add(int64(d)) }

// linkDemoExpert makes sure the demo account gt-expert is linked to the member of the expert
// pool it was made for (the same phone number; the demo links them when it seeds) and returns
// that person's id.
func linkDemoExpert(t *testing.T, a *app.App) int64 {
	t.Helper()
	ctx, sys := context.Background(), gongzhi.SystemActor("test")
	u, _, err := a.DB.Q().UserByUsername(ctx, "gt-expert")
	if err != nil {
		t.Fatal(err)
	}
	var person int64
	a.People(ctx, sys, store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 100}, func(p *gongzhi.Person) error {
		if p.Phone == u.Phone {
			person = p.ID
		}
		return nil
	})
	if person == 0 {
		t.Fatal("gt-expert matches no member of the demo expert pool")
	}
	if linked, err := a.DB.Q().UserPersonID(ctx, u.ID); err != nil {
		t.Fatal(err)
	} else if linked != person { // the demo links it; a link is made once
		if err := a.LinkExpertAccount(ctx, sys, u.ID, person); err != nil {
			t.Fatal(err)
		}
	}
	return person
}

// seedFor finds a panel seed whose draw, over the whole expert pool, examines the given expert
// first: the office may type any seed, and the test types one that puts gt-expert on a panel of
// one.
func seedFor(t *testing.T, a *app.App, person int64) int64 {
	t.Helper()
	var pool []int64
	a.People(context.Background(), gongzhi.SystemActor("test"), store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 100},
		func(p *gongzhi.Person) error { pool = append(pool, p.ID); return nil })
	for seed := int64(1); seed < 100_000; seed++ {
		if gongzhi.DrawOrder(pool, seed)[0] == person {
			return seed
		}
	}
	t.Fatal("no seed draws gt-expert first")
	return 0
}

// relogin signs in again with the password changed at the first sign-in.
func (b *browser) relogin(username string) {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.fatal("GET /login: status %d", st)
	}
	st := b.load("sign in again as "+username,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), newPassword),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
	)
	if p := b.path(); st != http.StatusOK || p != "/" {
		b.fatal("after signing in again as %s: status %d at %s", username, st, p)
	}
}

// acceptDialogs answers "OK" to every confirmation the page asks (app.js asks before
// submitting forms marked data-confirm).
func (b *browser) acceptDialogs() {
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

// press clicks a button that leads to a new page and checks the status.
func (b *browser) press(what, sel string, want int64) {
	b.t.Helper()
	if b.count(sel) == 0 {
		b.fatal("%s: no %s on %s", what, sel, b.path())
	}
	if st := b.load(what, chromedp.Click(chromedp.CSS(sel))); st != want {
		b.shot("status-" + strconv.FormatInt(st, 10))
		b.fatal("%s: status %d, want %d, at %s: %s", what, st, want, b.path(), b.mainText())
	}
}

// count is the number of elements matching a CSS selector.
func (b *browser) count(sel string) int {
	return eval[int](b, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// mainText is the visible text of the main element, for failure messages.
func (b *browser) mainText() string {
	s := eval[string](b, `(document.querySelector("main") || document.body).innerText`)
	if r := []rune(s); len(r) > 600 {
		s = string(r[:600]) + "…"
	}
	return s
}

// set sets form controls by name.
func (b *browser) set(what string, values map[string]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for name, v := range values {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(`main [name="`+name+`"]`), v))
	}
	b.do(what, steps...)
}

// check ticks checkboxes by name and value.
func (b *browser) check(what string, pairs ...string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(pairs); i += 2 {
		steps = append(steps, chromedp.Click(chromedp.CSS(`main input[type="checkbox"][name="`+pairs[i]+`"][value="`+pairs[i+1]+`"]`)))
	}
	b.do(what, steps...)
}

// expect fails the test unless the main element's text contains every string.
func (b *browser) expect(where string, want ...string) {
	b.t.Helper()
	text := eval[string](b, `(document.querySelector("main") || document.body).innerText`)
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.t.Errorf("%s (%s) does not show %q", where, b.path(), w)
		}
	}
}

var idInPath = regexp.MustCompile(`/(\d+)(?:$|[/?#])`)

// pathID is the first number in the current path: /calls/7 → 7.
func (b *browser) pathID() int64 {
	b.t.Helper()
	m := idInPath.FindStringSubmatch(b.path())
	if m == nil {
		b.fatal("no id in %s", b.path())
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

const cstLayout = "2006-01-02T15:04"

// TestPurchaseCallToFirstPayment walks one call from opening to the first payment with real
// clicks as each role: the purchaser makes a budget and a call and opens it; a provider drafts
// and submits an application; after the deadline the purchaser closes the call, the hub passes
// the application in the preliminary review, the purchaser draws a panel (with a seed that puts
// gt-expert on it) and starts the review; the expert declares no conflict and scores; the
// purchaser ranks, proposes the awards and publishes the notice; the public sees it; after the
// notice period the purchaser makes the awards final and generates the contract; both sides
// confirm it; the purchaser records the first payment, and the public page's on-time payment
// rate counts it.
func TestPurchaseCallToFirstPayment(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	expert := linkDemoExpert(t, srv.App)
	seed := seedFor(t, srv.App, expert)
	cst := time.FixedZone("CST", 8*3600)
	now := clock.now().In(cst)
	const callTitle = "葛塘街道2026年度社区公益创投"
	const project = "长者助餐“幸福食堂”"

	// ---- the purchaser: a budget, a call, open it
	p := newBrowser(t, srv.Base)
	p.acceptDialogs()
	p.login("gt-purchaser")
	p.menu("/budgets", "预算")
	p.press("新建预算", `main .tools a[href="/budgets/new"]`, http.StatusOK)
	p.set("fill the budget", map[string]string{"name": "2026年街道公益创投资金", "fiscal_year": "2026", "amount": "50万",
		"level": "street", "fund": "fiscal", "place_code": demo.StreetCode})
	p.press("save the budget", `main form.grid-form button[type="submit"]`, http.StatusOK)
	p.expect("the budget", "2026年街道公益创投资金", "500,000.00")
	p.shot("01-budget")

	p.menu("/calls", "项目征集")
	p.press("新建征集", `main .tools a[href="/calls/new"]`, http.StatusOK)
	budgetID := eval[string](p, `Array.from(document.querySelectorAll('main select[name="budget_id"] option')).map(o => o.value).filter(v => v)[0] || ""`)
	if budgetID == "" {
		p.fatal("the call form offers no budget")
	}
	p.set("fill the call", map[string]string{"title": callTitle, "kind": "venture_philanthropy", "place_code": demo.StreetCode,
		"budget_id": budgetID, "amount": "200000", "description": "面向本街道社区社会组织，资助为老、为小、助残等社区服务项目。",
		"bands.0.name": "资助档", "bands.0.min": "20000", "bands.0.max": "90000",
		"opens_at": now.Add(-10 * time.Minute).Format(cstLayout), "closes_at": now.Add(30 * time.Minute).Format(cstLayout),
		"review_by": now.Add(10 * 24 * time.Hour).Format(cstLayout), "notice_days": "5", "eligibility": "在民政部门登记的社会组织"})
	p.check("choose the categories", "categories", "elderly_home_care")
	p.shot("02-call-form")
	p.press("save the call", `main form.grid-form button[type="submit"]`, http.StatusOK)
	callID := p.pathID()
	callPage := fmt.Sprintf("/calls/%d", callID)
	p.press("open the call", `main form[action="`+callPage+`/open"] button`, http.StatusOK)
	p.expect("the open call", "征集中")
	p.shot("03-call-open")

	// ---- the provider: draft and submit
	v := newBrowser(t, srv.Base)
	v.login("gt-provider")
	v.menu("/applications", "项目申报")
	v.expect("the provider's list", callTitle)
	v.shot("04-provider-calls")
	v.press("申报", fmt.Sprintf(`main a[href="/applications/new?call=%d"]`, callID), http.StatusOK)
	v.set("fill the application", map[string]string{"title": project, "category_code": "elderly_home_care", "beneficiaries": "150",
		"summary": "为中山社区高龄独居老人提供助餐与探访。", "activity_plan": "第一季度：需求调研与志愿者招募\n第二季度起：每周五天助餐、每月一次健康讲座",
		"requested": "5万", "contact_name": "王芳", "contact_phone": "025-57101234",
		"budget_lines.0.item": "人员费", "budget_lines.0.amount": "30000", "budget_lines.1.item": "餐费补贴", "budget_lines.1.amount": "15000",
		"budget_lines.2.item": "宣传与耗材", "budget_lines.2.amount": "5000",
		"team.0.name": "王芳", "team.0.role": "项目负责人", "team.0.qualification": "中级社会工作师",
		"outputs.0.name": "助餐人次", "outputs.0.target": "6000", "outputs.0.unit": "人次",
		"outcomes.0.name": "服务对象满意度", "outcomes.0.target": "90", "outcomes.0.unit": "%"})
	v.check("target group and community", "target_groups", "elderly", "communities", demo.ZhongshanCode)
	v.shot("05-application-form")
	v.press("保存并提交", `main button[name="then"][value="submit"]`, http.StatusOK)
	appID := v.pathID()
	v.expect("the submitted application", "已提交，待初审", "等待初审", "50,000.00 元")
	v.shot("06-application-submitted")

	// ---- after the deadline: close, preliminary review, panel, review
	clock.forward(time.Hour)
	p.open(callPage)
	p.press("close the call", `main form[action="`+callPage+`/close"] button`, http.StatusOK)
	p.shot("07-call-closed")

	h := newBrowser(t, srv.Base)
	h.login("gt-hub")
	h.menu("/calls", "项目征集")
	h.press("the call", fmt.Sprintf(`main a[href="%s"]`, callPage), http.StatusOK)
	h.press("eligible", fmt.Sprintf(`main form[action="%s/applications/%d/prelim"]:has(input[name="decision"][value="eligible"]) button`, callPage, appID), http.StatusOK)
	h.shot("08-prelim")

	p.open(callPage)
	p.set("the panel", map[string]string{"size": "1", "seed": strconv.FormatInt(seed, 10)})
	p.press("draw the panel", `main form[action="`+callPage+`/panel"] button`, http.StatusOK)
	p.press("start the review", `main form[action="`+callPage+`/review"] button`, http.StatusOK)
	p.expect("the call in review", "评审中")
	p.shot("09-review-started")

	// ---- the expert
	e := newBrowser(t, srv.Base)
	e.login("gt-expert")
	e.menu("/reviews", "评审任务")
	e.expect("the assignments", callTitle, "待声明利益冲突")
	e.press("the assignment", fmt.Sprintf(`main a[href="/reviews/%d"]`, callID), http.StatusOK)
	e.shot("10-declare")
	e.press("no conflict", `main #no-conflict button`, http.StatusOK)
	e.press("the application", fmt.Sprintf(`main a[href="/reviews/%d/applications/%d"]`, callID, appID), http.StatusOK)
	e.set("the scores", map[string]string{"criteria.0": "18", "criteria.1": "26.5", "criteria.2": "17", "criteria.3": "13", "criteria.4": "12",
		"comment": "需求调研扎实，建议加强志愿者培训。"})
	e.shot("11-score-form")
	e.press("submit the scores", `main #review form button[type="submit"]`, http.StatusOK)
	e.expect("the scores", "86.50", "需求调研扎实")
	e.shot("12-scored")

	// ---- the purchaser ranks, proposes, publishes
	p2 := newBrowser(t, srv.Base)
	p2.acceptDialogs()
	p2.relogin("gt-purchaser")
	p2.open(callPage)
	p2.press("rank", `main form[action="`+callPage+`/rank"] button`, http.StatusOK)
	p2.press("propose the awards", `main form[action="`+callPage+`/awards/propose"] button`, http.StatusOK)
	p2.press("publish the notice", `main form[action="`+callPage+`/publish"] button`, http.StatusOK)
	p2.expect("the call in notice", "公示中")
	p2.shot("13-notice-published")

	pub := newBrowser(t, srv.Base)
	if st := pub.open("/public"); st != http.StatusOK {
		pub.fatal("GET /public: %d", st)
	}
	pub.press("the call", fmt.Sprintf(`main a[href="/public/calls/%d"]`, callID), http.StatusOK)
	pub.expect("the public notice", "评审结果公示", project, "50,000.00", "提出异议")
	pub.shot("14-public-notice")

	// ---- after the notice: final, contract, both confirm, the first payment
	c, err := srv.App.Call(context.Background(), nil, callID)
	if err != nil {
		t.Fatal(err)
	}
	clock.forward(c.NoticeEndsAt.Sub(clock.now()) + time.Hour)
	p3 := newBrowser(t, srv.Base)
	p3.acceptDialogs()
	p3.relogin("gt-purchaser")
	p3.open(callPage)
	p3.press("finalize", `main form[action="`+callPage+`/finalize"] button`, http.StatusOK)
	p3.press("generate the contract", `main form[action="`+callPage+`/contracts"] button`, http.StatusOK)
	p3.shot("15-contract-generated")
	if !strings.HasPrefix(p3.path(), "/contracts/") {
		p3.open(callPage)
		p3.press("the contract", `main #awards a[href^="/contracts/"]`, http.StatusOK)
	}
	contractPage := p3.path()
	p3.press("the purchaser confirms", `main form[action="`+contractPage+`/confirm"] button`, http.StatusOK)
	p3.shot("16-purchaser-confirmed")

	v2 := newBrowser(t, srv.Base)
	v2.acceptDialogs()
	v2.relogin("gt-provider")
	v2.menu("/contracts", "合同与拨付")
	v2.press("the contract", fmt.Sprintf(`main a[href="%s"]`, contractPage), http.StatusOK)
	v2.press("the provider confirms", `main form[action="`+contractPage+`/confirm"] button`, http.StatusOK)
	v2.shot("17-contract-signed")
	v2.open(fmt.Sprintf("/applications/%d", appID))
	v2.expect("the provider's application", "拟资助 50,000.00 元", "签订合同")
	v2.shot("18-application-awarded")

	p3.open(contractPage)
	p3.press("record the first payment", `main form[action="`+contractPage+`/payments"] button`, http.StatusOK)
	p3.shot("19-first-payment")

	pub2 := newBrowser(t, srv.Base)
	pub2.open("/public/payments")
	// the street's own rate counts the demo's projects in service as well as this first payment
	// (the demo's province, with calls of its own, has a line of its own)
	rate, err := srv.App.OwnOnTimeRate(context.Background(), demo.StreetCode)
	if err != nil {
		t.Fatal(err)
	}
	pub2.expect("the on-time rate", gongzhi.FormatBP(rate.RateBP))
	if n := eval[string](pub2, `([...document.querySelectorAll("main table.rates tbody tr")].find(r => r.cells[0].textContent.includes("葛塘街道")) || {cells: [{}, {}, {}]}).cells[2].textContent || ""`); n != strconv.Itoa(rate.Due) {
		t.Errorf("the public page counts %q portions due, want %d", n, rate.Due)
	}
	pub2.shot("20-public-on-time")
}
