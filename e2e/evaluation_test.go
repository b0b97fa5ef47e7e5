package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
)

// evSignedContract takes a call through review (gt-expert alone on the panel) to a signed
// contract of gt-provider's organization, through the service layer: the browser part of this
// test is the evaluation.
func evSignedContract(t *testing.T, a *app.App, clock *offsetClock, person, seed int64) *gongzhi.Contract {
	t.Helper()
	ctx := context.Background()
	pur, hub, prov, exp := serviceActor(t, a, "gt-purchaser"), serviceActor(t, a, "gt-hub"), serviceActor(t, a, "gt-provider"), serviceActor(t, a, "gt-expert")
	must := fatalOn(t)
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "评估演示资金", Amount: gongzhi.Yuan(500_000)}
	must(a.CreateBudget(ctx, pur, b))
	now := clock.now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道社区公益创投（结项评估）", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(200_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"登记的社会组织"}, ExcludeIneligible: true}
	must(a.CreateCall(ctx, pur, c))
	must(a.OpenCall(ctx, pur, c.ID))
	staff := gongzhi.Yuan(48_000)
	ap := &gongzhi.Application{CallID: c.ID, Title: "长者助餐“幸福食堂”", CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
		Communities: []string{demo.ZhongshanCode}, Beneficiaries: 120, Summary: "高龄独居老人助餐与探访", ActivityPlan: "每周五天助餐，每月两次入户探访。",
		Requested: gongzhi.Yuan(80_000), BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: staff}, {Item: "活动经费", Amount: gongzhi.Yuan(80_000) - staff}},
		Team:    []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
		Outputs: []gongzhi.Indicator{{Name: "助餐服务", Target: 3000, Unit: "人次"}}, Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
	must(a.CreateApplication(ctx, prov, ap))
	must(a.SubmitApplication(ctx, prov, ap.ID))
	clock.forward(c.ClosesAt.Sub(clock.now()) + time.Hour)
	must(a.CloseCall(ctx, pur, c.ID))
	must(a.PrelimReview(ctx, hub, ap.ID, true, ""))
	_, err := a.DrawPanel(ctx, pur, c.ID, 1, nil, seed)
	must(err)
	must(a.DeclareNoConflict(ctx, exp, c.ID))
	must(a.StartReview(ctx, pur, c.ID))
	full, _ := a.Call(ctx, pur, c.ID)
	var crit []gongzhi.Points
	for _, cr := range full.Criteria {
		crit = append(crit, gongzhi.Points(cr.Weight)*85)
	}
	_, err = a.SubmitScores(ctx, exp, ap.ID, crit, "方案可行")
	must(err)
	return signAwards(t, a, pur, c.ID, 0, clock.forward, time.Hour, "葛塘街道办事处",
		func(*gongzhi.Award) *gongzhi.Actor { return prov })[0]
}

// evFillSheet types a score for every sub-indicator: share percent of its maximum.
func (b *browser) evFillSheet(share int) {
	b.t.Helper()
	flat, _ := func() ([]gongzhi.EvalIndicator, []int) { s := gongzhi.DefaultEvalScheme(); return s.Flat() }()
	v := map[string]string{}
	for i, in := range flat {
		v["score_"+strconv.Itoa(i)] = gongzhi.Points(in.Max * share).String()
	}
	v["comment_0"] = "制度健全"
	b.set("fill the score sheet", v)
}

// TestEvaluationFinalRound: the purchaser starts a final evaluation of a signed contract with a
// panel of three (gt-expert, a residents' representative and an evaluator without accounts),
// the expert scores on the score sheet page, the purchaser enters the two paper sheets,
// finalizes and publishes, and the public page shows the grade; the score sheet and the public
// result are checked on a phone as well.
func TestEvaluationFinalRound(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	person := linkDemoExpert(t, srv.App)
	ct := evSignedContract(t, srv.App, clock, person, seedFor(t, srv.App, person))

	// ---- the purchaser starts the final round
	p := newBrowser(t, srv.Base)
	p.acceptDialogs()
	p.login("gt-purchaser")
	p.menu("/evaluations", "评估")
	p.expect("the evaluations page", "长者助餐", "结项评估")
	p.shot("01-evaluations")
	p.press("start the final round", `main a[href="/evaluations/new?contract=`+strconv.FormatInt(ct.ID, 10)+`&round=final"]`, http.StatusOK)
	p.set("name the panel", map[string]string{"username_0": "gt-expert", "kind_1": "resident", "name_1": "居民代表甲", "affiliation_1": "中山社区",
		"kind_2": "evaluator", "name_2": "评估师乙", "affiliation_2": "南京众益评估中心"})
	p.shot("02-new")
	p.press("start", `main #start-evaluation button[type="submit"]`, http.StatusOK)
	id := p.pathID()
	p.expect("the new round", "评分中", "居民代表甲", "未评分")

	// ---- the expert scores on the page
	e := newBrowser(t, srv.Base)
	e.login("gt-expert")
	e.expect("the expert's to-dos", "项评估待您评分")
	e.open("/evaluations/" + strconv.FormatInt(id, 10))
	e.press("open the score sheet", `main #my-sheet`, http.StatusOK)
	e.expect("the score sheet", "活动按计划完成率", "服务台账", "满意度抽查")
	e.evFillSheet(96)
	e.shot("03-score-sheet")
	e.press("hand in", `main #score-sheet button[type="submit"]`, http.StatusOK)
	e.expect("after scoring", "评分表已提交", "已评分")
	// on a phone, the score sheet fits the screen
	e.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	e.open("/evaluations/" + strconv.FormatInt(id, 10))
	e.shot("04-round-phone")
	checkNoSidewaysScroll(t, e, "/evaluations/{id} as the expert")

	// ---- the purchaser enters the paper sheets, finalizes and publishes
	for _, who := range []string{"居民代表甲", "评估师乙"} {
		p.open("/evaluations/" + strconv.FormatInt(id, 10))
		p.press("transcribe "+who, `main #panel a[href*="member="]`, http.StatusOK)
		p.expect("the transcription", "评分表")
		p.evFillSheet(92)
		p.press("hand in the paper sheet", `main #score-sheet button[type="submit"]`, http.StatusOK)
	}
	p.expect("all sheets in", "确定评估结果", "优秀")
	p.set("findings", map[string]string{"strengths": "台账完整，活动按计划开展，居民满意度高。", "problems": "志愿者服务时长记录不够完整。"})
	p.shot("05-finalize")
	p.press("finalize", `main #finalize button[type="submit"]`, http.StatusOK)
	p.expect("finalized", "评估结果已确定", "公开评估结果")
	p.press("publish", `main #publish`, http.StatusOK)
	p.expect("published", "评估结果已公开", "后续项目申报加分")
	p.open("/evaluations/" + strconv.FormatInt(id, 10) + "/report")
	p.expect("the report", "绩效评估报告", "服务开展", "优秀", "志愿者服务时长")
	p.shot("06-report")
	p.open("/evaluations/schemes/" + strconv.FormatInt(ct.CallID, 10))
	p.expect("the scheme, locked", "指标体系不能再修改", "服务对象满意度抽查结果", "满意度抽查")
	p.shot("09-scheme")

	// ---- the public page
	a := newBrowser(t, srv.Base)
	a.open("/public/evaluations")
	a.expect("public results", "长者助餐", "优秀")
	a.open("/public/evaluations/" + strconv.FormatInt(id, 10))
	a.expect("the public result", "优秀", "财务管理", "南京市六合区同心社会工作服务中心")
	if strings.Contains(a.mainText(), "居民代表甲") || strings.Contains(a.mainText(), "评估师乙") {
		t.Errorf("the public result names panel members")
	}
	a.shot("07-public")
	a.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	a.open("/public/evaluations/" + strconv.FormatInt(id, 10))
	a.shot("08-public-phone")
	checkNoSidewaysScroll(t, a, "/public/evaluations/{id}")
}
