package app_test

import (
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// The catalog's price ranges are enforced (issue 11 item 7): an application's request or an
// award outside its category's range is refused, or, where the office allows exceptions for
// the category, passes only with a recorded reason, kept on the application, the award and the
// contract and written to the audit log.
func TestPriceRangeEnforced(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 3, experts: 3})
		ctx, a := f.ctx, f.a
		setRange := func(exceptions bool) {
			t.Helper()
			cats, err := a.ServiceCategories(ctx, false)
			f.must(err)
			for _, c := range cats {
				if c.Code == "elderly_home_care" {
					c.PriceMin, c.PriceMax, c.AllowExceptions = gongzhi.Yuan(30_000), gongzhi.Yuan(60_000), exceptions
					f.must(a.SaveServiceCategory(ctx, f.purchaser, c, false))
				}
			}
		}
		setRange(false)
		c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		wantField := func(err error, code, field, reason string) {
			t.Helper()
			e := gongzhi.AsError(err)
			if e == nil || e.Code != code || e.Fields[field] != reason {
				t.Fatalf("want %s %s: %s, got %v", code, field, reason, err)
			}
		}
		// above the range, no exceptions: refused, and stays a draft
		high := purApplication(c, "项目01：高龄助餐", gongzhi.Yuan(80_000))
		f.must(a.CreateApplication(ctx, f.providers[0], high))
		wantField(a.SubmitApplication(ctx, f.providers[0], high.ID), gongzhi.EINVALID, "requested", "price.above_max:30,000.00–60,000.00")
		// below it too
		low := purApplication(c, "项目02：邻里探访", gongzhi.Yuan(25_000))
		f.must(a.CreateApplication(ctx, f.providers[1], low))
		wantField(a.SubmitApplication(ctx, f.providers[1], low.ID), gongzhi.EINVALID, "requested", "price.below_min:30,000.00–60,000.00")
		// within it: submitted
		mid := f.apply(c, 2, gongzhi.Yuan(50_000))
		// a reason does not help while the category allows no exception
		high.PriceException = "高龄独居老人集中，需增加送餐人员"
		f.must(a.UpdateApplication(ctx, f.providers[0], high))
		wantField(a.SubmitApplication(ctx, f.providers[0], high.ID), gongzhi.EINVALID, "requested", "price.above_max:30,000.00–60,000.00")
		// the office allows exceptions: without a reason still refused, with one submitted
		setRange(true)
		low.PriceException = ""
		wantField(a.SubmitApplication(ctx, f.providers[1], low.ID), gongzhi.EINVALID, "price_exception", "price.exception_reason")
		f.must(a.SubmitApplication(ctx, f.providers[0], high.ID))
		got, err := a.Application(ctx, f.purchaser, high.ID)
		f.must(err)
		if got.State != gongzhi.AppSubmitted || got.PriceException != "高龄独居老人集中，需增加送餐人员" {
			t.Fatalf("submitted with an exception: %s %q", got.State, got.PriceException)
		}
		// review, rank; the proposal keeps awards within the range where it can (80,000 → 60,000)
		f.closeAndReview(c, 3, 3)
		f.scoreAll(c, []*gongzhi.Application{high, mid}, func(app, m int) gongzhi.Points { return gongzhi.Points(9000 - app*100) })
		_, err = a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		props, err := a.ProposeAwards(ctx, f.purchaser, c.ID, 6000)
		f.must(err)
		for _, p := range props {
			if p.ApplicationID == high.ID && (p.Amount != gongzhi.Yuan(60_000) || p.PriceException != "") {
				t.Fatalf("proposal for the high request %+v", p)
			}
		}
		// the purchaser gives the full 80,000: the application's reason is recorded on the award
		f.must(a.SetAward(ctx, f.purchaser, c.ID, high.ID, gongzhi.Yuan(80_000), "按申报金额资助"))
		award := func(appID int64) *gongzhi.Award {
			t.Helper()
			ws, err := a.Awards(ctx, f.purchaser, c.ID)
			f.must(err)
			for _, w := range ws {
				if w.ApplicationID == appID {
					return w
				}
			}
			t.Fatalf("no award for %d", appID)
			return nil
		}
		if w := award(high.ID); w.Amount != gongzhi.Yuan(80_000) || w.PriceException != "高龄独居老人集中，需增加送餐人员" {
			t.Fatalf("award outside the range %+v", w)
		}
		// an award within the range keeps no exception; one outside for an application that gave
		// none needs the purchaser's reason
		f.must(a.SetAward(ctx, f.purchaser, c.ID, high.ID, gongzhi.Yuan(55_000), ""))
		if w := award(high.ID); w.PriceException != "" {
			t.Fatalf("award within the range keeps %q", w.PriceException)
		}
		wantField(a.SetAward(ctx, f.purchaser, c.ID, mid.ID, gongzhi.Yuan(25_000), ""), gongzhi.EINVALID, "price_exception", "price.exception_reason")
		f.must(a.SetAwardPriced(ctx, f.purchaser, c.ID, mid.ID, gongzhi.Yuan(25_000), "", "社区自筹部分经费"))
		if w := award(mid.ID); w.PriceException != "社区自筹部分经费" {
			t.Fatalf("purchaser's reason %+v", w)
		}
		// no exceptions again: an award outside the range is refused, with or without a reason
		setRange(false)
		wantField(a.SetAwardPriced(ctx, f.purchaser, c.ID, high.ID, gongzhi.Yuan(70_000), "", "理由"), gongzhi.EINVALID, "amount", "price.above_max:30,000.00–60,000.00")
		// the audit log holds the reason
		n := 0
		_, err = db.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"entity": purchase.ResAwards}}, func(e *gongzhi.AuditEntry) error {
			if strings.Contains(e.After, "社区自筹部分经费") {
				n++
			}
			return nil
		})
		f.must(err)
		if n != 1 {
			t.Fatalf("%d audit entries name the reason", n)
		}
		// the contract shows the award's reason: the exception stands when the awards are published
		setRange(true)
		f.must(a.SetAward(ctx, f.purchaser, c.ID, high.ID, gongzhi.Yuan(80_000), "按申报金额资助"))
		f.must(a.PublishAwards(ctx, f.purchaser, c.ID))
		f.finalize(c)
		ct := f.sign(high.ID, f.providers[0])
		if ct.PriceException != "高龄独居老人集中，需增加送餐人员" {
			t.Fatalf("contract price exception %q", ct.PriceException)
		}

		// the call's history says each exception, as a note with its amount and reason: the
		// request at its submission, each award that needed one
		hist, err := a.CallHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		notes := map[string]string{}
		for _, h := range hist {
			if h.Note.Code == "price_exception" {
				notes[h.Entity+" "+strings.Join(h.Note.Args, " ")] = h.To
			}
		}
		for _, want := range []string{
			"application 8000000 高龄独居老人集中，需增加送餐人员",
			"award 8000000 高龄独居老人集中，需增加送餐人员",
			"award 2500000 社区自筹部分经费",
		} {
			if _, ok := notes[want]; !ok {
				t.Errorf("no history note %q; have %v", want, notes)
			}
		}

		// amendments are checked against the range as awards are (issue 11 item 7)
		amend := func(amount gongzhi.Money) gongzhi.ContractTerms {
			t.Helper()
			cur, err := a.Contract(ctx, f.purchaser, ct.ID)
			f.must(err)
			terms := cur.Current.Terms
			terms.Portions = append([]gongzhi.Portion(nil), terms.Portions...)
			terms.Amount = amount
			return terms
		}
		setRange(false)
		_, err = a.AmendContractPriced(ctx, f.purchaser, ct.ID, amend(gongzhi.Yuan(90_000)), "服务社区增加", "新增两个社区")
		wantField(err, gongzhi.EINVALID, "amount", "price.above_max:30,000.00–60,000.00")
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, amend(gongzhi.Yuan(20_000)), "缩减服务")
		wantField(err, gongzhi.EINVALID, "amount", "price.below_min:30,000.00–60,000.00")
		setRange(true)
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, amend(gongzhi.Yuan(90_000)), "服务社区增加")
		wantField(err, gongzhi.EINVALID, "price_exception", "price.exception_reason")
		v, err := a.AmendContractPriced(ctx, f.purchaser, ct.ID, amend(gongzhi.Yuan(90_000)), "服务社区增加", "新增两个社区，送餐路线加长")
		f.must(err)
		if v.PriceException != "新增两个社区，送餐路线加长" {
			t.Fatalf("amendment's exception %q", v.PriceException)
		}
		vs, err := a.ContractVersions(ctx, f.purchaser, ct.ID)
		f.must(err)
		if last := vs[len(vs)-1]; last.Version != 2 || last.PriceException != "新增两个社区，送餐路线加长" {
			t.Fatalf("stored amendment %+v", last)
		}
		hist, err = a.CallHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		if last := hist[len(hist)-1]; last.Entity != "contract_version" || last.Note.Code != "price_exception" ||
			strings.Join(last.Note.Args, " ") != "9000000 新增两个社区，送餐路线加长" {
			t.Fatalf("the history ends %+v, want the amendment's price exception", last)
		}
	})
}

// An amendment that keeps the amount in force keeps the reason of an amount outside the range;
// one within the range needs none.
func TestAmendmentKeepsAmountInForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 1, experts: 3})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		ap := f.apply(c, 0, gongzhi.Yuan(50_000))
		f.closeAndReview(c, 3, 3)
		f.scoreAll(c, []*gongzhi.Application{ap}, func(app, m int) gongzhi.Points { return 8000 })
		_, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		f.must(a.SetAward(ctx, f.purchaser, c.ID, ap.ID, gongzhi.Yuan(50_000), ""))
		f.must(a.PublishAwards(ctx, f.purchaser, c.ID))
		f.finalize(c)
		ct := f.sign(ap.ID, f.providers[0])
		// the office narrows the range after signing: the amount in force lies outside it
		cats, err := a.ServiceCategories(ctx, false)
		f.must(err)
		for _, cat := range cats {
			if cat.Code == "elderly_home_care" {
				cat.PriceMin, cat.PriceMax, cat.AllowExceptions = gongzhi.Yuan(60_000), gongzhi.Yuan(90_000), false
				f.must(a.SaveServiceCategory(ctx, f.purchaser, cat, false))
			}
		}
		terms := ct.Current.Terms
		terms.Portions = append([]gongzhi.Portion(nil), terms.Portions...)
		terms.EndOn = terms.Milestones[len(terms.Milestones)-1].Due // only the period changes
		v, err := a.AmendContract(ctx, f.purchaser, ct.ID, terms, "服务期与末次节点对齐")
		f.must(err)
		if v.PriceException != "" || v.Terms.Amount != gongzhi.Yuan(50_000) {
			t.Fatalf("amendment %+v", v)
		}
	})
}
