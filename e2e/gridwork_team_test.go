package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestGridTeamPickOnPhone: community staff (zs-community), on a phone, put a resident on a
// grid's team from the grid page. The choice lists 30 people, not the community's thousands:
// typing the name into the search box narrows it (the script asks the page's JSON list), the
// resident is chosen and saved, and the team lists them. No page scrolls sideways.
func TestGridTeamPickOnPhone(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx, q := context.Background(), srv.App.DB.Q()
	var gid, pid int64
	var name string
	if err := q.QueryRow(ctx, `SELECT id FROM grids WHERE community_code = '320116004001' ORDER BY code LIMIT 1`).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	// a resident late in pinyin order, so not among the first 30 the form lists
	if err := q.QueryRow(ctx, `SELECT id, name FROM people WHERE place_code = '320116004001' AND kind = 'resident'
		AND id NOT IN (SELECT person_id FROM grid_members) ORDER BY name_py DESC, id LIMIT 1`).Scan(&pid, &name); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(pid, 10)
	offered := `Array.from(document.querySelectorAll("#in-person_id option")).some(o => o.value === "` + id + `")`
	b := phoneOf(newBrowser(t, srv.Base))
	b.login("zs-community")
	page := fmt.Sprintf("/gridwork/grids/%d", gid)
	if st := b.open(page + "#team"); st != http.StatusOK {
		b.fatal("grid page: %d", st)
	}
	checkNoSidewaysScroll(t, b, page)
	if eval[bool](b, offered) {
		b.fatal("%s is offered before any search: the test needs someone outside the first 30", name)
	}
	b.do("type the name", chromedp.SendKeys(chromedp.CSS(`input[name="person_q"]`), name))
	for i := 0; !eval[bool](b, offered); i++ {
		if i == 50 {
			b.fatal("typing %q did not offer them", name)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.shot("01-found")
	st := b.load("save the member",
		chromedp.SetValue(chromedp.ID("in-person_id"), id),
		chromedp.SetValue(chromedp.ID("in-post"), "doctor"),
		chromedp.Click(chromedp.CSS(`form[action$="/members"] .actions button[type="submit"]`)))
	if st != http.StatusOK || !strings.HasPrefix(b.path(), page) {
		b.fatal("after saving: %d at %s", st, b.path())
	}
	if team := b.text("#team"); !strings.Contains(team, name) {
		b.fatal("the team does not list %s: %.300s", name, team)
	}
	b.shot("02-team")
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM grid_members WHERE person_id = ? AND grid_id = ? AND post = 'doctor'`, pid, gid).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d members saved (%v)", n, err)
	}
}
