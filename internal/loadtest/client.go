// The load test's HTTP side: signing in through the sign-in form, requests with a role's
// session, and sampling the server's memory.

package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const sessionCookie = "gz_session" // internal/web.SessionCookie

type session struct {
	role  Role
	token string // the session cookie's value
	csrf  string // the session's CSRF token, for the API's cookie-authenticated writes
}

type target struct {
	o        Options
	base     string
	hc       *http.Client
	sessions map[Role]*session
}

func newTarget(o Options) *target {
	tr := &http.Transport{MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2, IdleConnTimeout: time.Minute}
	return &target{o: o, base: o.BaseURL, sessions: map[Role]*session{},
		hc: &http.Client{Transport: tr, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// request is one request of the mix.
type request struct {
	role   Role
	method string
	path   string
	body   []byte // JSON
}

// do sends req with its role's session and reads the whole answer; anything but 2xx is an error.
func (t *target) do(ctx context.Context, req request) (time.Duration, error) {
	_, d, err := t.fetch(ctx, req)
	return d, err
}

func (t *target) fetch(ctx context.Context, req request) ([]byte, time.Duration, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, t.base+req.path, body)
	if err != nil {
		return nil, 0, err
	}
	s := t.sessions[req.role]
	if s == nil {
		return nil, 0, errNoSession
	}
	if s.token != "" {
		hr.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.token})
		if req.method != http.MethodGet {
			hr.Header.Set("X-CSRF-Token", s.csrf)
		}
	}
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := t.hc.Do(hr)
	if err != nil {
		return nil, time.Since(start), err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return nil, d, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := string(b)
		if m := htmlTitle.FindStringSubmatch(msg); m != nil {
			msg = m[1] // a page: its title names the error
		}
		if len(msg) > 200 {
			msg = msg[:200]
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			msg = "to " + loc
		}
		return b, d, &errStatus{code: resp.StatusCode, body: msg}
	}
	return b, d, nil
}

var htmlTitle = regexp.MustCompile(`<title>([^<]*)</title>`)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// form posts a form as the sign-in page does, with the session cookie when there is one, and
// returns the answer's status, Location and session cookie.
func (t *target) form(ctx context.Context, token, path string, v url.Values) (int, string, string, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		return 0, "", "", err
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Origin", t.base)
	if token != "" {
		hr.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	}
	resp, err := t.hc.Do(hr)
	if err != nil {
		return 0, "", "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	cookie := ""
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.MaxAge >= 0 {
			cookie = c.Value
		}
	}
	return resp.StatusCode, resp.Header.Get("Location"), cookie, nil
}

// page reads an HTML page with a session and returns its CSRF token.
func (t *target) csrf(ctx context.Context, token, path string) (string, error) {
	s := &session{token: token}
	t.sessions["signing-in"] = s
	b, _, err := t.fetch(ctx, request{role: "signing-in", method: http.MethodGet, path: path})
	delete(t.sessions, "signing-in")
	if err != nil {
		return "", err
	}
	m := csrfField.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no CSRF token on %s", path)
	}
	return string(m[1]), nil
}

// signIn signs an account in through the sign-in form (POST /login), changing its password
// first when the server asks for it and Options.NewPassword allows it.
func (t *target) signIn(ctx context.Context, a Account) (*session, error) {
	try := func(pw string) (int, string, string, error) {
		return t.form(ctx, "", "/login", url.Values{"username": {a.Username}, "password": {pw}, "next": {"/"}})
	}
	// with a new password, that first: after the first run it is the one that works, and a
	// refused try counts toward the address's throttle (20 in 15 minutes)
	pw, other := t.o.Password, ""
	if t.o.NewPassword != "" {
		pw, other = t.o.NewPassword, t.o.Password
	}
	status, loc, tok, err := try(pw)
	if err == nil && tok == "" && other != "" && status != http.StatusTooManyRequests {
		pw = other
		status, loc, tok, err = try(pw)
	}
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", a.Username, err)
	}
	if strings.HasPrefix(loc, "/login/2fa") {
		return nil, fmt.Errorf("sign in as %s: the account needs a second factor; use an account of another role", a.Username)
	}
	if status == http.StatusTooManyRequests {
		return nil, fmt.Errorf("sign in as %s: throttled (429): too many refused sign-ins from this address; wait 15 minutes", a.Username)
	}
	if tok == "" {
		return nil, fmt.Errorf("sign in as %s: refused (status %d); check --password", a.Username, status)
	}
	if loc == "/password" {
		if t.o.NewPassword == "" {
			return nil, fmt.Errorf("sign in as %s: the account must change its password first; sign in once in a browser, or give --new-password", a.Username)
		}
		c, err := t.csrf(ctx, tok, "/password")
		if err != nil {
			return nil, fmt.Errorf("change the password of %s: %w", a.Username, err)
		}
		st, loc, _, err := t.form(ctx, tok, "/password", url.Values{"csrf": {c}, "current": {pw}, "password": {t.o.NewPassword}, "confirm": {t.o.NewPassword}})
		if err != nil || st != http.StatusSeeOther || loc == "/password" {
			return nil, fmt.Errorf("change the password of %s: status %d %v", a.Username, st, err)
		}
	}
	c, err := t.csrf(ctx, tok, "/")
	if err != nil {
		return nil, fmt.Errorf("after signing in as %s: %w", a.Username, err)
	}
	return &session{role: a.Role, token: tok, csrf: c}, nil
}

// getJSON reads a JSON answer of the discovery phase.
func (t *target) getJSON(ctx context.Context, role Role, path string, out any) error {
	b, _, err := t.fetch(ctx, request{role: role, method: http.MethodGet, path: path})
	if err != nil {
		return fmt.Errorf("GET %s as %s: %w", path, role, err)
	}
	return json.Unmarshal(b, out)
}

// ---- memory

// sampler follows the server's RSS: from /proc/PID/status (VmHWM, the kernel's own peak, and
// VmRSS) when the server runs here and its PID is given, else from the Prometheus metric
// process_resident_memory_bytes at /metrics (sampled, so a short peak between samples is missed).
type sampler struct {
	t   *target
	pid int

	mu                sync.Mutex
	source            string
	start, peak, last int64
	n                 int
}

func newSampler(t *target, pid int) *sampler { return &sampler{t: t, pid: pid} }

func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	s.sample(ctx)
	for {
		select {
		case <-ctx.Done():
			s.sample(context.WithoutCancel(ctx)) // the last sample, after the run
			return
		case <-tick.C:
			s.sample(ctx)
		}
	}
}

func (s *sampler) sample(ctx context.Context) {
	var rss, peak int64
	var src string
	if s.pid > 0 {
		rss, peak = procStatus(s.pid)
		src = "proc"
	} else {
		rss = s.metricsRSS(ctx)
		peak, src = rss, "metrics"
	}
	if rss <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		s.start = rss
	}
	s.n++
	s.source, s.last = src, rss
	s.peak = max(s.peak, peak, rss)
}

func (s *sampler) result() Memory {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Memory{Source: s.source, PeakRSS: s.peak, StartRSS: s.start, EndRSS: s.last, Samples: s.n}
}

// procStatus reads VmRSS and VmHWM (bytes) of a process on this machine.
func procStatus(pid int) (rss, hwm int64) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 1 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

func (s *sampler) metricsRSS(ctx context.Context) int64 {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, s.t.base+"/metrics", nil)
	if err != nil {
		return 0
	}
	resp, err := s.t.hc.Do(hr)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return int64(f)
			}
		}
	}
	return 0
}
