package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// ledSign takes a call of the demo street through to a contract signed by gt-provider (同心),
// serving 中山社区, and moves the clock 20 days into its service period.
func ledSign(f *offFix) *gongzhi.Contract {
	f.t.Helper()
	a, ctx := f.e.app, f.ctx
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "台账测试预算", Amount: gongzhi.Yuan(500_000)}
	f.must(a.CreateBudget(ctx, f.pur, b))
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道为老服务项目", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"在本街道登记或备案的社会组织"}}
	f.must(a.CreateCall(ctx, f.pur, c))
	f.must(a.OpenCall(ctx, f.pur, c.ID))
	prov := f.actor("gt-provider")
	appID := f.apply(c.ID, prov, "长者助餐与探访", 60_000)
	f.at(now.Add(11 * 24 * time.Hour))
	ct := f.signCall(c, []int64{appID}, []*gongzhi.Actor{prov}, map[int64]gongzhi.Points{appID: 8500},
		signSpec{panel: 5, seed: 42, threshold: 6000, afterNotice: time.Minute})[appID]
	ct, err := a.Contract(ctx, f.pur, ct.ID)
	f.must(err)
	start, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
	f.at(start.Add(20*24*time.Hour + 10*time.Hour))
	return ct
}

// ledResidents returns residents of 中山社区 and one of another community of the street. Those
// of 中山社区 are in no target group, so that the demo's own ledger, whose services are for
// target groups, has none of them as a participant.
func ledResidents(f *offFix) (zs []int64, other int64) {
	f.t.Helper()
	_, err := f.e.app.People(f.ctx, f.sys, store.ListOptions{Filters: map[string]string{"kind": "resident"}, Limit: 5000}, func(p *gongzhi.Person) error {
		switch {
		case p.PlaceCode == demo.ZhongshanCode && len(p.TargetGroups) == 0 && len(zs) < 30:
			zs = append(zs, p.ID)
		case p.PlaceCode != demo.ZhongshanCode && strings.HasPrefix(p.PlaceCode, "320116004") && other == 0:
			other = p.ID
		}
		return nil
	})
	f.must(err)
	if len(zs) < 10 || other == 0 {
		f.t.Fatalf("demo residents: %d in 中山, other %d", len(zs), other)
	}
	return zs, other
}

// ledPNG is a small PNG image.
func ledPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for x := range 48 {
		for y := range 32 {
			img.Set(x, y, color.RGBA{R: uint8(40 + x*4), G: uint8(120 + y*3), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func ledEntry(ct *gongzhi.Contract, day string, people []int64, counted int) map[string]any {
	return map[string]any{"contract_id": ct.ID, "kind": "group", "title": "长者手工小组", "held_on": day, "start_time": "09:00", "end_time": "10:30",
		"venue": "中山社区活动室", "communities": []string{demo.ZhongshanCode}, "target_groups": []string{"elderly"}, "participant_ids": people,
		"counted": counted, "summary": "手工编织，交流生活近况", "volunteers": []map[string]any{{"name": "志愿者王", "minutes": 90}}}
}

func TestLedgerAPI(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := ledSign(f)
		zs, other := ledResidents(f)
		prov, prov2, hub := f.e.token("gt-provider"), f.e.token("gt-provider2"), f.e.token("gt-hub")
		day := func(d int) string {
			s, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
			return s.AddDate(0, 0, d).Format(time.DateOnly)
		}
		r := f.api(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(3), zs[:4], 6), 201)
		id := offNum(r.Body["id"])
		if offNum(r.Body["visits"]) != 10 || offNum(r.Body["minutes"]) != 90 {
			t.Fatalf("entry: %s", r.Raw)
		}
		// refusals with the field and reason
		ledRefused(t, f.e.call(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(-1), nil, 5)), 409, gongzhi.ECONFLICT, "held_on", "ledger.outside_period:"+ct.Current.Terms.StartOn+" — "+ct.Current.Terms.EndOn)
		ledRefused(t, f.e.call(prov, "POST", "/api/v1/ledger", ledEntry(ct, gongzhi.DateOf(f.e.app.Now().Add(48*time.Hour)), nil, 5)), 409, gongzhi.ECONFLICT, "held_on", "ledger.future")
		bad := ledEntry(ct, day(2), nil, 5)
		bad["communities"] = []string{"320116004002"}
		ledRefused(t, f.e.call(prov, "POST", "/api/v1/ledger", bad), 409, gongzhi.ECONFLICT, "communities", "ledger.community_not_covered:320116004002")
		ledRefused(t, f.e.call(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(2), []int64{other}, 0)), 409, gongzhi.ECONFLICT, "participant_ids", fmt.Sprintf("ledger.person_outside:%d", other))
		ledRefused(t, f.e.call(prov2, "POST", "/api/v1/ledger", ledEntry(ct, day(2), nil, 5)), 404, gongzhi.ENOTFOUND, "contract_id", "err.not_found")
		f.api(hub, "POST", "/api/v1/ledger", ledEntry(ct, day(2), nil, 5), 403)
		f.api(prov2, "GET", fmt.Sprintf("/api/v1/ledger/%d", id), nil, 404)

		// evidence: a PNG is kept with its SHA-256; other kinds and oversize files are refused
		pic := ledPNG()
		sum := sha256.Sum256(pic)
		up := uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "合影.png", pic)
		if up.Status != 201 || up.Body["sha256"] != hex.EncodeToString(sum[:]) || up.Body["content_type"] != "image/png" {
			t.Fatalf("upload: %d %s", up.Status, up.Raw)
		}
		ledRefused(t, uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "notes.txt", []byte("签到表")), 422, gongzhi.EINVALID, "file", "ledger.evidence_type")
		ledRefused(t, uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "fake.pdf", pic), 422, gongzhi.EINVALID, "file", "ledger.evidence_type")
		ledRefused(t, uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "plan.docx", []byte("PK\x03\x04xxxx")), 422, gongzhi.EINVALID, "file", "ledger.evidence_type")
		big := append(append([]byte{}, pic...), make([]byte, gongzhi.MaxEvidenceSize)...)
		// the limit is the server's: the smaller of its upload limit (1 MiB here, newEnv) and evidence's own 10 MiB
		ledRefused(t, uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "big.png", big), 413, gongzhi.ETOOLARGE, "file", "ledger.evidence_size:1 MiB")
		mid := append(append([]byte{}, pic...), make([]byte, 1<<20)...) // above the server's limit, below evidence's own
		ledRefused(t, uploadFile(t, f.e, prov, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "mid.png", mid), 413, gongzhi.ETOOLARGE, "file", "ledger.evidence_size:1 MiB")
		// the entry page states that limit and answers a refused file beside its upload form
		b := f.e.browser()
		b.login("gt-provider", demo.Password)
		entry := fmt.Sprintf("/ledger/%d", id)
		if _, page := b.get(entry); !strings.Contains(page, "不超过 1 MiB") || !strings.Contains(page, `id="field-file"`) {
			t.Fatal("the entry page does not state the upload limit")
		}
		csrf := b.csrf(entry)
		for _, c := range []struct {
			name   string
			data   []byte
			status int
			reason string
		}{{"mid.png", mid, 413, "文件过大（最多 1 MiB）"}, {"notes.txt", []byte("签到表"), 422, "只接受图片（JPG、PNG、WebP、GIF）或 PDF"}} {
			st, page := b.upload(entry+"/evidence", csrf, c.name, c.data)
			at := strings.Index(page, `id="field-file"`)
			if st != c.status || at < 0 || !strings.Contains(page[at:], `<p class="field-error" id="err-file" role="alert">`+c.reason) {
				t.Errorf("%s through the page: %d, beside the field: %v", c.name, st, at >= 0)
			}
		}
		if r := uploadFile(t, f.e, prov2, fmt.Sprintf("/api/v1/ledger/%d/evidence", id), "x.png", pic); r.Status != 404 {
			t.Fatalf("other provider uploads: %d", r.Status)
		}
		list := f.api(hub, "GET", fmt.Sprintf("/api/v1/ledger/%d/evidence", id), nil, 200)
		files := offItems(list)
		if len(files) != 1 {
			t.Fatalf("evidence: %s", list.Raw)
		}
		// the entry's page shows the evidence by its file name; its digest is no text on the page
		if _, page := loginBrowser(t, f.e, "gt-hub").get(fmt.Sprintf("/ledger/%d", id)); !strings.Contains(page, "合影.png") ||
			strings.Contains(strings.ReplaceAll(page, `title="SHA-256 `+hex.EncodeToString(sum[:])+`"`, ""), hex.EncodeToString(sum[:])) {
			t.Errorf("the entry page shows evidence by its digest, or not by its name")
		}
		dl := f.e.call(hub, "GET", fmt.Sprintf("/api/v1/ledger/%d/evidence/%d/download", id, offNum(files[0]["id"])), nil)
		if dl.Status != 200 || !bytes.Equal(dl.Raw, pic) || dl.Header.Get("X-Content-SHA256") != hex.EncodeToString(sum[:]) {
			t.Fatalf("download: %d %d bytes", dl.Status, len(dl.Raw))
		}

		// progress from the ledger: 助餐服务 counts 人次
		prog := f.api(hub, "GET", fmt.Sprintf("/api/v1/ledger/contracts/%d/progress", ct.ID), nil, 200)
		items := offItems(prog)
		if len(items) == 0 || items[0]["name"] != "助餐服务" || offNum(items[0]["done"]) != 10 {
			t.Fatalf("progress: %s", prog.Raw)
		}
		f.api(prov2, "GET", fmt.Sprintf("/api/v1/ledger/contracts/%d/progress", ct.ID), nil, 404)
		m := f.api(prov, "GET", fmt.Sprintf("/api/v1/ledger/summary/%d/%s", ct.ID, day(3)[:7]), nil, 200)
		if offNum(m.Body["entries"]) != 1 || offNum(m.Body["evidence"]) != 1 || offNum(m.Body["people"]) != 4 {
			t.Fatalf("month: %s", m.Raw)
		}

		// correction with a reason keeps history; voiding
		corr := ledEntry(ct, day(3), zs[:5], 6)
		ledRefused(t, f.e.call(prov, "PUT", fmt.Sprintf("/api/v1/ledger/%d", id), corr), 422, gongzhi.EINVALID, "reason", "required")
		corr["reason"] = "补录一位居民"
		if r := f.api(prov, "PUT", fmt.Sprintf("/api/v1/ledger/%d", id), corr, 200); offNum(r.Body["visits"]) != 11 || offNum(r.Body["version"]) != 2 {
			t.Fatalf("corrected: %s", r.Raw)
		}
		got := f.api(hub, "GET", fmt.Sprintf("/api/v1/ledger/%d", id), nil, 200)
		if h, _ := got.Body["history"].([]any); len(h) != 1 {
			t.Fatalf("history: %s", got.Raw)
		}
		second := offNum(f.api(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(4), zs[5:8], 0), 201).Body["id"])
		f.api(prov, "POST", fmt.Sprintf("/api/v1/ledger/%d/void", second), map[string]any{"reason": "重复录入"}, 200)
		ledRefused(t, f.e.call(prov, "POST", fmt.Sprintf("/api/v1/ledger/%d/void", second), map[string]any{"reason": "again"}), 409, gongzhi.ECONFLICT, "state", "ledger.voided")
		if l := f.api(hub, "GET", "/api/v1/ledger?state=active&contract="+fmt.Sprint(ct.ID), nil, 200); offNum(l.Body["total"]) != 1 {
			t.Fatalf("active entries: %s", l.Raw)
		}
		if l := f.api(f.e.token("zs-community"), "GET", "/api/v1/ledger?contract="+fmt.Sprint(ct.ID), nil, 200); offNum(l.Body["total"]) != 2 {
			t.Fatalf("community reads: %s", l.Raw)
		}
		f.api(f.e.token("zs-resident"), "GET", "/api/v1/ledger", nil, 403)

		// sampling: same seed, same sample; size for the margin
		f.api(prov, "POST", "/api/v1/ledger", ledEntry(ct, day(5), zs[8:], 0), 201)
		pop := 5 + len(zs[8:])
		s1 := f.api(hub, "POST", "/api/v1/surveys", map[string]any{"contract_id": ct.ID, "margin_bp": 1000, "seed": "2026"}, 201)
		s2 := f.api(f.e.token("gt-purchaser"), "POST", "/api/v1/surveys", map[string]any{"contract_id": ct.ID, "margin_bp": 1000, "seed": "2026"}, 201)
		s3 := f.api(hub, "POST", "/api/v1/surveys", map[string]any{"contract_id": ct.ID, "margin_bp": 1000, "seed": "2027"}, 201)
		people := func(r apiResp) string {
			var ids []string
			for _, x := range r.Body["samples"].([]any) {
				ids = append(ids, fmt.Sprint(offNum(x.(map[string]any)["person_id"])))
			}
			return strings.Join(ids, ",")
		}
		size := gongzhi.SampleSize(pop, 1000)
		if people(s1) != people(s2) || people(s1) == people(s3) || offNum(s1.Body["population"]) != int64(pop) || offNum(s1.Body["size"]) != int64(size) ||
			len(strings.Split(people(s1), ",")) != size || size >= pop {
			t.Fatalf("samples of %d (size %d): %s / %s / %s", pop, size, people(s1), people(s2), people(s3))
		}
		f.api(prov, "POST", "/api/v1/surveys", map[string]any{"contract_id": ct.ID, "margin_bp": 1000}, 403)
		sid := offNum(s1.Body["id"])
		satisfied := 0
		for i, x := range s1.Body["samples"].([]any) {
			pid := offNum(x.(map[string]any)["person_id"])
			f.api(hub, "POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sid), map[string]any{"person_id": pid, "score": 5 - i%3}, 200)
			if i%3 != 2 {
				satisfied++
			}
		}
		res := f.api(hub, "GET", fmt.Sprintf("/api/v1/surveys/%d", sid), nil, 200)
		ov := res.Body["overall"].(map[string]any)
		want := gongzhi.NewRate("", satisfied, size)
		if offNum(ov["responses"]) != int64(size) || offNum(ov["satisfied"]) != int64(satisfied) || offNum(ov["low_bp"]) != int64(want.LowBP) {
			t.Fatalf("results: %s", res.Raw)
		}

		// 下评上: community staff link zs-resident to a participant, who rates once
		com := f.e.token("zs-community")
		f.api(com, "POST", "/api/v1/resident-links", map[string]any{"username": "zs-resident", "person_id": zs[0]}, 200)
		f.api(com, "POST", "/api/v1/resident-links", map[string]any{"username": "zs-resident", "person_id": other}, 404)
		res2 := f.e.token("zs-resident")
		my := f.api(res2, "GET", "/api/v1/my-services", nil, 200)
		if len(offItems(my)) != 1 {
			t.Fatalf("my services: %s", my.Raw)
		}
		f.api(res2, "POST", fmt.Sprintf("/api/v1/my-services/%d/rating", id), map[string]any{"score": 5, "comment": "很好"}, 201)
		ledRefused(t, f.e.call(res2, "POST", fmt.Sprintf("/api/v1/my-services/%d/rating", id), map[string]any{"score": 4}), 409, gongzhi.ECONFLICT, "entry_id", "rating.already_rated")
		month := gongzhi.DateOf(f.e.app.Now())[:7]
		tr := f.api(hub, "GET", "/api/v1/satisfaction?from="+month+"&to="+month, nil, 200)
		if pts := offItems(tr); len(pts) != 1 || offNum(pts[0]["responses"]) != int64(size+1) {
			t.Fatalf("trend: %s", tr.Raw)
		}
	})
}

func TestLedgerPages(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := ledSign(f)
		zs, _ := ledResidents(f)
		start, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
		b := f.browser("gt-provider", false)
		newPath := fmt.Sprintf("/ledger/new?contract=%d", ct.ID)
		body := offPage(t, b, "gt-provider", newPath, 200)
		if !strings.Contains(body, "name=\"participant_ids\"") {
			t.Fatal("no participants on the form")
		}
		form := url.Values{"contract_id": {fmt.Sprint(ct.ID)}, "kind": {"casework"}, "title": {"入户探访"}, "held_on": {start.AddDate(0, 0, -3).Format(time.DateOnly)},
			"communities": {demo.ZhongshanCode}, "participant_ids": {fmt.Sprint(zs[0]), fmt.Sprint(zs[1])}, "summary": {"了解老人需求"},
			"volunteers": {"志愿者李 60\n#" + fmt.Sprint(zs[2]) + " 30"}}
		st, page := offPost(t, b, newPath, "/ledger/new", form)
		if st != 422 {
			t.Fatalf("outside the period: %d", st)
		}
		offBeside(t, page, "field-held_on", "不在合同服务期内")
		form.Set("held_on", start.AddDate(0, 0, 5).Format(time.DateOnly))
		st, loc := offPost(t, b, newPath, "/ledger/new", form)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/ledger/") {
			t.Fatalf("create: %d %s", st, loc)
		}
		entry := loc
		offPage(t, b, "gt-provider", entry, 200)
		offPage(t, b, "gt-provider", entry+"?correct=1", 200)
		st, loc = offPost(t, b, entry+"?correct=1", entry+"/correct", url.Values{"kind": {"casework"}, "title": {"入户探访（更正）"},
			"held_on": {form.Get("held_on")}, "communities": {demo.ZhongshanCode}, "participant_ids": {fmt.Sprint(zs[0])}, "summary": {"了解老人需求"}, "reason": {"参与人记错"}})
		if st != http.StatusSeeOther {
			t.Fatalf("correct: %d %s", st, loc)
		}
		if _, body := b.get(entry); !strings.Contains(body, "参与人记错") || !strings.Contains(body, "入户探访（更正）") {
			t.Fatal("correction not shown with its reason")
		}
		pages := []string{"/ledger", "/ledger?kind=casework&month=" + start.Format("2006-01"), entry, fmt.Sprintf("/ledger/contracts/%d", ct.ID), "/ledger/new"}
		for _, who := range []string{"gt-provider", "gt-hub", "gt-purchaser", "gt-auditor", "zs-community"} {
			f.e.user(who)
			for _, en := range []bool{false, true} {
				bb := f.browser(who, en)
				for _, p := range pages {
					want := 200
					if p == "/ledger/new" && who != "gt-provider" { // community staff read the progress of contracts serving them
						want = 403
					}
					offPage(t, bb, fmt.Sprintf("%s en=%v", who, en), p, want)
				}
			}
		}
		// a social worker reads the ledger of the organization it works for (the demo's works
		// for gt-provider's), and one without an organization reads none
		f.e.user("gt-socialworker")
		sw := f.browser("gt-socialworker", false)
		if body := offPage(t, sw, "gt-socialworker", "/ledger", 200); !strings.Contains(body, "入户探访") {
			t.Fatal("a social worker does not read its organization's ledger")
		}
		offPage(t, sw, "gt-socialworker", entry, 200)
		nobody := &gongzhi.User{Username: "sw-no-org", DisplayName: "未关联机构的社工", Role: gongzhi.RoleSocialWorker, PlaceCode: demo.StreetCode}
		if _, err := f.e.app.CreateUser(f.ctx, gongzhi.SystemActor("test"), nobody, demo.Password); err != nil {
			t.Fatal(err)
		}
		f.e.user("sw-no-org")
		sw = f.browser("sw-no-org", false)
		if body := offPage(t, sw, "sw-no-org", "/ledger", 200); strings.Contains(body, "入户探访") {
			t.Fatal("a social worker without an organization reads the ledger")
		}
		offPage(t, sw, "sw-no-org", entry, 404)
		f.e.user("gt-provider2")
		if st, _ := f.browser("gt-provider2", false).get(entry); st != 404 {
			t.Fatalf("other provider reads an entry: %d", st)
		}
		// the export is an Excel file
		if st, body := b.get("/ledger/export.xlsx"); st != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("export: %d", st)
		}
		// the hub draws a sample, answers, and sees the results
		h := f.browser("gt-hub", false)
		offPage(t, h, "gt-hub", "/surveys", 200)
		offPage(t, h, "gt-hub", fmt.Sprintf("/surveys/new?contract=%d", ct.ID), 200)
		st, loc = offPost(t, h, "/surveys/new", "/surveys/new", url.Values{"contract_id": {fmt.Sprint(ct.ID)}, "margin_bp": {"500"}, "seed": {"7"}})
		if st != http.StatusSeeOther {
			t.Fatalf("draw: %d %s", st, loc)
		}
		st, _ = offPost(t, h, loc, loc+"/answers", url.Values{"person_id": {fmt.Sprint(zs[0])}, "answer": {"satisfied"}})
		if st != http.StatusSeeOther {
			t.Fatalf("answer: %d", st)
		}
		for _, en := range []bool{false, true} {
			if body := offPage(t, f.browser("gt-hub", en), "gt-hub", loc, 200); !strings.Contains(body, "100.00%") {
				t.Fatal("result not shown")
			}
		}
		// community staff link the resident; the resident rates
		f.e.user("zs-community")
		c := f.browser("zs-community", false)
		offPage(t, c, "zs-community", "/resident-links", 200)
		if st, _ := offPost(t, c, "/resident-links", "/resident-links", url.Values{"username": {"zs-resident"}, "person_id": {fmt.Sprint(zs[0])}}); st != http.StatusSeeOther {
			t.Fatalf("link: %d", st)
		}
		f.e.user("zs-resident")
		r := f.browser("zs-resident", false)
		body = offPage(t, r, "zs-resident", "/my-services", 200)
		if !strings.Contains(body, "入户探访（更正）") {
			t.Fatal("the resident's service is not listed")
		}
		id := strings.TrimPrefix(entry, "/ledger/")
		if st, _ := offPost(t, r, "/my-services", "/my-services/"+id+"/rating", url.Values{"score": {"4"}, "comment": {"谢谢"}}); st != http.StatusSeeOther {
			t.Fatalf("rate: %d", st)
		}
		if body := offPage(t, f.browser("zs-resident", true), "zs-resident", "/my-services", 200); !strings.Contains(body, "★★★★☆") {
			t.Fatal("rating not shown")
		}
		_ = context.Background
	})
}

// ledRefused checks an API refusal: status, code, and the field's reason (the message of key).
func ledRefused(t *testing.T, r apiResp, status int, code, field, key string) {
	t.Helper()
	c, fields := errOf(r)
	if r.Status != status || c != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.Status, r.Raw)
	}
	if field != "" && !fieldIs(fields[field], "zh-CN", key) {
		t.Fatalf("field %s: want the code and message of %q, got %s", field, key, r.Raw)
	}
}
