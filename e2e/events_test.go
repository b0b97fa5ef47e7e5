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
	j := newEventJourney(t, sqliteServer(t))

	// the resident reports with a photo
	res := j.as("zs-resident")
	if st := res.open("/events/new"); st != http.StatusOK {
		res.fatal("GET /events/new: %d", st)
	}
	res.shot("report-form")
	st := res.load("report a problem",
		chromedp.SetValue(chromedp.ID("in-category_id"), categoryID(t, j.srv, "sanitation")),
		chromedp.SendKeys(chromedp.ID("in-title"), "小区东门垃圾桶满溢"),
		chromedp.SendKeys(chromedp.ID("in-description"), "垃圾桶已经两天没有清运，气味很大。"),
		chromedp.SetValue(chromedp.ID("in-community_code"), "320116004001"),
		chromedp.SendKeys(chromedp.ID("in-address"), "中山社区东门"),
		chromedp.SetUploadFiles(chromedp.ID("in-file"), []string{j.photo}),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	m := eventPath.FindStringSubmatch(res.path())
	if st != http.StatusOK || m == nil {
		res.fatal("after reporting: %d at %s: %s", st, res.path(), res.text("main"))
	}
	j.ev = "/events/" + m[1]
	res.expect("the new event", "待立案", "小区东门垃圾桶满溢")
	if n := eval[int](res, `document.querySelectorAll(".event-photos img").length`); n != 1 {
		res.fatal("%d photos on the event", n)
	}
	res.shot("reported")

	j.registerToClose("已安排清运，并增加每日清运一次。", 2)

	// the resident rates it, once
	res = j.as("zs-resident")
	j.rate(res)

	// another event goes overdue: ten days later the job escalates it to the district
	j.overdueEscalates(false)
}

// eventJourney walks an event through the seven steps on phone-sized browsers, as the demo's
// people: the helpers the journeys of docs/events.md share.
type eventJourney struct {
	t        *testing.T
	srv      *server
	clock    *offsetClock
	photo    string          // a PNG to upload
	signedIn map[string]bool // accounts that changed their initial password
	ev       string          // the event's page, /events/ID
}

func newEventJourney(t *testing.T, srv *server) *eventJourney {
	t.Helper()
	j := &eventJourney{t: t, srv: srv, clock: &offsetClock{}, signedIn: map[string]bool{}}
	srv.App.Now = j.clock.now
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
	j.photo = filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(j.photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return j
}

// as is a fresh phone-sized browser signed in as username (a browser lives browserTimeout): the
// first stint signs in with the initial password and changes it, later ones with the new one.
func (j *eventJourney) as(username string) *browser {
	b := phoneOf(newBrowser(j.t, j.srv.Base))
	if j.signedIn[username] {
		b.relogin(username)
	} else {
		b.login(username)
		j.signedIn[username] = true
	}
	return b
}

// step opens the event's page, fills a step's form and submits it, back on the event's page.
func (j *eventJourney) step(b *browser, what, action string, fill ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if st := b.open(j.ev); st != http.StatusOK {
		b.fatal("GET %s: %d", j.ev, st)
	}
	steps := append(fill, chromedp.Click(chromedp.CSS(`form[action="`+j.ev+`/`+action+`"] button[type="submit"]`)))
	if st := b.load(what, steps...); st != http.StatusOK || b.path() != j.ev {
		b.fatal("%s: %d at %s: %s", what, st, b.path(), b.text("main"))
	}
}

// registerToClose: the community centre registers the collected event and dispatches it to the
// street's 城市管理办公室; the department reports back what it did (result) with a photo, the
// event then holding photos pictures; the grid worker verifies on site; the centre closes it.
func (j *eventJourney) registerToClose(result string, photos int) {
	j.t.Helper()
	ev := j.ev
	comm := j.as("zs-community")
	j.step(comm, "register", "register")
	comm.expect("registered", "待派遣")
	comm.shot("registered")
	var dept string
	for _, d := range mustDepartments(j.t, j.srv) {
		if strings.Contains(d.Name, "城市管理") {
			dept = fmt.Sprint(d.ID)
		}
	}
	j.step(comm, "dispatch", "dispatch", chromedp.SetValue(chromedp.CSS(`form[action="`+ev+`/dispatch"] select[name="department_id"]`), dept))
	comm.expect("dispatched", "处置中", "城市管理办公室")

	// the department reports back with a photo
	d := j.as("gt-department")
	j.step(d, "report back", "handle",
		chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/handle"] textarea[name="reason"]`), result),
		chromedp.SetUploadFiles(chromedp.CSS(`form[action="`+ev+`/handle"] input[type="file"]`), []string{j.photo}))
	d.expect("handled", "待核查", string([]rune(result)[:5]))
	if n := eval[int](d, `document.querySelectorAll(".event-photos img").length`); n != photos {
		d.fatal("%d photos after the report back, want %d", n, photos)
	}
	d.shot("handled")

	// the grid worker verifies on site; the centre closes
	g := j.as("zs-grid")
	j.step(g, "verify", "verify", chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/verify"] textarea[name="reason"]`), "现场已清理干净。"))
	g.expect("verified", "待结案")
	comm = j.as("zs-community")
	j.step(comm, "close", "close")
	comm.expect("closed", "已结案")
}

// rate: the resident, on the event's page, rates it five stars, once.
func (j *eventJourney) rate(res *browser) {
	j.t.Helper()
	ev := j.ev
	j.step(res, "rate", "rate", chromedp.SetValue(chromedp.CSS(`form[action="`+ev+`/rate"] select[name="rating"]`), "5"),
		chromedp.SendKeys(chromedp.CSS(`form[action="`+ev+`/rate"] textarea[name="comment"]`), "处理及时，谢谢！"))
	res.expect("rated", "★★★★★", "处理及时")
	if res.visible(`form[action="` + ev + `/rate"]`) {
		res.fatal("the rating form is still offered")
	}
	res.shot("rated")
}

// overdueEscalates: the grid worker collects another event on patrol and nobody registers it;
// ten days later the escalate_events job escalates it to the district — run by the job's own
// work (jobs.EscalateEvents), or, byRiver, by River's worker as the scheduler runs it: a runner
// started on the database, the job enqueued for its period, the run logged in job_runs.
func (j *eventJourney) overdueEscalates(byRiver bool) {
	j.t.Helper()
	t, srv := j.t, j.srv
	g := j.as("zs-grid")
	g.open("/events/new")
	st := g.load("collect on patrol",
		chromedp.SetValue(chromedp.ID("in-category_id"), categoryID(t, srv, "fire")),
		chromedp.SendKeys(chromedp.ID("in-title"), "楼道飞线充电"),
		chromedp.SetValue(chromedp.ID("in-grid_id"), firstGrid(t, srv)),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)),
	)
	m := eventPath.FindStringSubmatch(g.path())
	if st != http.StatusOK || m == nil {
		g.fatal("after collecting: %d at %s: %s", st, g.path(), g.text("main"))
	}
	j.clock.forward(10 * 24 * time.Hour)
	if byRiver {
		escalateByRiver(t, srv)
	} else if _, err := jobs.EscalateEvents(context.Background(), srv.App, srv.App.Now()); err != nil {
		t.Fatal(err)
	}
	comm := j.as("zs-community")
	comm.open("/events/" + m[1])
	comm.expect("the overdue event", "已超时", "已升级至区职能部门")
	comm.open("/events?escalated=1")
	comm.expect("the escalated list", "楼道飞线充电")
	comm.shot("escalated")
}

// escalateByRiver starts River's workers on the server's database at its clock, enqueues the
// escalate_events job of the current period as the scheduler does, and waits for its run to be
// logged, having escalated something.
func escalateByRiver(t *testing.T, srv *server) {
	t.Helper()
	ctx := context.Background()
	if _, err := jobs.Migrate(ctx, srv.App.DB); err != nil {
		t.Fatal(err)
	}
	r, err := jobs.New(ctx, srv.App, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := r.Stop(sctx); err != nil {
			t.Logf("stop River: %v", err)
		}
	}()
	// the leader enqueues every job at start (RunOnStart); this is the same period's, once
	if _, err := r.Enqueue(ctx, jobs.KindEvents); err != nil {
		t.Fatal(err)
	}
	period := jobs.ByKind(jobs.KindEvents).Period(srv.App.Now())
	deadline := time.Now().Add(60 * time.Second)
	for {
		var done int
		var errText string
		err := srv.App.DB.Q().QueryRow(ctx, `SELECT done, error FROM job_runs WHERE kind = ? AND period = ? ORDER BY id DESC LIMIT 1`,
			jobs.KindEvents, period).Scan(&done, &errText)
		switch {
		case err == nil && errText != "":
			t.Fatalf("the escalate_events run failed: %s", errText)
		case err == nil && done >= 1:
			return
		case err == nil:
			t.Fatalf("the escalate_events run of %s escalated nothing", period)
		case time.Now().After(deadline):
			t.Fatalf("no escalate_events run of %s logged within a minute: %v", period, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
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
