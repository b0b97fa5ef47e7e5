package web_test

// Votes through the API on both databases (docs/votes.md): bad rules refused naming every
// field; a household vote created and opened by community staff; 200 identical ballots of one
// resident at once through HTTP count exactly one; a paper ballot is entered by the community
// worker and witnessed by the grid worker, not by the one who entered it; the supervision
// committee reads who voted; the public result and a tracker's check need no account; the
// closing job counts, and the decision is followed through the API to a need.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestVotesAPI(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		com, grid, res, aud := e.token("zs-community"), e.token("zs-grid"), e.token("zs-resident"), e.token("gt-auditor")
		now := time.Now().UTC()

		bad := map[string]any{"title": "", "electorate": "all", "ballot_kind": "one_of", "options": []map[string]any{{"label": "甲"}},
			"quorum_pct": 101, "threshold": "x", "threshold_base": "y", "opens_at": now, "closes_at": now.Add(-time.Hour)}
		if r := e.call(com, "POST", "/api/v1/votes", bad); r.Status != 422 {
			t.Fatalf("bad rules: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); len(fs) < 6 {
			t.Fatalf("bad rules: every field named? %s", r.Raw)
		}
		vote := map[string]any{"title": "是否更换小区门禁", "electorate": gongzhi.ElectorateHouseholds, "ballot_kind": gongzhi.BallotYesNo,
			"quorum_pct": 0, "threshold": gongzhi.ThresholdMajority, "threshold_base": gongzhi.BaseCast, "secret": false,
			"opens_at": now.Add(-time.Minute), "closes_at": now.Add(time.Hour)}
		if r := e.call(res, "POST", "/api/v1/votes", vote); r.Status != 403 {
			t.Fatalf("a resident creates a vote: %d", r.Status)
		}
		r := e.call(com, "POST", "/api/v1/votes", vote)
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Raw)
		}
		id := int64(r.Body["id"].(float64))
		base := fmt.Sprintf("/api/v1/votes/%d", id)
		if r := e.call(res, "POST", base+"/ballots", map[string]any{"choice": []int{1}}); r.Status != 409 {
			t.Fatalf("a ballot in a draft: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", base+"/open", nil); r.Status != 200 || r.Body["state"] != "open" {
			t.Fatalf("open: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", base+"/open", nil); r.Status != 409 {
			t.Fatalf("opened twice: %d", r.Status)
		}
		got := e.burst(200, res, "POST", base+"/ballots", map[string]any{"choice": []int{1}})
		if got[201] != 1 || got[409] != 199 {
			t.Fatalf("200 ballots at once: %v", got)
		}
		var tracker string
		if err := db.Q().QueryRow(ctx, `SELECT tracker FROM vote_choices WHERE vote_id = ?`, id).Scan(&tracker); err != nil {
			t.Fatal(err)
		}
		// open ballot: the tracker is the household's pseudonym
		if len(tracker) != 26 || tracker[:2] != "h-" {
			t.Errorf("open ballot's tracker %q", tracker)
		}
		// a paper ballot: the community worker enters it, the grid worker witnesses it
		var person int64
		var household int64
		if err := db.Q().QueryRow(ctx, `SELECT p.id, p.household_id FROM people p JOIN households h ON h.id = p.household_id
			WHERE h.community_code = ? AND p.birth_year > 0 AND p.birth_year <= ? AND h.id NOT IN (SELECT household_id FROM vote_electors e
			JOIN vote_ballots b ON b.vote_id = e.vote_id AND b.voter = e.voter WHERE e.vote_id = ?) ORDER BY p.id LIMIT 1`,
			demo.ZhongshanCode, now.Year()-18, id).Scan(&person, &household); err != nil {
			t.Fatal(err)
		}
		if r := e.call(com, "POST", base+"/paper", map[string]any{"person_id": person, "choice": []int{2}}); r.Status != 201 {
			t.Fatalf("paper: %d %s", r.Status, r.Raw)
		}
		r = e.call(grid, "GET", base+"/pending", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) != 1 {
			t.Fatalf("pending: %d %s", r.Status, r.Raw)
		}
		voter := items[0].(map[string]any)["voter"]
		if r := e.call(com, "POST", base+"/witness", map[string]any{"voter": voter}); r.Status != 409 {
			t.Fatalf("witnessed by the one who entered it: %d %s", r.Status, r.Raw)
		}
		if r := e.call(grid, "POST", base+"/witness", map[string]any{"voter": voter}); r.Status != 200 || r.Body["tracker"] == "" {
			t.Fatalf("witness: %d %s", r.Status, r.Raw)
		}
		if r := e.call(aud, "GET", base+"/voters", nil); r.Status != 200 || len(r.Body["items"].([]any)) != 2 {
			t.Fatalf("voters: %d %s", r.Status, r.Raw)
		}
		if r := e.call(res, "GET", base+"/voters", nil); r.Status != 403 {
			t.Fatalf("a resident reads who voted: %d", r.Status)
		}
		// public: no account
		if r := e.call("", "GET", fmt.Sprintf("/api/v1/public/votes/%d/trackers/%s", id, tracker), nil); r.Status != 200 || r.Body["counted"] != true {
			t.Fatalf("tracker: %d %s", r.Status, r.Raw)
		}
		// closing on time: the job's work at a clock past the close
		e.app.Now = func() time.Time { return now.Add(2 * time.Hour) }
		if n, err := e.app.CloseDue(ctx, gongzhi.SystemActor("test")); n < 1 || err != nil {
			t.Fatalf("close: %d %v", n, err)
		}
		r = e.call("", "GET", fmt.Sprintf("/api/v1/public/votes/%d", id), nil)
		if r.Status != 200 || r.Body["state"] != "closed" || r.Body["cast"].(float64) != 2 {
			t.Fatalf("public result: %d %s", r.Status, r.Raw)
		}
		opts := r.Body["options"].([]any)
		if opts[0].(map[string]any)["votes"].(float64) != 1 || opts[1].(map[string]any)["votes"].(float64) != 1 || r.Body["passed"] != false {
			t.Fatalf("1 yes, 1 no: not a majority: %s", r.Raw)
		}
		// the demo's decision through the API
		r = e.call(com, "GET", "/api/v1/decisions", nil)
		ds, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(ds) == 0 {
			t.Fatalf("decisions: %d %s", r.Status, r.Raw)
		}
		did := int64(ds[0].(map[string]any)["id"].(float64))
		dbase := fmt.Sprintf("/api/v1/decisions/%d", did)
		if r := e.call(com, "POST", dbase+"/tasks", map[string]any{"title": "资金使用公示", "due_on": "2027-01-31"}); r.Status != 201 {
			t.Fatalf("task: %d %s", r.Status, r.Raw)
		}
		if r := e.call(res, "POST", dbase+"/rate", map[string]any{"rating": 4, "comment": "楼道亮了"}); r.Status != 200 {
			t.Fatalf("rate: %d %s", r.Status, r.Raw)
		}
		if r := e.call(res, "POST", dbase+"/rate", map[string]any{"rating": 4}); r.Status != 409 {
			t.Fatalf("rated twice: %d", r.Status)
		}
		r = e.call(com, "POST", dbase+"/need", map[string]any{"target_group": "elderly", "category_code": "elderly_home_care", "people_affected": 120})
		if r.Status != 201 {
			t.Fatalf("need: %d %s", r.Status, r.Raw)
		}
		need := int64(r.Body["id"].(float64))
		r = e.call(com, "GET", fmt.Sprintf("/api/v1/decisions?need=%d", need), nil)
		if back, _ := r.Body["items"].([]any); r.Status != 200 || len(back) != 1 || int64(back[0].(map[string]any)["id"].(float64)) != did {
			t.Fatalf("need → decision: %d %s", r.Status, r.Raw)
		}
	})
}

// TestPublicVotesAndDecisions (docs/votes.md, docs/consultation.md): a community's public
// consultation page lists its votes and the decisions they became, with no account; a decision
// has a public page and API; an open vote's public page leads to the ballot, a closed one's to
// its decision; staff reach the decision's own page from the public one.
func TestPublicVotesAndDecisions(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, q := context.Background(), db.Q()
		var open, closed, decision int64
		var decisionTitle string
		if err := q.QueryRow(ctx, `SELECT id FROM votes WHERE title = ?`, demo.VoteOpenTitle).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(ctx, `SELECT v.id, d.id, d.title FROM votes v JOIN vote_decisions d ON d.vote_id = v.id WHERE v.title = ?`,
			demo.VoteClosedTitle).Scan(&closed, &decision, &decisionTitle); err != nil {
			t.Fatal(err)
		}
		anon := e.browser()
		st, page := anon.get("/public/consult/" + demo.ZhongshanCode)
		for _, want := range []string{"表决与决议", demo.VoteOpenTitle, demo.VoteClosedTitle, decisionTitle,
			fmt.Sprintf(`href="/votes/%d"`, open), fmt.Sprintf(`href="/public/votes/%d"`, closed), fmt.Sprintf(`href="/public/decisions/%d"`, decision)} {
			if st != 200 || !strings.Contains(page, want) {
				t.Fatalf("the public consultation page (%d) lacks %q", st, want)
			}
		}
		r := e.call("", "GET", "/api/v1/public/consult/"+demo.ZhongshanCode, nil)
		if links, _ := r.Body["links"].([]any); r.Status != 200 || len(links) != 3 {
			t.Fatalf("the public API's links: %d %s", r.Status, r.Raw)
		}

		st, page = anon.get(fmt.Sprintf("/public/decisions/%d", decision))
		if st != 200 || !strings.Contains(page, decisionTitle) || !strings.Contains(page, fmt.Sprintf(`href="/public/votes/%d"`, closed)) ||
			strings.Contains(page, fmt.Sprintf(`href="/decisions/%d"`, decision)) || strings.Contains(page, `method="post"`) {
			t.Fatalf("the decision's public page: %d", st)
		}
		r = e.call("", "GET", fmt.Sprintf("/api/v1/public/decisions/%d", decision), nil)
		if r.Status != 200 || r.Body["title"] != decisionTitle || r.Body["vote_id"].(float64) != float64(closed) {
			t.Fatalf("the decision's public API: %d %s", r.Status, r.Raw)
		}
		if r := e.call("", "GET", "/api/v1/public/decisions/999999", nil); r.Status != 404 {
			t.Fatalf("an unknown decision: %d", r.Status)
		}
		if _, page := loginBrowser(t, e, "zs-community").get(fmt.Sprintf("/public/decisions/%d", decision)); !strings.Contains(page, fmt.Sprintf(`href="/decisions/%d"`, decision)) {
			t.Fatal("staff find no way from the public page to the decision's own")
		}

		if _, page := anon.get(fmt.Sprintf("/public/votes/%d", open)); !strings.Contains(page, fmt.Sprintf(`href="/votes/%d"`, open)) {
			t.Fatal("the open vote's public page does not lead to the ballot")
		}
		if _, page := anon.get(fmt.Sprintf("/public/votes/%d", closed)); !strings.Contains(page, fmt.Sprintf(`href="/public/decisions/%d"`, decision)) {
			t.Fatal("the closed vote's public page does not lead to its decision")
		}
	})
}

// TestDecisionStepsOnce (docs/votes.md): each step of a decision happens once whatever arrives
// at the same time — 50 identical requests record a task done, report the decision completed,
// review it, rate it and turn it into a need exactly once each, the other 49 refused as
// conflicts; and the decision's figures show one of each.
func TestDecisionStepsOnce(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		com, aud, res := e.token("zs-community"), e.token("gt-auditor"), e.token("zs-resident")
		var decision int64
		if err := db.Q().QueryRow(ctx, `SELECT d.id FROM votes v JOIN vote_decisions d ON d.vote_id = v.id WHERE v.title = ?`,
			demo.VoteClosedTitle).Scan(&decision); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/decisions/%d", decision)
		once := func(what string, got map[int]int, ok int) {
			t.Helper()
			if got[ok] != 1 || got[409] != 49 || len(got) != 2 {
				t.Fatalf("50 × %s at once: %v, want one %d and 49 × 409", what, got, ok)
			}
		}
		r := e.call(com, "GET", base, nil)
		tasks, _ := r.Body["tasks"].([]any)
		if r.Status != 200 || len(tasks) == 0 {
			t.Fatalf("the demo decision: %d %s", r.Status, r.Raw)
		}
		if got := e.burst(50, com, "POST", base+"/complete", nil); got[409] != 50 {
			t.Fatalf("completed with tasks open: %v", got)
		}
		for _, x := range tasks {
			tk := x.(map[string]any)
			if tk["done_on"] != "" {
				continue
			}
			once("task done", e.burst(50, com, "POST", fmt.Sprintf("%s/tasks/%d/done", base, int64(tk["id"].(float64))), map[string]any{"note": "完成"}), 200)
		}
		once("complete", e.burst(50, com, "POST", base+"/complete", nil), 200)
		once("review", e.burst(50, aud, "POST", base+"/review", map[string]any{"accept": true, "note": "验收合格"}), 200)
		once("rate", e.burst(50, res, "POST", base+"/rate", map[string]any{"rating": 5}), 200)
		once("need", e.burst(50, com, "POST", base+"/need", map[string]any{"target_group": "elderly", "category_code": "elderly_home_care", "people_affected": 30}), 201)

		r = e.call(com, "GET", base, nil)
		if r.Status != 200 || r.Body["progress"].(float64) != 100 || r.Body["ratings"].(float64) != 1 || r.Body["need_id"].(float64) == 0 ||
			r.Body["state"] != gongzhi.DecisionAccepted {
			t.Fatalf("the decision after the bursts: %s", r.Raw)
		}
		var needs int
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM needs WHERE id = ?`, int64(r.Body["need_id"].(float64))).Scan(&needs); err != nil || needs != 1 {
			t.Fatalf("the need: %d %v", needs, err)
		}
	})
}
