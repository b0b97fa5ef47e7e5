package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMobileLayout: a community worker on a phone-sized screen (390×844) opens the people list;
// the page must not scroll sideways.
func TestMobileLayout(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.login("zs-community")
	b.shot("01-home")
	checkNoSidewaysScroll(t, b, "/")

	// The menu is folded on a phone: open it, then its group 名录 (a long menu is grouped, and
	// a phone shows the groups' headings first), then follow 人员.
	if b.visible(`header nav a[href="/people"]`) {
		t.Errorf("the menu is not folded on a phone")
	}
	if !b.openMenu() {
		b.fatal("no visible menu button on a phone")
	}
	if b.visible(`header nav a[href="/people"]`) {
		t.Errorf("the phone's menu shows every entry at once instead of its groups")
	}
	if !b.openMenuGroup("/people") {
		t.Errorf("the menu button does not unfold the menu's groups")
	}
	if !b.visible(`header nav a[href="/people"]`) {
		t.Errorf("the group 名录 does not unfold")
	}
	b.shot("02-menu")
	checkNoSidewaysScroll(t, b, "/ with the menu open")
	b.menu("/people", "人员")
	if h := b.text("main h1"); h != "人员" {
		t.Errorf("people list heading %q, want 人员", h)
	}
	b.shot("03-people")
	if n := eval[int](b, `document.querySelectorAll("main table tbody tr").length`); n == 0 {
		t.Errorf("zs-community's people list is empty")
	}
	// On a phone the table becomes cards: no header row, each cell labelled.
	if d := eval[string](b, `getComputedStyle(document.querySelector("main table thead")).display`); d != "none" {
		t.Errorf("the table header is shown on a phone (display %q)", d)
	}
	checkNoSidewaysScroll(t, b, "/people")
}

func checkNoSidewaysScroll(t *testing.T, b *browser, where string) {
	t.Helper()
	m := eval[map[string]float64](b, `({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
		client: document.documentElement.clientWidth, body: document.body.scrollWidth})`)
	t.Logf("%s on 390px: scrollWidth %v, innerWidth %v, clientWidth %v, body.scrollWidth %v", where, m["scroll"], m["inner"], m["client"], m["body"])
	if m["scroll"] > m["inner"]+1 || m["scroll"] > 391 {
		wide := eval[[]string](b, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
			.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " right=" + Math.round(e.getBoundingClientRect().right))`)
		t.Errorf("%s scrolls sideways on a 390px phone: scrollWidth %v > innerWidth %v; widest elements: %s",
			where, m["scroll"], m["inner"], strings.Join(wide, ", "))
	}
}
