package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
)

// supSignContracts runs a call through the service layer to two signed contracts, one with
// each demo provider, moving the clock past the deadline and the notice period; it returns the
// contract of gt-provider's organization.
func supSignContracts(t *testing.T, a *app.App, clock *offsetClock) int64 {
	t.Helper()
	ctx := context.Background()
	must := fatalOn(t)
	pur, hub := serviceActor(t, a, "gt-purchaser"), serviceActor(t, a, "gt-hub")
	provs := []*gongzhi.Actor{serviceActor(t, a, "gt-provider"), serviceActor(t, a, "gt-provider2")}
	var budgetID int64
	_, err := a.Budgets(ctx, pur, store.ListOptions{}, func(b *gongzhi.Budget) error { budgetID = b.ID; return nil })
	must(err)
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: "320116004000", Kind: "venture_philanthropy", Title: "葛塘街道为老服务项目", Categories: []string{"elderly_home_care"},
		BudgetID: budgetID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(72 * time.Hour), Eligibility: []string{"登记的社会组织"}}
	must(a.CreateCall(ctx, pur, c))
	must(a.OpenCall(ctx, pur, c.ID))
	var apps []int64
	for i, title := range []string{"长者食堂助餐服务", "四点半课堂"} {
		amount := gongzhi.Yuan(60_000 - int64(i)*20_000)
		ap := &gongzhi.Application{CallID: c.ID, Title: title, CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
			Communities: []string{"320116004001"}, Beneficiaries: 120, Summary: "高龄独居老人助餐与探访", ActivityPlan: "每周五天助餐，每月两次入户探访。",
			Requested: amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: amount * 6 / 10}, {Item: "活动经费", Amount: amount - amount*6/10}},
			Team:     []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
			Outputs:  []gongzhi.Indicator{{Name: "助餐服务", Target: 3000, Unit: "人次"}},
			Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
		must(a.CreateApplication(ctx, provs[i], ap))
		must(a.SubmitApplication(ctx, provs[i], ap.ID))
		apps = append(apps, ap.ID)
	}
	clock.forward(96 * time.Hour)
	must(a.CloseCall(ctx, pur, c.ID))
	for _, id := range apps {
		must(a.PrelimReview(ctx, hub, id, true, ""))
	}
	d, err := a.DrawPanel(ctx, pur, c.ID, 3, nil, 42)
	must(err)
	c, err = a.Call(ctx, pur, c.ID)
	must(err)
	var experts []*gongzhi.Actor
	for _, m := range d.Members {
		if !m.Active() {
			continue
		}
		ex := expertAccount(t, a, fmt.Sprintf("sup-exp-%d", m.PersonID), "320116000000", m.PersonID)
		must(a.DeclareNoConflict(ctx, ex, c.ID))
		experts = append(experts, ex)
	}
	must(a.StartReview(ctx, pur, c.ID))
	for _, ex := range experts {
		visible, err := a.ReviewApplications(ctx, ex, c.ID)
		must(err)
		for _, ap := range visible {
			var crit []gongzhi.Points
			for _, cr := range c.Criteria {
				crit = append(crit, gongzhi.Points(cr.Weight)*85)
			}
			_, err := a.SubmitScores(ctx, ex, ap.ID, crit, "评审意见")
			must(err)
		}
	}
	var mine int64
	cts := signAwards(t, a, pur, c.ID, 0, clock.forward, time.Hour, "", func(w *gongzhi.Award) *gongzhi.Actor {
		if w.ApplicationID == apps[0] {
			return provs[0]
		}
		return provs[1]
	})
	for _, ct := range cts {
		if ct.ApplicationID == apps[0] {
			mine = ct.ID
		}
	}
	// the scheduled job's next run gives the contracts in force their inspections of the month
	_, err = jobs.CreateInspections(ctx, a, a.Now())
	must(err)
	return mine
}

// supPNG is a small picture: a 40×30 orange rectangle.
func supPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{R: 230, G: 120, B: 40, A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// TestSupervisionMonth follows one contract through a month of supervision with real clicks:
// the hub records the month's inspection with a finding and raises a rectification order; the
// provider answers it; the hub verifies and closes it; the hub generates the month's report and
// publishes it; anyone sees it on the public page. Screenshots on a desktop and on a phone.
func TestSupervisionMonth(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	contract := supSignContracts(t, srv.App, clock)
	today := gongzhi.DateOf(clock.now())
	month := today[:7]

	// ---- the hub: the month's inspections, one recorded with a finding
	h := newBrowser(t, srv.Base)
	h.acceptDialogs()
	h.login("gt-hub")
	h.menu("/supervision", "督导监管")
	h.expect("the supervision overview", "长者食堂助餐服务", "四点半课堂", month+"-25")
	h.shot("overview")
	var insID int64
	srv.App.Inspections(context.Background(), gongzhi.SystemActor("test"), store.ListOptions{Filters: map[string]string{"month": month,
		"contract": strconv.FormatInt(contract, 10)}}, func(in *gongzhi.Inspection) error { insID = in.ID; return nil })
	ipath := "/supervision/inspections/" + strconv.FormatInt(insID, 10)
	h.press("open the inspection", `main a[href="`+ipath+`"]`, http.StatusOK)
	h.set("record the inspection", map[string]string{"inspected_on": today, "progress_pct": "40", "progress": "已开展助餐服务 12 次，覆盖老人 35 人。",
		"difficulties": "志愿者不足", "results": "服务记录完整，老人反映良好", "result.evidence_complete": "finding", "severity.evidence_complete": "major",
		"note.evidence_complete": "部分活动签到表缺失"})
	h.shot("inspection-form")
	h.press("save the inspection", `main form[action="`+ipath+`"] button[type="submit"]`, http.StatusOK)
	h.expect("the recorded inspection", "督导记录已保存", "部分活动签到表缺失", "下达整改通知")
	h.set("the order", map[string]string{"requirement": "一周内补齐签到表并建立归档制度"})
	h.press("raise the order", `main form.sup-raise button[type="submit"]`, http.StatusOK)
	h.expect("the order", "已下达整改通知", "待整改", "一周内补齐签到表")
	rpath := h.path()
	h.shot("rectification-open")

	// ---- the provider answers its order
	p := newBrowser(t, srv.Base)
	p.login("gt-provider")
	p.open("/")
	p.expect("the provider's to-dos", "整改")
	if st := p.open(rpath); st != http.StatusOK {
		p.fatal("the provider cannot open its order: %d", st)
	}
	p.set("answer", map[string]string{"answer": "已补齐 12 月全部活动签到表，并建立月度归档制度。"})
	photo := filepath.Join(t.TempDir(), "sign-in-sheet.png")
	if err := os.WriteFile(photo, supPNG(), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do("attach a photo", chromedp.SetUploadFiles(chromedp.CSS(`main input[name="file"]`), []string{photo}))
	p.press("send the answer", `main form[action="`+rpath+`/answer"] button[type="submit"]`, http.StatusOK)
	p.expect("the answered order", "待验收", "材料 1")
	p.shot("rectification-answered")

	// ---- the hub verifies and closes it
	if st := h.open(rpath); st != http.StatusOK {
		h.fatal("open the order: %d", st)
	}
	h.set("verify", map[string]string{"note": "现场核查属实"})
	h.press("verify and close", `main form[action="`+rpath+`/verify"] button[type="submit"]`, http.StatusOK)
	h.expect("the closed order", "已验收销号", "已销号")
	h.shot("rectification-closed")

	// ---- a talk and a joint meeting with an action item
	h.open("/supervision/talks/new?contract=" + strconv.FormatInt(contract, 10))
	h.set("the talk", map[string]string{"date": today, "attendees": "王建国, 机构负责人\n赵敏, 枢纽督导", "reason": "签到表缺失",
		"conclusions": "机构承诺建立归档制度"})
	h.shot("talk-form")
	h.press("record the talk", `main form[action="/supervision/talks"] button[type="submit"]`, http.StatusOK)
	h.expect("the talk", "约谈已记录", "王建国 机构负责人")
	h.shot("talk")
	h.menu("/meetings", "联席会议")
	h.press("new meeting", `main a[href="/meetings/new"]`, http.StatusOK)
	h.set("the meeting", map[string]string{"date": today, "title": "十二月联席会议", "venue": "街道三楼会议室", "attendees": "李梅, 街道社会事务办",
		"minutes": "通报本月督导情况", "decisions": "各机构月底前完善台账"})
	h.press("record the meeting", `main form[action="/meetings"] button[type="submit"]`, http.StatusOK)
	h.set("an action item", map[string]string{"text": "完善服务台账", "owner_name": "李梅"})
	h.press("add the action", `main form[action$="/actions"] button[type="submit"]`, http.StatusOK)
	h.expect("the meeting", "已添加待办事项", "完善服务台账", "办理中")
	h.shot("meeting")

	// ---- the month's report: generate, publish
	h.open("/supervision/reports/" + month)
	h.press("generate the report", `main form[action="/supervision/reports/`+month+`/generate"] button`, http.StatusOK)
	h.expect("the generated report", "督导月报", "发现问题1项", "长者食堂助餐服务")
	h.shot("report-draft")
	h.press("publish the report", `main form[action="/supervision/reports/`+month+`/publish"] button`, http.StatusOK)
	h.expect("the published report", "月报已公开", "已公开")

	// ---- the public sees it, with no personal data
	pub := newBrowser(t, srv.Base)
	pub.open("/public/supervision-reports")
	pub.expect("the public list", "督导月报")
	pub.shot("public-list")
	pub.press("open the report", `main a[href^="/public/supervision-reports/"]`, http.StatusOK)
	pub.expect("the public report", "本月督导共发现问题1项", "长者食堂助餐服务", "已验收销号1份")
	pub.checkTranslated()
	pub.shot("public-report")
	pub.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	pub.open(pub.path())
	pub.shot("public-report-phone")
	h.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	h.open("/supervision?month=" + month)
	h.shot("overview-phone")
	h.open(ipath)
	h.shot("inspection-phone")
	if w := eval[float64](h, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
		t.Errorf("the inspection page scrolls sideways on a phone by %vpx", w)
	}
}
