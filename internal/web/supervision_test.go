package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// supSigned runs a call through to two signed contracts, one with 同心 and one with 启明, and
// leaves the clock at 10 January 2027, inside both contracts' periods.
func supSigned(t *testing.T, f *offFix) (tongxin, qiming int64) {
	t.Helper()
	a, ctx := f.e.app, f.ctx
	var budgetID int64
	_, err := a.Budgets(ctx, f.pur, store.ListOptions{}, func(b *gongzhi.Budget) error { budgetID = b.ID; return nil })
	f.must(err)
	c := &gongzhi.Call{PlaceCode: "320116004000", Kind: "venture_philanthropy", Title: "督导测试项目征集", Categories: []string{"elderly_home_care"},
		BudgetID: budgetID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: offStart, ClosesAt: offStart.Add(72 * time.Hour), Eligibility: []string{"登记的社会组织"}}
	f.must(a.CreateCall(ctx, f.pur, c))
	f.must(a.OpenCall(ctx, f.pur, c.ID))
	p1, p2 := f.provider("同心"), f.provider("启明")
	apps := []int64{f.apply(c.ID, p1, "长者食堂助餐", 60_000), f.apply(c.ID, p2, "四点半课堂", 40_000)}
	f.at(offStart.Add(96 * time.Hour))
	cts := f.signCall(c, apps, []*gongzhi.Actor{p1, p2}, map[int64]gongzhi.Points{apps[0]: 8800, apps[1]: 8200},
		signSpec{panel: 3, seed: 42, afterNotice: time.Hour})
	f.at(time.Date(2027, 1, 10, 9, 0, 0, 0, gongzhi.ChinaTime))
	return cts[apps[0]].ID, cts[apps[1]].ID
}

func supBrowser(f *offFix, ac *gongzhi.Actor) *browser {
	f.t.Helper()
	return loginBrowser(f.t, f.e, ac.User.Username)
}

func supPost(t *testing.T, b *browser, page, action string, form url.Values) (int, string) {
	t.Helper()
	form.Set("csrf", b.csrf(page))
	return b.post(action, form)
}

func TestSupervisionWeb(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct1, ct2 := supSigned(t, f)
		p1, p2 := f.provider("同心"), f.provider("启明")
		hub, pur, prov1, prov2 := f.browser("gt-hub", false), f.browser("gt-purchaser", false), supBrowser(f, p1), supBrowser(f, p2)
		month := "2027-01"

		// Reading the month's overview creates nothing; the scheduled job creates an inspection
		// per active contract, which the overview then lists.
		body := offPage(t, hub, "hub", "/supervision?month="+month, 200)
		if strings.Contains(body, "2027-01-25") {
			t.Fatal("reading the overview created the month's inspections")
		}
		if n, err := jobs.CreateInspections(f.ctx, f.e.app, f.e.app.Now()); err != nil || n < 2 { // the demo street's contracts get theirs too
			t.Fatalf("the job created %d inspections: %v", n, err)
		}
		body = offPage(t, hub, "hub", "/supervision?month="+month, 200)
		if !strings.Contains(body, "长者食堂助餐") || !strings.Contains(body, "四点半课堂") || !strings.Contains(body, "2027-01-25") {
			t.Fatal("the month's inspections are not listed")
		}
		var ins1 int64
		_, err := f.e.app.Inspections(f.ctx, f.hub, store.ListOptions{Filters: map[string]string{"month": month, "contract": fmt.Sprint(ct1)}},
			func(in *gongzhi.Inspection) error { ins1 = in.ID; return nil })
		f.must(err)
		ipath := fmt.Sprintf("/supervision/inspections/%d", ins1)
		// the month's ledger beside the form: empty, then with an entry of the month
		body = offPage(t, hub, "hub", ipath, 200)
		if !strings.Contains(body, "本月服务台账") || !strings.Contains(body, fmt.Sprintf(`href="/ledger/contracts/%d">0<`, ct1)) {
			t.Fatal("the inspection page lacks the month's ledger")
		}
		f.must(f.e.app.RecordEntry(f.ctx, p1, &gongzhi.ServiceEntry{ContractID: ct1, Kind: gongzhi.ActivityGroup, Title: "助餐小组", HeldOn: "2027-01-05",
			StartTime: "09:00", EndTime: "11:00", Venue: "中山社区活动室", Communities: []string{"320116004001"}, TargetGroups: []string{"elderly"},
			Counted: 12, Summary: "按计划开展", Volunteers: []gongzhi.Volunteer{{Name: "志愿者甲", Minutes: 90}}}))
		body = offPage(t, hub, "hub", ipath, 200)
		for _, want := range []string{fmt.Sprintf(`href="/ledger/contracts/%d">1<`, ct1), "<dt>服务人次</dt><dd>12</dd>", "<dt>志愿服务时长（小时）</dt><dd>1.5</dd>",
			"<dt>佐证文件</dt><dd>0</dd>"} {
			if !strings.Contains(body, want) {
				i := strings.Index(body, `id="ledger"`)
				t.Fatalf("the inspection page lacks %s: %s", want, body[i:min(len(body), i+1500)])
			}
		}
		// the signed contract's page links its ledger and its evaluation rounds, which open
		for _, b := range []*browser{pur, prov1} {
			body = offPage(t, b, "contract", fmt.Sprintf("/contracts/%d", ct1), 200)
			for _, link := range []string{fmt.Sprintf("/ledger/contracts/%d", ct1), fmt.Sprintf("/evaluations?contract=%d", ct1)} {
				if !strings.Contains(body, `href="`+link+`"`) {
					t.Fatalf("the contract page lacks %s", link)
				}
				if strings.HasPrefix(link, "/ledger") {
					if body := offPage(t, b, "contract", link, 200); !strings.Contains(body, fmt.Sprintf(`href="/ledger?contract=%d"`, ct1)) {
						t.Fatalf("%s lacks the link to the entries", link)
					}
				}
			}
		}
		offPage(t, pur, "purchaser", fmt.Sprintf("/evaluations?contract=%d", ct1), 200)
		// a provider does not see an inspection before it is done
		offPage(t, prov1, "provider", ipath, 404)

		// recording with a finding that lacks its note is refused beside the item
		form := url.Values{"inspected_on": {"2027-01-10"}, "progress_pct": {"35"}, "progress": {"助餐服务按计划推进"},
			"result.evidence_complete": {"finding"}, "severity.evidence_complete": {"major"}, "note.evidence_complete": {""}}
		st, body := supPost(t, hub, ipath, ipath, form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "必填") {
			t.Fatalf("a finding without a note: %d", st)
		}
		form.Set("note.evidence_complete", "12月签到表缺失")
		if st, loc := supPost(t, hub, ipath, ipath, form); st != http.StatusSeeOther || loc != ipath {
			t.Fatalf("record: %d %s", st, loc)
		}
		body = offPage(t, hub, "hub", ipath, 200)
		if !strings.Contains(body, "下达整改通知") || !strings.Contains(body, "12月签到表缺失") {
			t.Fatal("the finding cannot raise an order")
		}
		st, loc := supPost(t, hub, ipath, ipath+"/rectifications", url.Values{"check_key": {"evidence_complete"}, "requirement": {"补齐签到表"}, "deadline": {"2027-01-20"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/supervision/rectifications/") {
			t.Fatalf("raise: %d %s", st, loc)
		}
		rpath := loc
		// the provider sees it; the other provider does not (ENOTFOUND)
		offPage(t, prov1, "provider", ipath, 200)
		offPage(t, prov2, "provider2", rpath, 404)
		offPage(t, prov2, "provider2", ipath, 404)
		if body := offPage(t, prov1, "provider", "/supervision", 200); !strings.Contains(body, "补齐签到表") {
			t.Fatal("the provider's overview does not list its order")
		}
		// closing without verification is refused
		if st, body := supPost(t, hub, rpath, rpath+"/verify", url.Values{"note": {""}}); st != http.StatusConflict || !strings.Contains(body, "不能未经验收销号") {
			t.Fatalf("verify unanswered: %d", st)
		}
		if st, _ := supPost(t, prov1, rpath, rpath+"/verify", url.Values{"note": {""}}); st != http.StatusForbidden {
			t.Fatalf("provider verifies: %d", st)
		}
		// evidence: pictures and PDF only, for the order's own provider
		var rid int64
		fmt.Sscanf(rpath, "/supervision/rectifications/%d", &rid)
		tok1, tok2, htok := f.e.token(p1.User.Username), f.e.token(p2.User.Username), f.e.token("gt-hub")
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...)
		evPath := fmt.Sprintf("/api/v1/rectifications/%d/evidence", rid)
		if r := uploadFile(t, f.e, tok1, evPath, "sign-in.docx", []byte("PK\x03\x04 not allowed")); r.Status != 422 || !strings.Contains(string(r.Raw), "rect.evidence_type") && !strings.Contains(string(r.Raw), "PDF") {
			t.Fatalf("a .docx as evidence: %d %s", r.Status, r.Raw)
		}
		if r := uploadFile(t, f.e, tok1, evPath, "photo.png", []byte("%PDF-1.4 not a picture")); r.Status != 422 {
			t.Fatalf("a PDF named .png: %d %s", r.Status, r.Raw)
		}
		if r := uploadFile(t, f.e, tok2, evPath, "photo.png", png); r.Status != 404 {
			t.Fatalf("another provider uploads: %d %s", r.Status, r.Raw)
		}
		up := uploadFile(t, f.e, tok1, evPath, "photo.png", png)
		if up.Status != 201 || up.Body["content_type"] != "image/png" {
			t.Fatalf("upload: %d %s", up.Status, up.Raw)
		}
		sum := up.Body["sha256"].(string)
		f.api(tok1, "POST", fmt.Sprintf("/api/v1/rectifications/%d/answer", rid), map[string]any{"answer": "已补齐签到表并归档", "evidence": []string{sum}}, 200)
		if st, body := hub.get(rpath + "/evidence/" + sum); st != 200 || !strings.HasPrefix(body, "\x89PNG") {
			t.Fatalf("the hub downloads the evidence: %d", st)
		}
		if st, _ := prov2.get(rpath + "/evidence/" + sum); st != 404 {
			t.Fatalf("another provider downloads the evidence: %d", st)
		}
		if body := offPage(t, hub, "hub", rpath, 200); !strings.Contains(body, "材料 1") {
			i := strings.Index(body, "<main")
			t.Fatalf("the evidence is not listed: %s", body[i:])
		}
		if st, _ := supPost(t, hub, rpath, rpath+"/verify", url.Values{"note": {"现场核查属实"}}); st != http.StatusSeeOther {
			t.Fatalf("verify: %d", st)
		}
		if body := offPage(t, hub, "hub", rpath, 200); !strings.Contains(body, "已销号") {
			t.Fatal("the order is not closed")
		}

		// the API: scope and refusals
		offRefused(t, f.e.call(tok2, "POST", fmt.Sprintf("/api/v1/rectifications/%d/answer", rid), map[string]any{"answer": "x"}), 404, "not_found", "", "")
		offRefused(t, f.e.call(htok, "POST", fmt.Sprintf("/api/v1/rectifications/%d/verify", rid), map[string]any{}), 409, "conflict", "state", "已销号")
		if r := f.api(tok1, "GET", "/api/v1/rectifications?contract="+fmt.Sprint(ct1), nil, 200); len(offItems(r)) != 1 { // the demo provider has its own
			t.Fatalf("provider's orders: %s", r.Raw)
		}
		if r := f.api(tok2, "GET", "/api/v1/rectifications", nil, 200); len(offItems(r)) != 0 {
			t.Fatalf("another provider's orders: %s", r.Raw)
		}
		// one inspection per contract in service: the fixture's two among the demo's
		ir := f.api(htok, "GET", "/api/v1/inspections?month="+month, nil, 200)
		seen := map[int64]int{}
		for _, it := range offItems(ir) {
			seen[offNum(it["contract_id"])]++
		}
		if seen[ct1] != 1 || seen[ct2] != 1 || len(seen) != len(offItems(ir)) {
			t.Fatalf("inspections: %s", ir.Raw)
		}
		for _, c := range []int64{ct1, ct2} {
			if r := f.api(htok, "GET", fmt.Sprintf("/api/v1/inspections?month=%s&contract=%d", month, c), nil, 200); len(offItems(r)) != 1 {
				t.Fatalf("inspections of contract %d: %s", c, r.Raw)
			}
		}

		// a talk and a meeting through the forms
		st, loc = supPost(t, hub, "/supervision/talks/new", "/supervision/talks", url.Values{"date": {"2027-01-10"}, "contract_id": {fmt.Sprint(ct1)},
			"attendees": {"王建国, 机构负责人\n赵敏，枢纽督导"}, "reason": {"签到表缺失"}, "conclusions": {"限期整改"}})
		if st != http.StatusSeeOther {
			t.Fatalf("talk: %d %s", st, loc)
		}
		if body := offPage(t, hub, "hub", loc, 200); !strings.Contains(body, "王建国 机构负责人") {
			t.Fatal("the talk's attendees are not shown")
		}
		offPage(t, prov2, "provider2", loc, 404)
		st, loc = supPost(t, hub, "/meetings/new", "/meetings", url.Values{"date": {"2027-01-08"}, "title": {"一月联席会议"}, "venue": {"街道会议室"},
			"attendees": {"李梅, 街道社会事务办"}, "org_ids": {fmt.Sprint(p1.User.OrgID)}, "minutes": {"通报督导情况"}})
		if st != http.StatusSeeOther {
			t.Fatalf("meeting: %d %s", st, loc)
		}
		mpath := loc
		if st, _ := supPost(t, hub, mpath, mpath+"/actions", url.Values{"text": {"完善台账"}, "owner_org_id": {fmt.Sprint(p1.User.OrgID)}, "deadline": {"2027-01-09"}}); st != http.StatusSeeOther {
			t.Fatalf("action: %d", st)
		}
		f.at(time.Date(2027, 1, 12, 9, 0, 0, 0, gongzhi.ChinaTime))
		hub, pur, prov1, prov2 = f.browser("gt-hub", false), f.browser("gt-purchaser", false), supBrowser(f, p1), supBrowser(f, p2)
		htok = f.e.token("gt-hub")
		if body := offPage(t, hub, "hub", "/meetings?actions=overdue", 200); !strings.Contains(body, "完善台账") {
			t.Fatal("the overdue action is not listed")
		}
		offPage(t, prov2, "provider2", mpath, 404)
		body = offPage(t, prov1, "provider", mpath, 200)
		if !strings.Contains(body, "办结") {
			t.Fatal("the owner cannot mark its action done")
		}
		var mid int64
		fmt.Sscanf(mpath, "/meetings/%d", &mid)
		m, err := f.e.app.Meeting(f.ctx, f.hub, mid)
		f.must(err)
		apath := fmt.Sprintf("%s/actions/%d/done", mpath, m.Actions[0].ID)
		if st, _ := supPost(t, prov2, "/meetings", apath, url.Values{"note": {"x"}}); st != http.StatusNotFound {
			t.Fatalf("another provider completes the action: %d", st)
		}
		if st, _ := supPost(t, prov1, mpath, apath, url.Values{"note": {"台账已完善"}}); st != http.StatusSeeOther {
			t.Fatalf("done: %d", st)
		}

		// the month's report: generated clean, refused with a name, published, public
		rep := "/supervision/reports/" + month
		if st, _ := supPost(t, hub, rep, rep+"/generate", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("generate: %d", st)
		}
		body = offPage(t, hub, "hub", rep, 200)
		if !strings.Contains(body, "督导月报") || !strings.Contains(body, "发现问题1项") {
			t.Fatal("the report's text")
		}
		r, err := f.e.app.SupervisionReportFor(f.ctx, f.hub, month)
		f.must(err)
		if st, _ := supPost(t, hub, rep, rep+"/edit", url.Values{"title": {r.Title}, "body": {r.Body + "\n感谢王建国的配合。"}}); st != http.StatusSeeOther {
			t.Fatalf("edit: %d", st)
		}
		st, body = supPost(t, pur, rep, rep+"/publish", url.Values{})
		if st != http.StatusConflict || !strings.Contains(body, "王建国") {
			t.Fatalf("publish with a name: %d", st)
		}
		offRefused(t, f.e.call(htok, "POST", fmt.Sprintf("/api/v1/supervision-reports/%d/publish", r.ID), nil), 409, "conflict", "body", "王建国")
		supPost(t, hub, rep, rep+"/edit", url.Values{"title": {r.Title}, "body": {r.Body}})
		if st, _ := supPost(t, pur, rep, rep+"/publish", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("publish: %d", st)
		}
		offRefused(t, f.e.call(htok, "POST", fmt.Sprintf("/api/v1/supervision-reports/%d/publish", r.ID), nil), 409, "conflict", "state", "")
		anon := f.e.browser()
		st, body = anon.get("/public/supervision-reports")
		if st != 200 || !strings.Contains(body, r.Title) {
			t.Fatalf("public list: %d", st)
		}
		st, body = anon.get(fmt.Sprintf("/public/supervision-reports/%d", r.ID))
		if st != 200 || !strings.Contains(body, "长者食堂助餐") || strings.Contains(body, "王建国") || strings.Contains(body, "李梅") {
			t.Fatalf("public report: %d", st)
		}
		// the public API lists this report once, beside the demo street's earlier ones, and only
		// published reports
		pr := f.e.call("", "GET", "/api/v1/public/supervision-reports", nil)
		ours := 0
		for _, x := range offItems(pr) {
			if offNum(x["id"]) == r.ID {
				ours++
			}
			if x["state"] != "published" {
				t.Errorf("the public API lists a %v report", x["state"])
			}
		}
		if pr.Status != 200 || ours != 1 {
			t.Fatalf("public API: %s", pr.Raw)
		}

		// every page renders for each role without untranslated keys, in both languages
		pages := []string{"/supervision", "/supervision?overdue=1", "/supervision?rect=all", ipath, rpath, "/meetings", mpath, rep,
			"/supervision/talks/new", "/meetings/new", "/public/supervision-reports"}
		f.e.user("gt-auditor")
		for _, who := range []string{"gt-purchaser", "gt-hub", "gt-auditor"} {
			for _, en := range []bool{false, true} {
				b := f.browser(who, en)
				for _, p := range pages {
					st, body := b.get(p)
					want := http.StatusOK
					if who == "gt-auditor" && strings.HasSuffix(p, "/new") {
						want = http.StatusForbidden
					}
					if st != want {
						t.Errorf("%s GET %s: %d, want %d", who, p, st, want)
					}
					checkTranslated(t, who, p, body)
					if m := supKeyRe.FindStringSubmatch(tagRe.ReplaceAllString(body, "\n")); m != nil {
						t.Errorf("%s GET %s shows the untranslated key %q", who, p, m[1])
					}
				}
			}
		}
		// roles with no part in supervision are refused; the public needs no account for reports
		for _, who := range []string{"zs-community", "zs-resident", "gt-expert"} {
			f.e.user(who)
			b := f.browser(who, false)
			for _, p := range []string{"/supervision", "/meetings", ipath, rpath} {
				if st, _ := b.get(p); st != http.StatusForbidden {
					t.Errorf("%s GET %s: %d, want 403", who, p, st)
				}
			}
		}
		if st, _ := anon.get("/supervision"); st != http.StatusSeeOther {
			t.Errorf("anonymous GET /supervision: %d", st)
		}
		for _, p := range []string{"/supervision/talks/new", "/meetings/new"} {
			if st, _ := prov1.get(p); st != http.StatusForbidden {
				t.Errorf("provider GET %s: %d", p, st)
			}
		}
		for _, p := range []string{"/supervision", "/meetings", ipath, rpath, mpath} {
			st, body := prov1.get(p)
			if st != 200 {
				t.Errorf("provider GET %s: %d", p, st)
			}
			checkTranslated(t, "provider", p, body)
		}
	})
}

var supKeyRe = regexp.MustCompile(`(?:^|[^\w@./-])((?:sup|inspection|check|severity|rect|talk|meeting|report|action)\.[a-z][A-Za-z0-9_.]*[A-Za-z0-9_])`)
