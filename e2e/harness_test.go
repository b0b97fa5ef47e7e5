// Package e2e drives the real Gongzhi binary's handler in a headless Chromium, as a person
// would: it signs in, changes the initial password, fills the real forms (with their CSRF
// tokens), reads what the page shows and takes screenshots. The tests run only when
// GONGZHI_TEST_BROWSER=1, and need Debian's /usr/bin/chromium; GONGZHI_SCREENSHOTS names a
// directory for full-page PNGs of the key steps.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

const (
	envBrowser     = "GONGZHI_TEST_BROWSER"
	envScreenshots = "GONGZHI_SCREENSHOTS"
	chromiumPath   = "/usr/bin/chromium"

	// newPassword replaces demo.Password at first sign-in: 17 characters, four classes, no
	// username in it.
	newPassword = "Gongzhi-New-2026!"

	// browserTimeout bounds everything a test does in the browser, start included; stepTimeout
	// bounds one step, so that a missing element fails fast and leaves time for a screenshot.
	browserTimeout = 45 * time.Second
	stepTimeout    = 10 * time.Second
)

// requireBrowser skips the test unless browser tests are switched on.
func requireBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv(envBrowser) != "1" {
		t.Skip("SKIPPING browser tests: set GONGZHI_TEST_BROWSER=1 (needs /usr/bin/chromium)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s=1 but %s is missing: %v", envBrowser, chromiumPath, err)
	}
}

// logBuffer collects the server's log; it is printed only when the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is the product running in-process with the demo street loaded.
type server struct {
	App  *app.App
	Base string // http://127.0.0.1:PORT
}

// startServer serves the real handler on 127.0.0.1:0 over db, a copy of the demo street
// (demodb.SQLite, demodb.Postgres).
func startServer(t *testing.T, db *store.DB) *server {
	t.Helper()
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	t.Cleanup(func() {
		if t.Failed() {
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) > 80 {
				lines = append([]string{"…"}, lines[len(lines)-80:]...)
			}
			t.Logf("server log (last lines):\n%s", strings.Join(lines, "\n"))
		}
	})
	a := app.New(db, demodb.Box(), demodb.Config, logger)
	srv, err := site.New(a, logger, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	})
	return &server{App: a, Base: "http://" + ln.Addr().String()}
}

// sqliteServer starts the product on a fresh SQLite database with the demo street.
func sqliteServer(t *testing.T) *server { return startServer(t, demodb.SQLite(t)) }

// TestMain runs the tests with storetest.Main, which drops the PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// browser is one headless Chromium tab pointed at a server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu      sync.Mutex
	console []string

	untranslated map[string]bool // message keys already reported
}

// newBrowser starts Chromium with a fresh profile, sized like an office desktop. Everything it
// does is bounded by browserTimeout.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	profile := t.TempDir() // removed after the browser has exited (cleanups run in reverse)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "zh-CN"),
	)
	deadline, cancelDeadline := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelDeadline()
	})
	b := &browser{t: t, ctx: ctx, base: base, untranslated: map[string]bool{}}
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil { // starts the browser and opens the tab
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("chromium started in %s", time.Since(start).Round(time.Millisecond))
	// Collect the warnings and errors of the pages' console (script errors, CSP violations,
	// failed loads); logged at the end of the test as a diagnostic.
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleDebug || m.Type == chromedp.ConsoleLog || m.Type == chromedp.ConsoleInfo {
				continue
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("[%s] %s (%s)", m.Type, m.Text, m.URL))
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.console) > 0 {
			t.Logf("browser console:\n  %s", strings.Join(b.console, "\n  "))
		}
	})
	return b
}

// do runs actions in the tab and fails the test on error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatal("%s: %v", what, err)
	}
}

// step is the context of one step: the tab, with stepTimeout.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// fatal takes a screenshot of the page as it is, then fails the test.
func (b *browser) fatal(format string, args ...any) {
	b.t.Helper()
	b.shot("FAILED")
	b.t.Fatalf(format, args...)
}

// load runs steps that lead to a new page (a click on a link or a submit button) and waits
// for it; it returns the HTTP status of the page the browser ended on (after redirects).
func (b *browser) load(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.fatal("%s: %v", what, err)
	}
	if resp == nil {
		b.fatal("%s: no response", what)
	}
	b.checkTranslated()
	return resp.Status
}

// open navigates to a path of the server and returns the HTTP status.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatal("open %s: %v", path, err)
	}
	b.checkTranslated()
	return resp.Status
}

// messageKey matches a message key of the UI's catalogue (internal/web/i18n.go) shown as it
// is, which is what T does with a key it does not know: "org.grade.4A".
var messageKey = regexp.MustCompile(`(?:^|[^\w@./-])((?:` + strings.Join(append(web.MessagePrefixes(), "app", "nav", "action", "list", "detail",
	"history", "form", "login", "password", "setup", "user", "token", "role", "place", "grid", "household", "org", "person", "field",
	"target_group", "audit", "todo", "err", "credit_code", "id_number", "code", "phone", "email", "date", "lang"), "|") + `)\.[A-Za-z0-9_.]*[A-Za-z0-9_])`)

// checkTranslated fails the test for every message key that the page shows untranslated, in
// its text, its title or the labels of its options; each key is reported once.
func (b *browser) checkTranslated() {
	b.t.Helper()
	text := eval[string](b, `[document.title, document.body.innerText,
		...Array.from(document.querySelectorAll("option, input[placeholder]")).map(e => e.textContent || e.placeholder)].join("\n")`)
	var keys []string
	for _, m := range messageKey.FindAllStringSubmatch(text, -1) {
		if k := m[1]; !b.untranslated[k] {
			b.untranslated[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		b.t.Errorf("%s shows untranslated message keys: %s", b.path(), strings.Join(keys, ", "))
	}
}

// path is the current page's path and query.
func (b *browser) path() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fatal("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.fatal("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

// text is the visible text of the first element matching a CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fatal("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value is the current value of a form control.
func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fatal("value of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fatal("evaluate %s: %v", expr, err)
	}
	return v
}

// html is the whole document as the browser has it now.
func (b *browser) html() string {
	return eval[string](b, "document.documentElement.outerHTML")
}

// title is the document title.
func (b *browser) title() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		b.fatal("title: %v", err)
	}
	return s
}

// visible reports whether the first element matching a CSS selector is rendered (it has a box;
// the content of a closed <details>, for one, has none).
func (b *browser) visible(sel string) bool {
	b.t.Helper()
	return eval[bool](b, `(() => { const e = document.querySelector(`+jsString(sel)+`);
		return !!e && e.checkVisibility({visibilityProperty: true}) && e.getClientRects().length > 0; })()`)
}

func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// menu follows the entry of the main menu that links to href, as a person would: it opens the
// folded menu first where there is one to open (on a phone). The entry must be visible and
// read label. When it cannot be reached the test is marked failed and the page is opened by its
// address, so that the rest of the test still runs.
func (b *browser) menu(href, label string) {
	b.t.Helper()
	link := `header nav a[href="` + href + `"]`
	if !b.visible(link) {
		b.openMenu()
	}
	if !b.visible(link) {
		b.openMenuGroup(href)
	}
	if !b.visible(link) {
		b.shot("menu-hidden")
		b.t.Errorf("the main menu's entry %s (%s) is not visible at %s on a %s-wide window, and there is no menu button to open it: "+
			"a person cannot navigate (opening %s by its address instead)", label, href, b.path(), eval[string](b, "String(window.innerWidth)"), href)
		if st := b.open(href); st != http.StatusOK {
			b.fatal("GET %s: status %d", href, st)
		}
		return
	}
	if got := b.text(link); got != label {
		b.t.Errorf("the main menu's entry for %s reads %q, want %q", href, got, label)
	}
	if st := b.load("menu "+label, chromedp.Click(chromedp.CSS(link))); st != http.StatusOK {
		b.fatal("menu %s → %s: status %d", label, href, st)
	}
}

// openMenuGroup opens the group of a long menu (a <details>: 采购, 履约监管, 名录, 报表, 账号)
// that holds the entry linking to href, as a person taps its heading, and reports whether there
// was one to open.
func (b *browser) openMenuGroup(href string) bool {
	b.t.Helper()
	sel := `header nav details.nav-group:has(a[href="` + href + `"]) > summary`
	if !b.visible(sel) {
		return false
	}
	b.do("open the menu group of "+href, chromedp.Click(chromedp.CSS(sel)))
	return true
}

// menuButtons are the controls that unfold the main menu on a narrow screen: a <details>
// summary or the label of a checkbox toggle.
var menuButtons = []string{"header details.menu > summary", "header label.menu-button", "header .menu-button"}

// openMenu clicks the visible control that unfolds the main menu, if there is one, and reports
// whether it found one.
func (b *browser) openMenu() bool {
	b.t.Helper()
	for _, sel := range menuButtons {
		if b.visible(sel) {
			b.do("open the menu", chromedp.Click(chromedp.CSS(sel)))
			return true
		}
	}
	return false
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// shot saves a full-page PNG as $GONGZHI_SCREENSHOTS/<test>-<name>.png, when that is set.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(b.t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.t.Logf("screenshot %s", file)
}

// login signs in with a demo account and its initial password (an administrator sets up its
// second factor first), which the product then makes the person change on /password; it changes it to newPassword and checks that the person
// lands on the home page.
func (b *browser) login(username string) {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.fatal("GET /login: status %d", st)
	}
	st := b.load("sign in as "+username,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
	)
	if strings.HasPrefix(b.path(), "/login/2fa") {
		// an administrator: two-step sign-in is set up first, with the key the page shows
		// (e2e/totp_test.go checks the pages themselves)
		code, err := totp.GenerateCode(strings.ReplaceAll(b.text("#totp-secret"), " ", ""), time.Now())
		if err != nil {
			b.fatal("the enrolment page of %s shows no TOTP key: %v", username, err)
		}
		st = b.load("the first code of "+username,
			chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code),
			chromedp.Click(chromedp.CSS(`main form[action="/login/2fa"] button[type="submit"]`)),
		)
		if st != http.StatusOK {
			b.fatal("after the first code of %s: status %d at %s", username, st, b.path())
		}
		st = b.load("past the recovery codes", chromedp.Click(chromedp.CSS(`main a.button`)))
	}
	if p := b.path(); st != http.StatusOK || p != "/password" {
		b.fatal("after signing in as %s with the initial password: status %d at %s, want 200 at /password (must change the password)", username, st, p)
	}
	if notice := b.text("main .notice"); !strings.Contains(notice, "请先设置新密码") {
		b.fatal("the password page does not say why: %q", notice)
	}
	st = b.load("change the initial password of "+username,
		chromedp.SendKeys(chromedp.ID("in-current"), demo.Password),
		chromedp.SendKeys(chromedp.ID("in-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("in-confirm"), newPassword),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	if p := b.path(); st != http.StatusOK || p != "/" {
		b.fatal("after changing the password of %s: status %d at %s, want 200 at /", username, st, p)
	}
	if flash := b.text("main .flash"); !strings.Contains(flash, "密码已修改") {
		b.fatal("no confirmation after the password change: flash %q", flash)
	}
}

// client returns an HTTP client that carries the browser's cookies for the server (the
// session cookie is HttpOnly, so the page's script cannot read it, but the DevTools protocol
// can).
func (b *browser) client() *http.Client {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/"}})
	if err != nil {
		b.fatal("read the browser's cookies: %v", err)
	}
	var cookies []*http.Cookie
	for _, c := range res.Cookies {
		cookies = append(cookies, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	if len(cookies) == 0 {
		b.fatal("the browser has no cookies for %s", b.base)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &cookieTransport{cookies: cookies}}
}

type cookieTransport struct{ cookies []*http.Cookie }

func (c *cookieTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for _, ck := range c.cookies {
		r.AddCookie(ck)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// get fetches a URL of the server with the browser's cookies and returns status, headers and
// body.
func (b *browser) get(c *http.Client, path string) (int, http.Header, []byte) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, res.Header, body
}
