package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// TestAuditRegisterReadsAsWords: the register puts the values that are codes in words — a
// category by its name, a call's funding bands as names and amounts, a person's sex and fields,
// a failed sign-in's account, an import of past contracts — and names the past contracts as a
// kind of record; no code, JSON or key=value note of them is left on the page.
func TestAuditRegisterReadsAsWords(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.user("gt-purchaser")
		if st, _ := e.browser().login("gt-purchaser", "not-the-password"); st == http.StatusSeeOther {
			t.Fatal("a wrong password signed in")
		}
		cats, err := e.app.ServiceCategories(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		catName := map[string]string{}
		for _, c := range cats {
			catName[c.Code] = c.Name
		}
		// what the entries hold, as stored (the API)
		tok := e.token("admin-audit")
		entry := func(query string) map[string]any {
			t.Helper()
			r := e.call(tok, "GET", "/api/v1/audit?per_page=200&"+query, nil)
			items, _ := r.Body["items"].([]any)
			if r.Status != 200 || len(items) == 0 {
				t.Fatalf("audit API %s: %d %s", query, r.Status, r.Raw)
			}
			return items[len(items)-1].(map[string]any)
		}
		after := func(it map[string]any) map[string]any {
			var m map[string]any
			if err := json.Unmarshal([]byte(it["after"].(string)), &m); err != nil {
				t.Fatalf("after of %v: %v", it, err)
			}
			return m
		}
		call := entry("entity=calls&action=create")
		var bands []gongzhi.FundingBand
		b, _ := json.Marshal(after(call)["bands"])
		if json.Unmarshal(b, &bands) != nil || len(bands) == 0 {
			t.Fatalf("the call's entry has no bands: %v", call)
		}
		app := entry("entity=applications&action=create")
		appCat, _ := after(app)["category_code"].(string)
		if catName[appCat] == "" {
			t.Fatalf("the application's entry has no known category: %v", app)
		}
		var past int
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM past_contracts`).Scan(&past); err != nil || past == 0 {
			t.Fatalf("past contracts of the demo: %d %v", past, err)
		}

		br := e.browser()
		if st, loc := br.login("admin-audit", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("audit administrator's sign-in: %d %s", st, loc)
		}
		trail := func(it map[string]any) string {
			t.Helper()
			st, page := br.get("/audit?" + url.Values{"entity": {it["entity"].(string)}, "entity_id": {it["entity_id"].(string)}}.Encode())
			if st != 200 {
				t.Fatalf("trail of %v: %d", it, st)
			}
			return pageWords(page)
		}
		if page, want := trail(call), "资助档次："+bands[0].Name+" "+web.OffYuan(bands[0].Min)+"–"+web.OffYuan(bands[0].Max); !strings.Contains(page, want) || strings.Contains(page, `"max"`) {
			t.Errorf("a call's bands do not read %q:\n%s", want, page)
		}
		if page, want := trail(app), "服务类别："+catName[appCat]; !strings.Contains(page, want) || strings.Contains(page, appCat) || strings.Contains(page, `{"amount"`) {
			t.Errorf("an application's category does not read %q:\n%s", want, page)
		}
		st, page := br.get("/audit?action=login_failed")
		if page = pageWords(page); st != 200 || !strings.Contains(page, "账号：gt-purchaser") || strings.Contains(page, "username=") {
			t.Errorf("a failed sign-in does not name its account in words: %d\n%s", st, page)
		}
		st, page = br.get("/audit?entity=past_contracts")
		if page = pageWords(page); st != 200 || !strings.Contains(page, "往年合同") || !strings.Contains(page, fmt.Sprintf("导入 %d 份往年合同", past)) ||
			strings.Contains(page, "past_contracts") || strings.Contains(page, " rows, ") {
			t.Errorf("the import of past contracts is not in words: %d\n%s", st, page)
		}
		st, page = br.get("/audit?entity=people&per_page=200")
		if page = pageWords(page); st != 200 || !strings.Contains(page, "性别：") || strings.Contains(page, "性别：male") || strings.Contains(page, "性别：female") ||
			strings.Contains(page, "social_work") || strings.Contains(page, "community_governance") {
			t.Errorf("people's sex and fields are not in words: %d", st)
		}
	})
}

// pageWords is a page's text without its tags, its spaces folded.
func pageWords(page string) string {
	return strings.Join(strings.Fields(tagRe.ReplaceAllString(page, " ")), " ")
}
