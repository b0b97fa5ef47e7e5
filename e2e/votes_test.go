package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
)

// TestVotesJourney (docs/votes.md): on a 390 px phone, zs-resident opens the household vote on
// the lift that the demo holds open, votes 赞成 and is shown the tracker once on a printable
// slip; the public result page confirms the tracker was counted. The community worker reads the
// closed participatory budget with its chart, prints its 公示 sheet, and follows its decision;
// the supervision committee reads who voted, without choices.
func TestVotesJourney(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()
	var open, closed, decision int64
	q := srv.App.DB.Q()
	if err := q.QueryRow(ctx, `SELECT id FROM votes WHERE title = ?`, demo.VoteOpenTitle).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRow(ctx, `SELECT v.id, d.id FROM votes v JOIN vote_decisions d ON d.vote_id = v.id WHERE v.title = ?`, demo.VoteClosedTitle).Scan(&closed, &decision); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv.Base)
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.login("zs-resident")
	if st := b.open("/votes"); st != http.StatusOK {
		b.fatal("/votes: %d", st)
	}
	b.shot("votes-01-list")
	checkNoSidewaysScroll(t, b, "/votes")
	if st := b.open(fmt.Sprintf("/votes/%d", open)); st != http.StatusOK {
		b.fatal("the open vote: %d", st)
	}
	b.shot("votes-02-ballot")
	checkNoSidewaysScroll(t, b, "the ballot")
	st := b.load("vote yes",
		chromedp.SetValue(chromedp.CSS(`form[action$="/ballots"] select[name="choice"]`), "1"),
		chromedp.Click(chromedp.CSS(`form[action$="/ballots"] button[type="submit"]`)))
	tracker := strings.TrimSpace(b.text("#vote-tracker"))
	if st != http.StatusCreated || len(tracker) != gongzhi.VoteTrackerLen {
		b.fatal("after voting: status %d, tracker %q", st, tracker)
	}
	b.shot("votes-03-slip")
	checkNoSidewaysScroll(t, b, "the slip")
	// voting again is refused, nothing counted twice
	b.open(fmt.Sprintf("/votes/%d", open))
	if b.visible(`form[action$="/ballots"]`) {
		st = b.load("vote again",
			chromedp.SetValue(chromedp.CSS(`form[action$="/ballots"] select[name="choice"]`), "2"),
			chromedp.Click(chromedp.CSS(`form[action$="/ballots"] button[type="submit"]`)))
		if st != http.StatusConflict || !strings.Contains(b.text("main"), "已经投过票") {
			t.Errorf("a second ballot: status %d, page %q", st, b.text("main .error-box"))
		}
	}
	if st := b.open(fmt.Sprintf("/public/votes/%d?tracker=%s", open, tracker)); st != http.StatusOK || !strings.Contains(b.text("main"), "已计入：赞成") {
		b.fatal("the tracker check: %d %q", st, b.text("main"))
	}
	b.shot("votes-04-tracker-check")

	c := newBrowser(t, srv.Base)
	c.login("zs-community")
	if st := c.open(fmt.Sprintf("/votes/%d", closed)); st != http.StatusOK || !c.visible("main svg.vote-bars") {
		c.fatal("the closed vote: %d, chart shown %v", st, c.visible("main svg.vote-bars"))
	}
	if !strings.Contains(c.text("main"), "已截止：通过") {
		t.Errorf("the closed vote does not say it passed")
	}
	c.shot("votes-05-closed")
	if st := c.open(fmt.Sprintf("/public/votes/%d/notice", closed)); st != http.StatusOK || !strings.Contains(c.text("main"), "表决结果公示") {
		t.Errorf("the notice: %d", st)
	}
	c.shot("votes-06-notice")
	if st := c.open(fmt.Sprintf("/decisions/%d", decision)); st != http.StatusOK || !strings.Contains(c.text("main"), "25%") {
		t.Errorf("the decision: %d %q", st, c.text("main"))
	}
	c.shot("votes-07-decision")

	a := newBrowser(t, srv.Base)
	a.login("gt-auditor")
	if st := a.open(fmt.Sprintf("/votes/%d/voters", closed)); st != http.StatusOK || !strings.Contains(a.text("main"), "不含任何人的选择") {
		t.Errorf("who voted: %d", st)
	}
	a.shot("votes-08-voters")
}
