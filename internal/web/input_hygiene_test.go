package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Text that no one types is refused, field by field, by the pages and the API alike: control
// characters (BEL, ESC; CR/LF in one-line fields, while multi-line fields keep newlines and tabs),
// bidirectional overrides and isolates, and invalid UTF-8 (never turned into U+FFFD); dates
// outside 1900–2100; and a body sent to an action that takes none. Nothing is written.
func TestInputHygiene(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		needs := func() int {
			n := 0
			db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM needs`).Scan(&n)
			return n
		}
		before := needs()
		need := func(name, desc string) map[string]any {
			return map[string]any{"community_code": demo.ZhongshanCode, "target_group": "elderly", "category_code": "community_social_work",
				"people_affected": 12, "description": desc, "contact_name": name, "contact_phone": "13800001111"}
		}
		refused := func(what string, r apiResp, status int, field, reason string) {
			t.Helper()
			code, fields := errOf(r)
			if r.Status != status || code == "" || !fieldIs(fields[field], "zh-CN", reason) {
				t.Errorf("%s: %d %s, want %d with %s: %s", what, r.Status, r.Raw, status, field, reason)
			}
		}
		for _, c := range []struct{ what, name, desc, field, reason string }{
			{"BEL in a name", "钱\a先生", "需要儿童课后托管", "contact_name", "control_char"},
			{"ESC in a name", "钱先生\x1b[31m", "需要儿童课后托管", "contact_name", "control_char"},
			{"a line break in a name", "钱先生\r\n管理员", "需要儿童课后托管", "contact_name", "control_char"},
			{"a right-to-left override in a name", "钱先生\u202egnp.exe", "需要儿童课后托管", "contact_name", "bidi_char"},
			{"an isolate in a name", "钱\u2066先生", "需要儿童课后托管", "contact_name", "bidi_char"},
			{"BEL in a description", "钱先生", "需要\a儿童课后托管", "description", "control_char"},
			{"C1 in a description", "钱先生", "需要\u009b儿童课后托管", "description", "control_char"},
		} {
			refused(c.what, f.e.call("", "POST", "/api/v1/public/needs", need(c.name, c.desc)), http.StatusUnprocessableEntity, c.field, c.reason)
		}
		// invalid UTF-8 in a JSON string: refused, naming the field
		raw := `{"community_code":"` + demo.ZhongshanCode + `","target_group":"elderly","category_code":"community_social_work","people_affected":12,` +
			"\"description\":\"需要\xff\xfe托管\",\"contact_name\":\"钱先生\",\"contact_phone\":\"13800001111\"}"
		refused("invalid UTF-8 (API)", f.e.call("", "POST", "/api/v1/public/needs", raw), http.StatusUnprocessableEntity, "description", "bad_utf8")
		if n := needs(); n != before {
			t.Fatalf("refused needs were written: %d → %d", before, n)
		}
		// a multi-line field keeps its lines and tabs
		if r := f.e.call("", "POST", "/api/v1/public/needs", need("钱先生", "需要儿童课后托管：\n\t周一至周五\r\n\t放学后")); r.Status != 201 {
			t.Fatalf("a description of several lines: %d %s", r.Status, r.Raw)
		}

		// the page's form: the same refusals beside the fields
		anon := f.e.browser()
		form := url.Values{"community_code": {demo.ZhongshanCode}, "target_group": {"elderly"}, "category_code": {"elderly_home_care"},
			"people_affected": {"30"}, "description": {"希望有上门助浴服务。"}, "contact_name": {"赵阿姨"}, "contact_phone": {"13912345678"}}
		for _, c := range []struct{ field, value, reason string }{
			{"contact_name", "赵阿姨\r\n李阿姨", "control_char"},
			{"contact_name", "赵\u202e阿姨", "bidi_char"},
			{"description", "希望有\x07上门助浴服务。", "control_char"},
			{"description", "希望有\xff上门助浴服务。", "bad_utf8"},
		} {
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set(c.field, c.value)
			st, page := anon.post("/public/needs", bad)
			if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-`+c.field+`"`) {
				t.Errorf("the needs form with %q in %s: %d", c.value, c.field, st)
			}
		}
		if n := needs(); n != before+1 {
			t.Fatalf("refused forms wrote needs: %d → %d", before+1, n)
		}

		// an action that takes no body refuses one, and does nothing
		tok := f.e.token("gt-provider")
		r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "卫生清洁服务", 30000))
		if r.Status != 201 {
			t.Fatalf("create application: %d %s", r.Status, r.Raw)
		}
		id := int64(r.Body["id"].(float64))
		submit := fmt.Sprintf("/api/v1/applications/%d/submit", id)
		for _, body := range []string{"garbage", `{"state":"awarded"}`, "[1,2,3]"} {
			refused("a body sent to submit", f.e.call(tok, "POST", submit, body), http.StatusBadRequest, "body", "err.body_not_allowed")
		}
		if r := f.e.call(tok, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil); r.Body["state"] != "draft" {
			t.Fatalf("a refused submit changed the application: %s", r.Raw)
		}
		if r := f.e.call(tok, "POST", submit, "{}"); r.Status != 200 || r.Body["state"] != "submitted" {
			t.Fatalf("submit with an empty object: %d %s", r.Status, r.Raw)
		}
		// an action whose body is optional refuses garbage as bad JSON
		refused("garbage sent to withdraw", f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", id), "\x00\x01junk"),
			http.StatusUnprocessableEntity, "body", "err.bad_json")

		// dates: a meeting on 9999-12-31 is refused, by the API and by the form
		meetings := func() (n int) {
			db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM meetings`).Scan(&n)
			return n
		}
		had := meetings()
		htok := f.e.token("gt-hub")
		meeting := map[string]any{"date": "9999-12-31", "title": "联席会议", "venue": "街道会议室", "minutes": "通报督导情况"}
		refused("a meeting in 9999", f.e.call(htok, "POST", "/api/v1/meetings", meeting), http.StatusUnprocessableEntity, "date", "date.format")
		meeting["date"], meeting["title"] = "2027-01-08", "联席\n会议"
		refused("a meeting title of two lines", f.e.call(htok, "POST", "/api/v1/meetings", meeting), http.StatusUnprocessableEntity, "title", "control_char")
		hub := f.signedIn("gt-hub")
		form = url.Values{"date": {"1899-12-31"}, "title": {"一月联席会议"}, "venue": {"街道会议室"}, "minutes": {"通报督导情况"}}
		form.Set("csrf", hub.csrf("/meetings/new"))
		if st, page := hub.post("/meetings", form); st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-date"`) {
			t.Errorf("the meeting form dated 1899: %d", st)
		}
		if n := meetings(); n != had {
			t.Fatalf("refused meetings were written: %d → %d", had, n)
		}
	})
}
