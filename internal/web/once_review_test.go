package web_test

// Closing a call early and entering a paper score sheet happen once, whatever arrives at the
// same time: fifty identical requests released together, on both databases — exactly one
// succeeds, the others get 409 with the reason, and exactly what one request writes is written.

import (
	"fmt"
	"net/http"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestCloseEarlyAndPaperScoreOnce(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		o := &onceFix{partyFix: f, db: db}
		a := f.e.app
		ptok, pur := f.e.token("gt-provider"), f.e.token("gt-purchaser")
		call := fmt.Sprintf("/api/v1/calls/%d", f.call.ID)
		a1 := f.apply(ptok, "同心长者食堂", 50_000)
		a3 := f.apply(ptok, "邻里互助探访", 40_000)

		// ---- closing early, before the deadline, with the reason: once
		o.once("close early", onceReq{pur, "POST", call + "/close-early", `{"reason":"预算调整，提前截止"}`}, 200, "state", "state.illegal", written{1, 1})
		hist, err := a.CallHistory(f.ctx, f.pur, f.call.ID)
		f.must(err)
		closed := 0
		for _, h := range hist {
			if h.Entity == "call" && h.To == gongzhi.CallClosed {
				closed++
				if h.Note.Code != "closed_early" {
					t.Errorf("the close's history line says %+v, want closed_early", h.Note)
				}
			}
		}
		if closed != 1 {
			t.Fatalf("%d closes in the call's history, want 1", closed)
		}

		// ---- the review, with a member whose account is unlinked: the secretary enters their sheet
		for _, id := range []int64{a1, a3} {
			f.must(a.PrelimReview(f.ctx, f.hub, id, true, ""))
		}
		d, err := a.DrawPanel(f.ctx, f.pur, f.call.ID, 3, nil, 7)
		f.must(err)
		var paper int64
		for _, m := range d.Members {
			if !m.Active() {
				continue
			}
			if paper == 0 && m.PersonID != f.gtExpert {
				paper = m.PersonID
				continue
			}
			f.must(a.DeclareNoConflict(f.ctx, f.experts[m.PersonID], f.call.ID))
		}
		if paper == 0 {
			t.Fatal("no member but gt-expert on the panel")
		}
		// every account linked to the member is unlinked (a demo person may hold more than one)
		for range 5 {
			holder, err := db.Q().PersonAccount(f.ctx, paper)
			f.must(err)
			if holder == 0 {
				break
			}
			if r := f.e.call(pur, "DELETE", fmt.Sprintf("/api/v1/users/%d/person", holder), nil); r.Status != http.StatusNoContent {
				t.Fatalf("unlink the member's account %d: %d %s", holder, r.Status, r.Raw)
			}
		}
		f.must(a.StartReview(f.ctx, f.pur, f.call.ID))
		sheet := jsonOf(map[string]any{"person_id": paper, "criteria": f.points(7800), "comment": "纸质评分表", "declared": true})
		o.once("paper score", onceReq{pur, "POST", fmt.Sprintf("%s/applications/%d/paper-score", call, a1), sheet}, 200,
			"application_id", "review.already_scored", written{2, 1}) // the declaration on the sheet and the score
		scores, err := a.Scores(f.ctx, f.pur, a1)
		f.must(err)
		n := 0
		for _, sc := range scores {
			if sc.PersonID == paper {
				n++
				if sc.EnteredBy == "" {
					t.Errorf("the paper score %+v does not say who entered it", sc)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d scores of the member for application %d, want 1", n, a1)
		}
	})
}
