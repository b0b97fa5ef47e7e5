package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGridWorkerVisitOnPhone: the grid worker of 中山社区第1网格 (zs-grid), on a phone-sized
// screen, follows the overdue visits of its home page to its list, visits the first household
// with the phone form — the people met, the situation, a need found and a photo — and turns the
// finding into a need of the community in one step. Then it looks at its grid's page and map.
// No page scrolls sideways.
func TestGridWorkerVisitOnPhone(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.login("zs-grid")
	if !b.visible(`main a[href="/gridwork/overdue"]`) {
		b.fatal("the home page lists no overdue visits")
	}
	b.shot("01-home")
	if st := b.load("open the overdue list", chromedp.Click(chromedp.CSS(`main a[href="/gridwork/overdue"]`))); st != http.StatusOK {
		b.fatal("overdue list: %d", st)
	}
	b.shot("02-overdue")
	checkNoSidewaysScroll(t, b, "/gridwork/overdue")
	rows := eval[int](b, `document.querySelectorAll("main table tbody tr").length`)
	if rows == 0 {
		b.fatal("the overdue list is empty")
	}
	address := b.text(`main table tbody tr td:nth-child(2) a`)
	if st := b.load("visit the first household", chromedp.Click(chromedp.CSS(`main table tbody tr td:nth-child(2) a`))); st != http.StatusOK {
		b.fatal("visit form: %d", st)
	}
	if !strings.HasPrefix(b.path(), "/gridwork/visits/new") {
		b.fatal("at %s, want the visit form", b.path())
	}
	b.shot("03-form")
	checkNoSidewaysScroll(t, b, "the visit form")

	photo := filepath.Join(t.TempDir(), "visit.png")
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("fill in the visit",
		chromedp.Click(chromedp.CSS(`#in-people_met label.check input`)),
		chromedp.SendKeys(chromedp.ID("in-situation"), "老人独自在家，腿脚不便，精神尚可。"),
		chromedp.SetValue(chromedp.ID("in-finding_kind"), "need"),
		chromedp.SendKeys(chromedp.ID("in-finding"), "希望每周有人上门助浴、打扫卫生"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][name="file"]`), []string{photo}),
	)
	b.shot("04-form-filled")
	if st := b.load("save the visit", chromedp.Click(chromedp.CSS(`main form[action="/gridwork/visits"] .actions button[type="submit"]`))); st != http.StatusOK {
		b.fatal("save the visit: %d", st)
	}
	if !strings.HasPrefix(b.path(), "/gridwork/visits/") {
		b.fatal("after saving at %s, want the visit's page", b.path())
	}
	if flash := b.text("main .flash"); !strings.Contains(flash, "走访记录已保存") {
		b.fatal("no confirmation of the visit: %q", flash)
	}
	if !strings.Contains(b.text("main"), address) || !b.visible(`main a[href$="/photo"]`) {
		b.fatal("the visit's page does not show the household %q and its photo", address)
	}
	b.shot("05-visit")
	checkNoSidewaysScroll(t, b, "the visit's page")

	b.do("describe the need",
		chromedp.SetValue(chromedp.ID("in-target_group"), "elderly_alone"),
		chromedp.SetValue(chromedp.ID("in-category_code"), "elderly_home_care"),
	)
	if st := b.load("turn the finding into a need", chromedp.Click(chromedp.CSS(`main form[action$="/need"] button[type="submit"]`))); st != http.StatusOK {
		b.fatal("finding → need: %d", st)
	}
	if !strings.HasPrefix(b.path(), "/needs/") {
		b.fatal("after turning the finding into a need at %s, want the need's page", b.path())
	}
	if !strings.Contains(b.text("main"), "希望每周有人上门助浴") {
		b.fatal("the need's page does not show the finding")
	}
	b.shot("06-need")

	// the grid's page and map
	var gid int64
	if err := srv.App.DB.Q().QueryRow(b.ctx, `SELECT grid_id FROM visits ORDER BY id DESC LIMIT 1`).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	if st := b.open(fmt.Sprintf("/gridwork/grids/%d", gid)); st != http.StatusOK {
		b.fatal("grid page: %d", st)
	}
	b.shot("07-grid")
	checkNoSidewaysScroll(t, b, "the grid's page")
	if st := b.open("/gridwork/map"); st != http.StatusOK || !b.visible(`main svg path`) {
		b.fatal("map: %d", st)
	}
	b.shot("08-map")
	checkNoSidewaysScroll(t, b, "the map")
}

// TestGridWorkStreetMap: the street's purchaser, at a desk, reads the visit figures of its
// communities and grids and the street's map, every grid drawn and linking to its page.
func TestGridWorkStreetMap(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.login("gt-purchaser")
	if st := b.open("/gridwork"); st != http.StatusOK {
		b.fatal("grid work: %d", st)
	}
	if n := eval[int](b, `document.querySelectorAll("main table tbody tr").length`); n < 8+27 {
		b.fatal("the figures list %d rows, want the 8 communities and their grids", n)
	}
	b.shot("01-figures")
	if st := b.open("/gridwork/map?place=320116004000"); st != http.StatusOK {
		b.fatal("street map: %d", st)
	}
	if n := eval[int](b, `document.querySelectorAll("main svg a[href^='/gridwork/grids/'] path").length`); n < 27 {
		b.fatal("the street's map draws %d grids", n)
	}
	b.shot("02-street-map")
}
