package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGridWorkerFindingToEventOnPhone (docs/grids.md, docs/events.md): on a phone-sized
// window, the grid worker of 中山社区第1网格 visits the first overdue household and finds a
// problem; on the visit's page it turns the finding into a grid event in one step, its category
// chosen from the events categories; the event's page links back to the finding, the finding to
// its event; the grid's page lists it. Then the community centre registers the event. No page scrolls sideways.
func TestGridWorkerFindingToEventOnPhone(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	g := phoneOf(newBrowser(t, srv.Base))
	g.login("zs-grid")
	visitFirstOverdue(g)
	g.do("fill in the visit",
		chromedp.SendKeys(chromedp.ID("in-situation"), "住户在家，反映楼道问题。"),
		chromedp.SetValue(chromedp.ID("in-finding_kind"), "problem"),
		chromedp.SendKeys(chromedp.ID("in-finding"), "三楼楼道堆满纸箱，堵住消防通道"),
	)
	if st := g.load("save the visit", chromedp.Click(chromedp.CSS(`main form[action="/gridwork/visits"] .actions button[type="submit"]`))); st != http.StatusOK {
		g.fatal("save the visit: %d", st)
	}
	visit := g.path()
	if !strings.HasPrefix(visit, "/gridwork/visits/") {
		g.fatal("after saving at %s, want the visit's page", visit)
	}
	if !g.visible(`main form[action$="/event"]`) {
		g.fatal("the finding offers no → event")
	}
	if got := g.value(`main form[action$="/event"] select[name="category_code"]`); got != "other" {
		g.fatal("a problem's default event category is %q, want other", got)
	}
	g.do("choose the category", chromedp.SetValue(chromedp.CSS(`main form[action$="/event"] select[name="category_code"]`), "fire"))
	g.shot("finding-event-form")
	checkNoSidewaysScroll(t, g, "the visit's page")
	if st := g.load("turn the finding into an event", chromedp.Click(chromedp.CSS(`main form[action$="/event"] button[type="submit"]`))); st != http.StatusOK {
		g.fatal("finding → event: %d", st)
	}
	m := eventPath.FindStringSubmatch(g.path())
	if m == nil {
		g.fatal("after turning the finding into an event at %s: %s", g.path(), g.text("main"))
	}
	ev := "/events/" + m[1]
	g.expect("the new event", "已上报为事件", "待立案", "三楼楼道堆满纸箱", "消防安全", "入户走访发现")
	if !g.visible(`main a[href^="` + visit + `#finding-"]`) {
		g.fatal("the event does not link back to its finding")
	}
	g.shot("finding-event")
	checkNoSidewaysScroll(t, g, "the event's page")
	if st := g.open(visit); st != http.StatusOK || !g.visible(`main a[href="`+ev+`"]`) {
		g.fatal("the finding does not link to its event: %d", st)
	}
	if g.visible(`main form[action$="/event"]`) {
		g.fatal("the finding still offers → event")
	}

	// the grid's page counts and lists its events
	var gid string
	if err := srv.App.DB.Q().QueryRow(g.ctx, `SELECT grid_id FROM events WHERE id = ?`, m[1]).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	g.look("/gridwork/grids/"+gid, "grid-events", "网格事件", "办理中")
	if !g.visible(`main a[href="` + ev + `"]`) {
		g.fatal("the grid's page does not list the event")
	}

	// the visit form's own option: the next household's visit and its event in one step
	visitFirstOverdue(g)
	g.do("fill in the visit with an event",
		chromedp.SendKeys(chromedp.ID("in-situation"), "住户反映门前垃圾无人清运。"),
		chromedp.SetValue(chromedp.ID("in-finding_kind"), "problem"),
		chromedp.SendKeys(chromedp.ID("in-finding"), "单元门口垃圾两天未清运"),
		chromedp.SetValue(chromedp.ID("in-event_category"), "sanitation"),
	)
	g.shot("visit-form-event")
	if st := g.load("save the visit and its event", chromedp.Click(chromedp.CSS(`main form[action="/gridwork/visits"] .actions button[type="submit"]`))); st != http.StatusOK {
		g.fatal("save the visit: %d", st)
	}
	if eventPath.FindStringSubmatch(g.path()) == nil {
		g.fatal("after saving the visit with an event at %s: %s", g.path(), g.text("main"))
	}
	g.expect("the visit form's event", "发现已上报为事件", "单元门口垃圾两天未清运", "环境卫生", "待立案")

	// the centre registers it
	c := phoneOf(newBrowser(t, srv.Base))
	c.login("zs-community")
	if st := c.open(ev); st != http.StatusOK {
		c.fatal("GET %s: %d", ev, st)
	}
	if st := c.load("register", chromedp.Click(chromedp.CSS(`form[action="`+ev+`/register"] button[type="submit"]`))); st != http.StatusOK || c.path() != ev {
		c.fatal("register: %d at %s", st, c.path())
	}
	c.expect("registered", "待派遣")
	c.shot("finding-event-registered")
	var state string
	if err := srv.App.DB.Q().QueryRow(c.ctx, `SELECT state FROM events WHERE id = ?`, m[1]).Scan(&state); err != nil || state != "registered" {
		t.Fatalf("the event's state: %q %v", state, err)
	}
}

// visitFirstOverdue opens the visit form of the first household on the grid worker's overdue list.
func visitFirstOverdue(g *browser) {
	g.t.Helper()
	if st := g.open("/gridwork/overdue"); st != http.StatusOK {
		g.fatal("overdue list: %d", st)
	}
	if st := g.load("visit the first overdue household", chromedp.Click(chromedp.CSS(`main table tbody tr td:nth-child(2) a`))); st != http.StatusOK {
		g.fatal("visit form: %d", st)
	}
}
