package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"gongzhi/internal/demo"
)

// TestTOTPSystemAdministrator: the system administrator's first sign-in goes from the password to
// setting up two-step sign-in (QR code and key on the page), the first code computed from the key
// the page shows switches it on and shows the recovery codes once, then the initial password is
// changed. Signed out and in again, the password leads to the code page; a wrong code is refused
// and counted toward the lockout; the right code signs in. On a phone the enrolment page does
// not scroll sideways.
func TestTOTPSystemAdministrator(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv.Base)

	password := func(pw string) int64 {
		if st := b.open("/login"); st != http.StatusOK {
			b.fatal("GET /login: %d", st)
		}
		return b.load("sign in as admin-sys",
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin-sys"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
			chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
		)
	}
	code := func(c, what string) int64 {
		return b.load(what,
			chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), c),
			chromedp.Click(chromedp.CSS(`main form[action="/login/2fa"] button[type="submit"]`)),
		)
	}

	// first sign-in: enrolment
	if st := password(demo.Password); st != http.StatusOK || !strings.HasPrefix(b.path(), "/login/2fa") {
		b.fatal("after the password: %d at %s, want the second step", st, b.path())
	}
	if h := b.text("main h1"); h != "设置两步验证" {
		b.fatal("enrolment heading %q", h)
	}
	if n := eval[int](b, `document.querySelectorAll("main svg.qr path").length`); n != 1 {
		b.fatal("no QR code on the enrolment page")
	}
	b.shot("01-enrol")
	key := strings.ReplaceAll(b.text("#totp-secret"), " ", "")
	enrolAt := time.Now()
	first, err := totp.GenerateCode(key, enrolAt)
	if err != nil {
		b.fatal("the key on the page is not a TOTP key: %v", err)
	}
	if st := code(first, "the first code"); st != http.StatusOK {
		b.fatal("after the first code: %d", st)
	}
	if h := b.text("main h1"); h != "恢复码" {
		b.fatal("recovery codes heading %q", h)
	}
	if n := eval[int](b, `document.querySelectorAll("main ul.recovery-codes li").length`); n != 10 {
		b.fatal("%d recovery codes shown, want 10", n)
	}
	b.shot("02-recovery-codes")
	if st := b.load("continue", chromedp.Click(chromedp.CSS(`main a.button`))); st != http.StatusOK || b.path() != "/password" {
		b.fatal("after the recovery codes: %d at %s, want /password (initial password)", st, b.path())
	}
	st := b.load("change the initial password",
		chromedp.SendKeys(chromedp.ID("in-current"), demo.Password),
		chromedp.SendKeys(chromedp.ID("in-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("in-confirm"), newPassword),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	if st != http.StatusOK || b.path() != "/" {
		b.fatal("after changing the password: %d at %s", st, b.path())
	}
	if st := b.load("open two-step sign-in", chromedp.Click(chromedp.CSS(`header nav a[href="/account/2fa"]`))); st != http.StatusOK {
		b.fatal("own two-step page: %d", st)
	}
	if s := b.text("#totp-state"); s != "已启用" {
		b.fatal("own two-step page says %q", s)
	}
	b.shot("03-own-page")

	// sign out, sign in: password, then a code
	if st := b.load("sign out", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`))); st != http.StatusOK || b.path() != "/login" {
		b.fatal("sign out: %d at %s", st, b.path())
	}
	if st := password(newPassword); st != http.StatusOK || !strings.HasPrefix(b.path(), "/login/2fa") {
		b.fatal("after the password: %d at %s", st, b.path())
	}
	if h := b.text("main h1"); h != "输入动态码" {
		b.fatal("code page heading %q", h)
	}
	b.shot("04-code")
	// a wrong code: one no step within reach shows
	wrong := "000000"
	for _, c := range []string{"000000", "111111", "222222"} {
		hit := false
		for d := -2; d <= 2; d++ {
			if k, _ := totp.GenerateCode(key, time.Now().Add(time.Duration(d)*30*time.Second)); k == c {
				hit = true
			}
		}
		if !hit {
			wrong = c
			break
		}
	}
	if st := code(wrong, "a wrong code"); st != http.StatusUnauthorized || b.path() != "/login/2fa" {
		b.fatal("wrong code: %d at %s, want 401 on the code page", st, b.path())
	}
	if msg := b.text("main .error-box"); !strings.Contains(msg, "动态码不正确") {
		b.fatal("wrong code message %q", msg)
	}
	u, _, err := srv.App.DB.Q().UserByUsername(ctx, "admin-sys")
	if err != nil || u.FailedLogins != 1 {
		b.fatal("the wrong code did not count toward the lockout: failed sign-ins %d (%v)", u.FailedLogins, err)
	}
	b.shot("05-wrong-code")
	// the right code: of a step after the first code's (a code is accepted once)
	at := time.Now()
	if at.Unix()/30 <= enrolAt.Unix()/30 {
		at = time.Unix((enrolAt.Unix()/30+1)*30, 0)
	}
	right, _ := totp.GenerateCode(key, at)
	if st := code(right, "the right code"); st != http.StatusOK || b.path() != "/" {
		b.fatal("right code: %d at %s, want the home page", st, b.path())
	}
	if home := b.text("main"); !strings.Contains(home, "系统管理员") {
		b.fatal("the home page does not show the system administrator: %q", home)
	}
	if u, _, _ := srv.App.DB.Q().UserByUsername(ctx, "admin-sys"); u.FailedLogins != 0 {
		t.Errorf("failed sign-ins not cleared by the completed sign-in: %d", u.FailedLogins)
	}

	// on a phone: the security administrator's enrolment page
	p := newBrowser(t, srv.Base)
	p.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	p.open("/login")
	p.load("sign in as admin-sec",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin-sec"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
	)
	if !strings.HasPrefix(p.path(), "/login/2fa") {
		p.fatal("admin-sec after the password: at %s", p.path())
	}
	p.shot("06-enrol-phone")
	checkNoSidewaysScroll(t, p, "/login/2fa")
	secKey := strings.ReplaceAll(p.text("#totp-secret"), " ", "")
	secCode, err := totp.GenerateCode(secKey, time.Now())
	if err != nil {
		p.fatal("the key on the phone's page: %v", err)
	}
	if st := p.load("admin-sec's first code",
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), secCode),
		chromedp.Click(chromedp.CSS(`main form[action="/login/2fa"] button[type="submit"]`)),
	); st != http.StatusOK || p.text("main h1") != "恢复码" {
		p.fatal("admin-sec after the first code: %d", st)
	}
	p.shot("07-recovery-codes-phone")
	checkNoSidewaysScroll(t, p, "the recovery codes")
}
