package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
)

var poolTooSmall = regexp.MustCompile(`仅 (\d+) 人`)

// TestPoolExhaustedOnPhone: on a phone, the purchaser takes the demo's closed call through the
// preliminary review, draws a panel of the whole expert pool (the draw of fifty says how many it
// can give), and records a conflict of a member with an applicant: the page says the pool is
// exhausted and what the office can do, and does not scroll sideways.
func TestPoolExhaustedOnPhone(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()
	c := demoCall(t, srv, demo.PrelimCallTitle)
	b := newBrowser(t, srv.Base)
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.login("gt-purchaser")
	cpath := "/calls/" + strconv.FormatInt(c.ID, 10)
	if st := b.open(cpath); st != http.StatusOK {
		b.fatal("GET %s: %d", cpath, st)
	}
	// the preliminary review, one application at a time
	eligible := `main form[action$="/prelim"]:has(input[name="decision"][value="eligible"]) button[type="submit"]`
	for n := 0; b.count(eligible) > 0; n++ {
		if n > 20 {
			b.fatal("the preliminary review does not end")
		}
		b.press("eligible", eligible, http.StatusOK)
	}
	// a draw of fifty is refused with what the pool can give; then a draw of that many
	draw := `main form[action$="/panel"]`
	b.do("a panel of fifty", chromedp.SetValue(chromedp.CSS(draw+` [name="size"]`), "50"), chromedp.SetValue(chromedp.CSS(draw+` [name="seed"]`), "7"))
	b.press("draw fifty", draw+` button[type="submit"]`, http.StatusConflict)
	m := poolTooSmall.FindStringSubmatch(b.mainText())
	if m == nil {
		b.fatal("the refused draw does not say how many experts the pool gives: %s", b.mainText())
	}
	b.do("a panel of the whole pool", chromedp.SetValue(chromedp.CSS(draw+` [name="size"]`), m[1]), chromedp.SetValue(chromedp.CSS(draw+` [name="seed"]`), "7"))
	b.press("draw the whole pool", draw+` button[type="submit"]`, http.StatusOK)
	if b.count(`#pool-exhausted`) == 0 {
		b.fatal("a panel of the whole pool does not say that no one is left to replace a member")
	}
	// a conflict of a selected member with an applicant
	d, err := srv.App.Panel(ctx, gongzhi.SystemActor("test"), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var member int64
	for _, x := range d.Members {
		if x.Active() {
			member = x.PersonID
			break
		}
	}
	var org int64
	if _, err := srv.App.Applications(ctx, gongzhi.SystemActor("test"), store.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(c.ID, 10), "state": gongzhi.AppEligible}},
		func(ap *gongzhi.Application) error { org = ap.OrgID; return nil }); err != nil || org == 0 {
		t.Fatalf("an applicant: %v", err)
	}
	conflict := `main form[action$="/conflicts"]`
	if !eval[bool](b, `(() => { const f = document.querySelector(`+jsString(conflict)+`); if (!f) return false; f.closest("details").open = true; return true })()`) {
		b.fatal("no conflict form on the call page")
	}
	b.do("the conflict", chromedp.SetValue(chromedp.CSS(conflict+` [name="person_id"]`), strconv.FormatInt(member, 10)),
		chromedp.SetValue(chromedp.CSS(conflict+` [name="org_id"]`), strconv.FormatInt(org, 10)),
		chromedp.SetValue(chromedp.CSS(conflict+` [name="reason"]`), "曾任该机构理事"))
	b.press("record the conflict", conflict+` button[type="submit"]`, http.StatusOK)
	b.expect("after the conflict", "该专家已回避。专家库已用尽", "补充专家入库", "关联账号")
	b.shot("conflict-pool-exhausted")
	b.viewShot("conflict-flash", "top")
	b.viewShot("conflict-panel-note", "#pool-exhausted")
	checkNoSidewaysScroll(t, b, cpath+" with the pool exhausted")
}

// viewShot saves what the screen shows, with sel scrolled into view (top: the top of the page;
// y=N: N pixels down),
// as $GONGZHI_SCREENSHOTS/<test>-<name>.png, when that is set: a phone's screenful, as a
// person sees it, where shot saves the whole page.
func (b *browser) viewShot(name, sel string) {
	b.t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	ctx, cancel := b.step()
	defer cancel()
	if y, ok := strings.CutPrefix(sel, "y="); ok || sel == "top" {
		if !ok {
			y = "0"
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, `+y+`)`)); err != nil {
			b.t.Errorf("screenshot %s: %v", name, err)
			return
		}
	} else if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel))); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(b.t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// demoCall finds a call of the demo by its title.
func demoCall(t *testing.T, srv *server, title string) *gongzhi.Call {
	t.Helper()
	var c *gongzhi.Call
	if _, err := srv.App.Calls(context.Background(), gongzhi.SystemActor("test"), store.ListOptions{Q: title}, func(x *gongzhi.Call) error {
		if x.Title == title {
			c = x
		}
		return nil
	}); err != nil || c == nil {
		t.Fatalf("the demo's call %s: %v", title, err)
	}
	return c
}

// TestPhonePages: the office's pages a phone shows most (the calls in review and in notice, the
// needs list, map, form and a need) and the provider's ledger entry form fit a 390px screen
// without scrolling sideways.
func TestPhonePages(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch)
	var need int64
	if _, err := srv.App.Needs(context.Background(), gongzhi.SystemActor("test"), store.ListOptions{Limit: 1}, func(n *gongzhi.Need) error {
		need = n.ID
		return nil
	}); err != nil || need == 0 {
		t.Fatalf("a demo need: %v", err)
	}
	b := newBrowser(t, srv.Base)
	b.do("emulate a phone", phone)
	b.login("gt-purchaser")
	pages := []struct{ name, path string }{
		{"review-call", "/calls/" + strconv.FormatInt(demoCall(t, srv, demo.ReviewCallTitle).ID, 10)},
		{"notice-call", "/calls/" + strconv.FormatInt(demoCall(t, srv, demo.NoticeCallTitle).ID, 10)},
		{"needs", "/needs"},
		{"needs-map", "/needs/map"},
		{"need-new", "/needs/new"},
		{"need", "/needs/" + strconv.FormatInt(need, 10)},
	}
	for _, p := range pages {
		if st := b.open(p.path); st != http.StatusOK {
			b.fatal("GET %s: %d", p.path, st)
		}
		checkNoSidewaysScroll(t, b, p.path)
		b.shot(p.name)
		b.screenfuls(p.name)
	}
	v := newBrowser(t, srv.Base)
	v.do("emulate a phone", phone)
	v.login("gt-provider")
	if st := v.open("/ledger/new"); st != http.StatusOK {
		v.fatal("GET /ledger/new: %d", st)
	}
	v.press("the contract's entry form", `main a[href^="/ledger/new?contract="]`, http.StatusOK)
	checkNoSidewaysScroll(t, v, v.path())
	v.shot("ledger-new")
	v.screenfuls("ledger-new")
}

// screenfuls saves the page a screenful at a time (at most twelve), as viewShot does.
func (b *browser) screenfuls(name string) {
	b.t.Helper()
	if os.Getenv(envScreenshots) == "" {
		return
	}
	h := eval[int](b, `document.documentElement.scrollHeight`)
	for i, y := 0, 0; y < h && i < 12; i, y = i+1, y+800 {
		b.viewShot(fmt.Sprintf("%s-%02d", name, i), "y="+strconv.Itoa(y))
	}
}
