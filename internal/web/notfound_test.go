package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest/demodb"
)

// A path no route serves gets the error page in the UI's language, with the menu for a signed-in
// account and a link home; under /api/ it gets the API's error body. A path served for other
// methods answers 405 and names them.
func TestUnknownPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	raw := func(method, path, tok string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}

	// signed out: the page, no menu
	res, body := raw("GET", "/no/such/page", "")
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("signed out: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"<title>页面不存在 · ", "没有这个页面", `<a href="/" class="button">`, `<a class="lang" href="/public/disclosure">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the signed-out 404 page lacks %q", want)
		}
	}
	if strings.Contains(body, `class="menu"`) || strings.Contains(body, "404 page not found") {
		t.Error("the signed-out 404 page shows a menu or Go's plain text")
	}

	// signed in, in Chinese and in English: the layout with the menu
	b := e.browser()
	e.user("gt-purchaser")
	if st, loc := b.login("gt-purchaser", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("login: %d %s", st, loc)
	}
	st, body := b.get("/organizations/1/no-such-tab")
	if st != http.StatusNotFound || !strings.Contains(body, `<nav class="menu"`) || !strings.Contains(body, "没有这个页面") || !strings.Contains(body, `href="/logout"`) && !strings.Contains(body, `action="/logout"`) {
		t.Fatalf("signed in: %d", st)
	}
	b.get("/lang?to=en&next=/")
	if st, body := b.get("/nope"); st != http.StatusNotFound || !strings.Contains(body, "There is no such page") || !strings.Contains(body, "<title>No such page · ") {
		t.Fatalf("in English: %d", st)
	}

	// the API: the JSON error body, with or without a token
	tok := e.token("gt-purchaser")
	for _, tk := range []string{"", tok} {
		r := e.call(tk, "GET", "/api/v1/no-such-thing", nil)
		if c, _ := errOf(r); r.Status != http.StatusNotFound || c != "not_found" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("API unknown path (token %v): %d %s", tk != "", r.Status, r.Raw)
		}
	}

	// another method: 405 naming the allowed ones
	r := e.call(tok, "DELETE", "/api/v1/holidays", nil)
	if c, _ := errOf(r); r.Status != http.StatusMethodNotAllowed || c != "method" || !strings.Contains(r.Header.Get("Allow"), "GET") {
		t.Fatalf("API wrong method: %d %s allow %q", r.Status, r.Raw, r.Header.Get("Allow"))
	}
	res, body = raw("PUT", "/calendar", "")
	if res.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(res.Header.Get("Allow"), "POST") || !strings.Contains(body, "不支持的请求方法") {
		t.Fatalf("UI wrong method: %d allow %q", res.StatusCode, res.Header.Get("Allow"))
	}

	// routes still answer
	if st, _ := b.get("/calendar"); st != http.StatusOK {
		t.Errorf("a known page: %d", st)
	}
	if res, _ := raw("GET", "/healthz", ""); res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}
}
