package accountsweb_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/web"
)

const pw = "Accounts-Web-2026"

type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

func newEnv(t *testing.T, db *store.DB, cfg kernel.Config) *env {
	t.Helper()
	if cfg.Argon2.Time == 0 {
		cfg.Argon2 = secret.Argon2{Time: 1, Memory: 1024, Threads: 1}
	}
	box, err := secret.NewBox(secret.Random(32))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	a := app.New(db, box, cfg, log)
	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, srv: srv}
}

// user stores an account of a role without scope whose password is pw.
func (e *env) user(name, role string) *gongzhi.User {
	e.t.Helper()
	u := &gongzhi.User{Username: name, DisplayName: name, Role: role}
	if err := e.app.DB.Q().InsertUser(context.Background(), u, e.app.Cfg.Argon2.HashPassword(pw), e.app.NowUTC()); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) token(u *gongzhi.User) string {
	e.t.Helper()
	_, text, err := e.app.CreateToken(context.Background(), &gongzhi.Actor{User: u}, "test-"+rand.Text()[:10], 1)
	if err != nil {
		e.t.Fatal(err)
	}
	return text
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c *http.Client, method, path, tok string, form url.Values) resp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.srv.URL)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(raw)}
}

func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func sessionCookie(h http.Header) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	return nil
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// The session cookie lives exactly as long as an idle session, and each signed-in request renews
// it; the sign-in says when and from where the account last signed in; the sessions page and API
// list the account's own sessions and end one.
func TestSessionCookieAndOwnSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t), kernel.Config{SessionIdle: 3 * time.Hour})
	u := e.user("clerk", gongzhi.RolePurchaser)
	login := url.Values{"username": {"clerk"}, "password": {pw}}
	first := e.browser()
	r := e.do(first, "POST", "/login", "", login)
	c := sessionCookie(r.header)
	if r.status != http.StatusSeeOther || c == nil || c.MaxAge != int((3*time.Hour).Seconds()) || !c.HttpOnly {
		t.Fatalf("sign-in: %d, cookie %+v", r.status, c)
	}
	r = e.do(first, "GET", "/sessions", "", nil)
	if c := sessionCookie(r.header); r.status != http.StatusOK || c == nil || c.MaxAge != 3*3600 {
		t.Fatalf("signed-in page: %d, renewed cookie %+v", r.status, c)
	}
	if !strings.Contains(r.body, "这是您的账户第一次登录") {
		t.Fatalf("first sign-in page: %s", r.body)
	}
	// a second sign-in from elsewhere is told of the first
	second := e.browser()
	r = e.do(second, "POST", "/login", "", login)
	if r.status != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", r.status)
	}
	r = e.do(second, "GET", "/sessions", "", nil)
	if !strings.Contains(r.body, "上次登录：") || !strings.Contains(r.body, "127.0.0.1") || strings.Count(r.body, "/end\"") != 2 ||
		!strings.Contains(r.body, "当前会话") {
		t.Fatalf("sessions page: %s", r.body)
	}
	// the API lists them too, and ends the first browser's
	tok := e.token(u)
	r = e.do(nil, "GET", "/api/v1/sessions", tok, nil)
	var my struct {
		Sessions []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
		} `json:"sessions"`
		LastSignIn struct{ IP string } `json:"last_sign_in"`
	}
	if err := json.Unmarshal([]byte(r.body), &my); err != nil || r.status != 200 || len(my.Sessions) != 2 || my.LastSignIn.IP != "127.0.0.1" {
		t.Fatalf("API sessions: %d %s %v", r.status, r.body, err)
	}
	r = e.do(nil, "POST", "/api/v1/sessions/"+my.Sessions[0].ID+"/end", tok, nil)
	if r.status != http.StatusOK {
		t.Fatalf("end by API: %d %s", r.status, r.body)
	}
	if r = e.do(first, "GET", "/sessions", "", nil); r.status != http.StatusSeeOther {
		t.Fatalf("ended session still signed in: %d", r.status)
	}
	// the page ends the other (its own), with its CSRF token
	r = e.do(second, "GET", "/sessions", "", nil)
	m := csrfRe.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no CSRF token on the sessions page")
	}
	r = e.do(second, "POST", "/sessions/"+my.Sessions[1].ID+"/end", "", url.Values{"csrf": {m[1]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("end by page: %d %s", r.status, r.body)
	}
	if r = e.do(second, "GET", "/sessions", "", nil); r.status != http.StatusSeeOther {
		t.Fatalf("ended own session still signed in: %d", r.status)
	}
}

// Password hashes beyond the gate's slots are refused with 429 and Retry-After, in the sign-in
// page and in the API alike, and counted in the metrics.
func TestHashGateRefusesWith429(t *testing.T) {
	t.Parallel()
	slow := secret.Argon2{Time: 4, Memory: 32 * 1024, Threads: 1} // long enough to hold the one slot
	e := newEnv(t, storetest.SQLite(t), kernel.Config{Argon2: slow, HashSlots: 1, HashWait: time.Millisecond})
	e.user("holder", gongzhi.RolePurchaser)
	sec := e.user("sec", gongzhi.RoleSecAdmin)
	target := e.user("target", gongzhi.RoleAuditor)
	tok := e.token(sec)
	held := make(chan resp)
	go func() {
		held <- e.do(e.browser(), "POST", "/login", "", url.Values{"username": {"holder"}, "password": {pw}})
	}()
	time.Sleep(30 * time.Millisecond)
	page := e.do(e.browser(), "POST", "/login", "", url.Values{"username": {"nobody"}, "password": {pw}})
	api := e.do(nil, "POST", fmt.Sprintf("/api/v1/users/%d/reset", target.ID), tok, nil)
	if h := <-held; h.status != http.StatusSeeOther {
		t.Fatalf("the slot's holder: %d", h.status)
	}
	for name, r := range map[string]resp{"page": page, "api": api} {
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
			t.Fatalf("%s: %d, Retry-After %q: %s", name, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if !strings.Contains(page.body, "同时登录或修改密码的人太多") || !strings.Contains(api.body, `"too_many"`) {
		t.Fatalf("refusals: %s / %s", page.body, api.body)
	}
	m := e.do(nil, "GET", "/metrics", "", nil).body
	if !regexp.MustCompile(`(?m)^gongzhi_password_hashes_refused_total 2$`).MatchString(m) {
		t.Fatalf("metrics: %s", m)
	}
}

// 200 anonymous sign-ins at once, each a 64 MiB argon2id hash unbounded, keep the process under
// 300 MB: the gate runs a few hashes and refuses the rest with 429, all within a bounded time.
func TestConcurrentLoginsBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("costly")
	}
	// not parallel: the process's memory is what is measured
	e := newEnv(t, storetest.SQLite(t), kernel.Config{Argon2: secret.DefaultArgon2, IPThreshold: 1 << 20})
	runtime.GC()
	base := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		for {
			metrics.Read(s)
			if used := s[0].Value.Uint64() - s[1].Value.Uint64(); used > peak.Load() {
				peak.Store(used)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	const n = 200
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		codes  = map[int]int{}
		noWait int
		start  = make(chan struct{})
	)
	began := time.Now()
	for i := range n {
		wg.Go(func() {
			form := url.Values{"username": {"nobody" + strconv.Itoa(i)}, "password": {"Guess-" + strconv.Itoa(i)}}
			req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			res, err := client.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				codes[0]++
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[res.StatusCode]++
			if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
				noWait++
			}
		})
	}
	close(start)
	wg.Wait()
	took := time.Since(began)
	close(stop)
	<-sampled
	done, refused := e.app.PasswordHashes()
	t.Logf("%d sign-ins in %v: %v; %d hashes, %d refused; memory %d MiB before, peak %d MiB", n, took, codes, done, refused,
		(base[0].Value.Uint64()-base[1].Value.Uint64())>>20, peak.Load()>>20)
	if codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != n || noWait > 0 {
		t.Fatalf("answers: %v (%d 429 without Retry-After)", codes, noWait)
	}
	if done < 1 || refused < 1 || done+refused != n {
		t.Fatalf("%d hashes computed, %d refused, of %d", done, refused, n)
	}
	if p := peak.Load(); p >= 300<<20 {
		t.Fatalf("peak memory %d MiB, limit 300", p>>20)
	}
	if took > 60*time.Second {
		t.Fatalf("took %v", took)
	}
}
