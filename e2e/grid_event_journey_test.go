package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
)

// TestGridVisitEventToRatingOnAPhone is issue 14's journey through the pages, on phone-sized
// windows and a fresh demo server of each database (docs/grids.md §3, docs/events.md): the grid
// worker of 中山社区第1网格 visits the household of the demo resident (zs-resident), picked from
// its grid's households, and turns the problem found into an event with the visit form's own
// option; the community centre registers it and dispatches it to the street's 城市管理办公室; the
// department reports back with a photo; the grid worker verifies on site; the centre closes it;
// the resident, who lives in the visited household, finds it on the home page and in "my
// events" and rates it. Then another event goes overdue and River's worker, running the
// escalate_events job as the scheduler does with the clock ten days on, escalates it.
func TestGridVisitEventToRatingOnAPhone(t *testing.T) {
	requireBrowser(t)
	t.Run("sqlite", func(t *testing.T) { gridVisitEventJourney(t, sqliteServer(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			t.Skip("SKIPPING the PostgreSQL journey: set " + storetest.EnvPostgres)
		}
		gridVisitEventJourney(t, startServer(t, demodb.Postgres(t)))
	})
}

func gridVisitEventJourney(t *testing.T, srv *server) {
	j := newEventJourney(t, srv)
	ctx := context.Background()
	// the demo resident's household and grid, as the registry links them
	var hid, gid int64
	if err := srv.App.DB.Q().QueryRow(ctx, `SELECT h.id, h.grid_id FROM users u JOIN people p ON p.id = u.person_id
		JOIN households h ON h.id = p.household_id WHERE u.username = 'zs-resident'`).Scan(&hid, &gid); err != nil {
		t.Fatalf("zs-resident's household: %v", err)
	}

	// the grid worker picks the household from its grid's households and visits it
	g := j.as("zs-grid")
	if st := g.open(fmt.Sprintf("/gridwork/grids/%d", gid)); st != http.StatusOK {
		g.fatal("the grid's page: %d", st)
	}
	visitLink := fmt.Sprintf(`main a[href="/gridwork/visits/new?household=%d"]`, hid)
	if !g.visible(visitLink) {
		g.fatal("the grid's households do not offer a visit to zs-resident's household %d", hid)
	}
	if st := g.load("visit the resident's household", chromedp.Click(chromedp.CSS(visitLink))); st != http.StatusOK {
		g.fatal("visit form: %d", st)
	}
	if got := g.value(`#in-household_id`); got != fmt.Sprint(hid) {
		g.fatal("the visit form picked household %q, want %d", got, hid)
	}
	g.do("fill in the visit with an event",
		chromedp.Click(chromedp.CSS(`#in-people_met label.check input`)),
		chromedp.SendKeys(chromedp.ID("in-situation"), "老人独自在家，反映楼下垃圾问题。"),
		chromedp.SetValue(chromedp.ID("in-finding_kind"), "problem"),
		chromedp.SendKeys(chromedp.ID("in-finding"), "楼下垃圾桶三天未清运，气味很大"),
		chromedp.SetValue(chromedp.ID("in-event_category"), "sanitation"),
	)
	g.shot("journey-visit-form")
	checkNoSidewaysScroll(t, g, "the visit form")
	if st := g.load("save the visit and its event", chromedp.Click(chromedp.CSS(`main form[action="/gridwork/visits"] .actions button[type="submit"]`))); st != http.StatusOK {
		g.fatal("save the visit: %d", st)
	}
	m := eventPath.FindStringSubmatch(g.path())
	if m == nil {
		g.fatal("after saving the visit with an event at %s: %s", g.path(), g.text("main"))
	}
	j.ev = "/events/" + m[1]
	g.expect("the visit's event", "发现已上报为事件", "楼下垃圾桶三天未清运", "环境卫生", "待立案", "入户走访发现")
	if !g.visible(`main a[href^="/gridwork/visits/"][href*="#finding-"]`) {
		g.fatal("the event does not link back to its finding")
	}
	var src string
	var ehid int64
	if err := srv.App.DB.Q().QueryRow(ctx, `SELECT source, household_id FROM events WHERE id = ?`, m[1]).Scan(&src, &ehid); err != nil || src != "visit" || ehid != hid {
		t.Fatalf("the event's source %q and household %d (want visit, %d): %v", src, ehid, hid, err)
	}
	g.shot("journey-event")

	// before it is closed the resident follows it but may not rate it
	res := j.as("zs-resident")
	if st := res.open(j.ev); st != http.StatusOK {
		res.fatal("the resident cannot read the event of their household's visit: %d", st)
	}
	if res.visible(`form[action="` + j.ev + `/rate"]`) {
		res.fatal("the rating form is offered before the event is closed")
	}

	j.registerToClose("已安排保洁公司清运，并加密清运频次。", 1)

	// the resident finds it on the home page and in "my events", and rates it
	res = j.as("zs-resident")
	if st := res.open("/"); st != http.StatusOK {
		res.fatal("home: %d", st)
	}
	todo := `main a[href="/events?state=closed&rated=0"]`
	if !res.visible(todo) || !strings.Contains(res.text(todo), "待评价") {
		res.fatal("the home page does not ask the resident to evaluate the closed event")
	}
	res.shot("journey-resident-home")
	if st := res.load("open the events to evaluate", chromedp.Click(chromedp.CSS(todo))); st != http.StatusOK || !res.visible(`main a[href="`+j.ev+`"]`) {
		res.fatal("my events to evaluate do not list %s: %d", j.ev, st)
	}
	if st := res.open("/events"); st != http.StatusOK || !res.visible(`main a[href="`+j.ev+`"]`) {
		res.fatal("my events do not list %s: %d", j.ev, st)
	}
	j.rate(res)
	if st := res.open("/"); st != http.StatusOK || res.visible(todo) {
		res.fatal("the home page still asks to evaluate: %d", st)
	}
	var rating int
	if err := srv.App.DB.Q().QueryRow(ctx, `SELECT rating FROM events WHERE id = ?`, m[1]).Scan(&rating); err != nil || rating != 5 {
		t.Fatalf("the event's rating %d: %v", rating, err)
	}

	// another event goes overdue; River's worker runs the escalation job
	j.overdueEscalates(true)

	// the centre's map shaded by open events, and the month's printable report
	comm := j.as("zs-community")
	comm.look("/gridwork/map?place=320116004001&shade=events", "journey-map-events", "未办结事件", "按走访率着色")
	if !comm.visible(`main svg a[href^="/gridwork/grids/"] path`) {
		comm.fatal("the map shaded by events draws no grid")
	}
	comm.look("/events/report", "journey-report", "网格事件月度报告", "本月概况", "高发点")
	pctx, cancel := comm.step()
	if _, err := chromedp.Call(pctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		cancel()
		comm.fatal("print media: %v", err)
	}
	cancel()
	if comm.visible(`.event-report .page-head .tools a`) || comm.visible(`header.top`) {
		comm.fatal("the printed report shows its buttons or the navigation")
	}
	comm.shot("journey-report-print")
}

// look opens a page on the phone, which must answer 200, show every text of want and not scroll
// sideways, and takes its screenshot.
func (b *browser) look(path, shot string, want ...string) {
	b.t.Helper()
	if st := b.open(path); st != http.StatusOK {
		b.fatal("GET %s: %d", path, st)
	}
	b.expect(path, want...)
	b.shot(shot)
	checkNoSidewaysScroll(b.t, b, path)
}
