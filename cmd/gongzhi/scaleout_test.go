package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/files"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/ledger"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// TestScaleOut runs two app instances, each with its own connection pool and workers, on one
// PostgreSQL database behind a round-robin reverse proxy, sharing one files directory (README,
// "Running a province"): a session made on A works on B and through the proxy; a file uploaded
// through A downloads through B; the scheduled jobs of both run once per period; a state change
// sent to both at once happens once.
func TestScaleOut(t *testing.T) {
	ctx := context.Background()
	dbA := demodb.Postgres(t) // skips without GONGZHI_TEST_POSTGRES
	dbB, err := store.Open(ctx, dbA.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	shared := &files.Store{Dir: t.TempDir()} // in production: one network file system mounted by every instance
	log := slog.New(slog.DiscardHandler)
	var apps []*app.App
	var srvs []*httptest.Server
	for _, db := range []*store.DB{dbA, dbB} {
		a := app.New(db, demodb.Box(), demodb.Config, log)
		ws, err := site.New(a, log, web.Options{MaxUpload: 1 << 20, Files: &files.Store{Dir: shared.Dir}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(ws.Handler())
		defer srv.Close()
		apps, srvs = append(apps, a), append(srvs, srv)
	}
	A, B := srvs[0].URL, srvs[1].URL
	var turn atomic.Uint64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		u, _ := url.Parse(srvs[turn.Add(1)%2].URL)
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
	}})
	defer proxy.Close()
	c := &client{t: t}

	// a session made on A works on B and through the proxy
	tok := c.signIn(A, "gt-provider", demo.Password)
	csrf := c.csrf(B, tok, "/password")
	if st, loc := c.form(B, tok, "/password", url.Values{"csrf": {csrf}, "current": {demo.Password}, "password": {"Gongzhi-Scale-2026x"},
		"confirm": {"Gongzhi-Scale-2026x"}}); st != http.StatusSeeOther || loc == "/password" {
		t.Fatalf("change the password on B with A's session: %d %s", st, loc)
	}
	csrf = c.csrf(A, tok, "/")
	for i := range 4 {
		var me struct{ User struct{ Username string } }
		c.json(proxy.URL, tok, csrf, "GET", "/api/v1/me", nil, 200, &me)
		if me.User.Username != "gt-provider" {
			t.Fatalf("request %d through the proxy: %+v", i, me)
		}
	}

	// a file uploaded through A downloads through B
	var entries struct{ Items []struct{ ID int64 } }
	c.json(A, tok, csrf, "GET", "/api/v1/ledger?per_page=5", nil, 200, &entries)
	if len(entries.Items) < 2 {
		t.Fatalf("the provider's ledger: %+v", entries)
	}
	entry := entries.Items[0].ID
	pic := tinyPNG(t)
	var ev struct {
		ID     int64
		SHA256 string
	}
	c.upload(A, tok, csrf, fmt.Sprintf("/api/v1/ledger/%d/evidence", entry), "sign-in.png", pic, &ev)
	got := c.get(B, tok, fmt.Sprintf("/api/v1/ledger/%d/evidence/%d/download", entry, ev.ID))
	if sum := sha256.Sum256(got); !bytes.Equal(got, pic) || hex.EncodeToString(sum[:]) != ev.SHA256 {
		t.Fatalf("downloaded through B: %d bytes, want the %d uploaded through A (%s)", len(got), len(pic), ev.SHA256)
	}

	// a state change sent to both at once happens once
	victim := entries.Items[1].ID
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, base := range []string{A, B} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.json(base, tok, csrf, "POST", fmt.Sprintf("/api/v1/ledger/%d/void", victim), map[string]any{"reason": "重复录入"}, 0, nil)
		}()
	}
	wg.Wait()
	if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
		t.Fatalf("void sent to A and B at once: %v, want one 200 and one 409", statuses)
	}
	var voids int
	if err := dbA.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = 'void'`,
		ledger.ResLedger, kernel.Id10(victim)).Scan(&voids); err != nil {
		t.Fatal(err)
	} else if voids != 1 {
		t.Errorf("%d void audit entries, want 1", voids)
	}

	// the scheduled jobs of both instances run once per period
	if _, err := jobs.Migrate(ctx, dbA); err != nil { // as every start does (openApp)
		t.Fatal(err)
	}
	started := apps[0].NowUTC().Add(-time.Second)
	var runners []*jobs.Runner
	for _, a := range apps {
		r, err := startJobs(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	defer func() {
		for _, r := range runners {
			sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			r.Stop(sctx)
			cancel()
		}
	}()
	// each job runs at start, by one instance; a period that begins during the test runs once too
	deadline := time.Now().Add(90 * time.Second)
	for {
		missing := ""
		for _, j := range jobs.Jobs {
			if len(runsOf(t, dbA, j, started)) == 0 {
				missing += " " + j.Kind
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs that did not run within 90 s:%s", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // time for a second run, were there one
	for _, j := range jobs.Jobs {
		for period, runs := range runsOf(t, dbA, j, started) {
			if len(runs) != 1 || runs[0].Error != "" {
				t.Errorf("%s: runs of period %s: %+v, want one", j.Kind, period, runs)
			}
		}
	}
}

// runsOf returns the logged runs of a job started since since, by period.
func runsOf(t *testing.T, db *store.DB, j *jobs.Job, since time.Time) map[string][]store.JobRun {
	runs, err := db.Q().JobRuns(context.Background(), j.Kind, false, 50)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]store.JobRun{}
	for _, r := range runs {
		if !r.StartedAt.Before(since) {
			out[r.Period] = append(out[r.Period], r)
		}
	}
	return out
}

func tinyPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// client is the browser and the integrator of TestScaleOut: redirects are not followed.
type client struct {
	t  *testing.T
	hc http.Client
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request, tok string) *http.Response {
	c.t.Helper()
	if tok != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: tok})
	}
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

func (c *client) form(base, tok, path string, v url.Values) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp := c.do(req, tok)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func (c *client) signIn(base, user, pw string) string {
	c.t.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp := c.do(req, "")
	resp.Body.Close()
	for _, k := range resp.Cookies() {
		if k.Name == web.SessionCookie && k.Value != "" {
			return k.Value
		}
	}
	c.t.Fatalf("sign in as %s: %d, no session", user, resp.StatusCode)
	return ""
}

func (c *client) get(base, tok, path string) []byte {
	c.t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	resp := c.do(req, tok)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET %s%s: %d %s", base, path, resp.StatusCode, b)
	}
	return b
}

func (c *client) csrf(base, tok, path string) string {
	c.t.Helper()
	m := csrfInput.FindSubmatch(c.get(base, tok, path))
	if m == nil {
		c.t.Fatalf("no CSRF token on %s%s", base, path)
	}
	return string(m[1])
}

// json sends an API request with the session and its CSRF token; want 0 accepts any status.
func (c *client) json(base, tok, csrf, method, path string, body any, want int, out any) int {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp := c.do(req, tok)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if want != 0 && resp.StatusCode != want {
		c.t.Fatalf("%s %s%s: %d, want %d: %s", method, base, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func (c *client) upload(base, tok, csrf, path, name string, content []byte, out any) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", csrf)
	resp := c.do(req, tok)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		c.t.Fatalf("upload through %s: %d %s", base, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		c.t.Fatal(err)
	}
}
