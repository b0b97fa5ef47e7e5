package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
)

// monthContract is the demo's contract in force today that TestContractMonth follows: gt-provider's
// (同心) project serving 中山社区 and one more community.
const monthContract = "“银龄食堂”高龄独居老人助餐与探访"

// hrefInRow is the href of the first link starting with prefix inside the first row (a table row
// or a list item of main) whose text contains text; "" when there is none.
func (b *browser) hrefInRow(text, prefix string) string {
	b.t.Helper()
	return eval[string](b, `(() => { for (const row of document.querySelectorAll("main tr, main li")) {
		if (!row.innerText.includes(`+jsString(text)+`)) continue;
		const a = row.querySelector('a[href^=`+jsString(prefix)+`]');
		if (a) return a.getAttribute("href"); } return ""; })()`)
}

// followRow opens the link starting with prefix in the row that shows text, failing the test when
// the page lists no such row, and returns the link.
func (b *browser) followRow(what, text, prefix string) string {
	b.t.Helper()
	href := b.hrefInRow(text, prefix)
	if href == "" {
		b.fatal("%s: no row with %q and a link to %s… on %s: %s", what, text, prefix, b.path(), b.mainText())
	}
	b.press(what, `main a[href="`+href+`"]`, http.StatusOK)
	return href
}

// ledgerProgress reads what the contract's ledger page says is done of each indicator.
func (b *browser) ledgerProgress() map[string]int64 {
	b.t.Helper()
	rows := eval[[][]string](b, `Array.from(document.querySelectorAll("#progress .ledger-progress li")).map(li =>
		[li.querySelector(".lp-head b").innerText, li.querySelector(".lp-nums").innerText])`)
	first := regexp.MustCompile(`\d+`)
	done := map[string]int64{}
	for _, r := range rows {
		n, _ := strconv.ParseInt(first.FindString(r[1]), 10, 64)
		done[strings.TrimSpace(r[0])] = n
	}
	return done
}

// recordEntry fills the ledger form of contract and saves it: both communities the contract
// serves, the named participants at the given positions of the registry list, a counted number
// and volunteers. It returns the entry's path and the names of the participants ticked.
func (b *browser) recordEntry(contract int64, kind, title, day string, picks []int, counted, volunteers, summary string) (string, []string) {
	b.t.Helper()
	if st := b.open("/ledger/new?contract=" + strconv.FormatInt(contract, 10)); st != http.StatusOK {
		b.fatal("entry form: status %d", st)
	}
	if !strings.Contains(b.mainText(), monthContract) {
		b.fatal("the entry form does not name the contract: %s", b.mainText())
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.ID("in-kind"), kind),
		chromedp.SendKeys(chromedp.ID("in-title"), title),
		chromedp.SetValue(chromedp.ID("in-held_on"), day),
		chromedp.SetValue(chromedp.ID("in-start_time"), "10:30"),
		chromedp.SetValue(chromedp.ID("in-end_time"), "12:00"),
		chromedp.SendKeys(chromedp.ID("in-venue"), "中山社区长者食堂"),
		chromedp.SendKeys(chromedp.ID("in-tags"), map[bool]string{true: "上门探访", false: "助餐"}[kind == gongzhi.ActivityCasework]),
	}
	sels := []string{`#in-target_groups input[value="elderly"]`}
	for i := range b.count(`#in-communities input`) { // every community the contract serves
		sels = append(sels, `#in-communities label:nth-of-type(`+strconv.Itoa(i+1)+`) input`)
	}
	for _, sel := range sels {
		if !eval[bool](b, `document.querySelector(`+jsString(sel)+`).checked`) {
			steps = append(steps, chromedp.Click(chromedp.CSS(sel)))
		}
	}
	var names []string
	for _, i := range picks {
		sel := `#in-participant_ids label:nth-of-type(` + strconv.Itoa(i) + `)`
		if b.count(sel+" input") == 0 {
			b.fatal("the form offers fewer than %d residents to name as participants", i)
		}
		name, _, _ := strings.Cut(b.text(sel), "（")
		names = append(names, strings.TrimSpace(name))
		steps = append(steps, chromedp.Click(chromedp.CSS(sel+" input")))
	}
	steps = append(steps,
		chromedp.SendKeys(chromedp.ID("in-counted"), counted),
		chromedp.SendKeys(chromedp.ID("in-volunteers"), volunteers),
		chromedp.SendKeys(chromedp.ID("in-summary"), summary),
	)
	b.do("fill in "+title, steps...)
	b.press("save "+title, `main form.grid-form button[type="submit"]`, http.StatusOK)
	p := b.path()
	if !strings.HasPrefix(p, "/ledger/") || strings.HasPrefix(p, "/ledger/new") {
		b.fatal("after saving %s: at %s: %s", title, p, b.mainText())
	}
	b.expect("the saved entry", "已保存", title)
	return p, names
}

// TestContractMonth follows one contract of the demo street through a month of delivery, with
// real clicks as each role: the provider records two ledger entries (named and counted
// participants, volunteers, a photo) and sees the indicators rise; the hub records the month's
// inspection with a finding from the checklist and raises a rectification order; the provider
// answers it; the hub verifies and closes it; a resident without an account complains about
// the service and keeps the tracking code; the provider answers; the resident tracks and rates
// the answer; the hub generates and publishes the month's supervision report; anyone finds it
// from the disclosure page, with the month's figures and no personal data.
//
// The demo's own delivery records (if it has any) are left as they are: the test reads the
// indicators before it starts and counts the findings of the other inspections of the month.
func TestContractMonth(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx, sys := context.Background(), gongzhi.SystemActor("test")
	today := gongzhi.DateOf(srv.App.Now())
	month := today[:7]
	y, m, _ := strings.Cut(month, "-")
	monthTitle := y + "年" + strings.TrimPrefix(m, "0") + "月"

	photo := filepath.Join(t.TempDir(), "助餐现场.png")
	if err := os.WriteFile(photo, supPNG(), 0o644); err != nil {
		t.Fatal(err)
	}

	// ---- the provider: two ledger entries, one with a photo; the indicators rise
	p := newBrowser(t, srv.Base)
	p.login("gt-provider")
	if st := p.open("/ledger/new"); st != http.StatusOK {
		p.fatal("GET /ledger/new: %d", st)
	}
	href := p.hrefInRow(monthContract, "/ledger/contracts/")
	contract, err := strconv.ParseInt(strings.TrimPrefix(href, "/ledger/contracts/"), 10, 64)
	if err != nil {
		p.fatal("the provider's contracts do not list %s: %s", monthContract, p.mainText())
	}
	cpath := "/ledger/contracts/" + strconv.FormatInt(contract, 10)
	p.followRow("open the contract's ledger", monthContract, cpath)
	before := p.ledgerProgress()
	for _, ind := range []string{"助餐服务", "上门探访", "志愿服务时长"} {
		if _, ok := before[ind]; !ok {
			p.fatal("the contract's ledger shows no indicator %s: %v", ind, before)
		}
	}
	p.shot("01-progress-before")

	entry1, named1 := p.recordEntry(contract, gongzhi.ActivityCommunity, "长者食堂集中助餐", today, []int{1, 2, 3}, "20",
		"志愿者王 90\n志愿者李 90", "高龄独居老人在食堂集中用餐，志愿者协助分餐并陪伴用餐。")
	p.do("choose the photo", chromedp.SetUploadFiles(chromedp.ID("in-file"), []string{photo}))
	p.press("upload the photo", `#upload-form button[type="submit"]`, http.StatusOK)
	if p.path() != entry1 {
		p.fatal("after the upload: at %s, want %s", p.path(), entry1)
	}
	p.expect("the entry with its photo", "已保存", "23")
	if n := p.count(".ledger-thumbs img"); n != 1 {
		p.fatal("the entry shows %d photos, want 1", n)
	}
	p.shot("02-entry-photo")
	_, named2 := p.recordEntry(contract, gongzhi.ActivityCasework, "入户探访独居老人", today, []int{4, 5}, "5",
		"志愿者赵 60", "上门探访两位独居老人，了解用餐需求，登记送餐地址。")
	p.shot("03-entry-visit")
	participants := append(named1, named2...)

	if st := p.open(cpath); st != http.StatusOK {
		p.fatal("GET %s: %d", cpath, st)
	}
	after := p.ledgerProgress()
	if got, want := after["助餐服务"]-before["助餐服务"], int64(3+20+2+5); got != want {
		t.Errorf("助餐服务 rose by %d 人次, want %d (before %v, after %v)", got, want, before, after)
	}
	// only the visit carries the tag 上门探访 the indicator counts (issue 11 item 6), not the meal
	if got := after["上门探访"] - before["上门探访"]; got != 1 {
		t.Errorf("上门探访 rose by %d, want 1 (the one entry tagged 上门探访)", got)
	}
	if got := after["志愿服务时长"] - before["志愿服务时长"]; got != 4 && got != 5 { // 240 minutes more, rounded down with what was there
		t.Errorf("志愿服务时长 rose by %d hours, want 4", got)
	}
	monthVisits := eval[string](p, `(() => { for (const tr of document.querySelectorAll("#months tbody tr")) {
		if (tr.cells[0].innerText.trim() === `+jsString(month)+`) return tr.cells[3].innerText.trim(); } return ""; })()`)
	if n, _ := strconv.Atoi(monthVisits); n < 30 {
		t.Errorf("the contract's ledger gives %q 人次 for %s, want at least the 30 just recorded", monthVisits, month)
	}
	p.shot("04-progress-after")

	// ---- the hub: this month's inspection of the contract, with a finding, and an order
	h := newBrowser(t, srv.Base)
	h.acceptDialogs()
	h.login("gt-hub")
	h.menu("/supervision", "督导监管")
	h.expect("the supervision overview", monthContract, month+"-25")
	h.shot("05-supervision")
	ipath := h.followRow("open the month's inspection", monthContract, "/supervision/inspections/")
	insID, _ := strconv.ParseInt(strings.TrimPrefix(ipath, "/supervision/inspections/"), 10, 64)
	shown := eval[string](h, `(() => { for (const d of document.querySelectorAll("main dl.detail div")) {
		if (d.querySelector("dt").innerText.trim() === "服务人次") return d.querySelector("dd").innerText.trim(); } return ""; })()`)
	if shown != monthVisits {
		t.Errorf("beside the inspection form the month's ledger gives %q 人次, the provider's ledger %q", shown, monthVisits)
	}
	others := 0 // findings of the month's other inspections, which the report counts too
	srv.App.Inspections(ctx, sys, store.ListOptions{Filters: map[string]string{"month": month}}, func(in *gongzhi.Inspection) error {
		if in.ID == insID {
			if in.ContractID != contract || in.Month != month {
				t.Errorf("the overview's link for %s opens inspection %d of contract %d, month %s", monthContract, in.ID, in.ContractID, in.Month)
			}
			return nil
		}
		for _, c := range in.Checklist {
			if c.Result == gongzhi.CheckFinding {
				others++
			}
		}
		return nil
	})
	values := map[string]string{"inspected_on": today, "progress_pct": "45", "progress": "本月助餐与探访按计划开展，台账已录入。",
		"difficulties": "送餐志愿者不足", "results": "老人反映饭菜可口"}
	for _, k := range gongzhi.DefaultChecklist {
		values["result."+k] = gongzhi.CheckOK
	}
	eval[bool](h, `(() => { document.querySelectorAll('main select[name^="severity."], main input[name^="note."]').forEach(e => e.value = ""); return true; })()`)
	values["result.evidence_complete"], values["severity.evidence_complete"], values["note.evidence_complete"] = gongzhi.CheckFinding, gongzhi.SeverityMajor, "探访活动缺少签到表"
	h.set("record the inspection", values)
	h.shot("06-inspection-form")
	h.press("save the inspection", `main form[action="`+ipath+`"] button[type="submit"]`, http.StatusOK)
	h.expect("the recorded inspection", "督导记录已保存", "探访活动缺少签到表", "下达整改通知")
	raise := `main form.sup-raise:has(input[name="check_key"][value="evidence_complete"])`
	h.do("the order", chromedp.SetValue(chromedp.CSS(raise+` input[name="requirement"]`), "一周内补齐探访签到表"))
	h.press("raise the order", raise+` button[type="submit"]`, http.StatusOK)
	h.expect("the order", "已下达整改通知", "待整改", "一周内补齐探访签到表", monthContract)
	rpath := h.path()
	if !strings.HasPrefix(rpath, "/supervision/rectifications/") {
		h.fatal("after raising the order: at %s", rpath)
	}
	h.shot("07-rectification-open")

	// ---- the provider answers the order
	if st := p.open(rpath); st != http.StatusOK {
		p.fatal("the provider cannot open its order: %d", st)
	}
	p.do("answer", chromedp.SetValue(chromedp.CSS(`main form[action="`+rpath+`/answer"] [name="answer"]`), "已补齐本月探访签到表并拍照存档。"),
		chromedp.SetUploadFiles(chromedp.CSS(`main form[action="`+rpath+`/answer"] input[name="file"]`), []string{photo}))
	p.press("send the answer", `main form[action="`+rpath+`/answer"] button[type="submit"]`, http.StatusOK)
	p.expect("the answered order", "整改情况已提交", "待验收", "材料 1")
	p.shot("08-rectification-answered")

	// ---- the hub verifies and closes it
	if st := h.open(rpath); st != http.StatusOK {
		h.fatal("open the order: %d", st)
	}
	h.do("verify", chromedp.SetValue(chromedp.CSS(`main form[action="`+rpath+`/verify"] [name="note"]`), "现场核查签到表齐全"))
	h.press("verify and close", `main form[action="`+rpath+`/verify"] button[type="submit"]`, http.StatusOK)
	h.expect("the closed order", "已验收销号", "现场核查签到表齐全")
	h.shot("09-rectification-closed")

	// ---- a resident, without an account, complains about the service
	const complainant, subject = "周桂兰", "助餐饭菜偏咸"
	res := newBrowser(t, srv.Base)
	if st := res.open("/public/complaints?community=" + demo.ZhongshanCode); st != http.StatusOK {
		res.fatal("GET /public/complaints: %d", st)
	}
	res.set("fill in the complaint", map[string]string{"kind": "complaint",
		"concerning": strconv.FormatInt(contract, 10), "subject": subject, "description": "这周食堂的饭菜偏咸，老人吃不惯，希望少放盐。",
		"contact_name": complainant, "contact_phone": "13912348765"})
	res.shot("10-complaint-form")
	res.press("submit the complaint", `main form[action="/public/complaints"] button[type="submit"]`, http.StatusCreated)
	code := res.text("#tracking-code")
	if !trackingCode.MatchString(code) {
		res.fatal("tracking code %q", code)
	}
	res.expect("the receipt", "已受理", monthContract)
	res.shot("11-complaint-receipt")

	// ---- the provider answers it
	if st := p.open("/complaints"); st != http.StatusOK {
		p.fatal("GET /complaints: %d", st)
	}
	p.followRow("open the complaint", subject, "/complaints/")
	p.expect("the complaint as the provider sees it", subject, "139****8765", "待答复")
	if strings.Contains(p.html(), complainant) || strings.Contains(p.html(), "13912348765") {
		t.Errorf("the provider sees the complainant's full name or phone")
	}
	p.set("write the answer", map[string]string{"answer": "已请厨师减少用盐，并为高血压老人单独备餐。"})
	p.press("send the answer", `main form[action$="/answer"] button[type="submit"]`, http.StatusOK)
	p.expect("after answering", "已提交答复", "已答复，待评价", "减少用盐")
	p.shot("12-complaint-answered")

	// ---- the resident tracks it with the code and rates the answer
	if st := res.open("/public/complaints/track"); st != http.StatusOK {
		res.fatal("GET /public/complaints/track: %d", st)
	}
	res.set("track", map[string]string{"code": code, "phone4": "8765"})
	res.press("track", `main form[action="/public/complaints/track"] button[type="submit"]`, http.StatusOK)
	res.expect("the tracked complaint", subject, "已答复，待评价", "减少用盐")
	res.shot("13-complaint-tracked")
	res.set("rate", map[string]string{"rating": "5", "comment": "饭菜清淡多了，谢谢"})
	res.press("send the rating", `main form[action="/public/complaints/rate"] button[type="submit"]`, http.StatusOK)
	res.expect("after rating", "感谢您的评价", "已办结", "5 分")
	res.shot("14-complaint-rated")

	// ---- the hub generates and publishes the month's report
	rep := "/supervision/reports/" + month
	if st := h.open(rep); st != http.StatusOK {
		h.fatal("GET %s: %d", rep, st)
	}
	h.press("generate the report", `main form[action="`+rep+`/generate"] button`, http.StatusOK)
	findings := "本月督导共发现问题" + strconv.Itoa(others+1) + "项"
	h.expect("the generated report", "月报已生成", monthTitle, findings, monthContract)
	h.shot("15-report-draft")
	h.press("publish the report", `main form[action="`+rep+`/publish"] button`, http.StatusOK)
	h.expect("the published report", "月报已公开", "已公开")
	h.shot("16-report-published")

	// ---- anyone: from the disclosure page to the report, with the figures and no personal data
	pub := newBrowser(t, srv.Base)
	if st := pub.open("/public/disclosure"); st != http.StatusOK {
		pub.fatal("GET /public/disclosure: %d", st)
	}
	pub.shot("17-disclosure")
	pub.press("the disclosure page's link to the reports", `main a[href="/public/supervision-reports"]`, http.StatusOK)
	pub.expect("the public list", monthTitle)
	pub.shot("18-public-reports")
	pub.followRow("open the month's report", monthTitle, "/public/supervision-reports/")
	pub.expect("the public report", monthTitle, findings, "活动照片/签到表齐全", monthContract)
	closed := regexp.MustCompile(`本月下达整改通知(\d+)份，已验收销号(\d+)份`).FindStringSubmatch(eval[string](pub, `document.querySelector("main").innerText`))
	if closed == nil {
		t.Errorf("the public report gives no figures of rectification orders: %s", pub.mainText())
	} else if n, _ := strconv.Atoi(closed[2]); n < 1 {
		t.Errorf("the public report counts %s orders closed, want at least the one verified", closed[2])
	}
	pub.shot("19-public-report")
	text := eval[string](pub, `document.body.innerText`)
	if found := gongzhi.FindPersonalData(text, append(participants, complainant)...); len(found) > 0 {
		t.Errorf("the public report shows personal data: %v", found)
	}
	for _, s := range []string{"13912348765", code, subject} {
		if strings.Contains(pub.html(), s) {
			t.Errorf("the public report shows %q", s)
		}
	}
	report := pub.path()
	pub.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	pub.open(report)
	checkNoSidewaysScroll(t, pub, report)
	pub.shot("20-public-report-phone")
}
