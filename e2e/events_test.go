package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/jobs"
)

// phone turns a browser into a 390×844 phone.
func phoneOf(b *browser) *browser {
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	return b
}

var eventPath = regexp.MustCompile(`^/events/(\d+)$`)

// TestEventSevenStepsOnAPhone (docs/events.md): on a phone-sized window, the demo resident
// reports a problem with a photo; the community centre registers it and dispatches it to the
// street's 城市管理办公室; the department reports back with a photo; the grid worker verifies on
// site; the centre closes it; the resident rates it. Then another event goes overdue and the
// scheduled job escalates it to the district.
func TestEventSevenStepsOnAPhone(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	clock := &offsetClock{}
	srv.App.Now = clock.now
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// each stint is a fresh phone-sized browser (a browser lives browserTimeout): the first signs
	// in with the initial password and changes it, later ones sign in with the new one
	signedIn := map[string]bool{}
	as := func(username string) *browser {
		b := phoneOf(newBrowser(t, srv.Base))
		if signedIn[username] {
			b.relogin(username)
		} else {
			b.login(username)
			signedIn[username] = true
		}
		return b
	}

	// the resident reports with a photo
	res := as("zs-resident")
	if st := res.open("/events/new"); st != http.StatusOK {
		res.fatal("GET /events/new: %d", st)
	}
	res.shot("report-form")
	st := res.load("report a problem",
		chromedp.SetValue(chromedp.ID("in-category_id"), categoryID(t, srv, "sanitation")),
		chromedp.SendKeys(chromedp.ID("in-title"), "小区东门垃圾桶满溢"),
		chromedp.SendKeys(chromedp.ID("in-description"), "垃圾桶已经两天没有清运，气味很大。"),
		chromedp.SetValue(chromedp.ID("in-community_code"), "320116004001"),
		chromedp.SendKeys(chromedp.ID("in-address"), "中山社区东门"),
		chromedp.SetUploadFiles(chromedp.ID("in-file"), []string{photo}),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	m := eventPath.FindStringSubmatch(res.path())
	if st != http.StatusOK || m == nil {
		res.fatal("after reporting: %d at %s: %s", st, res.path(), res.text("main"))
	}
	ev := "/events/" + m[1]
	res.expect("the new event", "待立案", "小区东门垃圾桶满溢")
	if n := eval[int](res, `document.querySelectorAll(".event-photos img").length`); n != 1 {
		res.fatal("%d photos on the event", n)
	}
	res.shot("reported")

	step := func(b *browser, what, action string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if st := b.open(ev); st != http.StatusOK {
			b.fatal("GET %s: %d", ev, st)
		}
		steps := append(fill, chromedp.Click(chromedp.CSS(`form[action="`+ev+`/`+action+`"] button[type="submit"]`)))
		if st := b.load(what, steps...); st != http.StatusOK || b.path() != ev {
			b.fatal("%s: %d at %s: %s", what, st, b.path(), b.text("main"))
		}
	}

	// the centre registers and dispatches to 城管办
	comm := as("zs-community")
	step(comm, "register", "register")
	comm.expect("registered", "待派遣")
	comm.shot("registered")
	var dept string
	for _, d := range mustDepartments(t, srv) {
		if strings.Contains(d.Name, "城市管理") {
			dept = fmt.Sprint(d.ID)
		}
	}
	step(comm, "dispatch", "dispatch", chromedp.SetValue(chromedp.CSS(`form[action="`+ev+`/dispatch"] select[name="department_id"]`), dept))
	comm.expect("dispatched", "处置中", "城市管理办公室")

	// the department reports back with a photo
	d := as("gt-department")
	step(d, "report back", "handle",
		chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/handle"] textarea[name="reason"]`), "已安排清运，并增加每日清运一次。"),
		chromedp.SetUploadFiles(chromedp.CSS(`form[action="`+ev+`/handle"] input[type="file"]`), []string{photo}))
	d.expect("handled", "待核查", "已安排清运")
	if n := eval[int](d, `document.querySelectorAll(".event-photos img").length`); n != 2 {
		d.fatal("%d photos after the report back, want 2", n)
	}
	d.shot("handled")

	// the grid worker verifies on site; the centre closes
	g := as("zs-grid")
	step(g, "verify", "verify", chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/verify"] textarea[name="reason"]`), "现场已清理干净。"))
	g.expect("verified", "待结案")
	comm = as("zs-community")
	step(comm, "close", "close")
	comm.expect("closed", "已结案")

	// the resident rates it, once
	res = as("zs-resident")
	step(res, "rate", "rate", chromedp.SetValue(chromedp.CSS(`form[action="`+ev+`/rate"] select[name="rating"]`), "5"),
		chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/rate"] textarea[name="comment"]`), "处理及时，谢谢！"))
	res.expect("rated", "★★★★★", "处理及时")
	if res.visible(`form[action="` + ev + `/rate"]`) {
		res.fatal("the rating form is still offered")
	}
	res.shot("rated")

	// another event goes overdue: ten days later the job escalates it to the district
	g = as("zs-grid")
	g.open("/events/new")
	st = g.load("collect on patrol",
		chromedp.SetValue(chromedp.ID("in-category_id"), categoryID(t, srv, "fire")),
		chromedp.SendKeys(chromedp.ID("in-title"), "楼道飞线充电"),
		chromedp.SetValue(chromedp.ID("in-grid_id"), firstGrid(t, srv)),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	m = eventPath.FindStringSubmatch(g.path())
	if st != http.StatusOK || m == nil {
		g.fatal("after collecting: %d at %s: %s", st, g.path(), g.text("main"))
	}
	clock.forward(10 * 24 * time.Hour)
	if _, err := jobs.EscalateEvents(context.Background(), srv.App, srv.App.Now()); err != nil {
		t.Fatal(err)
	}
	comm = as("zs-community")
	comm.open("/events/" + m[1])
	comm.expect("the overdue event", "已超时", "已升级至区职能部门")
	comm.open("/events?escalated=1")
	comm.expect("the escalated list", "楼道飞线充电")
	comm.shot("escalated")
}

func categoryID(t *testing.T, srv *server, code string) string {
	t.Helper()
	c, err := srv.App.EventsService.Category(context.Background(), 0, code)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(c.ID)
}

func mustDepartments(t *testing.T, srv *server) []*gongzhi.Department {
	t.Helper()
	ds, err := srv.App.EventsService.Departments(context.Background(), gongzhi.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func firstGrid(t *testing.T, srv *server) string {
	t.Helper()
	var id int64
	if err := srv.App.DB.Q().QueryRow(context.Background(), `SELECT id FROM grids WHERE community_code = '320116004001' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id)
}
