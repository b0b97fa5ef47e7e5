package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// env is a running Gongzhi with the demo street, for HTTP tests.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
	web *web.Server
}

// newEnv starts a Gongzhi over db, a copy of the demo street (demodb.SQLite, demodb.Each), with
// the key and the configuration the street was seeded with.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	log := slog.New(statusLog{}) // keeps the API's success statuses for TestMain (statuses_test.go)
	a := app.New(db, demodb.Box(), demodb.Config, log)
	ws, err := site.New(a, log, web.Options{MaxUpload: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, srv: srv, web: ws}
}

// user returns a demo account with its initial password already changed.
func (e *env) user(name string) *gongzhi.User {
	e.t.Helper()
	ctx := context.Background()
	u, _, err := e.app.DB.Q().UserByUsername(ctx, name)
	if err != nil {
		e.t.Fatalf("user %s: %v", name, err)
	}
	if u.MustChangePassword {
		if err := e.app.DB.Q().SetPassword(ctx, u.ID, e.app.Cfg.Argon2.HashPassword(demo.Password), false, e.app.Now()); err != nil {
			e.t.Fatal(err)
		}
		u.MustChangePassword = false
	}
	return u
}

// token returns an API token acting as a demo account.
func (e *env) token(name string) string {
	e.t.Helper()
	u := e.user(name)
	ac := &gongzhi.Actor{User: u, Via: "test"}
	if err := e.app.ScopeFor(context.Background(), ac); err != nil {
		e.t.Fatal(err)
	}
	_, tok, err := e.app.CreateToken(context.Background(), ac, "test-"+rand.Text()[:10], 1)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type apiResp struct {
	Status int
	Body   map[string]any
	Raw    []byte
	Header http.Header
}

// call sends an API request with a bearer token; body may be a string (sent raw) or a value.
func (e *env) call(tok, method, path string, body any) apiResp {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResp{Status: res.StatusCode, Raw: raw, Header: res.Header}
	json.Unmarshal(raw, &out.Body)
	return out
}

// apiField is why the API refused a field: its stable code and its translated message.
type apiField struct{ Code, Message string }

// errOf returns the error object of an API response: its code and, for each field refused, the
// field's code and message. A field whose reason is not {"code","message"}, both given, is left
// out, so that a check for it fails.
func errOf(r apiResp) (code string, fields map[string]apiField) {
	e, _ := r.Body["error"].(map[string]any)
	if e == nil {
		return "", nil
	}
	code, _ = e["code"].(string)
	raw, _ := e["fields"].(map[string]any)
	fields = map[string]apiField{}
	for k, v := range raw {
		f, _ := v.(map[string]any)
		c, _ := f["code"].(string)
		m, _ := f["message"].(string)
		if len(f) == 2 && c != "" && m != "" {
			fields[k] = apiField{Code: c, Message: m}
		}
	}
	return code, fields
}

// fieldIs reports whether a refused field has the code and the message the catalogue gives
// the reason (a message key, "key:arg" for one with an argument) in lang.
func fieldIs(f apiField, lang, reason string) bool {
	code, _, _ := strings.Cut(reason, ":")
	return f.Code == code && f.Message == web.T(lang, reason)
}

// fieldAgrees reports whether a refused field's message is its code's message in one of the
// languages, with the argument (if the message takes one) filled in.
func fieldAgrees(f apiField) bool {
	for _, lang := range web.Languages {
		tmpl := web.T(lang, f.Code)
		if tmpl == f.Code {
			continue
		}
		// the argument is a text (%s) or, in a message with plural forms, a count (%d)
		before, after, hasArg := strings.Cut(tmpl, "%s")
		if !hasArg {
			before, after, hasArg = strings.Cut(tmpl, "%d")
		}
		if !hasArg && f.Message == tmpl || hasArg && len(f.Message) > len(before)+len(after) &&
			strings.HasPrefix(f.Message, before) && strings.HasSuffix(f.Message, after) {
			return true
		}
	}
	return false
}

// browser is a cookie-keeping client that uses the HTML forms as a person would.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	res, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusSeeOther {
		return res.StatusCode, res.Header.Get("Location")
	}
	return res.StatusCode, string(raw)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form; with csrf true the token is taken from the page at from.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusSeeOther {
		return res.StatusCode, res.Header.Get("Location")
	}
	return res.StatusCode, string(raw)
}

func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	_, page := b.get(path)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.e.t.Fatalf("no csrf token on %s", path)
	}
	return m[1]
}

func (b *browser) login(name, password string) (int, string) {
	st, loc := b.post("/login", url.Values{"username": {name}, "password": {password}})
	if st == http.StatusSeeOther && strings.HasPrefix(loc, "/login/2fa") {
		return b.secondStep(name, loc) // two factors (totp_test.go)
	}
	return st, loc
}
