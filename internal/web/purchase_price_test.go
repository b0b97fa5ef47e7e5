package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The catalog's price ranges are enforced through the API and the pages (issue 11 item 7): the
// office sets a range and whether exceptions are allowed; a request outside it is refused
// beside its field, or passes with a reason the provider gives.
func TestPriceRangeAPIAndPages(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		pur, prov := f.e.token("gt-purchaser"), f.e.token("gt-provider")
		setRange := func(exceptions bool) {
			t.Helper()
			r := f.e.call(pur, "GET", "/api/v1/catalog", nil)
			var cat map[string]any
			for _, x := range r.Body["items"].([]any) {
				if c := x.(map[string]any); c["code"] == "elderly_home_care" {
					cat = c
				}
			}
			cat["price_min"], cat["price_max"], cat["allow_exceptions"] = "20000", "40000", exceptions
			if r := f.e.call(pur, "PUT", "/api/v1/catalog/elderly_home_care", cat); r.Status != 200 || r.Body["allow_exceptions"] != exceptions {
				t.Fatalf("set the range: %d %s", r.Status, r.Raw)
			}
		}
		setRange(false)
		// the API: 50,000 is above 40,000 — refused, naming the field
		r := f.e.call(prov, "POST", "/api/v1/applications", appBody(f.call.ID, "高龄助餐", 50_000))
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Raw)
		}
		id := int64(r.Body["id"].(float64))
		submit := fmt.Sprintf("/api/v1/applications/%d/submit", id)
		r = f.e.call(prov, "POST", submit, nil)
		if code, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || code != "invalid" || !fieldIs(fields["requested"], "zh", "price.above_max:20,000.00–40,000.00") {
			t.Fatalf("submit above the range: %d %s", r.Status, r.Raw)
		}
		// the refusal names the range and links to where the office edits it
		if links, _ := r.Body["error"].(map[string]any)["links"].(map[string]any); links["requested"] != "/catalog/elderly_home_care/edit" ||
			!strings.Contains(string(r.Raw), "20,000.00–40,000.00") {
			t.Fatalf("the refusal links nowhere: %s", r.Raw)
		}
		// exceptions allowed: a reason is needed, then it passes and is kept
		setRange(true)
		r = f.e.call(prov, "POST", submit, nil)
		if _, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || !fieldIs(fields["price_exception"], "zh", "price.exception_reason") {
			t.Fatalf("submit without a reason: %d %s", r.Status, r.Raw)
		}
		body := appBody(f.call.ID, "高龄助餐", 50_000)
		body["price_exception"] = "服务对象均为80岁以上独居老人，送餐成本高"
		if r = f.e.call(prov, "PUT", fmt.Sprintf("/api/v1/applications/%d", id), body); r.Status != 200 {
			t.Fatalf("update: %d %s", r.Status, r.Raw)
		}
		if r = f.e.call(prov, "POST", submit, nil); r.Status != 200 || r.Body["price_exception"] != "服务对象均为80岁以上独居老人，送餐成本高" {
			t.Fatalf("submit with a reason: %d %s", r.Status, r.Raw)
		}

		// the pages: the catalog says how the range is enforced; a provider's form refused
		// beside the amount, then accepted with a reason
		setRange(false)
		b := f.signedIn("gt-purchaser")
		if _, page := b.get("/catalog"); !strings.Contains(page, "¥20,000.00 – ¥40,000.00（区间外不予受理）") {
			t.Fatal("the catalog does not say the range is enforced")
		}
		// the categories still at the built-in (a province's) ranges are named, the one the office
		// set is not
		if _, page := b.get("/catalog"); !strings.Contains(page, `id="list-warn"`) || !strings.Contains(page, "社会组织孵化基地运营服务 ¥100,000.00 – ¥500,000.00") ||
			strings.Contains(page[strings.Index(page, `id="list-warn"`):strings.Index(page, `id="list-warn"`)+strings.Index(page[strings.Index(page, `id="list-warn"`):], "</p>")], "社区老人居家养老服务") {
			t.Fatal("the catalog does not name the categories still at the built-in ranges")
		}
		if _, page := f.signedIn("gt-provider").get("/catalog"); strings.Contains(page, `id="list-warn"`) {
			t.Fatal("a provider is told about the office's catalog")
		}
		if _, page := b.get("/catalog/elderly_home_care/edit"); !strings.Contains(page, `name="allow_exceptions"`) {
			t.Fatal("the catalog form has no setting for exceptions")
		}
		p := f.signedIn("gt-provider")
		csrf := p.csrf(fmt.Sprintf("/applications/new?call=%d", f.call.ID))
		st, loc := p.post("/applications/new", appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "20000"))
		if st != http.StatusSeeOther {
			t.Fatalf("save draft: %d", st)
		}
		st, page := p.post(loc+"/submit", url.Values{"csrf": {csrf}})
		if st == http.StatusSeeOther {
			_, page = p.get(page)
		}
		if !strings.Contains(page, "高于该服务类别的价格区间（20,000.00–40,000.00 元）") || strings.Contains(page, "已提交，待初审") {
			t.Fatalf("the refusal is not shown, or the application was submitted: %d", st)
		}
		if !strings.Contains(page, `href="/catalog/elderly_home_care/edit"`) {
			t.Fatalf("the refusal does not link to the catalog: %s", page)
		}
		setRange(true)
		form := appForm(csrf, f.call.ID, "人员费", "30000", "活动费", "20000")
		form.Set("price_exception", "含送餐车辆租赁")
		for _, k := range []string{"name", "size", "sha256", "content_type"} {
			form.Del("attachments.0." + k) // attached already
		}
		if st, body := p.post(loc+"/edit", form); st != http.StatusSeeOther {
			t.Fatalf("edit with a reason: %d %s", st, body)
		}
		if st, _ := p.post(loc+"/submit", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
			t.Fatalf("submit with a reason: %d", st)
		}
		if _, page = p.get(loc); !strings.Contains(page, "已提交，待初审") {
			t.Fatal("not submitted with a reason")
		}
	})
}
