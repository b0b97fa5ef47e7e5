package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest/demodb"
)

// A to-do line about one thing reads in the singular in English and about several in the plural;
// the Chinese line is the same for both.
func TestToDoPlurals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	e.user("admin-audit")
	audit := e.browser()
	if st, loc := audit.login("admin-audit", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("login: %d %s", st, loc)
	}
	base, _ := url.Parse(e.srv.URL)
	home := func(lang string) string {
		t.Helper()
		audit.c.Jar.SetCookies(base, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
		st, page := audit.get("/")
		if st != http.StatusOK {
			t.Fatalf("home: %d", st)
		}
		return page
	}
	if page := home("en"); strings.Contains(page, "failed sign-in") {
		t.Fatal("failed sign-ins before any")
	}
	failLogin := func() {
		t.Helper()
		if st, _ := e.browser().login("gt-hub", "wrong password"); st != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", st)
		}
	}
	failLogin()
	for lang, want := range map[string]string{
		"en":    `<b class="num">1</b> failed sign-in in the last 24 hours`,
		"zh-CN": `<b class="num">1</b> 次登录失败（近 24 小时）`,
	} {
		if page := home(lang); !strings.Contains(page, want) {
			t.Errorf("%s: no %q", lang, want)
		}
	}
	failLogin()
	failLogin()
	for lang, want := range map[string]string{
		"en":    `<b class="num">3</b> failed sign-ins in the last 24 hours`,
		"zh-CN": `<b class="num">3</b> 次登录失败（近 24 小时）`,
	} {
		if page := home(lang); !strings.Contains(page, want) {
			t.Errorf("%s: no %q", lang, want)
		}
	}
}
