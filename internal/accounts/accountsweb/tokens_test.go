package accountsweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/web"
)

// jsonDo sends a JSON body (nil: none) with a bearer token (if any) and decodes the answer.
func (e *env) jsonDo(method, path, tok string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	c, _ := e["code"].(string)
	return c + " " + s
}

func fieldCode(m map[string]any, field string) string {
	e, _ := m["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	x, _ := f[field].(map[string]any)
	s, _ := x["code"].(string)
	return s
}

// A token's scope bounds every API request: a read token is refused on every write route of the
// API (whatever its account's role), sees only itself among the tokens and may revoke itself; a
// write token writes but makes no token; a full token makes tokens no wider and no longer-lived
// than itself; a revoked token is refused with 401.
func TestTokenScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, kernel.Config{})
		ctx := context.Background()
		u := e.user("integrator", gongzhi.RolePurchaser)
		issue := func(scope string, days int) (int64, string) {
			t.Helper()
			tk, text, err := e.app.IssueToken(ctx, &gongzhi.Actor{User: u}, accounts.TokenSpec{Name: scope, Days: days, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			if tk.Scope != scope || tk.ExpiresAt.IsZero() {
				t.Fatalf("issued %+v", tk)
			}
			return tk.ID, text
		}
		readID, read := issue(gongzhi.TokenRead, 30)
		_, write := issue(gongzhi.TokenWrite, 30)
		_, full := issue(gongzhi.TokenFull, 10)

		// reads answer; every other method of every API route is refused before its handler
		if st, m := e.jsonDo("GET", "/api/v1/me", read, nil); st != 200 {
			t.Fatalf("read token GET /me: %d %v", st, m)
		}
		writes := 0
		for _, route := range e.routes() {
			method, path, _ := strings.Cut(route, " ")
			if method == "GET" || method == "HEAD" || strings.HasPrefix(path, "/api/v1/public/") || path == "/api/v1/auth/token" {
				continue
			}
			writes++
			st, m := e.jsonDo(method, fillPath(path), read, map[string]any{})
			if st != http.StatusForbidden || errCode(m) != "forbidden "+web.T("zh-CN", "err.token_read_only") {
				t.Errorf("read token on %s: %d %s", route, st, errCode(m))
			}
		}
		if writes < 50 {
			t.Fatalf("only %d write routes checked", writes)
		}
		// a read token lists only itself
		st, m := e.jsonDo("GET", "/api/v1/tokens", read, nil)
		if items, _ := m["items"].([]any); st != 200 || len(items) != 1 {
			t.Fatalf("read token's list: %d %v", st, m)
		}
		// a write token writes (as its role may) but makes no token
		if st, m := e.jsonDo("POST", "/api/v1/tokens", write, map[string]any{"name": "x", "days": 1, "scope": "read"}); st != http.StatusForbidden {
			t.Fatalf("write token made a token: %d %v", st, m)
		}
		// a full token makes a narrower token, but none that outlives it
		if st, m := e.jsonDo("POST", "/api/v1/tokens", full, map[string]any{"name": "feed", "days": 30, "scope": "read"}); st != http.StatusUnprocessableEntity || fieldCode(m, "days") != "token.outlives" {
			t.Fatalf("longer-lived token: %d %v", st, m)
		}
		if st, m := e.jsonDo("POST", "/api/v1/tokens", full, map[string]any{"name": "feed", "days": 5, "scope": "admin"}); st != http.StatusUnprocessableEntity || fieldCode(m, "scope") != "token.scope" {
			t.Fatalf("unknown scope: %d %v", st, m)
		}
		st, m = e.jsonDo("POST", "/api/v1/tokens", full, map[string]any{"name": "feed", "days": 5, "scope": "read"})
		child, _ := m["token"].(map[string]any)
		secret, _ := m["secret"].(string)
		if st != 201 || child["scope"] != "read" || !strings.HasPrefix(secret, "gz_") {
			t.Fatalf("full token made a read token: %d %v", st, m)
		}
		// an expiry is required
		if st, m := e.jsonDo("POST", "/api/v1/tokens", full, map[string]any{"name": "forever", "days": 0, "scope": "read"}); st != http.StatusUnprocessableEntity || fieldCode(m, "days") != "range" {
			t.Fatalf("token without expiry: %d %v", st, m)
		}
		// the secret never appears in a list
		st, m = e.jsonDo("GET", "/api/v1/tokens", full, nil)
		raw, _ := json.Marshal(m)
		if st != 200 || strings.Contains(string(raw), secret) || strings.Contains(string(raw), "hash") {
			t.Fatalf("list shows a secret: %s", raw)
		}
		// a read token revokes itself with DELETE and is refused afterwards
		if st, m := e.jsonDo("DELETE", fmt.Sprintf("/api/v1/tokens/%d", readID), read, nil); st != http.StatusForbidden {
			t.Fatalf("DELETE by a read token is a write: %d %v", st, m)
		}
		if st, m := e.jsonDo("DELETE", fmt.Sprintf("/api/v1/tokens/%d", readID), full, nil); st != http.StatusNoContent {
			t.Fatalf("revoke: %d %v", st, m)
		}
		if st, _ := e.jsonDo("GET", "/api/v1/me", read, nil); st != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", st)
		}
		// a session has the full scope; the revocation is in the audit log
		n := 0
		if _, err := e.app.DB.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"entity": "api_tokens", "action": "revoke"}, Limit: 10}, func(*gongzhi.AuditEntry) error { n++; return nil }); err != nil || n != 1 {
			t.Fatalf("revocations audited: %d %v", n, err)
		}
	})
}

// apiPaths is the paths of the served OpenAPI document.
func (e *env) apiPaths() map[string]any {
	e.t.Helper()
	st, doc := e.jsonDo("GET", "/api/openapi.json", "", nil)
	paths, ok := doc["paths"].(map[string]any)
	if st != 200 || !ok {
		e.t.Fatalf("openapi.json: %d", st)
	}
	return paths
}

// routes lists the API routes of the site.
func (e *env) routes() []string {
	var out []string
	for p, ops := range e.apiPaths() {
		for m := range ops.(map[string]any) {
			out = append(out, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(out)
	return out
}

var param = regexp.MustCompile(`\{[a-z_]+\}`)

func fillPath(p string) string { return param.ReplaceAllString(p, "1") }

// The OpenAPI document's public operations (no security) answer a caller without an account or
// token, and every other operation refuses it with 401.
func TestPublicFlagMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t), kernel.Config{})
	paths := e.apiPaths()
	noAccount := "unauthorized " + web.T("zh-CN", "err.unauthorized")
	public := 0
	for p, ops := range paths {
		for m, op := range ops.(map[string]any) {
			sec, _ := op.(map[string]any)["security"].([]any)
			var body any
			if m != "get" {
				body = map[string]any{}
			}
			st, res := e.jsonDo(strings.ToUpper(m), fillPath(p), "", body)
			if len(sec) == 0 {
				public++
				if errCode(res) == noAccount || st == http.StatusForbidden {
					t.Errorf("public %s %s refused without an account: %d %s", m, p, st, errCode(res))
				}
			} else if st != http.StatusUnauthorized || errCode(res) != noAccount {
				t.Errorf("%s %s answered %d without an account; the document says it needs one", m, p, st)
			}
		}
	}
	for _, p := range []string{"/api/v1/public/reports/funding", "/api/v1/public/reports/needs-answered", "/api/v1/auth/token"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("%s is not documented", p)
		}
	}
	if public < 10 {
		t.Fatalf("only %d public operations", public)
	}
}

// POST /api/v1/auth/token gives a first token for an account's credentials: a wrong password is
// refused like a sign-in (and counts toward the lockout), an account that must change its
// password or enrol a second factor is told so, and the token made works.
func TestPasswordToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, kernel.Config{})
		e.user("feeder", gongzhi.RoleHub)
		e.user("ops-sec", gongzhi.RoleSecAdmin)
		req := map[string]any{"username": "feeder", "password": "wrong-Password-1", "name": "feed", "days": 30, "scope": "read"}
		if st, m := e.jsonDo("POST", "/api/v1/auth/token", "", req); st != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d %v", st, m)
		}
		u, _, err := e.app.DB.Q().UserByUsername(context.Background(), "feeder")
		if err != nil || u.FailedLogins != 1 {
			t.Fatalf("failure not counted: %+v %v", u, err)
		}
		req["password"] = pw
		st, m := e.jsonDo("POST", "/api/v1/auth/token", "", req)
		secret, _ := m["secret"].(string)
		if st != http.StatusCreated || secret == "" {
			t.Fatalf("token for credentials: %d %v", st, m)
		}
		if st, m := e.jsonDo("GET", "/api/v1/me", secret, nil); st != 200 {
			t.Fatalf("token made by password: %d %v", st, m)
		}
		if st, m := e.jsonDo("POST", "/api/v1/organizations", secret, map[string]any{"name": "x"}); st != http.StatusForbidden {
			t.Fatalf("read token wrote: %d %v", st, m)
		}
		// a missing expiry is refused, naming the field
		req["days"] = 0
		if st, m := e.jsonDo("POST", "/api/v1/auth/token", "", req); st != http.StatusUnprocessableEntity || fieldCode(m, "days") != "range" {
			t.Fatalf("no expiry: %d %v", st, m)
		}
		// an administrator needs two factors: set them up in the pages first
		req2 := map[string]any{"username": "ops-sec", "password": pw, "name": "x", "days": 1}
		if st, m := e.jsonDo("POST", "/api/v1/auth/token", "", req2); st != http.StatusForbidden || errCode(m) != "forbidden "+web.T("zh-CN", "err.totp_enrol_first") {
			t.Fatalf("administrator without a second factor: %d %v", st, m)
		}
	})
}
