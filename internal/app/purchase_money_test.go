// Tests of needs, money and disclosure at the service level, on both databases: needs and the
// needs map by role, budget arithmetic in fen through a call's life (reserve, release, overturn,
// cancel, pay), the notice counted in working days with the office calendar, objections that
// overturn an award, contract amendments as versions, payment portions that add up, the on-time
// payment rate, the funding report's shares, and what the public sees.

package app_test

import (
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestPurchaseNeeds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 1, experts: 1})
		ctx, a := f.ctx, f.a
		need := func(comm, group, cat string, n int) *gongzhi.Need {
			return &gongzhi.Need{CommunityCode: comm, TargetGroup: group, CategoryCode: cat, Description: "需求描述", PeopleAffected: n, Source: "grid_report"}
		}
		purCases(t, "record", []purCase{
			{"community staff", func() error {
				return a.RecordNeed(ctx, f.community, need(purZhongshan, "elderly", "elderly_home_care", 30))
			}, "", "", ""},
			{"the hub", func() error {
				return a.RecordNeed(ctx, f.hub, need(purChangcheng, "children", "community_social_work", 12))
			}, "", "", ""},
			{"the purchaser", func() error {
				return a.RecordNeed(ctx, f.purchaser, need(purZhongshan, "elderly", "elderly_home_care", 8))
			}, "", "", ""},
			{"community staff of another community", func() error {
				return a.RecordNeed(ctx, f.community, need(purChangcheng, "elderly", "elderly_home_care", 1))
			}, gongzhi.EINVALID, "community_code", "place.missing"},
			{"the street is not a community", func() error { return a.RecordNeed(ctx, f.hub, need(purStreet, "elderly", "elderly_home_care", 1)) },
				gongzhi.EINVALID, "community_code", "place.not_community"},
			{"another street's community", func() error { return a.RecordNeed(ctx, f.hub, need(purNeighbourC, "elderly", "elderly_home_care", 1)) },
				gongzhi.EINVALID, "community_code", "place.missing"},
			{"an unknown target group", func() error { return a.RecordNeed(ctx, f.hub, need(purZhongshan, "aliens", "elderly_home_care", 1)) },
				gongzhi.EINVALID, "target_group", "choice"},
			{"an unknown category", func() error { return a.RecordNeed(ctx, f.hub, need(purZhongshan, "elderly", "space_travel", 1)) },
				gongzhi.EINVALID, "category_code", "choice"},
			{"nobody affected", func() error { return a.RecordNeed(ctx, f.hub, need(purZhongshan, "elderly", "elderly_home_care", 0)) },
				gongzhi.EINVALID, "people_affected", "range:1-1000000"},
			{"a provider", func() error {
				return a.RecordNeed(ctx, f.providers[0], need(purZhongshan, "elderly", "elderly_home_care", 1))
			},
				gongzhi.EFORBIDDEN, "", ""},
			{"the public form without a phone", func() error {
				n := need(purZhongshan, "elderly", "elderly_home_care", 1)
				n.ContactName = "王大爷"
				return a.SubmitNeedPublic(ctx, nil, n)
			}, gongzhi.EINVALID, "contact_phone", "required"},
			{"the public form", func() error {
				n := need(purZhongshan, "elderly_alone", "elderly_home_care", 1)
				n.ContactName, n.ContactPhone = "王大爷", "13912345678"
				return a.SubmitNeedPublic(ctx, nil, n)
			}, "", "", ""},
			{"a resident through the form, any community", func() error {
				n := need(purNeighbourC, "children", "community_social_work", 3)
				n.ContactName, n.ContactPhone = "张女士", "025-57000000"
				return a.SubmitNeedPublic(ctx, f.resident, n)
			}, "", "", ""},
		})
		cells, err := a.NeedsMap(ctx, f.hub, store.ListOptions{})
		f.must(err)
		want := []gongzhi.NeedsCell{
			{CommunityCode: purZhongshan, CommunityName: "中山社区居委会", TargetGroup: "elderly", CategoryCode: "elderly_home_care", Needs: 2, People: 38},
			{CommunityCode: purZhongshan, CommunityName: "中山社区居委会", TargetGroup: "elderly_alone", CategoryCode: "elderly_home_care", Needs: 1, People: 1},
			{CommunityCode: purChangcheng, CommunityName: "长城社区居委会", TargetGroup: "children", CategoryCode: "community_social_work", Needs: 1, People: 12},
		}
		slices.SortFunc(cells, func(x, y gongzhi.NeedsCell) int { return int(y.People - x.People) })
		slices.SortFunc(want, func(x, y gongzhi.NeedsCell) int { return int(y.People - x.People) })
		if !slices.Equal(cells, want) {
			t.Fatalf("needs map\n got %+v\nwant %+v", cells, want)
		}
		// Community staff see their community only; the auditor sees no contacts.
		n, err := a.Needs(ctx, f.community, store.ListOptions{}, func(*gongzhi.Need) error { return nil })
		f.must(err)
		if n != 3 {
			t.Fatalf("community sees %d needs", n)
		}
		_, err = a.Needs(ctx, f.auditor, store.ListOptions{Filters: map[string]string{"source": "online"}}, func(n *gongzhi.Need) error {
			if n.ContactPhone != "" || n.ContactName != "" {
				t.Errorf("auditor sees a contact: %+v", n)
			}
			return nil
		})
		f.must(err)
		_, err = a.Needs(ctx, f.providers[0], store.ListOptions{}, func(*gongzhi.Need) error { return nil })
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		if n, _ := a.NeedsUnanswered(ctx, f.hub, store.ListOptions{}, func(*gongzhi.Need) error { return nil }); n != 4 {
			t.Fatalf("%d unanswered", n)
		}
	})
}

func TestPurchaseBudgetArithmetic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 3, experts: 3, budget: gongzhi.Yuan(500_000) + 33})
		ctx, a := f.ctx, f.a
		check := func(reserved, spent gongzhi.Money) {
			t.Helper()
			b := f.budgetNow()
			if b.Reserved != reserved || b.Spent != spent || b.Available() != b.Amount-reserved-spent {
				t.Fatalf("budget reserved %s spent %s, want %s %s", b.Reserved.Format(), b.Spent.Format(), reserved.Format(), spent.Format())
			}
		}
		check(0, 0)
		c := f.call(gongzhi.Yuan(300_000)+11, gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		check(gongzhi.Yuan(300_000)+11, 0)
		// The budget cannot shrink below what is committed.
		b := f.budgetNow()
		b.Amount = gongzhi.Yuan(300_000)
		purIs(t, a.UpdateBudget(ctx, f.purchaser, b), gongzhi.ECONFLICT, "amount", "budget.below_committed:300,000.11")
		b.Amount = gongzhi.Yuan(600_000)
		f.must(a.UpdateBudget(ctx, f.purchaser, b))
		apps := []*gongzhi.Application{
			f.apply(c, 0, gongzhi.Yuan(33_333)+33),
			f.apply(c, 1, gongzhi.Yuan(45_000)),
			f.apply(c, 2, gongzhi.Yuan(20_000)),
		}
		f.closeAndReview(c, 3, 3)
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(9000 - app*1000) })
		f.publish(c, 7500) // application 2 scores 70: below the threshold
		awarded := gongzhi.Yuan(33_333) + 33 + gongzhi.Yuan(45_000)
		check(awarded, 0) // 300,000.11 − 78,333.33 released
		ap2, err := a.Application(ctx, f.providers[2], apps[2].ID)
		f.must(err)
		if ap2.State != gongzhi.AppNotFunded || ap2.UnfundedReason != gongzhi.UnfundedThreshold {
			t.Fatalf("application 2: %s %s", ap2.State, ap2.UnfundedReason)
		}
		// An upheld objection overturns the second award and releases its money.
		obj := &gongzhi.Objection{CallID: c.ID, ApplicationID: apps[1].ID, Name: "赵女士", Contact: "13800000000", Body: "该机构负责人与评审专家存在亲属关系。"}
		f.must(a.FileObjection(ctx, f.providers[0], obj)) // a competitor, signed in
		f.must(a.AnswerObjection(ctx, f.purchaser, obj.ID, "经核查属实，取消该项目资助。", true, true))
		check(gongzhi.Yuan(33_333)+33, 0)
		ap1, err := a.Application(ctx, f.providers[1], apps[1].ID)
		f.must(err)
		if ap1.State != gongzhi.AppNotFunded || ap1.UnfundedReason != gongzhi.UnfundedObjection || ap1.Awarded != 0 {
			t.Fatalf("overturned application: %+v", ap1)
		}
		hist, err := a.ApplicationHistory(ctx, f.providers[1], apps[1].ID)
		f.must(err)
		last := hist[len(hist)-1]
		if last.Entity != "objection" || last.To != gongzhi.ObjectionAnswered {
			t.Fatalf("provider's history ends %+v", last)
		}
		for _, h := range hist {
			if h.Entity == "objection" && h.To == gongzhi.ObjectionOpen && h.Username != "" {
				t.Fatalf("the provider learns who objected: %+v", h)
			}
		}
		objs, err := a.Objections(ctx, nil, c.ID)
		f.must(err)
		if len(objs) != 1 || objs[0].Contact != "" || objs[0].Name != "" || !objs[0].Overturned {
			t.Fatalf("public objections %+v", objs)
		}
		f.finalize(c)
		ct := f.sign(apps[0].ID, f.providers[0])
		// 33,333.33 in 50/30/20: 16,666.66 + 9,999.99 + 6,666.68, exactly the amount.
		ps := ct.Current.Terms.Portions
		if ps[0].Amount != 1666666 || ps[1].Amount != 999999 || ps[2].Amount != 666668 || ps[0].Amount+ps[1].Amount+ps[2].Amount != ct.Amount {
			t.Fatalf("portions %+v of %s", ps, ct.Amount.Format())
		}
		today := gongzhi.DateOf(f.clock())
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 0, ps[0].Amount, today, "")
		f.must(err)
		check(ct.Amount-ps[0].Amount, ps[0].Amount)
		// Pay the second portion in two parts, the last fen exactly.
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 1, ps[1].Amount-1, today, "")
		f.must(err)
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 1, 2, today, "")
		purIs(t, err, gongzhi.ECONFLICT, "amount", "payment.exceeds_portion:0.01")
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 1, 1, today, "")
		f.must(err)
		check(ps[2].Amount, ps[0].Amount+ps[1].Amount)
		// A second call cannot take money the first still holds.
		b = f.budgetNow()
		d := &gongzhi.Call{PlaceCode: purStreet, Kind: "commission", Title: "二期", Categories: []string{"staff_training"}, BudgetID: b.ID,
			Amount: b.Available() + 1, Bands: []gongzhi.FundingBand{{Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(90_000)}},
			OpensAt: f.clock(), ClosesAt: f.clock().Add(72 * time.Hour)}
		f.must(a.CreateCall(ctx, f.purchaser, d))
		purIs(t, a.OpenCall(ctx, f.purchaser, d.ID), gongzhi.ECONFLICT, "amount", "budget.insufficient:"+b.Available().Format())
		d.Amount = b.Available()
		f.must(a.UpdateCall(ctx, f.purchaser, d))
		f.must(a.OpenCall(ctx, f.purchaser, d.ID))
		if f.budgetNow().Available() != 0 {
			t.Fatal("the budget should be fully committed")
		}
		f.must(a.CancelCall(ctx, f.purchaser, d.ID, "与区级项目合并"))
		check(ps[2].Amount, ps[0].Amount+ps[1].Amount)
	})
}

func TestPurchaseNoticeWorkingDays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 1, experts: 3})
		ctx, a := f.ctx, f.a
		// The office marks a holiday and a make-up working Saturday.
		f.must(a.SetHoliday(ctx, f.purchaser, &gongzhi.Holiday{Day: "2026-11-16", Name: "街道调休"}))
		f.must(a.SetHoliday(ctx, f.purchaser, &gongzhi.Holiday{Day: "2026-11-21", Name: "补班", Workday: true}))
		purIs(t, a.SetHoliday(ctx, f.hub, &gongzhi.Holiday{Day: "2026-11-17"}), gongzhi.EFORBIDDEN, "", "")
		purIs(t, a.SetHoliday(ctx, f.purchaser, &gongzhi.Holiday{Day: "17/11/2026"}), gongzhi.EINVALID, "day", "date.format")
		c := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(50_000))}
		f.closeAndReview(c, 3, 1)
		f.scoreAll(c, apps, func(int, int) gongzhi.Points { return 8000 })
		// Published on Friday 13 November at 16:00: Fri 13, (Mon 16 is a holiday), Tue 17, Wed 18,
		// Thu 19, Fri 20 — five working days; the notice ends at midnight after Friday 20.
		f.at(time.Date(2026, 11, 13, 16, 0, 0, 0, gongzhi.ChinaTime))
		f.publish(c, 0)
		c, err := a.Call(ctx, nil, c.ID)
		f.must(err)
		if want := time.Date(2026, 11, 21, 0, 0, 0, 0, gongzhi.ChinaTime); !c.NoticeEndsAt.Equal(want) {
			t.Fatalf("notice ends %s, want %s", c.NoticeEndsAt.In(gongzhi.ChinaTime), want)
		}
		f.at(time.Date(2026, 11, 20, 23, 59, 0, 0, gongzhi.ChinaTime))
		purIs(t, a.FinalizeCall(ctx, f.purchaser, c.ID), gongzhi.ECONFLICT, "notice_ends_at", "notice.not_over:2026-11-20")
		f.at(time.Date(2026, 11, 21, 0, 0, 0, 0, gongzhi.ChinaTime))
		f.must(a.FinalizeCall(ctx, f.purchaser, c.ID))
		days, err := a.Holidays(ctx, "2026-11-01", "2026-11-30")
		f.must(err)
		if len(days) != 2 || !days[1].Workday {
			t.Fatalf("calendar %+v", days)
		}
	})
}

func TestPurchaseContracts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3, budget: gongzhi.Yuan(400_000)})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(80_000)), f.apply(c, 1, gongzhi.Yuan(60_000))}
		f.closeAndReview(c, 3, 9)
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(8500 - app*500) })
		f.publish(c, 0)
		f.finalize(c)
		awards, err := a.Awards(ctx, f.purchaser, c.ID)
		f.must(err)
		ct, err := a.GenerateContract(ctx, f.purchaser, awards[0].ID, "")
		f.must(err)
		if ct.PurchaserName != "葛塘街道" || ct.ProviderName == "" || ct.Current.Version != 1 || len(ct.Current.Terms.Outputs) != 1 {
			t.Fatalf("draft %+v", ct)
		}
		// The draft's schedule becomes 40/40/20; the amount stays the award's.
		terms := ct.Current.Terms
		terms.Portions[0].BasisPoints, terms.Portions[1].BasisPoints = 4000, 4000
		f.must(a.UpdateContractTerms(ctx, f.purchaser, ct.ID, terms))
		terms.Amount++
		purIs(t, a.UpdateContractTerms(ctx, f.purchaser, ct.ID, terms), gongzhi.EINVALID, "amount", "contract.amount_award:80,000.00")
		terms.Amount--
		terms.Portions[2].BasisPoints = 2500
		purIs(t, a.UpdateContractTerms(ctx, f.purchaser, ct.ID, terms), gongzhi.EINVALID, "portions", "contract.portions_percent:105.00%")
		_, err = a.GenerateContract(ctx, f.providers[0], awards[0].ID, "")
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		f.must(a.ConfirmContract(ctx, f.providers[0], ct.ID))
		terms.Portions[2].BasisPoints = 2000
		purIs(t, a.UpdateContractTerms(ctx, f.purchaser, ct.ID, terms), gongzhi.ECONFLICT, "version", "contract.already_confirmed")
		f.must(a.ConfirmContract(ctx, f.purchaser, ct.ID))
		ct, err = a.Contract(ctx, f.providers[0], ct.ID)
		f.must(err)
		if ct.State != gongzhi.ContractSigned || ct.Version != 1 || ct.Current.Terms.Portions[0].Amount != gongzhi.Yuan(32_000) {
			t.Fatalf("signed %+v", ct.Current.Terms.Portions)
		}
		today := gongzhi.DateOf(f.clock())
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 0, gongzhi.Yuan(32_000), today, "首期")
		f.must(err)
		// An amendment: the amount rises to 90,000 (the budget covers it) with a new schedule.
		amended := ct.Current.Terms
		amended.Amount = gongzhi.Yuan(90_000)
		amended.Portions = []gongzhi.Portion{{Milestone: 0, BasisPoints: 4000}, {Milestone: 1, BasisPoints: 3000}, {Milestone: 2, BasisPoints: 3000}}
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, amended, "")
		purIs(t, err, gongzhi.EINVALID, "reason", "required")
		low := amended
		low.Amount = gongzhi.Yuan(30_000)
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, low, "缩减")
		purIs(t, err, gongzhi.EINVALID, "amount", "contract.below_paid:32,000.00")
		shrink := amended
		shrink.Portions = []gongzhi.Portion{{Milestone: 0, BasisPoints: 3000}, {Milestone: 1, BasisPoints: 4000}, {Milestone: 2, BasisPoints: 3000}}
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, shrink, "调整")
		purIs(t, err, gongzhi.EINVALID, "portions.0", "contract.portion_below_paid:32,000.00")
		v, err := a.AmendContract(ctx, f.purchaser, ct.ID, amended, "服务对象增加至200人，追加活动经费")
		f.must(err)
		if v.Version != 2 || v.State != gongzhi.VersionPending {
			t.Fatalf("amendment %+v", v)
		}
		_, err = a.AmendContract(ctx, f.purchaser, ct.ID, amended, "再改")
		purIs(t, err, gongzhi.ECONFLICT, "version", "contract.amendment_pending")
		before := f.budgetNow()
		f.must(a.ConfirmContract(ctx, f.purchaser, ct.ID))
		f.must(a.ConfirmContract(ctx, f.providers[0], ct.ID))
		after := f.budgetNow()
		if after.Reserved-before.Reserved != gongzhi.Yuan(10_000) {
			t.Fatalf("amendment reserved %s more", (after.Reserved - before.Reserved).Format())
		}
		versions, err := a.ContractVersions(ctx, f.providers[0], ct.ID)
		f.must(err)
		if len(versions) != 2 || versions[0].State != gongzhi.VersionSuperseded || versions[1].State != gongzhi.VersionEffective ||
			versions[0].Terms.Amount != gongzhi.Yuan(80_000) || versions[1].Reason == "" || versions[0].PurchaserConfirmedBy == "" {
			t.Fatalf("versions %+v", versions)
		}
		ct, err = a.Contract(ctx, f.purchaser, ct.ID)
		f.must(err)
		if ct.Amount != gongzhi.Yuan(90_000) || ct.Version != 2 || ct.Paid != gongzhi.Yuan(32_000) || ct.Current.Terms.Portions[0].Paid != gongzhi.Yuan(32_000) {
			t.Fatalf("amended contract %+v", ct)
		}
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 0, gongzhi.Yuan(4_000), today, "首期补足")
		f.must(err)
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 1, gongzhi.Yuan(27_000), today, "")
		f.must(err)
		_, err = a.RecordPayment(ctx, f.purchaser, ct.ID, 2, gongzhi.Yuan(27_000)+1, today, "")
		purIs(t, err, gongzhi.ECONFLICT, "amount", "payment.exceeds_contract:27,000.00")
		pays, err := a.Payments(ctx, f.providers[0], ct.ID)
		f.must(err)
		if len(pays) != 3 {
			t.Fatalf("%d payments", len(pays))
		}
		_, err = a.Payments(ctx, f.providers[1], ct.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")

		// The on-time rate: the second contract's first portion is paid late; the first
		// contract's two portions due so far were paid on time.
		ct2 := f.sign(apps[1].ID, f.providers[1])
		f.advance(20 * 24 * time.Hour)
		_, err = a.RecordPayment(ctx, f.purchaser, ct2.ID, 0, ct2.Current.Terms.Portions[0].Amount, gongzhi.DateOf(f.clock()), "")
		f.must(err)
		f.at(time.Date(2027, 3, 1, 10, 0, 0, 0, gongzhi.ChinaTime)) // past the mid-term milestones
		rate, err := a.OnTimeRate(ctx, purStreet)
		f.must(err)
		// Due by 2027-03-01: both first portions and both mid-term portions (due three months in).
		if rate.Due != 4 || rate.OnTime != 2 || rate.Late != 1 || rate.Unpaid != 1 || rate.RateBP != 5000 {
			t.Fatalf("on-time rate %+v", rate)
		}
		if r, err := a.OnTimeRate(ctx, purNeighbour); err != nil || r.Due != 0 || r.RateBP != 10000 {
			t.Fatalf("neighbour's rate %+v %v", r, err)
		}
		_, err = a.OnTimeRate(ctx, "999999999999")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
	})
}

func TestPurchaseFundingReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 3, experts: 3, budget: gongzhi.Yuan(1_000_000)})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		sw := purApplication(c, "社区社会工作服务项目", gongzhi.Yuan(60_000))
		sw.CategoryCode = "community_social_work"
		f.must(a.CreateApplication(ctx, f.providers[1], sw))
		f.must(a.SubmitApplication(ctx, f.providers[1], sw.ID))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(90_000)), sw, f.apply(c, 2, gongzhi.Yuan(30_000))}
		f.closeAndReview(c, 3, 4)
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(9000 - app*300) })
		f.publish(c, 0)
		f.finalize(c)
		for i, ap := range apps {
			f.sign(ap.ID, f.providers[i])
		}
		years, err := a.FundingByCategory(ctx, purStreet, 2025, 2026)
		f.must(err)
		if len(years) != 1 || years[0].Year != 2026 || years[0].Contracts != 3 || years[0].Amount != gongzhi.Yuan(180_000) {
			t.Fatalf("funding %+v", years)
		}
		// 120,000 of elderly home care (two contracts) and 60,000 of community social work.
		cat := years[0].Categories
		if len(cat) != 2 || cat[0].CategoryCode != "elderly_home_care" || cat[0].Contracts != 2 || cat[0].ShareBP != 6667 ||
			cat[0].CategoryName != "社区老人居家养老服务" || cat[1].ShareBP != 3333 || cat[1].Amount != gongzhi.Yuan(60_000) {
			t.Fatalf("categories %+v", cat)
		}
		if ys, err := a.FundingByCategory(ctx, purNeighbour, 2026, 2026); err != nil || len(ys) != 0 {
			t.Fatalf("neighbour %+v %v", ys, err)
		}
		_, err = a.FundingByCategory(ctx, purStreet, 2026, 2000)
		purIs(t, err, gongzhi.EINVALID, "to", "range:2026-2075")
		cats, err := a.ServiceCategories(ctx, true)
		f.must(err)
		if len(cats) != 8 || cats[0].Code != "elderly_home_care" || cats[0].PriceMax != gongzhi.Yuan(500_000) {
			t.Fatalf("catalog %+v", cats[0])
		}
		f.must(a.SaveServiceCategory(ctx, f.purchaser, &gongzhi.ServiceCategory{Code: "voucher_service", Name: "服务券兑付服务",
			PriceMin: gongzhi.Yuan(100), PriceMax: gongzhi.Yuan(10_000)}, true))
		purIs(t, a.SaveServiceCategory(ctx, f.purchaser, &gongzhi.ServiceCategory{Code: "voucher_service", Name: "x"}, true),
			gongzhi.ECONFLICT, "code", "code.taken")
		purIs(t, a.SaveServiceCategory(ctx, f.hub, &gongzhi.ServiceCategory{Code: "y", Name: "y"}, true), gongzhi.EFORBIDDEN, "", "")
	})
}

func TestPurchasePublic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(100_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		draft := &gongzhi.Call{PlaceCode: purStreet, Kind: "public_tender", Title: "草稿", Categories: []string{"org_grading"}, BudgetID: f.budget.ID,
			Amount: gongzhi.Yuan(50_000), Bands: []gongzhi.FundingBand{{Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(50_000)}},
			OpensAt: f.clock(), ClosesAt: f.clock().Add(time.Hour)}
		f.must(a.CreateCall(ctx, f.purchaser, draft))
		var open []int64
		n, err := a.OpenCalls(ctx, store.ListOptions{}, func(c *gongzhi.Call) error { open = append(open, c.ID); return nil })
		f.must(err)
		if n != 1 || open[0] != c.ID {
			t.Fatalf("open calls %v", open)
		}
		if n, _ := a.Calls(ctx, f.purchaser, store.ListOptions{}, func(*gongzhi.Call) error { return nil }); n != 2 {
			t.Fatalf("the purchaser lists %d calls", n)
		}
		if n, _ := a.Calls(ctx, f.other, store.ListOptions{}, func(*gongzhi.Call) error { return nil }); n != 0 {
			t.Fatalf("the neighbouring purchaser lists %d calls", n)
		}
		if n, _ := a.Calls(ctx, nil, store.ListOptions{Filters: map[string]string{"state": "draft"}}, func(*gongzhi.Call) error { return nil }); n != 0 {
			t.Fatal("the public can list drafts")
		}
		ap := f.apply(c, 0, gongzhi.Yuan(50_000))
		_, err = a.Notice(ctx, nil, c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.Awards(ctx, f.providers[1], c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		purIs(t, a.FileObjection(ctx, nil, &gongzhi.Objection{CallID: c.ID, Name: "x", Contact: "y", Body: "z"}), gongzhi.ECONFLICT, "call_id", "state.illegal:open")
		f.closeAndReview(c, 3, 2)
		f.scoreAll(c, []*gongzhi.Application{ap}, func(int, int) gongzhi.Points { return 8000 })
		f.publish(c, 0)
		notice, err := a.Notice(ctx, nil, c.ID)
		f.must(err)
		if len(notice.Awards) != 1 || notice.Awards[0].Amount != gongzhi.Yuan(50_000) || notice.Final {
			t.Fatalf("notice %+v", notice)
		}
		// After the results the draw is public, seed and pool included: anyone can repeat it.
		d, err := a.Panel(ctx, nil, c.ID)
		f.must(err)
		if d.Seed != 2 || len(d.Pool) != 3 {
			t.Fatalf("public draw %+v", d)
		}
		f.must(a.FileObjection(ctx, nil, &gongzhi.Objection{CallID: c.ID, Name: "匿名群众", Contact: "邮箱 a@b.cn", Body: "请公开评分细则。"}))
		hist, err := a.CallHistory(ctx, f.hub, c.ID)
		f.must(err)
		if hist[len(hist)-1].Username != "anonymous" || hist[len(hist)-1].Entity != "objection" {
			t.Fatalf("history ends %+v", hist[len(hist)-1])
		}
		_, err = a.CallHistory(ctx, nil, c.ID)
		purIs(t, err, gongzhi.EUNAUTHORIZED, "", "")
		_, err = a.CallHistory(ctx, f.other, c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.Budget(ctx, f.providers[0], f.budget.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.Budget(ctx, f.other, f.budget.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		// The expert who is not linked to a person cannot review.
		loose := f.user(gongzhi.RoleExpert, "320116000000", 0)
		_, err = a.ReviewAssignments(ctx, loose)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		purIs(t, a.LinkExpertAccount(ctx, f.sys, loose.User.ID, 0), gongzhi.ECONFLICT, "person_id", "link.unlinked_already")
		purIs(t, a.LinkExpertAccount(ctx, f.sys, f.purchaser.User.ID, f.experts[0]), gongzhi.EINVALID, "role", "expert.account_role")
	})
}

func TestPurchaseCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3, budget: gongzhi.Yuan(300_000)})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(50_000)), f.apply(c, 1, gongzhi.Yuan(40_000))}
		f.closeAndReview(c, 3, 8)
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(8000 - app*100) })
		f.publish(c, 0)
		if b := f.budgetNow(); b.Reserved != gongzhi.Yuan(90_000) {
			t.Fatalf("reserved %s", b.Reserved.Format())
		}
		purIs(t, a.CancelCall(ctx, f.purchaser, c.ID, ""), gongzhi.EINVALID, "reason", "required")
		purIs(t, a.CancelCall(ctx, f.other, c.ID, "x"), gongzhi.ENOTFOUND, "", "")
		f.must(a.CancelCall(ctx, f.purchaser, c.ID, "上级巡视要求暂停公益创投"))
		if b := f.budgetNow(); b.Reserved != 0 || b.Available() != b.Amount {
			t.Fatalf("budget after the cancellation %+v", b)
		}
		ap, err := a.Application(ctx, f.providers[0], apps[0].ID)
		f.must(err)
		if ap.State != gongzhi.AppNotFunded || ap.Awarded != 0 || ap.UnfundedNote != "上级巡视要求暂停公益创投" {
			t.Fatalf("application after the cancellation %+v", ap)
		}
		c, err = a.Call(ctx, f.purchaser, c.ID)
		f.must(err)
		if c.State != gongzhi.CallCancelled || c.Reserved != 0 || c.CancelReason == "" {
			t.Fatalf("call %+v", c)
		}
		_, err = a.Notice(ctx, nil, c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		purIs(t, a.CancelCall(ctx, f.purchaser, c.ID, "again"), gongzhi.ECONFLICT, "state", "state.illegal:cancelled")
	})
}
