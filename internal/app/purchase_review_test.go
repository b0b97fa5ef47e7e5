// Tests of the expert review at the service level, on both databases: the draw (same seed and
// pool, same panel; repeatable from the recorded seed and pool; affiliated and declared
// conflicts excluded and replaced), the trimmed mean with known numbers, concurrent awards and
// concurrent call openings that must not overspend, and the real shape of a first
// venture-philanthropy call: 38 applications, 17 funded.

package app_test

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func purSelected(d *gongzhi.PanelDraw) []int64 {
	var out []int64
	for _, m := range d.Members {
		if m.Outcome == gongzhi.PanelSelected {
			out = append(out, m.PersonID)
		}
	}
	return out
}

func TestPurchaseDraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Experts 0, 3 and 5 work for providers 0, 1 and 2: conflicts of interest with applicants.
		f := purSetup(t, db, purOptions{orgs: 4, experts: 12, affiliated: map[int]int{0: 0, 3: 1, 5: 2}})
		ctx, a := f.ctx, f.a
		// Two calls with the same applicants and the same pool, drawn with the same seed.
		var calls []*gongzhi.Call
		for range 2 {
			c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
			for i := range 3 {
				f.apply(c, i, gongzhi.Yuan(50_000))
			}
			calls = append(calls, c)
		}
		f.at(calls[1].ClosesAt.Add(time.Hour))
		var draws []*gongzhi.PanelDraw
		for _, c := range calls {
			f.must(a.CloseCall(ctx, f.purchaser, c.ID))
			d, err := a.DrawPanel(ctx, f.purchaser, c.ID, 5, nil, 20261112)
			f.must(err)
			draws = append(draws, d)
		}
		if !slices.Equal(purSelected(draws[0]), purSelected(draws[1])) || len(purSelected(draws[0])) != 5 {
			t.Fatalf("same seed, same pool, different panels: %v %v", purSelected(draws[0]), purSelected(draws[1]))
		}
		d := draws[0]
		if d.Seed != 20261112 || len(d.Pool) != 12 || !slices.IsSorted(d.Pool) {
			t.Fatalf("recorded draw: seed %d pool %v", d.Seed, d.Pool)
		}
		// Anyone can repeat it: the recorded order is DrawOrder of the recorded pool and seed, and
		// every examined expert appears in that order, the affiliated ones excluded.
		order := gongzhi.DrawOrder(d.Pool, d.Seed)
		affiliated := map[int64]bool{f.experts[0]: true, f.experts[3]: true, f.experts[5]: true}
		for i, m := range d.Members {
			if m.Seq != i || m.PersonID != order[i] {
				t.Fatalf("member %d is %d at seq %d; the order says %d", i, m.PersonID, m.Seq, order[i])
			}
			if affiliated[m.PersonID] != (m.Outcome == gongzhi.PanelExcluded) {
				t.Fatalf("expert %d: %s %s", m.PersonID, m.Outcome, m.Reason)
			}
			if m.Outcome == gongzhi.PanelExcluded && (m.Reason != gongzhi.ExcludedAffiliated || m.Detail == "") {
				t.Fatalf("exclusion not explained: %+v", m)
			}
		}
		if at := d.Verify(); at != -1 {
			t.Fatalf("the recorded draw does not repeat at %d", at)
		}
		forged := *d
		forged.Members = slices.Clone(d.Members)
		forged.Members[0].PersonID, forged.Members[1].PersonID = forged.Members[1].PersonID, forged.Members[0].PersonID
		if forged.Verify() != 0 {
			t.Fatal("a forged draw verified")
		}
		// A different seed gives a different panel (for this pool and these seeds).
		c3 := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.at(c3.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c3.ID))
		d3, err := a.DrawPanel(ctx, f.purchaser, c3.ID, 5, nil, 7)
		f.must(err)
		if slices.Equal(purSelected(d3), purSelected(d)) {
			t.Fatalf("seed 7 drew the same panel as seed 20261112")
		}
		// Filtered by field: only experts with "elderly" (the odd-numbered ones).
		c4 := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.at(c4.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c4.ID))
		d4, err := a.DrawPanel(ctx, f.purchaser, c4.ID, 3, []string{"elderly"}, 99)
		f.must(err)
		for _, id := range d4.Pool {
			if i := slices.Index(f.experts, id); i%2 != 1 {
				t.Fatalf("expert %d without the field in the pool", i)
			}
		}
		if len(d4.Pool) != 6 {
			t.Fatalf("pool of %d", len(d4.Pool))
		}

		// A declared conflict: the member is excluded and replaced by the next in the seeded order.
		c := calls[0]
		sel := purSelected(d)
		victim := f.expertAc[sel[1]]
		apps, err := a.ReviewAssignments(ctx, victim)
		f.must(err)
		if len(apps) != 2 || len(apps[len(apps)-1].Applicants) != 3 {
			t.Fatalf("assignments %+v", apps)
		}
		repl, err := a.DeclareConflict(ctx, victim, c.ID, []int64{apps[len(apps)-1].Applicants[0].ApplicationID}, "曾任该机构督导")
		f.must(err)
		after, err := a.Panel(ctx, f.purchaser, c.ID)
		f.must(err)
		next := d.Members[len(d.Members)-1].Seq + 1
		for next < len(order) && affiliated[order[next]] {
			next++
		}
		if repl == nil || repl.PersonID != order[next] || repl.Seq != next {
			t.Fatalf("replacement %+v, want expert %d at seq %d", repl, order[next], next)
		}
		now := purSelected(after)
		if len(now) != 5 || slices.Contains(now, sel[1]) || !slices.Contains(now, repl.PersonID) {
			t.Fatalf("panel after the conflict: %v", now)
		}
		i := slices.IndexFunc(after.Members, func(m gongzhi.PanelMember) bool { return m.PersonID == sel[1] })
		if m := after.Members[i]; m.Outcome != gongzhi.PanelExcluded || m.Reason != gongzhi.ExcludedDeclared || m.ExcludedAt.IsZero() {
			t.Fatalf("declared member %+v", m)
		}
		// The purchaser removes an unavailable member: replaced too.
		r2, err := a.RemovePanelMember(ctx, f.purchaser, c.ID, sel[0], "出差无法参加评审")
		f.must(err)
		if r2 == nil || slices.Contains(now, r2.PersonID) {
			t.Fatalf("second replacement %+v", r2)
		}
		// A conflict the purchaser knew of before the draw: the draw skips that expert.
		c5 := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.apply(c5, 3, gongzhi.Yuan(50_000))
		first := gongzhi.DrawOrder(d.Pool, 20261112)[0]
		_, _, err = a.RecordConflict(ctx, f.purchaser, c5.ID, first, f.orgs[3], "配偶在该机构任职")
		f.must(err)
		f.at(c5.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c5.ID))
		d5, err := a.DrawPanel(ctx, f.purchaser, c5.ID, 3, nil, 20261112)
		f.must(err)
		if d5.Members[0].PersonID != first || d5.Members[0].Outcome != gongzhi.PanelExcluded || d5.Members[0].Reason != gongzhi.ExcludedDeclared {
			t.Fatalf("recorded conflict not applied: %+v", d5.Members[0])
		}
		// The pool can run out.
		c6 := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.apply(c6, 0, gongzhi.Yuan(50_000))
		f.at(c6.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c6.ID))
		_, err = a.DrawPanel(ctx, f.purchaser, c6.ID, 12, nil, 1)
		purIs(t, err, gongzhi.ECONFLICT, "size", "panel.pool_too_small:11")
		// The public sees no panel before the results.
		_, err = a.Panel(ctx, nil, c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
	})
}

func TestPurchaseTrimMean(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 3, experts: 5})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(50_000)), f.apply(c, 1, gongzhi.Yuan(50_000)), f.apply(c, 2, gongzhi.Yuan(50_000))}
		f.closeAndReview(c, 5, 11)
		// Known totals per application, one per member in draw order.
		totals := [][]gongzhi.Points{
			{9000, 8500, 8000, 7000, 6000}, // drop 90 and 60: (85+80+70)/3 = 78.33
			{8050, 7900, 9500, 2025, 7900}, // drop 95 and 20.25: (80.5+79+79)/3 = 79.50
			{7833, 7833, 7833, 7833, 7834}, // drop one 78.33 and 78.34: 78.33 — ties the first on score
		}
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return totals[app][m] })
		rs, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		want := map[int64]gongzhi.Points{apps[0].ID: 7833, apps[1].ID: 7950, apps[2].ID: 7833}
		for _, r := range rs {
			if r.Score != want[r.ApplicationID] || r.Scores != 5 {
				t.Errorf("application %d: %s from %d scores, want %s", r.ApplicationID, r.Score, r.Scores, want[r.ApplicationID])
			}
		}
		// 79.50 first; the two 78.33 by submission time: application 0 was submitted first.
		if rs[0].ApplicationID != apps[1].ID || rs[1].ApplicationID != apps[0].ID || rs[2].ApplicationID != apps[2].ID {
			t.Fatalf("ranking %+v", rs)
		}
		stored, err := a.Ranking(ctx, f.auditor, c.ID)
		f.must(err)
		if len(stored) != 3 || stored[0].Rank != 1 || stored[0].Score != 7950 {
			t.Fatalf("stored ranking %+v", stored)
		}
		// An expert sees the others' scores once they have scored.
		member := f.expertAc[f.active(c.ID)[0]]
		scores, err := a.Scores(ctx, member, apps[0].ID)
		f.must(err)
		if len(scores) != 5 {
			t.Fatalf("%d scores", len(scores))
		}
	})
}

func TestPurchaseConcurrentAwards(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 3, experts: 3, budget: gongzhi.Yuan(250_000)})
		ctx, a := f.ctx, f.a
		// One call holds 100,000; proposals are cleared and two awards of 60,000 race.
		c := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(60_000)), f.apply(c, 1, gongzhi.Yuan(60_000))}
		f.closeAndReview(c, 3, 5)
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(8000 - app*100) })
		_, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		for round := range 5 {
			for _, ap := range apps {
				f.must(a.RemoveAward(ctx, f.purchaser, c.ID, ap.ID, gongzhi.UnfundedBudget, ""))
			}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, ap := range apps {
				wg.Go(func() {
					<-start
					errs[i] = a.SetAward(ctx, f.purchaser, c.ID, ap.ID, gongzhi.Yuan(60_000), fmt.Sprint("round ", round))
				})
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else {
					purIs(t, err, gongzhi.ECONFLICT, "amount", "award.exceeds_budget:40,000.00")
				}
			}
			awards, err := a.Awards(ctx, f.purchaser, c.ID)
			f.must(err)
			var sum gongzhi.Money
			for _, w := range awards {
				sum += w.Amount
			}
			if ok != 1 || sum != gongzhi.Yuan(60_000) {
				t.Fatalf("round %d: %d awards succeeded, %s awarded of 100,000.00", round, ok, sum.Format())
			}
		}
		// Two calls opening at once on one budget: 150,000 available, each wants 100,000.
		var drafts []*gongzhi.Call
		for range 2 {
			d := &gongzhi.Call{PlaceCode: purStreet, Kind: "commission", Title: "并发开放", Categories: []string{"staff_training"},
				BudgetID: f.budget.ID, Amount: gongzhi.Yuan(100_000), Bands: []gongzhi.FundingBand{{Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(100_000)}},
				OpensAt: f.clock(), ClosesAt: f.clock().Add(72 * time.Hour)}
			f.must(a.CreateCall(ctx, f.purchaser, d))
			drafts = append(drafts, d)
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, d := range drafts {
			wg.Go(func() { <-start; errs[i] = a.OpenCall(ctx, f.purchaser, d.ID) })
		}
		close(start)
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("both or neither opened: %v, %v", errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil {
				purIs(t, err, gongzhi.ECONFLICT, "amount", "budget.insufficient:50,000.00")
			}
		}
		if b := f.budgetNow(); b.Reserved != gongzhi.Yuan(200_000) || b.Available() != gongzhi.Yuan(50_000) {
			t.Fatalf("budget %+v", b)
		}
	})
}

// TestPurchaseFirstCall runs the real shape of 葛塘's first venture-philanthropy call end to end:
// 38 applications of 20,000–90,000 yuan, 2 rejected in the preliminary review, a panel of 5,
// and a budget that funds exactly 17 in rank order; then the notice, the contracts and the first
// payments.
func TestPurchaseFirstCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 38, experts: 9, budget: gongzhi.Yuan(1_500_000)})
		ctx, a := f.ctx, f.a
		need := &gongzhi.Need{CommunityCode: purZhongshan, TargetGroup: "elderly_alone", CategoryCode: "elderly_home_care",
			Description: "独居老人午餐无人照料", PeopleAffected: 46, Source: "household_visit"}
		f.must(a.RecordNeed(ctx, f.community, need))
		c := &gongzhi.Call{PlaceCode: purStreet, Kind: "venture_philanthropy", Title: "葛塘街道首届社区公益创投大赛",
			Categories: []string{"elderly_home_care", "community_social_work"}, BudgetID: f.budget.ID, Amount: gongzhi.Yuan(900_000),
			Bands:   []gongzhi.FundingBand{{Name: "小型项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(50_000)}, {Name: "中型项目", Min: gongzhi.Yuan(50_001), Max: gongzhi.Yuan(90_000)}},
			OpensAt: f.clock(), ClosesAt: f.clock().Add(14 * 24 * time.Hour), NeedIDs: []int64{need.ID}, RequireRegistered: true}
		f.must(a.CreateCall(ctx, f.purchaser, c))
		f.must(a.OpenCall(ctx, f.purchaser, c.ID))
		// Requests cycle through 20,000 … 90,000; applications are scored so that rank = index.
		var apps []*gongzhi.Application
		requested := func(i int) gongzhi.Money { return gongzhi.Yuan(int64(20_000 + (i*37_000)%70_001)) }
		for i := range 38 {
			ap := purApplication(c, fmt.Sprintf("公益创投项目%02d", i+1), requested(i))
			if i == 0 {
				ap.NeedIDs = []int64{need.ID}
			}
			f.must(a.CreateApplication(ctx, f.providers[i], ap))
			f.advance(time.Minute)
			f.must(a.SubmitApplication(ctx, f.providers[i], ap.ID))
			apps = append(apps, ap)
		}
		f.at(c.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c.ID))
		for i, ap := range apps {
			if i == 36 || i == 37 {
				f.must(a.PrelimReview(ctx, f.hub, ap.ID, false, "未按要求提交机构年检材料"))
			} else {
				f.must(a.PrelimReview(ctx, f.hub, ap.ID, true, ""))
			}
		}
		_, err := a.DrawPanel(ctx, f.purchaser, c.ID, 5, []string{"social_work", "elderly"}, 2026)
		f.must(err)
		for _, p := range f.active(c.ID) {
			f.must(a.DeclareNoConflict(ctx, f.expertAc[p], c.ID))
		}
		f.must(a.StartReview(ctx, f.purchaser, c.ID))
		eligible := apps[:36]
		f.scoreAll(c, eligible, func(app, m int) gongzhi.Points { return gongzhi.Points(9500 - app*100 + (m%3-1)*50) })
		rs, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		for i, r := range rs {
			if r.ApplicationID != eligible[i].ID {
				t.Fatalf("rank %d is application %d, want %d", i+1, r.ApplicationID, eligible[i].ID)
			}
		}
		// 900,000 yuan covers the 17 best requests (891,936 yuan) but not the 18th (88,992 yuan).
		var top17 gongzhi.Money
		for i := range 17 {
			top17 += requested(i)
		}
		if top17 > c.Amount || top17+requested(17) <= c.Amount {
			t.Fatal("bad test data")
		}
		props, err := a.ProposeAwards(ctx, f.purchaser, c.ID, 0)
		f.must(err)
		funded := 0
		var total gongzhi.Money
		for i, p := range props {
			if p.Amount > 0 {
				funded++
				total += p.Amount
			} else if p.Reason == "" {
				t.Fatalf("application %d unfunded without a reason", i)
			}
		}
		t.Logf("proposal funds %d of 36 eligible, %s of %s", funded, total.Format(), c.Amount.Format())
		if funded != 17 {
			t.Fatalf("funded %d, want 17 (top 17 cost %s)", funded, top17.Format())
		}
		f.must(a.PublishAwards(ctx, f.purchaser, c.ID))
		notice, err := a.Notice(ctx, nil, c.ID)
		f.must(err)
		if len(notice.Awards) != 17 || notice.Call.State != gongzhi.CallNotice {
			t.Fatalf("notice: %d awards, %s", len(notice.Awards), notice.Call.State)
		}
		b := f.budgetNow()
		if b.Reserved != total {
			t.Fatalf("reserved %s after publication, awarded %s", b.Reserved.Format(), total.Format())
		}
		// A provider sees its own result and why.
		hist, err := a.ApplicationHistory(ctx, f.providers[20], apps[20].ID)
		f.must(err)
		var states []string
		for _, h := range hist {
			states = append(states, h.To)
			if h.Entity == "score" || h.Role == gongzhi.RoleExpert {
				t.Fatalf("the provider sees the review: %+v", h)
			}
		}
		if !slices.Equal(states, []string{"draft", "submitted", "eligible", "not_funded"}) || hist[3].Note.String() != `unfunded ["`+gongzhi.UnfundedBudget+`"]` {
			t.Fatalf("history %v, last %+v", states, hist[len(hist)-1])
		}
		// The award's lines carry the application as data: the office sees the proposal in the
		// application's history; its provider only the award published.
		var amount string
		for _, p := range props {
			if p.ApplicationID == apps[0].ID {
				amount = strconv.FormatInt(int64(p.Amount), 10)
			}
		}
		staffHist, err := a.ApplicationHistory(ctx, f.purchaser, apps[0].ID)
		f.must(err)
		proposed := slices.IndexFunc(staffHist, func(h gongzhi.StateChange) bool {
			return h.Entity == "award" && h.To == gongzhi.AwardProposed
		})
		if proposed < 0 || staffHist[proposed].AppID != apps[0].ID || staffHist[proposed].Note.Code != "award_amount" ||
			!slices.Equal(staffHist[proposed].Note.Args, []string{strconv.FormatInt(apps[0].ID, 10), amount, ""}) {
			t.Fatalf("the office's history of a funded application %+v", staffHist)
		}
		hist, err = a.ApplicationHistory(ctx, f.providers[0], apps[0].ID)
		f.must(err)
		states = nil
		for _, h := range hist {
			states = append(states, h.Entity+":"+h.To)
			if h.Entity == "award" && h.To == gongzhi.AwardPublished && (h.Note.Code != "amount" || !slices.Equal(h.Note.Args, []string{amount})) {
				t.Fatalf("published award line %+v", h)
			}
		}
		if !slices.Equal(states, []string{"application:draft", "application:submitted", "application:eligible", "award:published", "application:awarded"}) {
			t.Fatalf("the provider's history of a funded application %v", states)
		}
		ap36, err := a.Application(ctx, f.providers[36], apps[36].ID)
		f.must(err)
		if ap36.State != gongzhi.AppRejected || ap36.PrelimReason != "未按要求提交机构年检材料" {
			t.Fatalf("rejected application %+v", ap36)
		}
		f.finalize(c)
		for i := range 17 {
			ct := f.sign(apps[i].ID, f.providers[i])
			p := ct.Current.Terms.Portions[0]
			_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, p.Amount, gongzhi.DateOf(f.clock()), "首期拨付")
			f.must(err)
		}
		b = f.budgetNow()
		if b.Reserved+b.Spent != total {
			t.Fatalf("reserved %s + spent %s != awarded %s", b.Reserved.Format(), b.Spent.Format(), total.Format())
		}
		answered, err := a.NeedsAnswered(ctx, nil, purStreet, c.ID)
		f.must(err)
		if len(answered) != 17 || len(answered[0].Needs) != 1 || answered[0].Needs[0].ContactPhone != "" {
			t.Fatalf("needs answered: %d projects, first %+v", len(answered), answered[0])
		}
		hist, err = a.CallHistory(ctx, f.auditor, c.ID)
		f.must(err)
		if !slices.IsSortedFunc(hist, func(x, y gongzhi.StateChange) int { return x.At.Compare(y.At) }) {
			t.Fatal("history out of order")
		}
		entities := map[string]int{}
		for _, h := range hist {
			entities[h.Entity]++
		}
		for _, e := range []string{"call", "application", "panel", "score", "ranking", "award", "contract", "contract_version", "payment"} {
			if entities[e] == 0 {
				t.Errorf("no %s in the call's history: %v", e, entities)
			}
		}
		if entities["award"] != 17*3 || entities["payment"] != 17 || entities["score"] != 36*5 {
			t.Errorf("history counts %v", entities)
		}
	})
}
