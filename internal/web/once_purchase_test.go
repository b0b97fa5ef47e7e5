package web_test

// Every state change of buying services happens once, whatever arrives at the same time: fifty
// identical requests released together to each action of applications, calls, panels, scores,
// awards, objections, contracts and payments on one call, driven from the demo street through
// its whole path — exactly one succeeds, the others get 409 (never 500), and exactly the history
// lines and audit entries of one request are written. Fifty concurrent scores by one expert on
// SQLite are answered within 2 s each.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// onceFix is the party fixture with counters of what a burst wrote.
type onceFix struct {
	*partyFix
	db *store.DB
}

// written is how many history lines and audit entries were written after the marks.
type written struct{ hist, audit int }

// marks returns the last ids of the purchase history and the audit log.
func (o *onceFix) marks() (int64, int64) {
	o.t.Helper()
	var h, a int64
	q := o.db.Q()
	o.must(q.QueryRow(o.ctx, `SELECT COALESCE(MAX(id), 0) FROM purchase_history`).Scan(&h))
	o.must(q.QueryRow(o.ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&a))
	return h, a
}

// since counts the history lines and audit entries written after the marks.
func (o *onceFix) since(h, a int64) written {
	o.t.Helper()
	var w written
	q := o.db.Q()
	o.must(q.QueryRow(o.ctx, `SELECT COUNT(*) FROM purchase_history WHERE id > ?`, h).Scan(&w.hist))
	o.must(q.QueryRow(o.ctx, `SELECT COUNT(*) FROM audit_log WHERE id > ?`, a).Scan(&w.audit))
	return w
}

// onceReq is one request of a burst.
type onceReq struct{ tok, method, path, body string }

// onceAnswer is one answer of a burst: its status, its body and how long it took.
type onceAnswer struct {
	status int
	body   []byte
	took   time.Duration
}

// fire sends the requests at once and returns the answers in the requests' order.
func (o *onceFix) fire(reqs []onceReq) []onceAnswer {
	o.t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		out   = make([]onceAnswer, len(reqs))
		errs  = make([]error, len(reqs))
	)
	for i, r := range reqs {
		wg.Go(func() {
			var body io.Reader
			if r.body != "" {
				body = bytes.NewReader([]byte(r.body))
			}
			req, _ := http.NewRequest(r.method, o.e.srv.URL+r.path, body)
			req.Header.Set("Authorization", "Bearer "+r.tok)
			if r.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			<-start
			t0 := time.Now()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			out[i] = onceAnswer{status: res.StatusCode, body: raw, took: time.Since(t0)}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			o.t.Fatalf("a request of the burst failed: %v", err)
		}
	}
	return out
}

// once sends 50 identical requests at once and checks that exactly one got ok, the other 49
// a 409 with the error code conflict naming field with reason (a prefix of it), and that what
// was written is what one request writes. It returns the winner's body.
func (o *onceFix) once(name string, r onceReq, ok int, field, reason string, want written) map[string]any {
	o.t.Helper()
	h, a := o.marks()
	got := map[int]int{}
	var win []byte
	for _, ans := range o.fire(slicesRepeat(r, 50)) {
		got[ans.status]++
		if ans.status == ok {
			win = ans.body
		}
	}
	if got[ok] != 1 || got[http.StatusConflict] != 49 {
		res := o.e.call(r.tok, r.method, r.path, rawBody(r.body))
		o.t.Logf("%s once more: %d %s", name, res.Status, res.Raw)
		o.t.Fatalf("%s: 50 identical requests answered %v, want one %d and 49 409", name, got, ok)
	}
	if w := o.since(h, a); w != want {
		o.t.Fatalf("%s: %d history lines and %d audit entries written, want %d and %d", name, w.hist, w.audit, want.hist, want.audit)
	}
	// the same request once more: the 409 says why, as a code naming the field
	o.refused(name, r, field, reason)
	var body map[string]any
	json.Unmarshal(win, &body)
	return body
}

// refused sends one request and checks it is refused with 409, code conflict, field: reason…
func (o *onceFix) refused(name string, r onceReq, field, reason string) {
	o.t.Helper()
	res := o.e.call(r.tok, r.method, r.path, rawBody(r.body))
	code, fields := errOf(res)
	if res.Status != http.StatusConflict || code != gongzhi.ECONFLICT || !strings.HasPrefix(fields[field].Code, reason) {
		o.t.Fatalf("%s again: %d %s, want 409 conflict with %s: %s", name, res.Status, res.Raw, field, reason)
	}
}

// rawBody is a request body for env.call: nil for none.
func rawBody(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestPurchaseOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		o := &onceFix{partyFix: f, db: db}
		a := f.e.app
		ptok, pur, hub := f.e.token("gt-provider"), f.e.token("gt-purchaser"), f.e.token("gt-hub")
		call := fmt.Sprintf("/api/v1/calls/%d", f.call.ID)
		app := func(id int64) string { return fmt.Sprintf("/api/v1/applications/%d", id) }
		draft := func(title string, yuan int64) int64 {
			r := f.e.call(ptok, "POST", "/api/v1/applications", appBody(f.call.ID, title, yuan))
			if r.Status != 201 {
				t.Fatalf("create application: %d %s", r.Status, r.Raw)
			}
			return offNum(r.Body["id"])
		}

		// ---- applications, while the call is open
		a1 := f.apply(ptok, "同心长者食堂", 50_000)
		a3 := f.apply(ptok, "邻里互助探访", 40_000)
		a4 := f.apply(ptok, "社区康复驿站", 60_000)
		a5 := f.apply(ptok, "四点半课堂", 30_000)
		a6 := draft("老年助浴服务", 45_000)
		o.once("submit", onceReq{ptok, "POST", app(a6) + "/submit", ""}, 200, "state", "state.illegal", written{1, 1})
		o.once("withdraw", onceReq{ptok, "POST", app(a5) + "/withdraw", `{"reason":"机构调整"}`}, 200, "state", "state.illegal", written{1, 1})

		// attachments: the same file once; its removal once (then it is gone: 404)
		a7 := draft("长者智能手机课堂", 30_000)
		att := jsonOf(map[string]any{"name": "预算明细.pdf", "size": 2048, "sha256": strings.Repeat("ab", 32), "content_type": "application/pdf"})
		won := o.once("attach", onceReq{ptok, "POST", app(a7) + "/attachments", att}, 201, "sha256", "attachment.duplicate", written{0, 1})
		del := onceReq{ptok, "DELETE", fmt.Sprintf("%s/attachments/%d", app(a7), offNum(won["id"])), ""}
		h, au := o.marks()
		got := map[int]int{}
		for _, ans := range o.fire(slicesRepeat(del, 50)) {
			got[ans.status]++
		}
		if got[204] != 1 || got[404] != 49 {
			t.Fatalf("50 removals of one attachment answered %v, want one 204 and 49 404", got)
		}
		if w := o.since(h, au); w != (written{0, 1}) {
			t.Fatalf("removing an attachment wrote %+v, want one audit entry", w)
		}

		// an edit racing the submission: no edit is saved after the submission
		body := appBody(f.call.ID, "长者智能手机课堂（修订）", 30_000)
		body["id"] = a7
		edit := onceReq{ptok, "PUT", app(a7), jsonOf(body)}
		var race []onceReq
		for i := range 50 {
			if i%2 == 0 {
				race = append(race, edit)
			} else {
				race = append(race, onceReq{ptok, "POST", app(a7) + "/submit", ""})
			}
		}
		got = map[int]int{}
		for i, ans := range o.fire(race) {
			got[ans.status]++
			if ans.status != 200 && ans.status != 409 {
				t.Fatalf("edit or submit %d in the race: %d %s", i, ans.status, ans.body)
			}
		}
		var entries []*gongzhi.AuditEntry
		_, err := db.Q().ListAudit(f.ctx, store.ListOptions{Filters: map[string]string{"entity": "applications"}},
			func(e *gongzhi.AuditEntry) error {
				if e.EntityID == fmtID(a7) {
					entries = append(entries, e)
				}
				return nil
			})
		f.must(err)
		var submitted int64
		for _, e := range entries {
			if strings.Contains(e.After, `"submitted"`) {
				submitted = e.ID
			}
		}
		editsAfter := 0
		for _, e := range entries {
			if e.Action == "update" && e.Note == "" && e.ID > submitted {
				editsAfter++
			}
		}
		if submitted == 0 || editsAfter > 0 {
			t.Fatalf("the race of edits and submissions answered %v; %d edits saved after the submission (audit %d)", got, editsAfter, submitted)
		}
		hist, err := a.ApplicationHistory(f.ctx, f.pur, a7)
		f.must(err)
		if n := countTo(hist, "application", gongzhi.AppSubmitted); n != 1 {
			t.Fatalf("%d submissions of application %d in its history, want 1", n, a7)
		}

		// ---- the call closes; preliminary review
		f.later(2 * time.Hour)
		o.once("close", onceReq{pur, "POST", call + "/close", ""}, 200, "state", "state.illegal", written{1, 1})
		prelim := func(id int64) string { return fmt.Sprintf("%s/applications/%d/prelim", call, id) }
		o.once("prelim", onceReq{hub, "POST", prelim(a1), `{"eligible":true}`}, 200, "state", "state.illegal", written{1, 1})
		// eligible and rejected together: one decides
		h, au = o.marks()
		var mixed []onceReq
		for i := range 50 {
			b := `{"eligible":true}`
			if i%2 == 1 {
				b = `{"eligible":false,"reason":"资质材料不全"}`
			}
			mixed = append(mixed, onceReq{hub, "POST", prelim(a4), b})
		}
		got = map[int]int{}
		for _, ans := range o.fire(mixed) {
			got[ans.status]++
		}
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("25 eligible and 25 rejected reviews of one application answered %v, want one 200 and 49 409", got)
		}
		if w := o.since(h, au); w != (written{1, 1}) {
			t.Fatalf("the mixed reviews wrote %+v, want one history line and one audit entry", w)
		}
		for _, id := range []int64{a3, a6, a7} {
			f.must(a.PrelimReview(f.ctx, f.hub, id, true, "材料齐全"))
		}

		// ---- the panel
		d := o.once("draw", onceReq{pur, "POST", call + "/panel", `{"size":3,"seed":7}`}, 200,
			"panel", "panel.already_drawn", written{1, 1})
		var active []int64
		for _, m := range d["members"].([]any) {
			m := m.(map[string]any)
			if m["outcome"] == gongzhi.PanelSelected {
				active = append(active, offNum(m["person_id"]))
			}
		}
		if !contains(active, f.gtExpert) {
			t.Fatalf("gt-expert (%d) is not on the panel %v", f.gtExpert, active)
		}
		var others []int64
		for _, p := range active {
			if p != f.gtExpert {
				others = append(others, p)
			}
		}
		// a conflict recorded by the purchaser (with an organization that has not applied)
		var otherOrg int64
		for _, id := range f.orgsBut(f.e.user("gt-provider").OrgID) {
			otherOrg = id
			break
		}
		o.once("conflict", onceReq{pur, "POST", call + "/conflicts", jsonOf(map[string]any{"person_id": others[0], "org_id": otherOrg,
			"reason": "担任该机构理事"})}, 200, "org_id", "conflict.duplicate", written{0, 1})
		// a member taken off: excluded and replaced once
		o.once("remove member", onceReq{pur, "POST", call + "/panel/remove", jsonOf(map[string]any{"person_id": others[0], "reason": "出差无法参加"})},
			200, "person_id", "panel.not_member", written{2, 1})
		// a member declares a conflict: excluded and replaced once
		exTok := tokenFor(t, f, f.experts[others[1]])
		o.once("declare conflict", onceReq{exTok, "POST", fmt.Sprintf("/api/v1/reviews/%d/conflict", f.call.ID),
			jsonOf(map[string]any{"application_ids": []int64{a1}, "reason": "本人为该机构理事"})}, 200, "application_ids", "conflict.duplicate", written{2, 1})
		gtTok := f.e.token("gt-expert")
		o.once("declare no conflict", onceReq{gtTok, "POST", fmt.Sprintf("/api/v1/reviews/%d/no-conflict", f.call.ID), ""}, 200,
			"panel", "panel.already_declared", written{1, 1})
		o.once("start review", onceReq{pur, "POST", call + "/review", ""}, 200, "state", "state.illegal", written{1, 1})

		// ---- scores: one expert, fifty at once, each answered well within SQLite's busy timeout
		h, au = o.marks()
		score := onceReq{gtTok, "POST", app(a1) + "/scores", jsonOf(map[string]any{"criteria": f.points(8000), "comment": "方案可行"})}
		got = map[int]int{}
		var slowest time.Duration
		for _, ans := range o.fire(slicesRepeat(score, 50)) {
			got[ans.status]++
			slowest = max(slowest, ans.took)
			if ans.status == 409 {
				res := apiResp{Status: ans.status}
				json.Unmarshal(ans.body, &res.Body)
				if code, fields := errOf(res); code != gongzhi.ECONFLICT || fields["application_id"].Code != "review.already_scored" {
					t.Fatalf("a second score refused with %s", ans.body)
				}
			}
		}
		if got[201] != 1 || got[409] != 49 {
			t.Fatalf("50 scores by one expert answered %v, want one 201 and 49 409", got)
		}
		if w := o.since(h, au); w != (written{1, 1}) {
			t.Fatalf("50 scores by one expert wrote %+v, want one history line and one audit entry", w)
		}
		// A score that waits on a second connection inside its transaction (the hang this
		// guards against) waits out SQLite's 10-second busy timeout; fifty scores written one
		// after another take a few seconds under the race detector on a busy machine (3 s seen).
		if db.Dialect == store.SQLite && slowest > 5*time.Second {
			t.Fatalf("the slowest of 50 scores took %s, want at most 5 s (a hang waits out the 10 s busy timeout)", slowest)
		}
		// every active member scores what they may
		panel, err := a.Panel(f.ctx, f.pur, f.call.ID)
		f.must(err)
		for i, m := range panel.Members {
			if !m.Active() {
				continue
			}
			ex := f.experts[m.PersonID]
			if m.DeclaredAt.IsZero() {
				f.must(a.DeclareNoConflict(f.ctx, ex, f.call.ID))
			}
			apps, err := a.ReviewApplications(f.ctx, ex, f.call.ID)
			f.must(err)
			for j, ap := range apps {
				if _, err := a.SubmitScores(f.ctx, ex, ap.ID, f.points(gongzhi.Points(8500-100*i-300*j)), "可行"); err != nil &&
					gongzhi.AsError(err).Fields["application_id"] != "review.already_scored" {
					t.Fatal(err)
				}
			}
		}

		// ---- ranking and awards
		o.once("rank", onceReq{pur, "POST", call + "/rank", ""}, 200, "ranking", "ranking.unchanged", written{1, 1})
		h, au = o.marks()
		props := burst(t, pur, o.e.srv.URL+call+"/awards/propose", `{"threshold":0}`)
		awards, err := a.Awards(f.ctx, f.pur, f.call.ID)
		f.must(err)
		if props[200] != 1 || props[409] != 49 || len(awards) == 0 {
			t.Fatalf("50 identical proposals answered %v (%d awards), want one 200 and 49 409", props, len(awards))
		}
		if w := o.since(h, au); w != (written{len(awards), 1}) {
			t.Fatalf("50 identical proposals wrote %+v, want %d history lines (one per award) and one audit entry", w, len(awards))
		}
		o.refused("propose", onceReq{pur, "POST", call + "/awards/propose", `{"threshold":0}`}, "threshold", "award.unchanged")
		o.once("set award", onceReq{pur, "POST", call + "/awards/set", jsonOf(map[string]any{"application_id": a3, "amount": "35000", "note": "压缩活动经费"})},
			200, "amount", "award.unchanged", written{1, 1})
		// taking an award away is a setting, answered alike every time; it is written once
		h, au = o.marks()
		rm := burst(t, pur, o.e.srv.URL+call+"/awards/remove", jsonOf(map[string]any{"application_id": a3, "reason": gongzhi.UnfundedDecision, "note": "与其他项目重复"}))
		if rm[200] != 50 {
			t.Fatalf("50 identical removals of an award answered %v, want 200 each", rm)
		}
		if w := o.since(h, au); w != (written{1, 1}) {
			t.Fatalf("50 identical removals of an award wrote %+v, want one history line and one audit entry", w)
		}
		awards, err = a.Awards(f.ctx, f.pur, f.call.ID)
		f.must(err)
		eligible, err := a.Applications(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"call": fmtID(f.call.ID), "state": gongzhi.AppEligible}},
			func(*gongzhi.Application) error { return nil })
		f.must(err)
		o.once("publish", onceReq{pur, "POST", call + "/publish", ""}, 200, "state", "state.illegal", written{len(awards) + eligible + 1, 2})

		// ---- objections
		res := f.e.call(pur, "GET", call, nil)
		notice := res.Body["notice_ends_at"]
		rtok := f.e.token("zs-resident")
		obj := o.once("objection", onceReq{rtok, "POST", fmt.Sprintf("/api/v1/public/calls/%d/objections", f.call.ID),
			jsonOf(map[string]any{"application_id": a1, "name": "李明", "contact": "13800001111", "body": "该机构去年项目未完成，请核查。"})},
			201, "body", "objection.duplicate", written{1, 1})
		o.once("answer", onceReq{pur, "POST", fmt.Sprintf("%s/objections/%d/answer", call, offNum(obj["id"])),
			`{"answer":"经核查，该机构去年项目已按期结项。","upheld":false}`}, 200, "state", "state.illegal", written{1, 1})

		// ---- final awards, the contract, both confirmations, a payment, an amendment
		f.later(20 * 24 * time.Hour)
		pur, ptok = f.e.token("gt-purchaser"), f.e.token("gt-provider") // the tokens of a day ago have expired
		if notice == nil {
			t.Fatal("the call has no notice end")
		}
		awards, err = a.Awards(f.ctx, f.pur, f.call.ID)
		f.must(err)
		live := 0
		var award *gongzhi.Award
		for _, w := range awards {
			if w.State == gongzhi.AwardPublished {
				live++
				if w.ApplicationID == a1 {
					award = w
				}
			}
		}
		if award == nil {
			t.Fatalf("application %d has no published award: %+v", a1, awards)
		}
		o.once("finalize", onceReq{pur, "POST", call + "/finalize", ""}, 200, "state", "state.illegal", written{live + 1, 2})
		o.once("contract", onceReq{pur, "POST", call + "/contracts", jsonOf(map[string]any{"award_id": award.ID})}, 200,
			"award_id", "contract.exists", written{1, 1})
		cts, err := a.Contracts(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"call": fmtID(f.call.ID)}}, func(*gongzhi.Contract) error { return nil })
		f.must(err)
		if cts != 1 {
			t.Fatalf("%d contracts of the call, want 1", cts)
		}
		awards, err = a.Awards(f.ctx, f.pur, f.call.ID)
		f.must(err)
		var contractID int64
		for _, w := range awards {
			if w.ID == award.ID {
				contractID = w.ContractID
			}
		}
		contract := fmt.Sprintf("/api/v1/contracts/%d", contractID)
		o.once("confirm (purchaser)", onceReq{pur, "POST", contract + "/confirm", ""}, 200, "version", "contract.already_confirmed", written{1, 1})
		o.once("confirm (provider)", onceReq{ptok, "POST", contract + "/confirm", ""}, 200, "version", "contract.nothing_pending", written{3, 1})
		signed, err := a.Contract(f.ctx, f.pur, contractID)
		f.must(err)
		first := signed.Current.Terms.Portions[0]
		o.once("payment", onceReq{pur, "POST", contract + "/payments", jsonOf(map[string]any{"portion": 0, "amount": int64(first.Amount),
			"paid_on": a.Today()})}, 201, "amount", "payment.exceeds_portion", written{1, 1})
		terms := signed.Current.Terms
		terms.BreachTerms += "甲方逾期拨付的，按日万分之五支付违约金。"
		o.once("amend", onceReq{pur, "POST", contract + "/amend", jsonOf(map[string]any{"terms": terms, "reason": "补充违约条款"})}, 200,
			"version", "contract.amendment_pending", written{1, 1})

		// ---- the catalog: a new entry added once
		o.once("catalog", onceReq{pur, "POST", "/api/v1/catalog", jsonOf(map[string]any{"code": "elderly_bathing", "name": "老年助浴",
			"name_en": "Bathing for older people", "standard": "上门助浴，每次不少于一小时。", "price_min": "80", "price_max": "200"})},
			201, "code", "code.taken", written{0, 1})

		// ---- another call: opened once, cancelled once
		c2 := &gongzhi.Call{PlaceCode: f.call.PlaceCode, Kind: f.call.Kind, Title: "第二期公益创投", Description: f.call.Description,
			Categories: f.call.Categories, BudgetID: f.budget.ID, Amount: gongzhi.Yuan(100_000), Bands: f.call.Bands,
			OpensAt: a.Now().Add(-time.Minute), ClosesAt: a.Now().Add(48 * time.Hour), ReviewBy: a.Now().Add(10 * 24 * time.Hour),
			Eligibility: f.call.Eligibility}
		f.must(a.CreateCall(f.ctx, f.pur, c2))
		call2 := fmt.Sprintf("/api/v1/calls/%d", c2.ID)
		o.once("open", onceReq{pur, "POST", call2 + "/open", ""}, 200, "state", "state.illegal", written{1, 1})
		o.once("cancel", onceReq{pur, "POST", call2 + "/cancel", `{"reason":"预算调整"}`}, 200, "state", "state.illegal", written{1, 1})
		b, err := a.Budget(f.ctx, f.pur, f.budget.ID)
		f.must(err)
		if b.Reserved+b.Spent > gongzhi.Yuan(200_000) {
			t.Fatalf("the budget holds %s reserved and %s spent after one call of 200,000", b.Reserved.Format(), b.Spent.Format())
		}
	})
}

// countTo counts the history lines of an entity moving to a state.
func countTo(hist []gongzhi.StateChange, entity, to string) int {
	n := 0
	for _, h := range hist {
		if h.Entity == entity && h.To == to {
			n++
		}
	}
	return n
}

func slicesRepeat(r onceReq, n int) []onceReq {
	out := make([]onceReq, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// orgsBut returns the demo organizations other than one.
func (f *partyFix) orgsBut(id int64) []int64 {
	f.t.Helper()
	var out []int64
	_, err := f.e.app.Organizations(context.Background(), f.sys, store.ListOptions{}, func(o *gongzhi.Organization) error {
		if o.ID != id {
			out = append(out, o.ID)
		}
		return nil
	})
	f.must(err)
	return out
}
