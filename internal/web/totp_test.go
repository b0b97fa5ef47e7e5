package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest/demodb"
)

var (
	secretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)
	codesRe  = regexp.MustCompile(`<li><code>([a-z2-7-]{19})</code></li>`)
	nextRe   = regexp.MustCompile(`<a class="button" href="([^"]+)"`)
)

// totpCode is a code the authenticator of the account shows now, of the earliest time step
// within one step of now that no code was accepted for (read from the database, as the phone
// would hold the secret).
func (e *env) totpCode(userID int64) string {
	e.t.Helper()
	t, err := e.app.DB.Q().GetTOTP(context.Background(), userID)
	if err != nil {
		e.t.Fatalf("authenticator of account %d: %v", userID, err)
	}
	sec, err := e.app.Box.Open(t.Sealed, accounts.TOTPContext)
	if err != nil {
		e.t.Fatal(err)
	}
	cur := e.app.Now().Unix() / 30
	for step := cur - 1; step <= cur+1; step++ {
		if step > t.LastStep {
			c, err := totp.GenerateCodeCustom(sec, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				e.t.Fatal(err)
			}
			return c
		}
	}
	e.t.Fatalf("every code of account %d within a step of now was used", userID)
	return ""
}

// secondStep takes the second step of a sign-in that the password step sent to loc (the code
// page, or enrolment for an account that must enrol) with the right code, and returns where the
// sign-in goes on, as login does: after an enrolment, through the page of recovery codes.
func (b *browser) secondStep(name, loc string) (int, string) {
	b.e.t.Helper()
	st, page := b.get(loc)
	if st != http.StatusOK {
		b.e.t.Fatalf("second step %s of %s: %d %s", loc, name, st, page)
	}
	u, _, err := b.e.app.DB.Q().UserByUsername(context.Background(), name)
	if err != nil {
		b.e.t.Fatal(err)
	}
	next := "/"
	if q, err := url.ParseRequestURI(loc); err == nil && q.Query().Get("next") != "" {
		next = q.Query().Get("next")
	}
	st, body := b.post("/login/2fa", url.Values{"code": {b.e.totpCode(u.ID)}, "next": {next}})
	if st == http.StatusOK && strings.Contains(page, `id="totp-secret"`) {
		m := nextRe.FindStringSubmatch(body)
		if m == nil || len(codesRe.FindAllString(body, -1)) != accounts.RecoveryCodeCount {
			b.e.t.Fatalf("enrolment of %s at sign-in: no recovery codes shown", name)
		}
		return http.StatusSeeOther, m[1]
	}
	return st, body
}

// The system administrator's first sign-in: the password leads to enrolment (a QR code drawn
// here and the key as text), a wrong code is refused and counted, the right one shows the ten
// recovery codes and signs in; the next sign-in asks for a code; the account's own page shows
// it on; the security administrator resets it from the account's page.
func TestTOTPSignInPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	sysUser := e.user("admin-sys")
	b := e.browser()
	st, loc := b.post("/login", url.Values{"username": {"admin-sys"}, "password": {demo.Password}, "next": {"/users"}})
	if st != http.StatusSeeOther || loc != "/login/2fa?next=%2Fusers" {
		t.Fatalf("password step: %d %s", st, loc)
	}
	if st, _ := b.get("/users"); st != http.StatusSeeOther {
		t.Fatalf("signed in after the password only: %d", st)
	}
	st, page := b.get(loc)
	m := secretRe.FindStringSubmatch(page)
	if st != 200 || m == nil || !strings.Contains(page, `<svg class="qr"`) || strings.Contains(page, "https://") && strings.Contains(page, "<img") {
		t.Fatalf("enrolment page: %d", st)
	}
	sec := strings.ReplaceAll(m[1], " ", "")
	if st, body := b.post("/login/2fa", url.Values{"code": {"12345"}, "next": {"/users"}}); st != http.StatusUnauthorized || !strings.Contains(body, "动态码不正确") {
		t.Fatalf("wrong code: %d", st)
	}
	if u, _ := e.app.DB.Q().GetUser(ctx, sysUser.ID); u.FailedLogins != 1 {
		t.Fatalf("a wrong code did not count toward the lockout: %d", u.FailedLogins)
	}
	code, _ := totp.GenerateCode(sec, time.Now())
	st, body := b.post("/login/2fa", url.Values{"code": {code}, "next": {"/users"}})
	if st != 200 || len(codesRe.FindAllString(body, -1)) != 10 || !strings.Contains(body, `href="/users"`) {
		t.Fatalf("after the first code: %d", st)
	}
	if st, _ := b.get("/users"); st != 200 {
		t.Fatalf("not signed in after enrolment: %d", st)
	}
	if st, page := b.get("/account/2fa"); st != 200 || !strings.Contains(page, "已启用") || !strings.Contains(page, `action="/account/2fa/disable"`) {
		t.Fatalf("own page: %d", st)
	}
	// next sign-in: a code
	b2 := e.browser()
	st, loc = b2.login("admin-sys", demo.Password)
	if st != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in with a code: %d %s", st, loc)
	}
	// the pending cookie alone is not a session, and a finished one cannot be replayed
	b3 := e.browser()
	if st, loc := b3.post("/login", url.Values{"username": {"admin-sys"}, "password": {demo.Password}}); st != 303 || !strings.HasPrefix(loc, "/login/2fa") {
		t.Fatalf("password step: %d %s", st, loc)
	}
	if st, _ := b3.get("/"); st != http.StatusSeeOther {
		t.Fatalf("the pending sign-in opened pages: %d", st)
	}
	// the security administrator resets it; the system administrator is signed out
	e.user("admin-sec")
	sec2 := e.browser()
	if st, loc := sec2.login("admin-sec", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("security administrator: %d %s", st, loc)
	}
	id := strconv.FormatInt(sysUser.ID, 10)
	if st, page := sec2.get("/users/" + id); st != 200 || !strings.Contains(page, "/users/"+id+"/reset-2fa") {
		t.Fatalf("no reset on the account's page: %d", st)
	}
	if st, loc := sec2.post("/users/"+id+"/reset-2fa", url.Values{"csrf": {sec2.csrf("/users/" + id)}}); st != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", st, loc)
	}
	if st, _ := b2.get("/users"); st != http.StatusSeeOther {
		t.Fatalf("the reset account is still signed in: %d", st)
	}
	if st, loc := b2.post("/login", url.Values{"username": {"admin-sys"}, "password": {demo.Password}}); st != 303 || !strings.HasPrefix(loc, "/login/2fa") {
		t.Fatalf("after the reset: %d %s", st, loc)
	} else if _, page := b2.get(loc); !strings.Contains(page, `id="totp-secret"`) {
		t.Fatal("after the reset the system administrator is not asked to enrol again")
	}
}

// The API mirrors the page: status, start, confirm (recovery codes once), disable with a current
// code; a token keeps working whatever the second factor does.
func TestTOTPAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	tok := e.token("zs-resident")
	u := e.user("zs-resident")
	r := e.call(tok, "GET", "/api/v1/me/2fa", nil)
	if r.Status != 200 || r.Body["enabled"] != false || r.Body["required"] != false {
		t.Fatalf("status: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "POST", "/api/v1/me/2fa/confirm", map[string]string{"code": "123456"}); r.Status != http.StatusConflict {
		t.Fatalf("confirm before start: %d %s", r.Status, r.Raw)
	}
	r = e.call(tok, "POST", "/api/v1/me/2fa/start", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Body["otpauth_url"].(string), "otpauth://totp/") {
		t.Fatalf("start: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "GET", "/api/v1/me/2fa", nil); r.Body["pending"] != true {
		t.Fatalf("status while waiting: %s", r.Raw)
	}
	r = e.call(tok, "POST", "/api/v1/me/2fa/confirm", map[string]string{"code": "000000x"})
	if code, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || code != gongzhi.EINVALID || !fieldIs(fields["code"], "zh-CN", "totp.bad_code") {
		t.Fatalf("wrong first code: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "POST", "/api/v1/me/2fa/confirm", map[string]any{"code": 123456}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a number for the code: %d %s", r.Status, r.Raw)
	}
	r = e.call(tok, "POST", "/api/v1/me/2fa/confirm", map[string]string{"code": e.totpCode(u.ID)})
	codes, _ := r.Body["recovery_codes"].([]any)
	if r.Status != 200 || len(codes) != 10 {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "POST", "/api/v1/me/2fa/start", nil); r.Status != http.StatusConflict {
		t.Fatalf("start while on: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "GET", "/api/v1/me/2fa", nil); r.Body["enabled"] != true || r.Body["recovery_codes_left"] != float64(10) {
		t.Fatalf("status when on: %s", r.Raw)
	}
	r = e.call(tok, "POST", "/api/v1/me/2fa/disable", map[string]string{"code": "999999"})
	if code, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || code != gongzhi.EINVALID || !fieldIs(fields["code"], "zh-CN", "totp.bad_code") {
		t.Fatalf("disable with a wrong code: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "POST", "/api/v1/me/2fa/disable", map[string]string{"code": codes[0].(string)}); r.Status != 200 || r.Body["status"] != "disabled" {
		t.Fatalf("disable with a recovery code: %d %s", r.Status, r.Raw)
	}
	if r := e.call(tok, "GET", "/api/v1/me/2fa", nil); r.Status != 200 || r.Body["enabled"] != false {
		t.Fatalf("status after: %d %s", r.Status, r.Raw)
	}
	// the security administrator's reset through the API; others are refused
	sec := e.token("admin-sec")
	sys := e.token("admin-sys")
	path := "/api/v1/users/" + strconv.FormatInt(u.ID, 10) + "/reset-2fa"
	if r := e.call(sys, "POST", path, nil); r.Status != http.StatusForbidden {
		t.Fatalf("the system administrator resets: %d", r.Status)
	}
	if r := e.call(sec, "POST", path, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
}
