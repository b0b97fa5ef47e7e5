package votes_test

// Votes and decisions through the service, on both databases (docs/votes.md): rules frozen
// once a vote opens, also against a direct SQL UPDATE; 200 concurrent ballots of one voter make
// exactly one; a second ballot of a household by paper is refused; a paper ballot counts only
// once a second staff account witnesses it; a voter outside the electorate, a ballot after the
// close and a budget over its total are refused; the close computes quorum and threshold, the
// voter's tracker verifies, the ledger recounts the result and a changed record fails the
// recount; the decision is followed to the end.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/votes"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

type fix struct {
	t        *testing.T
	a        *app.App
	ctx      context.Context
	staff    *gongzhi.Actor
	staff2   *gongzhi.Actor
	resident *gongzhi.Actor
	now      time.Time
}

func newFix(t *testing.T, db *store.DB) *fix {
	t.Helper()
	a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
	f := &fix{t: t, a: a, ctx: context.Background(), now: time.Now().UTC().Truncate(time.Second)}
	a.Now = func() time.Time { return f.now }
	f.staff, f.resident = f.actor("zs-community"), f.actor("zs-resident")
	u := &gongzhi.User{Username: "zs-community-2", DisplayName: "第二位社区工作人员", Role: gongzhi.RoleCommunity, PlaceCode: demo.ZhongshanCode}
	if err := db.Q().InsertUser(f.ctx, u, "x", f.now); err != nil {
		t.Fatal(err)
	}
	f.staff2 = f.actor("zs-community-2")
	return f
}

func (f *fix) actor(name string) *gongzhi.Actor {
	f.t.Helper()
	u, _, err := f.a.DB.Q().UserByUsername(f.ctx, name)
	if err != nil {
		f.t.Fatalf("%s: %v", name, err)
	}
	ac := &gongzhi.Actor{User: u, Via: "test"}
	if err := f.a.ScopeFor(f.ctx, ac); err != nil {
		f.t.Fatal(err)
	}
	return ac
}

func (f *fix) ids(query string, args ...any) []int64 {
	f.t.Helper()
	rows, err := f.a.DB.Q().Query(f.ctx, query, args...)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (f *fix) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.a.DB.Q().QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// reason is the field reason of a refusal, "" for none.
func reason(err error, field string) string {
	if e := gongzhi.AsError(err); e != nil {
		return e.Fields[field]
	}
	return ""
}

func (f *fix) vote(v *gongzhi.Vote) *gongzhi.Vote {
	f.t.Helper()
	if v.OpensAt.IsZero() {
		v.OpensAt, v.ClosesAt = f.now.Add(-time.Minute), f.now.Add(24*time.Hour)
	}
	if err := f.a.CreateVote(f.ctx, f.staff, v); err != nil {
		f.t.Fatalf("create: %v", err)
	}
	if _, err := f.a.OpenVote(f.ctx, f.staff, v.ID); err != nil {
		f.t.Fatalf("open: %v", err)
	}
	return v
}

func TestVotes(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFix(t, db)
		ctx, q := f.ctx, db.Q()
		adult := f.now.Year() - 18
		// households of 中山社区 with an adult, and one adult of each; the resident's own first
		link, err := q.UserLink(ctx, f.resident.User.ID)
		resPerson, resHousehold := link.Person, link.Household
		if err != nil || resPerson == 0 {
			t.Fatal("zs-resident has no person", err)
		}
		others := f.ids(`SELECT MIN(p.id) FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code = ?
			AND p.birth_year > 0 AND p.birth_year <= ? AND h.id <> ? GROUP BY h.id ORDER BY MIN(p.id) LIMIT 4`, demo.ZhongshanCode, adult, resHousehold)
		sameHousehold := f.ids(`SELECT id FROM people WHERE household_id = ? AND id <> ? AND birth_year > 0 AND birth_year <= ?`, resHousehold, resPerson, adult)
		outsider := f.ids(`SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code <> ? AND p.birth_year <= ? LIMIT 1`,
			demo.ZhongshanCode, adult)
		if len(others) < 4 || len(outsider) != 1 {
			t.Fatalf("demo street: %d other households, %d outsiders", len(others), len(outsider))
		}
		owner, err := q.VotesFixtureBody(ctx, demo.ZhongshanCode, "residents_committee", "中山社区居民委员会", f.now)
		if err != nil {
			t.Fatal(err)
		}
		topic, err := q.VotesFixtureTopic(ctx, demo.ZhongshanCode, "加装电梯", "accepted", f.now)
		if err != nil {
			t.Fatal(err)
		}

		// bad rules are refused, nothing written
		votesBefore := f.count(`SELECT COUNT(*) FROM votes`)
		bad := &gongzhi.Vote{Title: "", Electorate: "everyone", BallotKind: gongzhi.BallotUpTo, MaxChoices: 5, QuorumPct: 120,
			Threshold: "most", ThresholdBase: gongzhi.BaseCast, Options: []gongzhi.VoteOption{{Label: "甲"}, {Label: "乙"}},
			OpensAt: f.now, ClosesAt: f.now.Add(-time.Hour)}
		err = f.a.CreateVote(ctx, f.staff, bad)
		for field, want := range map[string]string{"title": "required", "electorate": "choice", "max_choices": "vote.max_choices_range",
			"quorum_pct": "vote.percent", "threshold": "choice", "closes_at": "vote.closes_before_opens"} {
			if reason(err, field) != want {
				t.Errorf("bad rules: %s = %q, want %q (%v)", field, reason(err, field), want, err)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM votes`); n != votesBefore {
			t.Fatalf("a refused vote wrote %d rows", n-votesBefore)
		}

		// a household vote on the topic, secret, quorum 1%, simple majority of votes cast
		v := f.vote(&gongzhi.Vote{Title: "是否加装电梯", TopicID: topic, Electorate: gongzhi.ElectorateHouseholds, BallotKind: gongzhi.BallotYesNo,
			QuorumPct: 1, Threshold: gongzhi.ThresholdMajority, ThresholdBase: gongzhi.BaseCast, Secret: true, Proxies: true, OwnerBodyID: owner})
		if f.count(`SELECT COUNT(*) FROM consult_topics WHERE id = ? AND state = 'voting'`, topic) != 1 {
			t.Error("the topic is not voting")
		}
		households := f.count(`SELECT COUNT(DISTINCT h.id) FROM households h JOIN people p ON p.household_id = h.id WHERE h.community_code = ?
			AND p.birth_year > 0 AND p.birth_year <= ?`, demo.ZhongshanCode, adult)
		got, err := f.a.Vote(ctx, f.staff, v.ID)
		if err != nil || got.Electors != households || got.State != gongzhi.VoteOpen {
			t.Fatalf("opened: %+v %v; want %d electors", got, err, households)
		}

		// rules frozen: the service refuses, and so does the database to a direct UPDATE
		if err := f.a.UpdateDraft(ctx, f.staff, &gongzhi.Vote{ID: v.ID, Title: "改", QuorumPct: 0}); reason(err, "state") != "vote.frozen" {
			t.Errorf("update after opening: %v", err)
		}
		for _, stmt := range []string{
			`UPDATE votes SET quorum_pct = 0 WHERE id = ?`,
			`UPDATE votes SET threshold = 'two_thirds' WHERE id = ?`,
			`UPDATE votes SET secret = 0 WHERE id = ?`,
			`UPDATE votes SET closes_at = opens_at WHERE id = ?`,
			`UPDATE votes SET state = 'draft' WHERE id = ?`,
			`UPDATE vote_options SET label = 'yes!' WHERE vote_id = ?`,
			`DELETE FROM vote_options WHERE vote_id = ?`,
			`INSERT INTO vote_options (vote_id, position, label) VALUES (?, 9, 'x')`,
			`DELETE FROM vote_electors WHERE vote_id = ?`,
		} {
			if _, err := q.Exec(ctx, stmt, v.ID); !store.IsVoteFrozen(err) {
				t.Errorf("%s: %v, want the database to refuse it", stmt, err)
			}
		}
		if _, err := q.Exec(ctx, `UPDATE votes SET updated_at = updated_at WHERE id = ?`, v.ID); err != nil {
			t.Errorf("a non-rule column: %v", err)
		}

		// 200 concurrent ballots of one voter: exactly one
		var wg sync.WaitGroup
		var mu sync.Mutex
		results := map[string]int{}
		var receipt *gongzhi.CastReceipt
		start := make(chan struct{})
		for range 200 {
			wg.Go(func() {
				<-start
				r, err := f.a.Cast(ctx, f.resident, v.ID, []int{1})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					receipt = r
					results["ok"]++
				} else {
					results[reason(err, "person")+gongzhi.ErrorCode(err)]++
				}
			})
		}
		close(start)
		wg.Wait()
		if results["ok"] != 1 || results["vote.already_voted"+gongzhi.ECONFLICT] != 199 {
			t.Fatalf("200 ballots at once: %v", results)
		}
		if n := f.count(`SELECT COUNT(*) FROM vote_choices WHERE vote_id = ?`, v.ID); n != 1 {
			t.Fatalf("%d choices counted", n)
		}
		if len(receipt.Tracker) != gongzhi.VoteTrackerLen {
			t.Errorf("tracker %q", receipt.Tracker)
		}
		// the household voted: another adult of it is refused, on paper too
		if len(sameHousehold) > 0 {
			if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: sameHousehold[0], Choice: []int{2}}); reason(err, "person_id") != "vote.already_voted" {
				t.Errorf("paper ballot of a household that voted online: %v", err)
			}
		}
		// outside the electorate
		if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: outsider[0], Choice: []int{1}}); reason(err, "person_id") != "vote.not_elector" {
			t.Errorf("outsider: %v", err)
		}
		// a bad choice
		if _, err := f.a.Cast(ctx, f.resident, v.ID, []int{1, 2}); reason(err, "choice") != "vote.choose_one" {
			t.Errorf("two answers: %v", err)
		}
		// paper ballots: entered by one staff member, witnessed by another
		for i, p := range others[:3] {
			if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: p, Choice: []int{1 + i%2}}); err != nil {
				t.Fatalf("paper %d: %v", i, err)
			}
		}
		// a proxy: another person of the community holds others[3]'s proxy
		if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: others[3], ProxyPersonID: others[0], Choice: []int{1}}); err != nil {
			t.Fatalf("proxy: %v", err)
		}
		pend, err := f.a.PendingBallots(ctx, f.staff, v.ID)
		if err != nil || len(pend) != 4 {
			t.Fatalf("pending: %d %v", len(pend), err)
		}
		if _, err := f.a.Witness(ctx, f.staff, v.ID, pend[0].Voter); reason(err, "witness") != "vote.same_staff" {
			t.Errorf("witnessed by the one who entered it: %v", err)
		}
		if f.count(`SELECT COUNT(*) FROM vote_choices WHERE vote_id = ?`, v.ID) != 1 {
			t.Error("an unwitnessed paper ballot counted")
		}
		for _, p := range pend {
			if _, err := f.a.Witness(ctx, f.staff2, v.ID, p.Voter); err != nil {
				t.Fatalf("witness %s: %v", p.Voter, err)
			}
		}
		if _, err := f.a.Witness(ctx, f.staff2, v.ID, pend[0].Voter); reason(err, "state") != "state.changed" {
			t.Errorf("witnessed twice: %v", err)
		}
		// the supervision committee sees who voted, never the choices
		auditor := f.actor("gt-auditor")
		voters, err := f.a.Voters(ctx, auditor, v.ID)
		if err != nil || len(voters) != 5 {
			t.Fatalf("voters: %d %v", len(voters), err)
		}
		// closing: not before its time; then once, on time
		if n, err := f.a.CloseDue(ctx, gongzhi.SystemActor("test")); n != 0 || err != nil {
			t.Fatalf("closed early: %d %v", n, err)
		}
		f.now = v.ClosesAt.Add(time.Second)
		if _, err := f.a.Cast(ctx, f.resident, v.ID, []int{1}); reason(err, "state") != "vote.closed" {
			t.Errorf("ballot after the closing time: %v", err)
		}
		if n, err := f.a.CloseDue(ctx, gongzhi.SystemActor("test")); n != 1 || err != nil {
			t.Fatalf("close: %d %v", n, err)
		}
		if n, _ := f.a.CloseDue(ctx, gongzhi.SystemActor("test")); n != 0 {
			t.Fatal("closed twice")
		}
		got, err = f.a.Vote(ctx, f.staff, v.ID)
		if err != nil || got.State != gongzhi.VoteClosed || got.Cast != 5 || !got.QuorumMet || !got.Passed || got.Options[0].Votes != 4 ||
			got.Options[1].Votes != 1 || got.DecisionID == 0 {
			t.Fatalf("closed: %+v %v", got, err)
		}
		if f.count(`SELECT COUNT(*) FROM consult_topics WHERE id = ? AND state = 'decided'`, topic) != 1 {
			t.Error("the topic is not decided")
		}

		// the voter's tracker verifies; a made-up one does not
		tc, err := f.a.CheckTracker(ctx, v.ID, receipt.Tracker)
		if err != nil || !tc.Counted || tc.Choice[0] != 1 {
			t.Fatalf("tracker: %+v %v", tc, err)
		}
		if tc, _ := f.a.CheckTracker(ctx, v.ID, "AAAAAAAAAAAA"); tc.Counted {
			t.Error("a made-up tracker counted")
		}

		// the recount from the verified ledger agrees; a changed record fails
		if _, err := f.a.PubLog.Integrate(ctx); err != nil {
			t.Fatal(err)
		}
		fetch := publog.DBFetcher(q)
		ver, err := publog.Verify(ctx, fetch, f.a.PubLog.VKey, "", true)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := votes.RecountVote(ver.Records, v.ID)
		if err != nil || !rc.Published || rc.Ballots != 5 || len(rc.Problems) != 0 {
			t.Fatalf("recount: %+v %v", rc, err)
		}
		changed := make([][]byte, len(ver.Records))
		done := false
		for i, r := range ver.Records {
			changed[i] = r
			if !done && bytes.Contains(r, []byte(`"tracker":"`+receipt.Tracker+`"`)) {
				changed[i] = bytes.Replace(r, []byte(`"choice":[1]`), []byte(`"choice":[2]`), 1)
				done = !bytes.Equal(changed[i], r)
			}
		}
		if !done {
			t.Fatal("the voter's ballot is not on the ledger")
		}
		if rc, err := votes.RecountVote(changed, v.ID); err != nil || len(rc.Problems) == 0 {
			t.Errorf("a changed ballot recounted without a problem: %+v %v", rc, err)
		}
		// an instance serving the changed record fails verification before any recount
		tampered := func(ctx context.Context, path string) ([]byte, error) {
			b, err := fetch(ctx, path)
			if err == nil && bytes.Contains(b, []byte(receipt.Tracker)) {
				b = bytes.Replace(b, []byte(`"choice":[1]`), []byte(`"choice":[2]`), 1)
			}
			return b, err
		}
		if _, err := publog.Verify(ctx, tampered, f.a.PubLog.VKey, "", true); err == nil {
			t.Error("a changed record verified")
		}
		// the operator's monitor finds a changed row
		diffs, _, err := publog.CompareDB(ctx, q, ver.Records)
		if err != nil || len(diffs) != 0 {
			t.Fatalf("compare: %v %v", diffs, err)
		}
		if _, err := q.Exec(ctx, `UPDATE vote_choices SET choice = '2' WHERE vote_id = ? AND tracker = ?`, v.ID, receipt.Tracker); err != nil {
			t.Fatal(err)
		}
		if diffs, _, _ := publog.CompareDB(ctx, q, ver.Records); len(diffs) != 1 {
			t.Errorf("a changed choice row: %v", diffs)
		}

		// the decision, followed to the end
		d, err := f.a.Decision(ctx, f.resident, got.DecisionID)
		if err != nil || d.OwnerBodyID != owner || d.State != gongzhi.DecisionInProgress {
			t.Fatalf("decision: %+v %v", d, err)
		}
		if err := f.a.CompleteDecision(ctx, f.staff, d.ID); reason(err, "tasks") != "vote.tasks_open" {
			t.Errorf("completed without tasks: %v", err)
		}
		for _, title := range []string{"委托设计单位出方案", "施工"} {
			if err := f.a.AddTask(ctx, f.staff, d.ID, &gongzhi.DecisionTask{Title: title, DueOn: "2027-03-31"}); err != nil {
				t.Fatal(err)
			}
		}
		d, _ = f.a.Decision(ctx, f.staff, d.ID)
		if err := f.a.FinishTask(ctx, f.staff, d.ID, d.Tasks[0].ID, "方案已定"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.FinishTask(ctx, f.staff, d.ID, d.Tasks[0].ID, "again"); reason(err, "state") != "state.changed" {
			t.Errorf("task done twice: %v", err)
		}
		if d, _ = f.a.Decision(ctx, f.staff, d.ID); d.Progress != 50 {
			t.Errorf("progress %d", d.Progress)
		}
		if err := f.a.FinishTask(ctx, f.staff, d.ID, d.Tasks[1].ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.a.CompleteDecision(ctx, f.staff, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.a.ReviewDecision(ctx, f.staff, d.ID, true, ""); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Errorf("staff reviewing their own work: %v", err)
		}
		if err := f.a.ReviewDecision(ctx, auditor, d.ID, true, "资料齐全"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RateDecision(ctx, f.resident, d.ID, 5, "好"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RateDecision(ctx, f.resident, d.ID, 1, ""); reason(err, "person") != "vote.already_rated" {
			t.Errorf("rated twice: %v", err)
		}
		n, err := f.a.MakeNeed(ctx, f.staff, d.ID, votes.NeedRequest{TargetGroup: "elderly", CategoryCode: "elderly_home_care"})
		if err != nil {
			var e *gongzhi.Error
			if errors.As(err, &e) {
				t.Logf("fields %v", e.Fields)
			}
			t.Fatalf("need: %v", err)
		}
		if back, err := f.a.DecisionOfNeed(ctx, f.staff, n.ID); err != nil || back != d.ID {
			t.Errorf("need → decision: %d %v", back, err)
		}
		if _, err := f.a.MakeNeed(ctx, f.staff, d.ID, votes.NeedRequest{TargetGroup: "elderly", CategoryCode: "elderly_home_care"}); reason(err, "need") != "vote.need_exists" {
			t.Errorf("second need: %v", err)
		}
	})
}

// TestBudgetAndBoundaries: a participatory budget refuses a selection over its total; quorum
// and threshold at their boundaries, on both databases (the same counting closes votes and
// recounts them).
func TestBudgetAndBoundaries(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFix(t, db)
		ctx, q := f.ctx, db.Q()
		adult := f.now.Year() - 18
		people := f.ids(`SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code = ? AND p.birth_year > 0
			AND p.birth_year <= ? ORDER BY p.id LIMIT 6`, demo.ZhongshanCode, adult)
		body, _ := q.VotesFixtureBody(ctx, demo.ZhongshanCode, "deliberation", "中山社区议事委员会", f.now)
		for _, p := range people {
			if err := q.VotesFixtureMember(ctx, body, p, "member", "2025-01-01", "", f.now); err != nil {
				t.Fatal(err)
			}
		}
		v := f.vote(&gongzhi.Vote{Title: "为民服务专项资金", Electorate: gongzhi.ElectorateBody, BodyID: body, BallotKind: gongzhi.BallotBudget,
			Budget: 100000_00, QuorumPct: 50, Threshold: gongzhi.ThresholdTwoThirds, ThresholdBase: gongzhi.BaseCast,
			Options: []gongzhi.VoteOption{{Label: "楼道灯", Cost: 30000_00}, {Label: "健身器材", Cost: 50000_00}, {Label: "休闲座椅", Cost: 40000_00}}})
		if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: people[0], Choice: []int{1, 2, 3}}); reason(err, "choice") != "vote.over_budget:120,000.00" {
			t.Errorf("over the total: %v", err)
		}
		if f.count(`SELECT COUNT(*) FROM vote_ballots WHERE vote_id = ?`, v.ID) != 0 {
			t.Error("a refused ballot was written")
		}
		// three of six: exactly the quorum of 50%; options 1 and 2 by all three (≥ 2/3), option 3 by two (= 2/3)
		for i, c := range [][]int{{1, 2}, {1, 2}, {1, 3}} {
			if err := f.a.EnterPaper(ctx, f.staff, v.ID, votes.PaperBallot{PersonID: people[i], Choice: c}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Witness(ctx, f.staff2, v.ID, "p"+itoa(people[i])); err != nil {
				t.Fatal(err)
			}
		}
		f.now = v.ClosesAt
		if n, err := f.a.CloseDue(ctx, gongzhi.SystemActor("test")); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		got, _ := f.a.Vote(ctx, f.staff, v.ID)
		// counts 3, 2, 1: options 1 and 2 meet two thirds (2 of 3 exactly) and fit the total; option 3 is one below
		if !got.QuorumMet || !got.Passed || !got.Options[0].Chosen || !got.Options[1].Chosen || got.Options[2].Chosen {
			t.Errorf("budget result: %+v", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
