// Web and API tests of complaints and inquiries on the demo street with two signed contracts:
// the public form without an account, the receipt's tracking code, the provider's answer, the
// tracking page and its rating form, masking and the audited reveal, the list, export and pages
// of every role, and the API's refusals.

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// cmpWebFix is the party fixture taken to two signed contracts: gt-provider's and gt-provider2's.
type cmpWebFix struct {
	*partyFix
	contract1, contract2 *gongzhi.Contract
}

func newCmpWebFix(t *testing.T, db *store.DB) *cmpWebFix {
	t.Helper()
	f := &cmpWebFix{partyFix: newPartyFix(t, db)}
	a, ctx := f.e.app, f.ctx
	a1 := f.apply(f.e.token("gt-provider"), "同心长者食堂", 50_000)
	f.apply(f.e.token("gt-provider2"), "夕阳红互助小组", 30_000)
	f.scoreAll(f.toReview(3), 0)
	f.publish()
	c, err := a.Call(ctx, f.pur, f.call.ID)
	f.must(err)
	f.later(c.NoticeEndsAt.Sub(a.Now()) + time.Minute)
	f.must(a.FinalizeCall(ctx, f.pur, f.call.ID))
	awards, err := a.Awards(ctx, f.pur, f.call.ID)
	f.must(err)
	for _, w := range awards {
		ct, err := a.GenerateContract(ctx, f.pur, w.ID, "葛塘街道办事处")
		f.must(err)
		prov := f.actor("gt-provider2")
		if w.ApplicationID == a1 {
			prov = f.actor("gt-provider")
		}
		f.must(a.ConfirmContract(ctx, f.pur, ct.ID))
		f.must(a.ConfirmContract(ctx, prov, ct.ID))
		if w.ApplicationID == a1 {
			f.contract1 = ct
		} else {
			f.contract2 = ct
		}
	}
	if f.contract1 == nil || f.contract2 == nil {
		t.Fatal("two contracts expected")
	}
	return f
}

var (
	cmpCodeRe = regexp.MustCompile(`id="tracking-code">([0-9A-Z]{10})<`)
	cmpKeyRe  = regexp.MustCompile(`(?:^|[^\w@./-])((?:complaint|todo|attention|role)\.[A-Za-z0-9_.]*[A-Za-z0-9_])`)
)

func cmpTranslated(t *testing.T, who, path, body string) {
	t.Helper()
	checkTranslated(t, who, path, body)
	if m := cmpKeyRe.FindStringSubmatch(tagRe.ReplaceAllString(body, "\n")); m != nil {
		t.Errorf("%s GET %s shows the untranslated key %q", who, path, m[1])
	}
}

func cmpForm(contract int64, name, phone string) url.Values {
	v := url.Values{"kind": {"complaint"}, "community_code": {demo.ZhongshanCode}, "subject": {"助餐送餐不及时"},
		"description": {"最近两周送餐经常晚一个多小时，饭菜都凉了。"}, "contact_name": {name}, "contact_phone": {phone}}
	if contract != 0 {
		v.Set("concerning", fmtID(contract))
	}
	return v
}

func TestComplaintsWeb(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newCmpWebFix(t, db)
		anon := f.e.browser()
		// first the community, then the form
		st, page := anon.get("/public/complaints")
		if st != 200 || !strings.Contains(page, `id="community-pick"`) || strings.Contains(page, `name="contact_phone"`) {
			t.Fatalf("the public form before a community is chosen: %d", st)
		}
		cmpTranslated(t, "anonymous", "/public/complaints", page)
		st, page = anon.get("/public/complaints?community=" + demo.ZhongshanCode)
		if st != 200 || !strings.Contains(page, "同心长者食堂") || !strings.Contains(page, `name="contact_phone"`) ||
			!strings.Contains(page, `<input type="hidden" name="community_code" value="`+demo.ZhongshanCode+`">`) {
			t.Fatalf("the public form: %d", st)
		}
		cmpTranslated(t, "anonymous", "/public/complaints?community=", page)

		// Without an account the contact is required; a bad phone is refused beside the field.
		st, page = anon.post("/public/complaints", cmpForm(f.contract1.ID, "", ""))
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-contact_name"`) || !strings.Contains(page, `id="err-contact_phone"`) {
			t.Fatalf("no contact: %d", st)
		}
		offBeside(t, page, "field-contact_phone", "必填")
		st, page = anon.post("/public/complaints", cmpForm(f.contract1.ID, "李秀英", "138-call-me"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("bad phone: %d", st)
		}
		offBeside(t, page, "field-contact_phone", "电话号码格式不正确")
		st, page = anon.post("/public/complaints", cmpForm(f.contract1.ID, "李秀英", "13812345678"))
		m := cmpCodeRe.FindStringSubmatch(page)
		if st != http.StatusCreated || m == nil {
			t.Fatalf("submission: %d", st)
		}
		code := m[1]
		cmpTranslated(t, "anonymous", "POST /public/complaints", page)
		var id int64
		_, err := f.e.app.Complaints(f.ctx, f.pur, store.ListOptions{Limit: 100}, func(c *gongzhi.Complaint) error {
			if c.Subject == "助餐送餐不及时" && id == 0 { // the one just submitted (the demo street has complaints of its own)
				id = c.ID
			}
			return nil
		})
		f.must(err)
		if id == 0 {
			t.Fatal("the submitted complaint is not in the office's list")
		}
		path := fmt.Sprintf("/complaints/%d", id)

		// The provider sees it masked, without the code, and answers; the other provider does not see it.
		prov := f.signedIn("gt-provider")
		st, page = prov.get("/complaints")
		if st != 200 || !strings.Contains(page, "助餐送餐不及时") {
			t.Fatalf("provider's list: %d", st)
		}
		st, page = prov.get(path)
		if st != 200 || !strings.Contains(page, "138****5678") || strings.Contains(page, "13812345678") || strings.Contains(page, "李秀英") ||
			strings.Contains(page, code) || !strings.Contains(page, `action="`+path+`/answer"`) || strings.Contains(page, path+"/reveal") {
			t.Fatalf("provider's page: %d", st)
		}
		cmpTranslated(t, "gt-provider", path, page)
		if st, _ := f.signedIn("gt-provider2").get(path); st != http.StatusNotFound {
			t.Fatalf("the other provider: %d", st)
		}
		st, page = offPost(t, prov, path, path+"/answer", url.Values{"answer": {""}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("empty answer: %d", st)
		}
		offBeside(t, page, "field-answer", "必填")
		if st, loc := offPost(t, prov, path, path+"/answer", url.Values{"answer": {"已调整配送路线，11:30前送达。"}}); st != http.StatusSeeOther || loc != path {
			t.Fatalf("answer: %d %s", st, loc)
		}
		// The hub may not answer it (not escalated): the page says why.
		hubB := f.signedIn("gt-hub")
		if st, page := offPost(t, hubB, path, path+"/answer", url.Values{"answer": {"再答一次"}}); st != http.StatusConflict || !strings.Contains(page, "该件不在待答复状态") {
			t.Fatalf("answering an answered complaint: %d", st)
		}

		// Tracking: a wrong suffix finds nothing and says nothing; the right one shows the answer.
		st, page = anon.post("/public/complaints/track", url.Values{"code": {code}, "phone4": {"1234"}})
		if st != http.StatusNotFound || strings.Contains(page, "助餐送餐不及时") || !strings.Contains(page, "未找到") {
			t.Fatalf("wrong suffix: %d", st)
		}
		st, page = anon.post("/public/complaints/track", url.Values{"code": {strings.ToLower(code)}, "phone4": {"5678"}})
		if st != 200 || !strings.Contains(page, "已调整配送路线") || !strings.Contains(page, `action="/public/complaints/rate"`) {
			t.Fatalf("tracking: %d", st)
		}
		cmpTranslated(t, "anonymous", "POST /public/complaints/track", page)
		st, page = anon.post("/public/complaints/rate", url.Values{"code": {code}, "phone4": {"5678"}, "rating": {""}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("no rating: %d", st)
		}
		offBeside(t, page, "field-rating", "请选择1到5分")
		st, page = anon.post("/public/complaints/rate", url.Values{"code": {code}, "phone4": {"5678"}, "rating": {"5"}, "comment": {"很及时"}})
		if st != 200 || !strings.Contains(page, "感谢您的评价") || strings.Contains(page, `action="/public/complaints/rate"`) {
			t.Fatalf("rating: %d", st)
		}
		if st, _ := anon.post("/public/complaints/rate", url.Values{"code": {code}, "phone4": {"5678"}, "rating": {"1"}}); st != http.StatusConflict {
			t.Fatalf("second rating: %d", st)
		}

		// The hub sees the name, the phone masked, and reveals it (audited).
		hub := f.signedIn("gt-hub")
		st, page = hub.get(path)
		if st != 200 || !strings.Contains(page, "李秀英") || strings.Contains(page, "13812345678") || !strings.Contains(page, path+"/reveal") {
			t.Fatalf("hub's page: %d", st)
		}
		st, page = offPost(t, hub, path, path+"/reveal", url.Values{})
		if st != 200 || !strings.Contains(page, "13812345678") {
			t.Fatalf("reveal: %d", st)
		}
		var n int
		f.must(db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'view_sensitive' AND entity = 'complaints'`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d audited reveals", n)
		}

		// A resident submits signed in: no contact fields; sees their own in the list.
		res := f.signedIn("zs-resident")
		st, page = res.get("/public/complaints")
		if st != 200 || strings.Contains(page, `name="contact_phone"`) {
			t.Fatalf("resident's form: %d", st)
		}
		form := cmpForm(0, "", "")
		form.Set("kind", "inquiry")
		form.Set("concerning", "hub")
		form.Set("subject", "老年大学报名时间")
		form.Set("csrf", res.csrf("/public/complaints"))
		if st, page = res.post("/public/complaints", form); st != http.StatusCreated || cmpCodeRe.FindStringSubmatch(page) == nil {
			t.Fatalf("resident's submission: %d", st)
		}
		if _, page = res.get("/complaints"); !strings.Contains(page, "老年大学报名时间") || strings.Contains(page, "助餐送餐不及时") {
			t.Fatal("the resident's list")
		}

		// Every role's pages, in Chinese and English.
		for _, who := range []string{"gt-purchaser", "gt-hub", "gt-provider", "zs-community", "gt-auditor", "zs-resident"} {
			for _, en := range []bool{false, true} {
				b := f.signedIn(who)
				if en {
					b.get("/lang?to=en&next=/")
				}
				for _, p := range []string{"/complaints", "/complaints?state=waiting&overdue=1", "/complaints?escalated=1&kind=inquiry", "/", "/public/complaints",
					"/public/complaints/track"} {
					st, body := b.get(p)
					if st != 200 {
						t.Errorf("%s GET %s: %d", who, p, st)
					}
					cmpTranslated(t, who, p, body)
				}
				if who != "zs-resident" {
					st, body := b.get(path)
					if st != 200 {
						t.Errorf("%s GET %s: %d", who, path, st)
					}
					cmpTranslated(t, who, path, body)
				}
			}
		}
		// Community staff read, masked, and never answer.
		_, page = f.signedIn("zs-community").get(path)
		if !strings.Contains(page, "李**") || strings.Contains(page, "李秀英") || strings.Contains(page, "/answer") || strings.Contains(page, "/reveal") {
			t.Fatal("community staff's page")
		}
		// Excel export of the office's list.
		pur := f.signedIn("gt-purchaser")
		res2, err := pur.c.Get(f.e.srv.URL + "/complaints/export.xlsx?kind=complaint")
		f.must(err)
		res2.Body.Close()
		if res2.StatusCode != 200 || !strings.Contains(res2.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", res2.StatusCode, res2.Header.Get("Content-Type"))
		}
		// The public aggregate shows this month.
		if _, page = anon.get("/public/complaints"); !strings.Contains(page, f.e.app.Now().In(gongzhi.ChinaTime).Format("2006-01")) {
			t.Fatal("the monthly figures")
		}
	})
}

func TestComplaintsAPI(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newCmpWebFix(t, db)
		e := f.e
		body := func(contract int64, phone string) map[string]any {
			return map[string]any{"kind": "complaint", "community_code": demo.ZhongshanCode, "contract_id": contract, "subject": "活动取消未通知",
				"description": "周六的活动临时取消，没有提前通知。", "contact_name": "周女士", "contact_phone": phone}
		}
		r := e.call("", "POST", "/api/v1/public/complaints", map[string]any{"kind": "complaint", "community_code": demo.ZhongshanCode, "subject": "x", "description": "y"})
		if code, fields := errOf(r); r.Status != 422 || code != "invalid" || !fieldIs(fields["contact_name"], "zh-CN", "required") ||
			!fieldIs(fields["contact_phone"], "zh-CN", "required") {
			t.Fatalf("no contact: %d %s", r.Status, r.Raw)
		}
		r = e.call("", "POST", "/api/v1/public/complaints", body(f.contract1.ID, "12"))
		if _, fields := errOf(r); r.Status != 422 || !fieldIs(fields["contact_phone"], "zh-CN", "phone.format") {
			t.Fatalf("bad phone: %d %s", r.Status, r.Raw)
		}
		r = e.call("", "POST", "/api/v1/public/complaints", body(f.contract1.ID, "13712340000"))
		if r.Status != 201 || len(r.Body["code"].(string)) != 10 || r.Body["route"] != "provider" {
			t.Fatalf("submission: %d %s", r.Status, r.Raw)
		}
		id, code := int64(r.Body["id"].(float64)), r.Body["code"].(string)
		p := fmt.Sprintf("/api/v1/complaints/%d", id)

		// The provider sees it masked; the other provider cannot answer it.
		prov, prov2, hub, res := e.token("gt-provider"), e.token("gt-provider2"), e.token("gt-hub"), e.token("zs-resident")
		r = e.call(prov, "GET", "/api/v1/complaints?state=open", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["contact_phone"] != "137****0000" || items[0].(map[string]any)["code"] != nil {
			t.Fatalf("provider's list: %d %s", r.Status, r.Raw)
		}
		if r = e.call(prov2, "POST", p+"/answer", map[string]any{"answer": "已处理"}); r.Status != 404 {
			t.Fatalf("the other provider answers: %d", r.Status)
		}
		if r = e.call(prov, "POST", p+"/reveal", nil); r.Status != 403 {
			t.Fatalf("the provider reveals: %d", r.Status)
		}
		if r = e.call(hub, "POST", p+"/answer", map[string]any{"answer": "已处理"}); r.Status != 409 {
			t.Fatalf("the hub answers the provider's: %d %s", r.Status, r.Raw)
		}
		if r = e.call("", "POST", "/api/v1/public/complaints/rate", map[string]any{"code": code, "phone4": "0000", "rating": 5}); r.Status != 409 {
			t.Fatalf("rating before the answer: %d %s", r.Status, r.Raw)
		}
		if r = e.call(prov, "POST", p+"/answer", map[string]any{"answer": "已向社区补发通知，今后提前三天公告。"}); r.Status != 200 || r.Body["state"] != "answered" {
			t.Fatalf("answer: %d %s", r.Status, r.Raw)
		}
		if r = e.call("", "POST", "/api/v1/public/complaints/track", map[string]any{"code": code, "phone4": "9999"}); r.Status != 404 {
			t.Fatalf("wrong suffix: %d %s", r.Status, r.Raw)
		} else if strings.Contains(string(r.Raw), "活动取消") {
			t.Fatal("a refused tracking request leaks the complaint")
		}
		r = e.call("", "POST", "/api/v1/public/complaints/track", map[string]any{"code": code, "phone4": "0000"})
		if answers, _ := r.Body["answers"].([]any); r.Status != 200 || len(answers) != 1 || r.Body["contact_phone"] != "137****0000" {
			t.Fatalf("tracking: %d %s", r.Status, r.Raw)
		}
		if r = e.call("", "POST", "/api/v1/public/complaints/rate", map[string]any{"code": code, "phone4": "0000", "rating": 2, "comment": "只是补发通知"}); r.Status != 200 || r.Body["state"] != "reopened" {
			t.Fatalf("rating: %d %s", r.Status, r.Raw)
		}
		if r = e.call("", "POST", "/api/v1/public/complaints/rate", map[string]any{"code": code, "phone4": "0000", "rating": 5}); r.Status != 409 {
			t.Fatalf("second rating: %d", r.Status)
		} else if _, fields := errOf(r); !fieldIs(fields["rating"], "zh-CN", "complaint.already_rated") {
			t.Fatalf("second rating refusal: %s", r.Raw)
		}
		pur := e.token("gt-purchaser")
		if r = e.call(pur, "POST", p+"/answer", map[string]any{"answer": "街道已约谈机构负责人。"}); r.Status != 200 || r.Body["state"] != "closed" {
			t.Fatalf("the office's second answer: %d %s", r.Status, r.Raw)
		}
		if r = e.call(hub, "POST", p+"/reveal", nil); r.Status != 200 || r.Body["contact_phone"] != "13712340000" {
			t.Fatalf("reveal: %d %s", r.Status, r.Raw)
		}
		if r = e.call(hub, "GET", p+"/history", nil); r.Status != 200 || len(r.Body["items"].([]any)) < 5 {
			t.Fatalf("history: %d %s", r.Status, r.Raw)
		}

		// A signed-in resident; re-routing; the public contract list and figures.
		r = e.call(res, "GET", "/api/v1/complaints", nil)
		if r.Status != 200 {
			t.Fatalf("resident's list before: %d %s", r.Status, r.Raw)
		}
		residentHad := int(r.Body["total"].(float64)) // the demo resident's own earlier inquiries
		r = e.call(res, "POST", "/api/v1/complaints", map[string]any{"kind": "inquiry", "community_code": demo.ZhongshanCode, "subject": "报名时间",
			"description": "老年大学什么时候报名？"})
		if r.Status != 201 || r.Body["route"] != "office" {
			t.Fatalf("resident's submission: %d %s", r.Status, r.Raw)
		}
		rid := int64(r.Body["id"].(float64))
		if r = e.call(hub, "POST", fmt.Sprintf("/api/v1/complaints/%d/route", rid), map[string]any{"route": "provider", "contract_id": f.contract2.ID}); r.Status != 422 {
			t.Fatalf("re-route without a reason: %d", r.Status)
		}
		r = e.call(hub, "POST", fmt.Sprintf("/api/v1/complaints/%d/route", rid), map[string]any{"route": "provider", "contract_id": f.contract2.ID, "reason": "属该项目服务内容"})
		if r.Status != 200 || r.Body["route"] != "provider" {
			t.Fatalf("re-route: %d %s", r.Status, r.Raw)
		}
		if r = e.call(prov2, "GET", fmt.Sprintf("/api/v1/complaints/%d", rid), nil); r.Status != 200 {
			t.Fatalf("the new provider: %d", r.Status)
		}
		if r = e.call(res, "GET", "/api/v1/complaints", nil); r.Status != 200 || int(r.Body["total"].(float64)) != residentHad+1 ||
			!slices.ContainsFunc(r.Body["items"].([]any), func(x any) bool { return int64(x.(map[string]any)["id"].(float64)) == rid }) {
			t.Fatalf("resident's list (had %d): %d %s", residentHad, r.Status, r.Raw)
		}
		r = e.call("", "GET", "/api/v1/public/complaints/contracts", nil)
		found := 0
		for _, it := range r.Body["items"].([]any) {
			m := it.(map[string]any)
			if id := int64(m["id"].(float64)); id == f.contract1.ID || id == f.contract2.ID {
				found++
			}
			if len(m) != 4 || m["title"] == "" || m["provider"] == "" {
				t.Fatalf("a public contract says more or less than its title and provider: %v", m)
			}
		}
		if r.Status != 200 || found != 2 {
			t.Fatalf("contracts: %d %s", r.Status, r.Raw)
		}
		// the figures count every complaint of the street by the month it came in (the test's and the demo street's own)
		perMonth := map[string]int{}
		_, err := e.app.Complaints(f.ctx, f.pur, store.ListOptions{Limit: 500}, func(c *gongzhi.Complaint) error {
			perMonth[gongzhi.MonthOf(c.CreatedAt)]++
			return nil
		})
		f.must(err)
		if r = e.call("", "GET", "/api/v1/public/complaints/stats?place="+demo.StreetCode, nil); r.Status != 200 || len(r.Body["items"].([]any)) != len(perMonth) ||
			slices.ContainsFunc(r.Body["items"].([]any), func(x any) bool {
				m := x.(map[string]any)
				return int(m["total"].(float64)) != perMonth[m["month"].(string)]
			}) || perMonth[gongzhi.MonthOf(e.app.Now())] < 2 {
			t.Fatalf("stats (want %v): %d %s", perMonth, r.Status, r.Raw)
		} else if strings.Contains(string(r.Raw), "周女士") || strings.Contains(string(r.Raw), "137") {
			t.Fatal("the public figures hold personal data")
		}
		if r = e.call("", "GET", "/api/v1/complaints", nil); r.Status != 401 {
			t.Fatalf("anonymous list: %d", r.Status)
		}

		// Throttling: five submissions from one address an hour; the sixth is refused.
		for i := 2; i < 5; i++ {
			if r = e.call("", "POST", "/api/v1/public/complaints", body(0, fmt.Sprintf("1391234000%d", i))); r.Status != 201 {
				t.Fatalf("submission %d: %d %s", i+1, r.Status, r.Raw)
			}
		}
		if r = e.call("", "POST", "/api/v1/public/complaints", body(0, "13912340009")); r.Status != 429 {
			t.Fatalf("the sixth submission: %d %s", r.Status, r.Raw)
		}
	})
}

// An answer by the street office or the hub is signed with the office's or the centre's name,
// never with the platform's role names.
func TestComplaintAnswerSignedByOffice(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.call("", "POST", "/api/v1/public/complaints", map[string]any{"kind": "inquiry", "community_code": demo.ZhongshanCode,
			"subject": "社区食堂开放时间", "description": "想问社区食堂周末是否开放。", "contact_name": "周女士", "contact_phone": "13712340001"})
		if r.Status != 201 || r.Body["route"] != "office" {
			t.Fatalf("submission: %d %s", r.Status, r.Raw)
		}
		path := fmt.Sprintf("/complaints/%d", int64(r.Body["id"].(float64)))
		if a := e.call(e.token("gt-purchaser"), "POST", "/api/v1"+path+"/answer", map[string]any{"answer": "周末上午十点至下午一点开放。"}); a.Status != 200 {
			t.Fatalf("answer: %d %s", a.Status, a.Raw)
		}
		e.user("gt-purchaser")
		b := e.browser()
		b.login("gt-purchaser", demo.Password)
		_, page := b.get(path)
		i := strings.Index(page, "周末上午十点")
		if i < 0 {
			t.Fatal("the answer is not on the complaint's page")
		}
		answer := page[max(0, i-600):i] // the answer's heading and signature come just before it
		if !strings.Contains(answer, "葛塘街道办事处") || strings.Contains(answer, "购买方") {
			t.Fatalf("the office's answer is not signed with the office's name: %s", tagRe.ReplaceAllString(answer, " "))
		}

		// a purchaser of another level signs with its own office's name, kept with the answer
		r = e.call("", "POST", "/api/v1/public/complaints", map[string]any{"kind": "inquiry", "community_code": demo.ZhongshanCode,
			"subject": "省级项目的服务时间", "description": "想问省里资助的青少年项目什么时候开展活动。", "contact_name": "李先生", "contact_phone": "13712340002"})
		if r.Status != 201 || r.Body["route"] != "office" {
			t.Fatalf("submission: %d %s", r.Status, r.Raw)
		}
		path = fmt.Sprintf("/complaints/%d", int64(r.Body["id"].(float64)))
		prov := e.token(demo.ProvincePurchaser)
		if a := e.call(prov, "POST", "/api/v1"+path+"/answer", map[string]any{"answer": "每周六下午在社区活动室开展。"}); a.Status != 200 {
			t.Fatalf("the province's answer: %d %s", a.Status, a.Raw)
		}
		got := e.call(prov, "GET", "/api/v1"+path, nil)
		answers, _ := got.Body["answers"].([]any)
		if len(answers) != 1 || answers[0].(map[string]any)["place_code"] != "320000000000" {
			t.Fatalf("the answer keeps no office: %s", got.Raw)
		}
		_, page = b.get(path)
		if i = strings.Index(page, "每周六下午"); i < 0 {
			t.Fatal("the province's answer is not on the complaint's page")
		}
		if answer = page[max(0, i-600):i]; !strings.Contains(answer, "江苏省民政厅") || strings.Contains(answer, "街道办事处") {
			t.Fatalf("the province's answer is not signed 江苏省民政厅: %s", tagRe.ReplaceAllString(answer, " "))
		}
	})
}
