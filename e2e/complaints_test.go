package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
)

// signedContract takes a call of the demo street to a contract of gt-provider signed by both
// sides, through the service layer (the purchase journey itself is TestPurchaseCallToFirstPayment):
// budget, call, application, preliminary review, a panel of gt-expert alone, scores, awards,
// the notice period (the clock moves past it), the final awards and both confirmations.
func signedContract(t *testing.T, a *app.App, clock *offsetClock) *gongzhi.Contract {
	t.Helper()
	ctx := context.Background()
	must := fatalOn(t)
	actor := func(name string) *gongzhi.Actor { return serviceActor(t, a, name) }
	pur, hub, prov, exp := actor("gt-purchaser"), actor("gt-hub"), actor("gt-provider"), actor("gt-expert")
	person := linkDemoExpert(t, a)
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "街道社区服务资金", Amount: gongzhi.Yuan(500_000)}
	must(a.CreateBudget(ctx, pur, b))
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道社区助老服务", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour), ReviewBy: now.Add(10 * 24 * time.Hour), Eligibility: []string{"在民政部门登记的社会组织"}}
	must(a.CreateCall(ctx, pur, c))
	must(a.OpenCall(ctx, pur, c.ID))
	ap := &gongzhi.Application{CallID: c.ID, Title: "同心长者食堂", CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
		Communities: []string{demo.ZhongshanCode}, Beneficiaries: 120, ActivityPlan: "每周五天为高龄独居老人提供助餐、探访与健康讲座。",
		Requested: gongzhi.Yuan(60_000), BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: gongzhi.Yuan(36_000)}, {Item: "活动费", Amount: gongzhi.Yuan(24_000)}},
		Team:    []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
		Outputs: []gongzhi.Indicator{{Name: "助餐人次", Target: 5000, Unit: "人次"}}, Outcomes: []gongzhi.Indicator{{Name: "满意度", Target: 90, Unit: "%"}}}
	must(a.CreateApplication(ctx, prov, ap))
	must(a.SubmitApplication(ctx, prov, ap.ID))
	clock.forward(2 * time.Hour)
	must(a.CloseCall(ctx, pur, c.ID))
	must(a.PrelimReview(ctx, hub, ap.ID, true, "材料齐全"))
	_, err := a.DrawPanel(ctx, pur, c.ID, 1, nil, seedFor(t, a, person))
	must(err)
	must(a.StartReview(ctx, pur, c.ID))
	must(a.DeclareNoConflict(ctx, exp, c.ID))
	c, err = a.Call(ctx, pur, c.ID)
	must(err)
	var pts []gongzhi.Points
	for _, cr := range c.Criteria {
		pts = append(pts, gongzhi.Points(cr.Weight)*80)
	}
	_, err = a.SubmitScores(ctx, exp, ap.ID, pts, "方案可行")
	must(err)
	return signAwards(t, a, pur, c.ID, 0, clock.forward, time.Minute, "葛塘街道办事处",
		func(*gongzhi.Award) *gongzhi.Actor { return prov })[0]
}

var trackingCode = regexp.MustCompile(`^[2-9A-HJKMNP-Z]{10}$`)

// TestComplaintAnsweredAndRated: a resident without an account complains on the public page
// about a contract's service and gets a tracking code; the provider signs in, finds it among its
// to-dos with the phone masked, and answers; the resident tracks it with the code and the last
// four digits of the phone, reads the answer and rates it. Then the same pages on a phone.
func TestComplaintAnsweredAndRated(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	ct := signedContract(t, srv.App, clock)

	// The resident, no account.
	res := newBrowser(t, srv.Base)
	if st := res.open("/public/complaints?community=" + demo.ZhongshanCode); st != http.StatusOK {
		res.fatal("GET /public/complaints: %d", st)
	}
	res.set("fill in the complaint", map[string]string{"kind": "complaint",
		"concerning": strconv.FormatInt(ct.ID, 10), "subject": "助餐送餐不及时", "description": "最近两周送餐经常晚一个多小时，饭菜都凉了。",
		"contact_name": "李秀英", "contact_phone": "13812345678"})
	res.shot("01-public-form")
	res.press("submit the complaint", `main form[action="/public/complaints"] button[type="submit"]`, http.StatusCreated)
	code := res.text("#tracking-code")
	if !trackingCode.MatchString(code) {
		res.fatal("tracking code %q", code)
	}
	res.expect("the receipt", "已受理", "同心长者食堂", ct.ProviderName) // the contract's provider handles it
	res.shot("02-receipt")

	// The provider answers.
	prov := newBrowser(t, srv.Base)
	prov.login("gt-provider")
	prov.expect("the provider's to-do list", "件投诉问询待答复")
	prov.menu("/complaints", "投诉问询")
	prov.expect("the provider's list", "助餐送餐不及时", "待答复")
	prov.shot("03-provider-list")
	prov.press("open the complaint", `main table a[href^="/complaints/"]`, http.StatusOK)
	prov.expect("the complaint as the provider sees it", "138****5678", "李**", "最近两周送餐经常晚")
	if html := prov.html(); regexp.MustCompile(`13812345678|李秀英|` + code).MatchString(html) {
		t.Errorf("the provider's page shows the full contact or the tracking code")
	}
	prov.set("write the answer", map[string]string{"answer": "已与送餐员沟通并调整配送路线，今后每天11:30前送达。"})
	prov.shot("04-provider-answer")
	prov.press("send the answer", `main form[action$="/answer"] button[type="submit"]`, http.StatusOK)
	prov.expect("after answering", "已提交答复", "已答复，待评价", "并调整配送路线")
	prov.shot("05-provider-answered")

	// The resident tracks it and rates the answer.
	if st := res.open("/public/complaints/track"); st != http.StatusOK {
		res.fatal("GET /public/complaints/track: %d", st)
	}
	res.set("a wrong suffix", map[string]string{"code": code, "phone4": "1234"})
	res.press("track with a wrong suffix", `main form[action="/public/complaints/track"] button[type="submit"]`, http.StatusNotFound)
	res.expect("a wrong suffix", "未找到")
	if res.count("#result") != 0 {
		t.Errorf("a wrong suffix shows the complaint")
	}
	res.set("the right suffix", map[string]string{"code": code, "phone4": "5678"})
	res.press("track", `main form[action="/public/complaints/track"] button[type="submit"]`, http.StatusOK)
	res.expect("the tracked complaint", "助餐送餐不及时", "已答复，待评价", "并调整配送路线")
	res.shot("06-tracked")
	res.set("rate", map[string]string{"rating": "4", "comment": "送餐准时了，谢谢"})
	res.press("send the rating", `main form[action="/public/complaints/rate"] button[type="submit"]`, http.StatusOK)
	res.expect("after rating", "感谢您的评价", "已办结", "4 分")
	if res.count(`main form[action="/public/complaints/rate"]`) != 0 {
		t.Errorf("the rating form is still offered after rating")
	}
	res.shot("07-rated")

	// The same pages on a phone.
	phone := newBrowser(t, srv.Base)
	phone.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	phone.open("/public/complaints")
	phone.shot("08-phone-form")
	checkNoSidewaysScroll(t, phone, "/public/complaints")
	phone.open("/public/complaints/track")
	phone.set("track on a phone", map[string]string{"code": code, "phone4": "5678"})
	phone.press("track on a phone", `main form[action="/public/complaints/track"] button[type="submit"]`, http.StatusOK)
	phone.shot("09-phone-tracked")
	checkNoSidewaysScroll(t, phone, "the tracked complaint")
	phone.login("gt-hub")
	phone.open("/complaints")
	phone.shot("10-phone-hub-list")
	checkNoSidewaysScroll(t, phone, "/complaints")
	phone.press("open the complaint on a phone", `main table a[href^="/complaints/"]`, http.StatusOK)
	phone.shot("11-phone-hub-detail")
	checkNoSidewaysScroll(t, phone, "the complaint")

	// An inquiry for the street office: the hub may re-route it, with a reason.
	q := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindInquiry, CommunityCode: demo.ZhongshanCode, Subject: "老年大学什么时候报名",
		Description: "想给父亲报名书法班。", ContactName: "王先生", ContactPhone: "13900002222"}
	if err := srv.App.SubmitComplaint(context.Background(), &gongzhi.Actor{IP: "192.0.2.1", Via: "test"}, q); err != nil {
		t.Fatal(err)
	}
	phone.open("/complaints/" + strconv.FormatInt(q.ID, 10))
	phone.expect("an open inquiry as the hub sees it", "转办", "王先生", "139****2222", "查看完整号码")
	phone.shot("12-phone-hub-open")
	checkNoSidewaysScroll(t, phone, "an open inquiry")
	phone.set("re-route", map[string]string{"target": "hub", "reason": "属枢纽组织老年大学项目"})
	phone.press("re-route to the hub", `main form[action$="/route"] button[type="submit"]`, http.StatusOK)
	phone.expect("after re-routing", "已转办", "枢纽组织", "属枢纽组织老年大学项目")
	phone.press("reveal the phone", `main form[action$="/reveal"] button`, http.StatusOK)
	phone.expect("the revealed contact", "13900002222")
	phone.shot("13-phone-hub-rerouted")

	// In English.
	phone.open("/lang?to=en&next=/complaints/" + strconv.FormatInt(q.ID, 10))
	phone.expect("the inquiry in English", "Inquiry", "Hub organization", "Re-route", "History")
	if html := phone.html(); regexp.MustCompile(`complaint\.[a-z_]+`).MatchString(html) {
		t.Errorf("an untranslated complaint message key in English")
	}
	phone.shot("14-phone-hub-en")
	res.open("/lang?to=en&next=/public/complaints")
	res.expect("the public form in English", "Complaints, inquiries and suggestions", "Monthly figures")
	res.shot("15-public-en")
}
