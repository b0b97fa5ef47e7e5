package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

func validCredit(prefix17 string) string { return prefix17 + string(gongzhi.CreditCodeCheck(prefix17)) }

func newOrg(name, code string) map[string]any {
	return map[string]any{"name": name, "credit_code": code, "type": "professional", "reg_state": "registered",
		"origin": "local", "place_code": demo.StreetCode, "service_fields": []string{"elderly"}, "staff": 5}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	doc := web.OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	documented := map[string]bool{}
	for p, ops := range paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range e.web.APIRoutes() {
		registered[r] = true
		if !documented[r] {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
	}
	for r := range documented {
		if !registered[r] {
			t.Errorf("the OpenAPI document describes %s, which is not a route", r)
		}
	}
	res := e.call("", "GET", "/api/openapi.json", nil)
	if res.Status != 200 || res.Body["openapi"] != "3.0.3" {
		t.Fatalf("openapi.json: %d", res.Status)
	}

	// every reference resolves; a refused field is a code and a message; a note lists its codes
	schemas := res.Body["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && schemas[strings.TrimPrefix(ref, "#/components/schemas/")] == nil {
				t.Errorf("unresolved reference %s", ref)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(res.Body)
	fields := schemas["Error"].(map[string]any)["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)["fields"].(map[string]any)
	fe := schemas["FieldError"].(map[string]any)
	if fields["additionalProperties"].(map[string]any)["$ref"] != "#/components/schemas/FieldError" || fmt.Sprint(fe["required"]) != "[code message]" {
		t.Errorf("Error schema: fields %v, FieldError %v", fields, fe)
	}
	note, _ := schemas["Note"].(map[string]any)
	if note == nil {
		t.Fatal("no Note schema")
	}
	enum := fmt.Sprint(note["properties"].(map[string]any)["code"].(map[string]any)["enum"])
	for code, kinds := range gongzhi.NoteCodes {
		if !strings.Contains(enum, " "+code+" ") && !strings.HasSuffix(enum, " "+code+"]") {
			t.Errorf("the Note schema lacks the code %s", code)
		}
		if !strings.Contains(note["description"].(string), code+"("+strings.Join(kinds, ", ")+")") {
			t.Errorf("the Note schema does not describe %s's arguments", code)
		}
	}
	if ref := schemas["StateChange"].(map[string]any)["properties"].(map[string]any)["note"].(map[string]any)["$ref"]; ref != "#/components/schemas/Note" {
		t.Errorf("a history line's note: %v", ref)
	}
}

func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tok := e.token("gt-purchaser")
		count := func() int {
			r := e.call(tok, "GET", "/api/v1/organizations?per_page=1", nil)
			return int(r.Body["total"].(float64))
		}
		before := count()
		good := validCredit("52320116MJ7777777")
		bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
		cases := []struct {
			name, method, path string
			body               any
			status             int
			code, field        string
			reason             string // the field's code: its reason's message key without the argument
		}{
			{"malformed JSON", "POST", "/api/v1/organizations", `{"name": "x",`, 422, "invalid", "body", "err.bad_json"},
			{"unknown field", "POST", "/api/v1/organizations", `{"name":"x","colour":"red"}`, 422, "invalid", "colour", "err.unknown_field"},
			{"wrong type", "POST", "/api/v1/organizations", `{"name":"x","staff":"many"}`, 422, "invalid", "staff", "err.wrong_type"},
			{"over-long text", "POST", "/api/v1/organizations", newOrgWith("name", strings.Repeat("长", 101), good), 422, "invalid", "name", "too_long"},
			{"bad credit code", "POST", "/api/v1/organizations", newOrg("错码组织", bad), 422, "invalid", "credit_code", "credit_code.check"},
			{"bad ID number", "POST", "/api/v1/people", map[string]any{"kind": "resident", "name": "张三", "id_number": "110105194912310021", "place_code": demo.ZhongshanCode}, 422, "invalid", "id_number", "id_number.check"},
			{"parent mismatch", "POST", "/api/v1/places", map[string]any{"code": "320116005009", "name": "错社区", "parent_code": demo.StreetCode}, 422, "invalid", "parent_code", "place.parent_prefix"},
			{"two JSON values", "POST", "/api/v1/organizations", `{"name":"x"} {"name":"y"}`, 422, "invalid", "body", "err.bad_json"},
			{"page too deep", "GET", "/api/v1/people?page=102", nil, 422, "invalid", "page", "err.page_deep"},
			{"bad cursor", "GET", "/api/v1/people?after=not-a-cursor", nil, 422, "invalid", "after", "err.cursor"},
			{"not found", "GET", "/api/v1/organizations/999999", nil, 404, "not_found", "", ""},
			{"no token", "GET", "/api/v1/organizations", nil, 401, "unauthorized", "", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tk := tok
				if tc.code == "unauthorized" {
					tk = ""
				}
				r := e.call(tk, tc.method, tc.path, tc.body)
				code, fields := errOf(r)
				if r.Status != tc.status || code != tc.code {
					t.Fatalf("status %d code %q, want %d %q: %s", r.Status, code, tc.status, tc.code, r.Raw)
				}
				if f, ok := fields[tc.field]; tc.field != "" && (!ok || f.Code != tc.reason || !fieldAgrees(f)) {
					t.Fatalf("field %q: want the code %q and its message, got %s", tc.field, tc.reason, r.Raw)
				}
				if msg, _ := r.Body["error"].(map[string]any)["message"].(string); msg == "" {
					t.Fatalf("no message: %s", r.Raw)
				}
			})
		}
		if after := count(); after != before {
			t.Fatalf("bad input wrote organizations: %d → %d", before, after)
		}

		// a good one, then the same credit code again
		r := e.call(tok, "POST", "/api/v1/organizations", newOrg("新组织", good))
		if r.Status != 201 || r.Body["credit_code"] != good {
			t.Fatalf("create: %d %s", r.Status, r.Raw)
		}
		r = e.call(tok, "POST", "/api/v1/organizations", newOrg("另一个组织", strings.ToLower(good)))
		if code, fields := errOf(r); r.Status != 409 || code != "conflict" || fields["credit_code"].Code != "credit_code.taken" || !fieldAgrees(fields["credit_code"]) {
			t.Fatalf("duplicate credit code: %d %s", r.Status, r.Raw)
		}
		if count() != before+1 {
			t.Fatalf("duplicate wrote a row")
		}
		// English on request
		req := e.call(tok, "POST", "/api/v1/organizations", newOrg("x", bad))
		if _, f := errOf(req); !strings.Contains(f["credit_code"].Message, "校验位") || !fieldAgrees(f["credit_code"]) {
			t.Fatalf("reason not in Chinese: %s", req.Raw)
		}
	})
}

func newOrgWith(k, v, code string) map[string]any {
	o := newOrg("x", code)
	o[k] = v
	return o
}

func TestScopeLooksLikeMissing(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		other := e.user("gt-provider2").OrgID
		own := e.user("gt-provider").OrgID
		tok := e.token("gt-provider")
		list := e.call(tok, "GET", "/api/v1/organizations", nil)
		if list.Body["total"].(float64) != 1 {
			t.Fatalf("provider sees %v organizations", list.Body["total"])
		}
		if r := e.call(tok, "GET", fmt.Sprintf("/api/v1/organizations/%d", own), nil); r.Status != 200 {
			t.Fatalf("own org: %d", r.Status)
		}
		hidden := e.call(tok, "GET", fmt.Sprintf("/api/v1/organizations/%d", other), nil)
		missing := e.call(tok, "GET", "/api/v1/organizations/999999", nil)
		if hidden.Status != 404 || string(hidden.Raw) != string(missing.Raw) {
			t.Fatalf("out of scope %d %s vs missing %s", hidden.Status, hidden.Raw, missing.Raw)
		}
		if r := e.call(tok, "PUT", fmt.Sprintf("/api/v1/organizations/%d", other), newOrg("劫持", "")); r.Status != 404 {
			t.Fatalf("update other org: %d %s", r.Status, r.Raw)
		}
		// the street purchaser does not see the neighbouring street's organizations
		ptok := e.token("gt-purchaser")
		var neighbour int64
		db.Q().ListOrganizations(ctx, store.Scope{Prefix: "320116005"}, store.ListOptions{Limit: 1}, func(o *gongzhi.Organization) error {
			neighbour = o.ID
			return nil
		})
		if neighbour == 0 {
			t.Fatal("demo has no organization on the neighbouring street")
		}
		if r := e.call(ptok, "GET", fmt.Sprintf("/api/v1/organizations/%d", neighbour), nil); r.Status != 404 {
			t.Fatalf("neighbour visible: %d", r.Status)
		}
		if r := e.call(ptok, "GET", "/api/v1/places/320116005000", nil); r.Status != 404 {
			t.Fatalf("neighbour place visible: %d", r.Status)
		}
		// administrators see no registry data; the audit log is the audit administrator's alone
		if r := e.call(e.token("admin-sys"), "GET", "/api/v1/organizations", nil); r.Status != 403 {
			t.Fatalf("sysadmin reads organizations: %d", r.Status)
		}
		if r := e.call(ptok, "GET", "/api/v1/audit", nil); r.Status != 403 {
			t.Fatalf("purchaser reads audit: %d", r.Status)
		}
		if r := e.call(e.token("admin-audit"), "GET", "/api/v1/audit?per_page=5", nil); r.Status != 200 || r.Body["total"].(float64) == 0 {
			t.Fatalf("audit admin: %d %s", r.Status, r.Raw)
		}
	})
}

func TestIDNumbersMaskedAndRevealAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	tok := e.token("zs-community")
	r := e.call(tok, "GET", "/api/v1/people?kind=resident&per_page=1", nil)
	items := r.Body["items"].([]any)
	p := items[0].(map[string]any)
	masked := p["id_masked"].(string)
	if !strings.Contains(masked, "*******") || p["id_number"] != nil {
		t.Fatalf("list shows %v", p)
	}
	id := int64(p["id"].(float64))
	rev := e.call(tok, "POST", fmt.Sprintf("/api/v1/people/%d/reveal", id), nil)
	full, _ := rev.Body["id_number"].(string)
	if rev.Status != 200 || len(full) != 18 || full[:3] != masked[:3] || full[14:] != masked[14:] {
		t.Fatalf("reveal: %d %s", rev.Status, rev.Raw)
	}
	// the purchaser may not reveal
	if r := e.call(e.token("gt-purchaser"), "POST", fmt.Sprintf("/api/v1/people/%d/reveal", id), nil); r.Status != 403 {
		t.Fatalf("purchaser reveal: %d", r.Status)
	}
	// lookup by full ID number works through the keyed hash
	if r := e.call(tok, "GET", "/api/v1/people?id_number="+full, nil); r.Body["total"].(float64) != 1 {
		t.Fatalf("lookup by ID: %s", r.Raw)
	}
	audit := e.call(e.token("admin-audit"), "GET", "/api/v1/audit?action=view_sensitive", nil)
	if audit.Body["total"].(float64) != 1 {
		t.Fatalf("view not audited: %s", audit.Raw)
	}
	// the plain number is nowhere in the database
	var n int
	e.app.DB.Q().QueryRow(context.Background(), `SELECT COUNT(*) FROM people WHERE id_enc LIKE ? OR id_masked = ?`, "%"+full+"%", full).Scan(&n)
	if n != 0 {
		t.Fatal("plain ID number stored")
	}
	var auditHits int
	e.app.DB.Q().QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE before LIKE ? OR after LIKE ?`, "%"+full+"%", "%"+full+"%").Scan(&auditHits)
	if auditHits != 0 {
		t.Fatal("plain ID number in the audit log")
	}
}

func TestLoginLockoutAndForcedChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	b := e.browser()
	for i := 0; i < 5; i++ {
		if st, _ := b.login("gt-hub", "wrong password"); st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: %d", i, st)
		}
	}
	if st, body := b.login("gt-hub", demo.Password); st != http.StatusTooManyRequests || !strings.Contains(body, "锁定") {
		t.Fatalf("locked account signed in: %d", st)
	}
	// a fresh demo account must change its password before anything else
	b2 := e.browser()
	st, loc := b2.login("gt-purchaser", demo.Password)
	if st != http.StatusSeeOther || loc != "/password" {
		t.Fatalf("login: %d %s", st, loc)
	}
	if st, loc := b2.get("/organizations"); st != http.StatusSeeOther || loc != "/password" {
		t.Fatalf("unchanged password reached the registry: %d %s", st, loc)
	}
	tokCSRF := b2.csrf("/password")
	st, body := b2.post("/password", url.Values{"csrf": {tokCSRF}, "current": {demo.Password}, "password": {"short"}, "confirm": {"short"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "至少 10 位") {
		t.Fatalf("weak password accepted: %d", st)
	}
	st, loc = b2.post("/password", url.Values{"csrf": {tokCSRF}, "current": {demo.Password}, "password": {"Neues-Passwort-77"}, "confirm": {"Neues-Passwort-77"}})
	if st != http.StatusSeeOther || loc != "/" {
		t.Fatalf("change: %d %s", st, loc)
	}
	if st, page := b2.get("/organizations"); st != 200 || !strings.Contains(page, "同心") {
		t.Fatalf("organizations after change: %d", st)
	}
	// a form without its CSRF token is refused
	if st, _ := b2.post("/organizations/new", url.Values{"name": {"x"}}); st != http.StatusForbidden {
		t.Fatalf("POST without csrf: %d", st)
	}
}

func TestEveryPageRendersForEveryRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	pages := []string{"/", "/organizations", "/organizations/new", "/organizations/import", "/people", "/people/new", "/people/import",
		"/places", "/places/" + demo.StreetCode, "/places/new", "/grids", "/grids/new", "/households", "/households/new", "/target-groups",
		"/tokens", "/users", "/users/new", "/audit", "/audit/export", "/security/alarms", "/password", "/people?kind=resident&sort=name&desc=1", "/households?sort=address",
		"/places?sort=name", "/users?sort=username", "/organizations?sort=name&page=2", "/lang?to=en&next=/organizations"}
	for _, acc := range []string{"gt-purchaser", "gt-hub", "gt-provider", "zs-community", "zs-grid", "gt-socialworker", "gt-expert",
		"zs-resident", "gt-auditor", "admin-sys", "admin-sec", "admin-audit"} {
		e.user(acc)
		b := e.browser()
		if st, loc := b.login(acc, demo.Password); st != http.StatusSeeOther {
			t.Fatalf("%s login: %d %s", acc, st, loc)
		}
		for _, p := range pages {
			st, body := b.get(p)
			if st >= 500 {
				t.Errorf("%s GET %s: %d", acc, p, st)
			}
			if st == 200 {
				text := tagRe.ReplaceAllString(body, "\n")
				if m := messageKeyRe.FindStringSubmatch(text); m != nil {
					t.Errorf("%s GET %s shows the untranslated key %q", acc, p, m[1])
				}
			}
		}
	}
}

func TestUIFormErrorsBesideFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	e.user("gt-purchaser")
	b := e.browser()
	b.login("gt-purchaser", demo.Password)
	tok := b.csrf("/organizations/new")
	good := validCredit("52320116MJ5555555")
	bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
	form := url.Values{"csrf": {tok}, "name": {"葛塘测试社工站"}, "credit_code": {bad}, "type": {"professional"}, "reg_state": {"registered"},
		"origin": {"local"}, "place_code": {demo.StreetCode}, "staff": {"3"}}
	st, body := b.post("/organizations/new", form)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad code: %d", st)
	}
	// the summary at the top names the field and links to it; the field shows the reason itself
	sum := strings.Index(body, `id="error-summary"`)
	i := strings.Index(body, `id="field-credit_code"`)
	if sum < 0 || i < sum || !strings.Contains(body[sum:i], `<a href="#in-credit_code">`) || !strings.Contains(body[sum:i], "校验位错误") {
		t.Fatal("the error summary does not name and link the credit code field above the form")
	}
	j := strings.Index(body[i:], "校验位错误")
	if i < 0 || j < 0 || strings.Contains(body[i:i+j], `class="field `) || !strings.Contains(body, `value="葛塘测试社工站"`) {
		t.Fatal("the error is not beside the credit code field, or the typed values were lost")
	}
	form.Set("credit_code", good)
	st, loc := b.post("/organizations/new", form)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/organizations/") {
		t.Fatalf("good code: %d %s", st, loc)
	}
	if _, page := b.get(loc); !strings.Contains(page, good) || !strings.Contains(page, "变更记录") {
		t.Fatal("detail page lacks the record or its history")
	}
	// excel export contains it
	res, err := b.c.Get(e.srv.URL + "/organizations/export.xlsx?q=" + url.QueryEscape("葛塘测试"))
	if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %v %v", err, res)
	}
	res.Body.Close()
}

func TestImportRefusesNonExcelAndOversize(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	tok := e.token("gt-purchaser")
	upload := func(content []byte) apiResp {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "orgs.xlsx")
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/organizations/import", &buf)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out apiResp
		out.Status = res.StatusCode
		buf.Reset()
		buf.ReadFrom(res.Body)
		out.Raw = buf.Bytes()
		return out
	}
	if r := upload([]byte("name,credit_code\n这不是 Excel,1\n")); r.Status != 422 || !strings.Contains(string(r.Raw), "Excel") {
		t.Fatalf("text as xlsx: %d %s", r.Status, r.Raw)
	}
	if r := upload(bytes.Repeat([]byte("x"), 2<<20)); r.Status != 413 {
		t.Fatalf("oversized: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "GET", "/api/v1/organizations/import-template.xlsx", nil); r.Status != 200 || !slices.Contains([]string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, r.Header.Get("Content-Type")) {
		t.Fatalf("template: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	if r := e.call("", "GET", "/healthz", nil); r.Status != 200 || r.Body["status"] != "ok" {
		t.Fatalf("healthz: %d %s", r.Status, r.Raw)
	}
	r := e.call("", "GET", "/metrics", nil)
	if r.Status != 200 || !strings.Contains(string(r.Raw), "gongzhi_http_requests_total") {
		t.Fatalf("metrics: %d", r.Status)
	}
}

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	box, _ := secret.NewBox(secret.Random(32))
	log := slog.New(statusLog{})
	a := app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, log)
	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.Handler())
	defer srv.Close()
	e := &env{t: t, app: a, srv: srv, web: ws}
	b := e.browser()
	if st, loc := b.get("/login"); st != http.StatusSeeOther || loc != "/setup" {
		t.Fatalf("fresh instance: %d %s", st, loc)
	}
	// the setup form is public (there is no session yet); cross-origin protection guards it
	st, body := b.post("/setup", url.Values{"prefix": {"office"}})
	if st != 200 || !strings.Contains(body, "office-sys") || !strings.Contains(body, "office-audit") {
		t.Fatalf("setup: %d", st)
	}
	pw := regexp.MustCompile(`<code>office-sec</code></td><td>[^<]+</td><td><code>([^<]+)</code>`).FindStringSubmatch(body)
	if pw == nil {
		t.Fatal("no one-time password shown")
	}
	if st, _ := b.post("/setup", url.Values{"prefix": {"again"}}); st != http.StatusConflict {
		t.Fatalf("second setup: %d", st)
	}
	if st, loc := b.login("office-sec", pw[1]); st != http.StatusSeeOther || loc != "/password" {
		t.Fatalf("first sign-in: %d %s", st, loc)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader("username=gt-purchaser&password="+url.QueryEscape(demo.Password)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login post: %d", res.StatusCode)
	}
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// messageKeyRe matches a message key shown as it is, which is what T does with a key it does
// not know: "org.grade.4A".
var messageKeyRe = regexp.MustCompile(`(?:^|[^\w@./-])((?:` + strings.Join(append(web.MessagePrefixes(), "app", "nav", "action", "list", "detail",
	"history", "form", "login", "password", "setup", "user", "token", "role", "place", "grid", "household", "org", "person", "field",
	"target_group", "audit", "todo", "err", "credit_code", "id_number", "phone", "email", "date", "import"), "|") + `)\.[A-Za-z0-9_.]*[A-Za-z0-9_])`)

// TestReasonCode checks the stable code of a field's reason: its message key, argument dropped.
func TestReasonCode(t *testing.T) {
	t.Parallel()
	for reason, want := range map[string]string{
		"required": "required", "state.illegal:open": "state.illegal", "budget.insufficient:20,000.00": "budget.insufficient",
		"range:1-50": "range", "personal.name:张三": "personal.name", "not a key": "not a key",
	} {
		if got := web.ReasonCode(reason); got != want {
			t.Errorf("ReasonCode(%q) = %q, want %q", reason, got, want)
		}
		if f := web.FieldErrorOf("en", reason); f.Code != want || f.Message != web.T("en", reason) {
			t.Errorf("FieldErrorOf(%q) = %+v", reason, f)
		}
	}
}
