package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestPastContractsCorrectDelete covers issue 11's leftovers of item 3 on both databases: an
// import registers a provider the registry lacks when its row names it (marked as created by the
// import, audited, in the same transaction), takes an optional contract number that decides what a
// duplicate is, and writes its audit note as note codes; the importing office corrects a past
// contract's fields or deletes it with a reason, through the API and the pages, once per version
// — fifty identical corrections at once give one — and every refusal names its field.
func TestPastContractsCorrectDelete(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		o := &onceFix{partyFix: f, db: db}
		e := f.e
		tok := e.token("gt-purchaser")
		var known *gongzhi.Organization
		_, err := e.app.Organizations(t.Context(), gongzhi.SystemActor("test"), store.ListOptions{}, func(org *gongzhi.Organization) error {
			if org.CreditCode != "" && known == nil {
				known = org
			}
			return nil
		})
		if err != nil || known == nil {
			t.Fatalf("no provider: %v", err)
		}
		newCode := validCredit("52320116MJ7777777")
		base := func(title, no string) pastRow {
			return pastRow{"fiscal_year": "2018", "category": "elderly_home_care", "credit_code": known.CreditCode, "title": title,
				"contract_no": no, "amount": "120000", "state": "已完成"}
		}

		// an unknown provider without a name is refused; two rows with one contract number are the
		// same contract, whatever their titles
		unnamed := base("无名承接方项目", "")
		unnamed["credit_code"] = newCode
		res := uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx",
			pastSheet(t, []pastRow{unnamed, base("甲项目", "HT-2018-01"), base("乙项目", "HT-2018-01")}))
		got := map[string]string{}
		for _, p := range res.Body["problems"].([]any) {
			m := p.(map[string]any)
			got[fmt.Sprintf("%v %v", m["line"], m["field"])] = fmt.Sprint(m["code"])
		}
		if res.Status != 422 || got["2 credit_code"] != "past.org_missing" || got["4 contract_no"] != "past.duplicate_in_file" || len(got) != 2 {
			t.Fatalf("refused file: %d %v %s", res.Status, got, res.Raw)
		}

		// the good file: the same provider and title twice under two contract numbers, and a new
		// provider registered by the import
		named := base("新承接方的居家养老项目", "")
		named["credit_code"], named["provider"] = newCode, "六合区往年社工服务中心"
		res = uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx",
			pastSheet(t, []pastRow{base("同名项目", "HT-2018-01"), base("同名项目", "HT-2018-02"), named}))
		if res.Status != 200 || offNum(res.Body["imported"]) != 3 {
			t.Fatalf("import: %d %s", res.Status, res.Raw)
		}
		orgs := offItems(e.call(tok, "GET", "/api/v1/organizations?q="+url.QueryEscape("六合区往年社工服务中心"), nil))
		if len(orgs) != 1 || orgs[0]["created_by_import"] != "past_contracts" || orgs[0]["credit_code"] != newCode || orgs[0]["reg_state"] != "registered" {
			t.Fatalf("the registered provider: %v", orgs)
		}
		audit := offItems(e.call(e.token("admin-audit"), "GET", "/api/v1/audit?per_page=20&entity=past_contracts", nil))
		if len(audit) == 0 || !strings.HasPrefix(fmt.Sprint(audit[0]["note"]), `past_import ["3","36000000"]; past_year ["2018","3"]; past_orgs ["1"]`) {
			t.Fatalf("import audit note: %v", audit)
		}
		if again := uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx", pastSheet(t, []pastRow{base("别的项目", "HT-2018-02")})); again.Status != 422 ||
			!strings.Contains(string(again.Raw), `"past.taken"`) {
			t.Fatalf("a taken contract number: %d %s", again.Status, again.Raw)
		}

		list := offItems(e.call(tok, "GET", "/api/v1/past-contracts?fiscal_year=2018&per_page=50", nil))
		var id int64
		for _, it := range list {
			if it["contract_no"] == "HT-2018-01" {
				id = offNum(it["id"])
				if offNum(it["version"]) != 1 {
					t.Fatalf("version after the import: %v", it)
				}
			}
		}
		if id == 0 {
			t.Fatalf("HT-2018-01 not listed: %v", list)
		}
		path := fmt.Sprintf("/api/v1/past-contracts/%d", id)

		// refusals: every failed field at once; a provider may not; nothing written
		r := e.call(tok, "PATCH", path, map[string]any{"title": " ", "state": "signed"})
		if code, fs := errOf(r); r.Status != 422 || code != gongzhi.EINVALID || fs["title"].Code != "required" || fs["state"].Code != "choice" ||
			fs["reason"].Code != "required" || fs["version"].Code != "required" {
			t.Fatalf("bad correction: %d %s", r.Status, r.Raw)
		}
		if r := e.call(tok, "PATCH", path, map[string]any{"version": 1, "reason": "核对", "contract_no": "HT-2018-02"}); r.Status != 409 {
			t.Fatalf("a correction to a taken number: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["contract_no"].Code != "past.taken" {
			t.Fatalf("a correction to a taken number: %s", r.Raw)
		}
		if r := e.call(e.token("gt-provider"), "PATCH", path, map[string]any{"version": 1, "reason": "x"}); r.Status != 403 && r.Status != 404 {
			t.Fatalf("a provider corrects: %d", r.Status)
		}

		// fifty identical corrections of version 1: one is saved
		body := jsonOf(map[string]any{"version": 1, "reason": "与合同原件核对，金额录入有误", "amount": "98765.40", "contract_no": "HT-2018-09"})
		won := o.once("correct", onceReq{tok, "PATCH", path, body}, 200, "version", "past.version_changed", written{0, 1})
		if offNum(won["version"]) != 2 || offNum(won["amount"]) != 9876540 || won["contract_no"] != "HT-2018-09" || won["title"] != "同名项目" {
			t.Fatalf("corrected: %v", won)
		}

		// the pages: the contract, its correction form (a refusal beside its field), its deletion
		b := loginBrowser(t, e, "gt-purchaser")
		page := offPage(t, b, "gt-purchaser", fmt.Sprintf("/past-contracts/%d", id), 200)
		if !strings.Contains(page, "HT-2018-09") || !strings.Contains(page, "¥98,765.40") || !strings.Contains(page, "第 2 版") {
			t.Errorf("the past contract's page: %s", page)
		}
		offPage(t, b, "gt-purchaser", fmt.Sprintf("/past-contracts/%d/edit", id), 200)
		st, page := b.post(fmt.Sprintf("/past-contracts/%d/edit", id), url.Values{"csrf": {b.csrf(fmt.Sprintf("/past-contracts/%d/edit", id))}, "version": {"2"}, "fiscal_year": {"2018"}, "category_code": {"elderly_home_care"},
			"credit_code": {known.CreditCode}, "title": {"同名项目"}, "amount": {"98765.40"}, "state": {"completed"}, "contract_no": {"HT-2018-09"}})
		if st != 422 || !strings.Contains(page, `id="err-reason"`) {
			t.Fatalf("a correction without a reason: %d", st)
		}
		st, loc := b.post(fmt.Sprintf("/past-contracts/%d/edit", id), url.Values{"csrf": {b.csrf(fmt.Sprintf("/past-contracts/%d/edit", id))}, "version": {"2"}, "fiscal_year": {"2017"}, "category_code": {"elderly_home_care"},
			"credit_code": {known.CreditCode}, "title": {"同名项目"}, "amount": {"98,765.40"}, "state": {"terminated"}, "contract_no": {"HT-2018-09"},
			"reason": {"年度填错"}})
		if st != http.StatusSeeOther || loc != fmt.Sprintf("/past-contracts/%d", id) {
			t.Fatalf("a correction from the page: %d %s", st, loc)
		}
		if r := e.call(tok, "GET", path, nil); offNum(r.Body["fiscal_year"]) != 2017 || r.Body["state"] != "terminated" || offNum(r.Body["version"]) != 3 {
			t.Fatalf("after the page's correction: %s", r.Raw)
		}
		offPage(t, b, "gt-purchaser", fmt.Sprintf("/past-contracts/%d/delete", id), 200)

		// deletion: a stale version is refused; fifty at once delete it once
		if r := e.call(tok, "DELETE", path, map[string]any{"version": 2, "reason": "重复导入"}); r.Status != 409 {
			t.Fatalf("a stale deletion: %d %s", r.Status, r.Raw)
		}
		if r := e.call(tok, "DELETE", path, map[string]any{"version": 3}); r.Status != 422 {
			t.Fatalf("a deletion without a reason: %d %s", r.Status, r.Raw)
		}
		h, a := o.marks()
		counts := map[int]int{}
		for _, ans := range o.fire(slicesRepeat(onceReq{tok, "DELETE", path, jsonOf(map[string]any{"version": 3, "reason": "重复导入"})}, 50)) {
			counts[ans.status]++
		}
		if counts[http.StatusNoContent] != 1 || counts[http.StatusConflict]+counts[http.StatusNotFound] != 49 {
			t.Fatalf("50 deletions: %v", counts)
		}
		if w := o.since(h, a); w != (written{0, 1}) {
			t.Fatalf("50 deletions wrote %v", w)
		}
		if r := e.call(tok, "GET", path, nil); r.Status != 404 {
			t.Fatalf("deleted, still read: %d", r.Status)
		}
		// the page's deletion
		other := offItems(e.call(tok, "GET", "/api/v1/past-contracts?fiscal_year=2018&q="+url.QueryEscape("新承接方"), nil))
		if len(other) != 1 {
			t.Fatalf("the new provider's contract: %v", other)
		}
		oid := offNum(other[0]["id"])
		if st, loc := b.post(fmt.Sprintf("/past-contracts/%d/delete", oid), url.Values{"csrf": {b.csrf(fmt.Sprintf("/past-contracts/%d/delete", oid))}, "version": {"1"}, "reason": {"承接方信息有误"}}); st != http.StatusSeeOther || loc != "/past-contracts" {
			t.Fatalf("a deletion from the page: %d %s", st, loc)
		}
	})
}
