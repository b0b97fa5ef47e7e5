package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/votes"
)

// TestConsultJourney is issue 13's whole journey through the pages (docs/consultation.md,
// docs/votes.md), on a fresh demo server of each database: a resident raises a topic on a phone;
// the deliberation committee (community staff) accepts it; two residents comment; a hearing is
// held with QR sign-in and minutes; a household vote opens on the topic from the topic's page;
// residents vote online on their phones, a paper ballot is entered at the meeting by the
// community worker and witnessed by the grid worker; the vote closes (the close_votes job, the
// clock past its close) with quorum and threshold computed; `gongzhi log verify --recount`
// recounts it from the public ledger; the decision's task is done, the supervision committee
// accepts it and a resident rates it; the topic's page shows the whole path.
func TestConsultJourney(t *testing.T) {
	requireBrowser(t)
	bin := buildGongzhi(t)
	t.Run("sqlite", func(t *testing.T) { consultJourney(t, sqliteServer(t), bin) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			t.Skip("SKIPPING the PostgreSQL journey: set " + storetest.EnvPostgres)
		}
		consultJourney(t, startServer(t, demodb.Postgres(t)), bin)
	})
}

// loginFirst signs in with an account's password, changing it to newPassword when the product
// asks for a new one.
func (b *browser) loginFirst(username, password string) {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.fatal("GET /login: status %d", st)
	}
	b.load("sign in as "+username,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	switch p := b.path(); p {
	case "/":
		return // an account the office made with a password of the resident's choosing
	case "/password":
	default:
		b.fatal("after signing in as %s: at %s", username, p)
	}
	st := b.load("change the initial password of "+username,
		chromedp.SendKeys(chromedp.ID("in-current"), password),
		chromedp.SendKeys(chromedp.ID("in-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("in-confirm"), newPassword),
		chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)))
	if p := b.path(); st != http.StatusOK || p != "/" {
		b.fatal("after changing the password of %s: status %d at %s", username, st, p)
	}
}

func consultJourney(t *testing.T, srv *server, bin string) {
	ctx := context.Background()
	clock := &offsetClock{}
	srv.App.Now = clock.now
	q := srv.App.DB.Q()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	// a neighbour of another household with an account of their own (the demo's zs-resident2…4,
	// whose initial passwords are the demo's with -0, -1, -2)
	var ownHousehold int64
	if err := q.QueryRow(ctx, `SELECT p.household_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'zs-resident'`).Scan(&ownHousehold); err != nil {
		t.Fatal(err)
	}
	neighbour, neighbourPassword := "", ""
	for k := range 3 {
		var hh int64
		name := "zs-resident" + strconv.Itoa(k+2)
		if err := q.QueryRow(ctx, `SELECT p.household_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = ?`, name).Scan(&hh); err != nil {
			t.Fatal(err)
		}
		if hh != ownHousehold {
			neighbour, neighbourPassword = name, demo.Password+"-"+strconv.Itoa(k)
			break
		}
	}
	if neighbour == "" {
		t.Fatal("no demo resident account in another household")
	}

	// ---- a resident raises a topic on a phone
	res := newBrowser(t, srv.Base)
	res.onPhone()
	res.login("zs-resident")
	res.open("/consult")
	res.setIn("write a topic", `main form[action="/consult/topics"]`, map[string]string{"title": "三号楼加装电梯",
		"body": "三号楼住着很多老人，上下楼困难，建议加装电梯。"})
	res.press("raise the topic", `main form[action="/consult/topics"] button[type="submit"]`, http.StatusOK)
	topic := res.pathID()
	res.expect("the raised topic", "三号楼加装电梯", "待受理")
	res.shot("journey-01-raised")

	// ---- the deliberation committee accepts it
	com := newBrowser(t, srv.Base)
	com.onPhone()
	com.login("zs-community")
	com.open("/consult/topics/" + id(topic))
	com.press("accept the topic", `main form[action$="/accept"] button[type="submit"]`, http.StatusOK)
	com.expect("the accepted topic", "议题已受理", "已受理，协商中", "就此议题发起表决")

	// ---- residents comment
	res = newBrowser(t, srv.Base)
	res.onPhone()
	res.signInAgain("zs-resident")
	res.open("/consult/topics/" + id(topic))
	res.setIn("write a comment", `main form[action$="/comments"]`, map[string]string{"body": "电梯费用按楼层分摊。"})
	res.press("post the comment", `main form[action$="/comments"] button[type="submit"]`, http.StatusOK)
	res.expect("the posted comment", "意见已发表", "电梯费用按楼层分摊")
	nb := newBrowser(t, srv.Base)
	nb.onPhone()
	nb.loginFirst(neighbour, neighbourPassword)
	nb.open("/consult/topics/" + id(topic))
	nb.setIn("write a counter-proposal", `main form[action$="/comments"]`, map[string]string{"kind": gongzhi.CommentProposal,
		"body": "一楼住户不分摊，另设爬楼机。"})
	nb.press("post the counter-proposal", `main form[action$="/comments"] button[type="submit"]`, http.StatusOK)
	nb.expect("the counter-proposal", "意见已发表", "一楼住户不分摊")

	// ---- a hearing with QR sign-in and minutes
	com = newBrowser(t, srv.Base)
	com.onPhone()
	com.signInAgain("zs-community")
	com.open("/consult?topic=" + id(topic))
	form := `main form[action="/consult/meetings"]`
	starts := clock.now().In(gongzhi.ChinaTime).Add(30 * time.Minute).Format("2006-01-02T15:04")
	com.setIn("describe the hearing", form, map[string]string{"kind": "hearing", "title": "加装电梯听证会", "starts_at": starts,
		"location": "社区党群服务中心", "agenda": "一、方案介绍\n二、居民发言", "topic_id": id(topic)})
	com.press("call the hearing", form+` button[type="submit"]`, http.StatusOK)
	meeting := com.pathID()
	com.press("open sign-in", `main form[action$="/signin-open"] button[type="submit"]`, http.StatusOK)
	if com.count(`main .consult-qr svg`) != 1 {
		com.fatal("no QR code at the door")
	}
	link := eval[string](com, `document.querySelector('#signin dd a').href`)

	res = newBrowser(t, srv.Base)
	res.onPhone()
	res.signInAgain("zs-resident")
	if st := res.open(strings.TrimPrefix(link, srv.Base)); st != http.StatusOK {
		res.fatal("open the door's code: %d", st)
	}
	res.press("sign in at the door", `main form[action^="/consult/signin/"] button[type="submit"]`, http.StatusOK)
	res.expect("signed in", "签到成功")

	com = newBrowser(t, srv.Base)
	com.onPhone()
	com.signInAgain("zs-community")
	com.open("/consult/meetings/" + id(meeting))
	com.setIn("the minutes", `main form[action$="/minutes"]`, map[string]string{"minutes": "到会居民同意加装电梯，费用分摊方案提交户代表表决。"})
	com.press("record the minutes", `main form[action$="/minutes"] button[type="submit"]`, http.StatusOK)
	com.expect("the held hearing", "纪要已保存", "已召开", "由到会人员表决")

	// ---- a household vote opens on the topic, from the topic's page
	com.open("/consult/topics/" + id(topic))
	com.press("put the topic to a vote", `main .tools a[href^="/votes?"]`, http.StatusOK)
	vform := `main form[action="/votes"]`
	if v := com.value(vform + ` [name="topic_id"]`); v != id(topic) {
		com.fatal("the vote form is not filled in with the topic: topic_id %q", v)
	}
	now := clock.now().In(gongzhi.ChinaTime)
	com.setIn("the vote's rules", vform, map[string]string{"electorate": gongzhi.ElectorateHouseholds, "ballot_kind": gongzhi.BallotYesNo,
		"opens_at": now.Truncate(time.Minute).Format("2006-01-02T15:04"), "closes_at": now.Add(24 * time.Hour).Format("2006-01-02T15:04"),
		"quorum_pct": "1", "threshold": gongzhi.ThresholdMajority, "threshold_base": gongzhi.BaseCast})
	com.press("create the vote", vform+` button[type="submit"]`, http.StatusOK)
	vote := com.pathID()
	com.press("open the vote", `main form[action$="/open"] button[type="submit"]`, http.StatusOK)
	com.expect("the open vote", "表决已开启", "投票中", "三号楼加装电梯")
	com.shot("journey-02-vote-open")

	// ---- residents vote online on their phones
	for _, who := range []string{"zs-resident", neighbour} {
		b := newBrowser(t, srv.Base)
		b.onPhone()
		if who == neighbour {
			b.loginFirst(neighbour, neighbourPassword)
		} else {
			b.signInAgain(who)
		}
		b.open("/consult/topics/" + id(topic))
		b.expect("the topic's path with its vote", "表决：三号楼加装电梯", "投票中")
		b.press("go to the vote", `main a[href="/votes/`+id(vote)+`"]`, http.StatusOK)
		st := b.load("vote yes",
			chromedp.SetValue(chromedp.CSS(`form[action$="/ballots"] select[name="choice"]`), "1"),
			chromedp.Click(chromedp.CSS(`form[action$="/ballots"] button[type="submit"]`)))
		if tracker := strings.TrimSpace(b.text("#vote-tracker")); st != http.StatusCreated || len(tracker) != gongzhi.VoteTrackerLen {
			b.fatal("%s votes: status %d, tracker %q", who, st, tracker)
		}
		checkNoSidewaysScroll(t, b, "the tracker slip")
	}

	// ---- a paper ballot at the meeting: the community worker enters it, the grid worker witnesses it
	var person int64
	if err := q.QueryRow(ctx, `SELECT p.id FROM people p JOIN households h ON h.id = p.household_id
		WHERE h.community_code = ? AND p.birth_year > 0 AND p.birth_year <= ? AND ('h' || CAST(h.id AS TEXT)) NOT IN
		(SELECT voter FROM vote_ballots WHERE vote_id = ?) ORDER BY p.id LIMIT 1`, demo.ZhongshanCode, now.Year()-18, vote).Scan(&person); err != nil {
		t.Fatal(err)
	}
	com = newBrowser(t, srv.Base)
	com.signInAgain("zs-community")
	com.open("/votes/" + id(vote))
	com.setIn("a paper ballot", `main form[action$="/paper"]`, map[string]string{"person_id": id(person), "choice": "2"})
	com.press("enter the paper ballot", `main form[action$="/paper"] button[type="submit"]`, http.StatusOK)
	com.expect("the entered ballot", "纸质选票已录入，等待另一名工作人员确认")
	if com.count(`main form[action$="/witness"]`) != 0 {
		t.Errorf("the worker who entered a paper ballot is offered to witness it")
	}
	grid := newBrowser(t, srv.Base)
	grid.login("zs-grid")
	grid.open("/votes/" + id(vote))
	grid.press("witness the paper ballot", `main form[action$="/witness"] button[type="submit"]`, http.StatusCreated)
	grid.expect("the paper voter's slip", "投票凭条", "反对")

	// ---- the vote closes: the close_votes job, once the clock is past its close
	clock.forward(25 * time.Hour)
	if n, err := jobs.CloseVotes(ctx, srv.App, clock.now()); err != nil || n < 1 {
		t.Fatalf("the close_votes job: %d %v", n, err)
	}
	anon := newBrowser(t, srv.Base)
	anon.onPhone()
	if st := anon.open("/public/votes/" + id(vote)); st != http.StatusOK {
		anon.fatal("the public result: %d", st)
	}
	anon.expect("the result", "已截止：通过")
	anon.shot("journey-03-result")

	// ---- the result recounted from the public ledger by the real binary
	if _, err := jobs.IntegrateLog(ctx, srv.App, clock.now()); err != nil { // as the server does every second
		t.Fatal(err)
	}
	// the ledger page names the latest records' types as they are on the log (with words besides)
	for _, typ := range []string{"audit.day_sealed", votes.RecBallot, votes.RecResult} {
		anon.untranslated[typ] = true
	}
	anon.open("/public/ledger")
	vkey := regexp.MustCompile(`--vkey '([^']+)'`).FindStringSubmatch(anon.text("main"))
	if vkey == nil {
		anon.fatal("the ledger page does not show the public key")
	}
	state := filepath.Join(t.TempDir(), "checkpoint")
	out, ok := runGongzhi(t, bin, "log", "verify", "--vkey", vkey[1], "--state", state, srv.Base+"/log/", "--recount", id(vote))
	if !ok || !strings.Contains(out, "vote "+id(vote)+" recounted from 3 ballots") || !strings.Contains(out, "passed true") ||
		!strings.Contains(out, "OK: the published result is exactly") {
		t.Fatalf("gongzhi log verify --recount %d:\n%s", vote, out)
	}

	// ---- the decision tracked to done
	var decision int64
	if err := q.QueryRow(ctx, `SELECT id FROM vote_decisions WHERE vote_id = ?`, vote).Scan(&decision); err != nil {
		t.Fatal(err)
	}
	com = newBrowser(t, srv.Base)
	com.signInAgain("zs-community")
	com.open("/votes/" + id(vote))
	com.press("open the decision", `main a[href="/decisions/`+id(decision)+`"]`, http.StatusOK)
	com.setIn("a task", `main form[action$="/tasks"]`, map[string]string{"title": "电梯招标与安装",
		"due_on": clock.now().In(gongzhi.ChinaTime).AddDate(0, 1, 0).Format("2006-01-02")})
	com.press("add the task", `main form[action$="/tasks"] button[type="submit"]`, http.StatusOK)
	com.setIn("the task's note", `main form[action$="/done"]`, map[string]string{"note": "电梯已验收投用"})
	com.press("finish the task", `main form[action$="/done"] button[type="submit"]`, http.StatusOK)
	com.press("report it completed", `main form[action$="/complete"] button[type="submit"]`, http.StatusOK)
	com.expect("the completed decision", "100%", "已报完成，待监督委员会审核")

	aud := newBrowser(t, srv.Base)
	aud.login("gt-auditor")
	aud.open("/decisions/" + id(decision))
	aud.setIn("the review", `main form[action$="/review"]`, map[string]string{"note": "现场查看，电梯运行正常。"})
	aud.press("accept the decision", `main form[action$="/review"] button[type="submit"]`, http.StatusOK)
	aud.expect("the accepted decision", "监督委员会已验收")

	res = newBrowser(t, srv.Base)
	res.onPhone()
	res.signInAgain("zs-resident")
	res.open("/decisions/" + id(decision))
	res.setIn("a rating", `main form[action$="/rate"]`, map[string]string{"rating": "5", "comment": "上下楼方便多了"})
	res.press("rate the decision", `main form[action$="/rate"] button[type="submit"]`, http.StatusOK)
	res.expect("the rated decision", "谢谢您的评价")
	res.shot("journey-04-decision")

	// ---- the topic's whole path, without an account
	anon = newBrowser(t, srv.Base)
	anon.onPhone()
	anon.open("/consult/topics/" + id(topic))
	anon.expect("the topic's whole path", "议题进程", "提出议题", "已受理，协商中", "2 条意见（其中反方案 1 条）", "听证会：加装电梯听证会",
		"表决：三号楼加装电梯", "已截止：通过", "决议：", "监督委员会已验收")
	checkNoSidewaysScroll(t, anon, "the topic's path")
	anon.shot("journey-05-topic-path")
	anon.do("an office screen", chromedp.EmulateViewport(1280, 900))
	anon.shot("journey-06-topic-path-wide")
}
