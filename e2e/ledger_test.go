package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
)

// ledgerContract takes a call of the demo street through the review of an application of
// gt-provider (同心) serving 中山社区, through the service layer, moving the product's clock; it
// returns the call and the application (see ledgerSign).
func ledgerContract(t *testing.T, a *app.App, clock *offsetClock) *gongzhi.Contract {
	t.Helper()
	ctx := context.Background()
	must := fatalOn(t)
	actor := func(name string) *gongzhi.Actor { return serviceActor(t, a, name) }
	pur, hub, prov := actor("gt-purchaser"), actor("gt-hub"), actor("gt-provider")
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "台账演示预算", Amount: gongzhi.Yuan(500_000)}
	must(a.CreateBudget(ctx, pur, b))
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道为老服务项目", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"在本街道登记或备案的社会组织"}}
	must(a.CreateCall(ctx, pur, c))
	must(a.OpenCall(ctx, pur, c.ID))
	ap := &gongzhi.Application{CallID: c.ID, Title: "长者关爱行动", CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
		Communities: []string{demo.ZhongshanCode}, Beneficiaries: 120, Summary: "高龄独居老人探访与小组活动",
		ActivityPlan: "每周开展长者小组，每月入户探访。", Requested: gongzhi.Yuan(60_000),
		BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: gongzhi.Yuan(36_000)}, {Item: "活动经费", Amount: gongzhi.Yuan(24_000)}},
		Team:        []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
		Outputs: []gongzhi.Indicator{{Name: "长者小组活动", Target: 24, Unit: "节"}, {Name: "服务人次", Target: 600, Unit: "人次"},
			{Name: "服务长者", Target: 80, Unit: "人"}, {Name: "志愿服务时长", Target: 100, Unit: "小时"}},
		Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
	must(a.CreateApplication(ctx, prov, ap))
	must(a.SubmitApplication(ctx, prov, ap.ID))
	clock.forward(11 * 24 * time.Hour)
	must(a.CloseCall(ctx, pur, c.ID))
	must(a.PrelimReview(ctx, hub, ap.ID, true, ""))
	d, err := a.DrawPanel(ctx, pur, c.ID, 3, nil, 7)
	must(err)
	cc, err := a.Call(ctx, pur, c.ID)
	must(err)
	var panel []*gongzhi.Actor
	for i, m := range d.Members {
		if !m.Active() {
			continue
		}
		ex := expertAccount(t, a, fmt.Sprintf("ledger-expert-%d", i), demo.DistrictCode, m.PersonID)
		must(a.DeclareNoConflict(ctx, ex, c.ID))
		panel = append(panel, ex)
	}
	must(a.StartReview(ctx, pur, c.ID))
	for _, ex := range panel {
		var crit []gongzhi.Points
		left := gongzhi.Points(8500)
		for _, cr := range cc.Criteria {
			p := min(left, gongzhi.Points(cr.Weight)*100)
			crit = append(crit, p)
			left -= p
		}
		_, err := a.SubmitScores(ctx, ex, ap.ID, crit, "方案可行")
		must(err)
	}
	return &gongzhi.Contract{CallID: c.ID, ApplicationID: ap.ID}
}

// ledgerSign ranks, awards, finalizes and signs the call prepared by ledgerContract.
func ledgerSign(t *testing.T, a *app.App, clock *offsetClock, pre *gongzhi.Contract) *gongzhi.Contract {
	t.Helper()
	ctx := context.Background()
	must := fatalOn(t)
	pur, prov := serviceActor(t, a, "gt-purchaser"), serviceActor(t, a, "gt-provider")
	ct := signAwards(t, a, pur, pre.CallID, 6000, clock.forward, time.Minute, "",
		func(*gongzhi.Award) *gongzhi.Actor { return prov })[0]
	ct, err := a.Contract(ctx, pur, ct.ID)
	must(err)
	return ct
}

// TestLedgerEntryWithPhoto: a provider records an activity of its signed contract with a photo
// and sees its indicators move, on a desktop and on a phone.
func TestLedgerEntryWithPhoto(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	ct := ledgerSign(t, srv.App, clock, ledgerContract(t, srv.App, clock))
	start, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
	clock.forward(start.Add(20*24*time.Hour).Sub(srv.App.Now()) + 10*time.Hour)
	day := start.AddDate(0, 0, 12).Format(time.DateOnly)

	// a small photo of the activity
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for x := range 160 {
		for y := range 120 {
			img.Set(x, y, color.RGBA{R: uint8(60 + x), G: uint8(90 + y), B: 180, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "小组活动合影.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv.Base)
	b.login("gt-provider")
	if st := b.open(fmt.Sprintf("/ledger/new?contract=%d", ct.ID)); st != 200 {
		b.fatal("entry form: %d", st)
	}
	b.shot("form")
	st := b.load("record an activity",
		chromedp.SetValue(chromedp.ID("in-kind"), "group"),
		chromedp.SendKeys(chromedp.ID("in-title"), "长者手工编织小组（第3节）"),
		chromedp.SetValue(chromedp.ID("in-held_on"), day),
		chromedp.SetValue(chromedp.ID("in-start_time"), "09:00"),
		chromedp.SetValue(chromedp.ID("in-end_time"), "10:30"),
		chromedp.SendKeys(chromedp.ID("in-venue"), "中山社区活动室"),
		chromedp.Click(chromedp.CSS(`#in-target_groups input[value="elderly"]`)),
		chromedp.Click(chromedp.CSS(`#in-participant_ids label:nth-child(1) input`)),
		chromedp.Click(chromedp.CSS(`#in-participant_ids label:nth-child(2) input`)),
		chromedp.Click(chromedp.CSS(`#in-participant_ids label:nth-child(3) input`)),
		chromedp.SendKeys(chromedp.ID("in-counted"), "9"),
		chromedp.SendKeys(chromedp.ID("in-volunteers"), "志愿者王 90\n志愿者李 90"),
		chromedp.SendKeys(chromedp.ID("in-summary"), "十二位长者参加，学习毛线编织，交流近况。"),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	if p := b.path(); st != 200 || !strings.HasPrefix(p, "/ledger/") || strings.HasPrefix(p, "/ledger/new") {
		b.fatal("after recording: %d at %s: %s", st, p, b.text("main"))
	}
	entry := b.path()
	st = b.load("upload the photo",
		chromedp.SetUploadFiles(chromedp.ID("in-file"), []string{photo}),
		chromedp.Click(chromedp.CSS(`#upload-form button[type="submit"]`)),
	)
	if st != 200 || b.path() != entry {
		b.fatal("after the upload: %d at %s", st, b.path())
	}
	if n := eval[int](b, `document.querySelectorAll(".ledger-thumbs img").length`); n != 1 {
		b.fatal("%d thumbnails", n)
	}
	w := 0
	for range 50 { // the thumbnail loads after the page
		if w = eval[int](b, `document.querySelector(".ledger-thumbs img").naturalWidth`); w != 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if w != 160 {
		b.fatal("the thumbnail does not load: width %d", w)
	}
	if visits := b.text("main dl.detail"); !strings.Contains(visits, "12") {
		b.fatal("visits not shown: %s", visits)
	}
	b.shot("entry")
	if st := b.open(fmt.Sprintf("/ledger/contracts/%d", ct.ID)); st != 200 {
		b.fatal("contract ledger: %d", st)
	}
	prog := b.text("#progress")
	for _, want := range []string{"长者小组活动", "1 节", "12 人次", "3 人", "3 小时"} {
		if !strings.Contains(prog, want) {
			b.fatal("progress lacks %q: %s", want, prog)
		}
	}
	if n := eval[int](b, `document.querySelectorAll(".ledger-progress svg").length`); n != 5 {
		b.fatal("%d progress bars", n)
	}
	b.shot("progress")
	if st := b.open("/ledger"); st != 200 {
		b.fatal("ledger list: %d", st)
	}
	b.shot("list")

	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	for _, p := range []string{entry, fmt.Sprintf("/ledger/contracts/%d", ct.ID), "/ledger"} {
		if st := b.open(p); st != 200 {
			b.fatal("%s on a phone: %d", p, st)
		}
		checkNoSidewaysScroll(t, b, p)
		b.shot("phone-" + strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
	}

	// the hub draws a satisfaction sample of the recipients and records an answer
	h := newBrowser(t, srv.Base)
	h.login("gt-hub")
	if st := h.open(fmt.Sprintf("/surveys/new?contract=%d", ct.ID)); st != 200 {
		h.fatal("draw form: %d", st)
	}
	st = h.load("draw a sample",
		chromedp.SetValue(chromedp.ID("in-margin_bp"), "1000"),
		chromedp.SendKeys(chromedp.ID("in-seed"), "20261222"),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	if st != 200 || !strings.HasPrefix(h.path(), "/surveys/") {
		h.fatal("after drawing: %d at %s", st, h.path())
	}
	survey := h.path()
	st = h.load("answer the first sampled person",
		chromedp.SetValue(chromedp.CSS(`form.ledger-answer select[name="score"]`), "5"),
		chromedp.SendKeys(chromedp.CSS(`form.ledger-answer input[name="comment"]`), "活动很好"),
		chromedp.Click(chromedp.CSS(`form.ledger-answer button`)),
	)
	if res := h.text("#results"); st != 200 || !strings.Contains(res, "100.00%") {
		h.fatal("results after one answer: %d %s", st, res)
	}
	h.shot("survey")
	if st := h.open("/surveys"); st != 200 {
		h.fatal("surveys: %d", st)
	}
	h.shot("surveys")
	h.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	h.open(survey)
	checkNoSidewaysScroll(t, h, survey)
	h.shot("phone-survey")
}
