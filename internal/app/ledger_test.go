package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/ledger"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// ledFix is a purchase fixture with signed contracts of providers 0 and 1 serving 中山社区, a
// draft (unsigned) contract of provider 2, and residents of 中山 and 长城.
type ledFix struct {
	*purFix
	ct, ct1, draft *gongzhi.Contract
	zs, cc         []int64 // residents of 中山社区 and 长城社区
	start, end     string  // the contracts' period
}

func ledID(n int) string {
	first := fmt.Sprintf("3201161960%02d%02d%03d", 1+n/28%12, 1+n%28, n%1000)
	return first + string(gongzhi.IDNumberCheck(first))
}

func ledSetup(t testing.TB, db *store.DB) *ledFix {
	f := &ledFix{purFix: purSetup(t, db, purOptions{orgs: 3, experts: 3})}
	c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
	var apps []*gongzhi.Application
	for i := range 3 {
		ap := purApplication(c, fmt.Sprintf("项目%02d：长者关爱", i+1), gongzhi.Yuan(50_000))
		ap.Outputs = []gongzhi.Indicator{{Name: "个案服务", Target: 20, Unit: "次"}, {Name: "小组活动", Target: 10, Unit: "节"},
			{Name: "服务人次", Target: 500, Unit: "人次"}, {Name: "服务对象", Target: 100, Unit: "人"},
			{Name: "志愿服务时长", Target: 50, Unit: "小时"}, {Name: "各类活动", Target: 30, Unit: "次"},
			{Name: "入户走访", Target: 40, Unit: "次", Measure: gongzhi.MeasureVisits}}
		f.must(f.a.CreateApplication(f.ctx, f.providers[i], ap))
		f.must(f.a.SubmitApplication(f.ctx, f.providers[i], ap.ID))
		apps = append(apps, ap)
	}
	f.closeAndReview(c, 3, 3)
	f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(9000 - app*100) })
	f.publish(c, 6000)
	f.finalize(c)
	f.ct = f.sign(apps[0].ID, f.providers[0])
	f.ct1 = f.sign(apps[1].ID, f.providers[1])
	awards, err := f.a.Awards(f.ctx, f.purchaser, c.ID)
	f.must(err)
	for _, w := range awards {
		if w.ApplicationID == apps[2].ID {
			f.draft, err = f.a.GenerateContract(f.ctx, f.purchaser, w.ID, "")
			f.must(err)
		}
	}
	f.start, f.end = f.ct.Current.Terms.StartOn, f.ct.Current.Terms.EndOn
	f.advance(40 * 24 * time.Hour)
	for i := range 8 {
		place := purZhongshan
		if i >= 6 {
			place = purChangcheng
		}
		p := &gongzhi.Person{Kind: "resident", Name: fmt.Sprintf("居民%02d", i+1), IDNumber: ledID(i + 1), PlaceCode: place}
		f.must(f.a.CreatePerson(f.ctx, f.sys, p))
		if i >= 6 {
			f.cc = append(f.cc, p.ID)
		} else {
			f.zs = append(f.zs, p.ID)
		}
	}
	return f
}

func (f *ledFix) day(offset int) string {
	d, _ := gongzhi.ParseDate(f.start)
	return d.AddDate(0, 0, offset).Format(time.DateOnly)
}

func (f *ledFix) entry(ct *gongzhi.Contract, kind string, offset int, people []int64, counted int) *gongzhi.ServiceEntry {
	return &gongzhi.ServiceEntry{ContractID: ct.ID, Kind: kind, Title: "活动 " + kind, HeldOn: f.day(offset), StartTime: "09:00", EndTime: "11:00",
		Venue: "中山社区活动室", Communities: []string{purZhongshan}, TargetGroups: []string{"elderly"}, ParticipantIDs: people,
		Counted: counted, Summary: "按计划开展", Volunteers: []gongzhi.Volunteer{{Name: "志愿者甲", Minutes: 120}}}
}

func TestLedgerRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a, prov := f.ctx, f.a, f.providers[0]
		e := f.entry(f.ct, gongzhi.ActivityGroup, 3, f.zs[:3], 5)
		f.must(a.RecordEntry(ctx, prov, e))
		if e.Visits != 8 || len(e.Participants) != 3 || e.Minutes != 120 || e.OrgID != f.orgs[0] {
			t.Fatalf("recorded %+v", e)
		}
		// outside the contract's period, and in the future
		bad := f.entry(f.ct, gongzhi.ActivityGroup, -1, nil, 5)
		purIs(t, a.RecordEntry(ctx, prov, bad), gongzhi.ECONFLICT, "held_on", "ledger.outside_period:"+f.start+" — "+f.end)
		bad = f.entry(f.ct, gongzhi.ActivityGroup, 0, nil, 5)
		bad.HeldOn = gongzhi.DateOf(f.clock().Add(24 * time.Hour))
		purIs(t, a.RecordEntry(ctx, prov, bad), gongzhi.ECONFLICT, "held_on", "ledger.future")
		// a community the contract's application does not serve
		bad = f.entry(f.ct, gongzhi.ActivityGroup, 1, nil, 5)
		bad.Communities = []string{purChangcheng}
		purIs(t, a.RecordEntry(ctx, prov, bad), gongzhi.ECONFLICT, "communities", "ledger.community_not_covered:"+purChangcheng)
		// a participant living outside the entry's communities; a person who is not a resident
		bad = f.entry(f.ct, gongzhi.ActivityGroup, 1, []int64{f.zs[0], f.cc[0]}, 0)
		purIs(t, a.RecordEntry(ctx, prov, bad), gongzhi.ECONFLICT, "participant_ids", fmt.Sprintf("ledger.person_outside:%d", f.cc[0]))
		bad = f.entry(f.ct, gongzhi.ActivityGroup, 1, []int64{f.experts[0]}, 0)
		purIs(t, a.RecordEntry(ctx, prov, bad), gongzhi.EINVALID, "participant_ids", fmt.Sprintf("ledger.person_unknown:%d", f.experts[0]))
		// another provider's contract is not found; an unsigned contract is refused
		bad = f.entry(f.ct, gongzhi.ActivityGroup, 1, nil, 5)
		purIs(t, a.RecordEntry(ctx, f.providers[1], bad), gongzhi.ENOTFOUND, "contract_id", "err.not_found")
		bad = f.entry(f.draft, gongzhi.ActivityGroup, 1, nil, 5)
		purIs(t, a.RecordEntry(ctx, f.providers[2], bad), gongzhi.ECONFLICT, "contract_id", "ledger.contract_unsigned")
		// roles that never record
		for _, ac := range []*gongzhi.Actor{f.hub, f.purchaser, f.community, f.resident, f.auditor} {
			if err := a.RecordEntry(ctx, ac, f.entry(f.ct, gongzhi.ActivityGroup, 1, nil, 5)); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
				t.Fatalf("%s records: %v", ac.Role(), err)
			}
		}
		// evidence: only images and PDF, at most 10 MiB
		sum := "aa" + fmt.Sprintf("%062d", 1)
		purIs(t, a.AddEvidence(ctx, prov, e.ID, &gongzhi.Evidence{Name: "plan.docx", Size: 100, SHA256: sum, ContentType: "application/zip"}),
			gongzhi.EINVALID, "file", "ledger.evidence_type")
		purIs(t, a.AddEvidence(ctx, prov, e.ID, &gongzhi.Evidence{Name: "photo.png", Size: 11 << 20, SHA256: sum, ContentType: "image/png"}),
			gongzhi.ETOOLARGE, "file", "ledger.evidence_size:10 MiB")
		if err := a.AddEvidence(ctx, f.providers[1], e.ID, &gongzhi.Evidence{Name: "photo.png", Size: 100, SHA256: sum, ContentType: "image/png"}); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("other provider's evidence: %v", err)
		}
		f.must(a.AddEvidence(ctx, prov, e.ID, &gongzhi.Evidence{Name: "photo.png", Size: 100, SHA256: sum, ContentType: "image/png"}))

		// a social worker of the provider records too
		sw := f.user(gongzhi.RoleSocialWorker, purStreet, 0)
		if err := a.RecordEntry(ctx, sw, f.entry(f.ct, gongzhi.ActivityCasework, 2, f.zs[3:4], 0)); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("social worker without an organization records: %v", err)
		}
		sw.User.OrgID = f.orgs[0] // an account that carries its employer
		f.must(a.RecordEntry(ctx, sw, f.entry(f.ct, gongzhi.ActivityCasework, 2, f.zs[3:4], 0)))

		// correction keeps history; voiding with a reason; a voided entry stays and refuses changes
		c := f.entry(f.ct, gongzhi.ActivityGroup, 3, f.zs[:4], 5)
		purIs(t, a.CorrectEntry(ctx, prov, e.ID, c, ""), gongzhi.EINVALID, "reason", "required")
		f.must(a.CorrectEntry(ctx, prov, e.ID, c, "漏记一位居民"))
		got, hist, err := a.Entry(ctx, f.hub, e.ID)
		f.must(err)
		if got.Version != 2 || got.Visits != 9 || len(hist) != 1 || hist[0].Entry.Visits != 8 || hist[0].Reason != "漏记一位居民" || len(got.Evidence) != 1 {
			t.Fatalf("corrected %+v history %+v", got, hist)
		}
		purIs(t, a.CorrectEntry(ctx, f.providers[1], e.ID, c, "x"), gongzhi.ENOTFOUND, "", "")
		f.must(a.VoidEntry(ctx, prov, e.ID, "重复录入"))
		purIs(t, a.VoidEntry(ctx, prov, e.ID, "again"), gongzhi.ECONFLICT, "state", "ledger.voided")
		purIs(t, a.CorrectEntry(ctx, prov, e.ID, c, "again"), gongzhi.ECONFLICT, "state", "ledger.voided")
		got, hist, err = a.Entry(ctx, prov, e.ID)
		f.must(err)
		if got.State != gongzhi.EntryVoided || len(hist) != 2 || got.Reason != "重复录入" {
			t.Fatalf("voided %+v", got)
		}

		// who reads what
		count := func(ac *gongzhi.Actor) int {
			n, err := a.Entries(ctx, ac, store.ListOptions{}, func(*gongzhi.ServiceEntry) error { return nil })
			f.must(err)
			return n
		}
		if count(f.hub) != 2 || count(f.purchaser) != 2 || count(f.auditor) != 2 || count(prov) != 2 || count(f.community) != 2 ||
			count(f.providers[1]) != 0 || count(f.other) != 0 {
			t.Fatalf("visibility: hub %d provider %d other provider %d community %d other street %d", count(f.hub), count(prov),
				count(f.providers[1]), count(f.community), count(f.other))
		}
		cc := f.user(gongzhi.RoleCommunity, purChangcheng, 0)
		if count(cc) != 0 {
			t.Fatal("another community reads the entries")
		}
		if _, _, err := a.Entry(ctx, f.other, e.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("other street reads an entry: %v", err)
		}
		if _, err := a.Entries(ctx, f.resident, store.ListOptions{}, func(*gongzhi.ServiceEntry) error { return nil }); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("resident lists the ledger: %v", err)
		}
		// every write is audited
		n, err := db.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"entity": ledger.ResLedger}}, func(*gongzhi.AuditEntry) error { return nil })
		f.must(err)
		if n != 4 {
			t.Fatalf("%d audit entries of the ledger", n)
		}
	})
}

func TestLedgerProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a, prov := f.ctx, f.a, f.providers[0]
		todos, _, err := a.DeliveryItems(ctx, prov)
		f.must(err)
		// other parts add their own lines (supervision's overdue inspections): look for the ledger's
		if n := todoKeyCount(todos, "todo.ledger_missing"); n != 1 {
			t.Fatalf("provider to-dos %+v", todos)
		}
		_, attention, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if n := todoKeyCount(attention, "attention.ledger_missing"); n != 2 {
			t.Fatalf("hub attention %+v", attention)
		}
		// 3 casework entries (1 person each, two of them the same), 2 groups (3 named + 10 counted),
		// 1 community event (40 counted), 1 training (no participants); volunteers 120 min each.
		rec := func(e *gongzhi.ServiceEntry) *gongzhi.ServiceEntry {
			f.t.Helper()
			f.must(a.RecordEntry(ctx, prov, e))
			return e
		}
		rec(f.entry(f.ct, gongzhi.ActivityCasework, 1, f.zs[0:1], 0))
		rec(f.entry(f.ct, gongzhi.ActivityCasework, 2, f.zs[0:1], 0))
		last := rec(f.entry(f.ct, gongzhi.ActivityCasework, 3, f.zs[1:2], 0))
		rec(f.entry(f.ct, gongzhi.ActivityGroup, 4, f.zs[2:5], 10))
		rec(f.entry(f.ct, gongzhi.ActivityGroup, 5, f.zs[2:5], 10))
		rec(f.entry(f.ct, gongzhi.ActivityCommunity, 6, nil, 40))
		rec(f.entry(f.ct, gongzhi.ActivityTraining, 7, nil, 0))
		// another contract's ledger does not count
		f.must(a.RecordEntry(ctx, f.providers[1], f.entry(f.ct1, gongzhi.ActivityCasework, 1, f.zs[0:1], 0)))
		want := map[string]int64{"个案服务": 3, "小组活动": 2, "服务人次": 3 + 26 + 40, "服务对象": 5, "志愿服务时长": 14, "各类活动": 7,
			"入户走访": 69, "服务对象满意度": 0}
		check := func(ac *gongzhi.Actor) {
			t.Helper()
			_, ps, err := a.ContractProgress(ctx, ac, f.ct.ID)
			f.must(err)
			if len(ps) != len(want) {
				t.Fatalf("%d indicators", len(ps))
			}
			for _, p := range ps {
				if p.Done != want[p.Name] || p.DoneBP != gongzhi.ProgressBP(p.Done, p.Target) {
					t.Errorf("%s: done %d (%d bp), want %d", p.Name, p.Done, p.DoneBP, want[p.Name])
				}
			}
		}
		check(prov)
		check(f.hub)
		// a voided entry counts no more
		f.must(a.VoidEntry(ctx, prov, last.ID, "录错合同"))
		want["个案服务"], want["服务人次"], want["服务对象"], want["志愿服务时长"], want["各类活动"], want["入户走访"] = 2, 68, 4, 12, 6, 68
		check(f.purchaser)
		if _, _, err := a.ContractProgress(ctx, f.providers[1], f.ct.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("other provider reads progress: %v", err)
		}
		all, err := a.ProgressInScope(ctx, f.hub, 2026)
		f.must(err)
		if len(all) != 2*len(want) {
			t.Fatalf("%d indicators in scope", len(all))
		}
		// an entry this month clears the provider's to-do
		now := f.entry(f.ct, gongzhi.ActivityCasework, 0, nil, 1)
		now.HeldOn = gongzhi.DateOf(f.clock())
		rec(now)
		todos, _, err = a.DeliveryItems(ctx, prov)
		f.must(err)
		if todoKeyCount(todos, "todo.ledger_missing") != -1 {
			t.Fatalf("provider to-dos after an entry this month %+v", todos)
		}
		mine, err := a.ProgressInScope(ctx, f.providers[1], 2026)
		f.must(err)
		if len(mine) != len(want) || mine[0].ContractID != f.ct1.ID || mine[0].Done != 1 {
			t.Fatalf("provider 1's progress %+v", mine)
		}
		month := f.day(1)[:7]
		m, err := a.LedgerMonth(ctx, f.hub, f.ct.ID, month)
		f.must(err)
		var n int
		_, err = a.Entries(ctx, f.hub, store.ListOptions{Filters: map[string]string{"contract": fmt.Sprint(f.ct.ID), "month": month, "state": "active"}},
			func(*gongzhi.ServiceEntry) error { n++; return nil })
		f.must(err)
		if m.Entries != n || m.Entries == 0 {
			t.Fatalf("month %s: %+v, list says %d", month, m, n)
		}
	})
}

func TestSurveyAndRatings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a, prov := f.ctx, f.a, f.providers[0]
		purIs(t, func() error { _, err := a.DrawSurvey(ctx, f.hub, f.ct.ID, 1000, 7, ""); return err }(), gongzhi.ECONFLICT, "contract_id", "survey.no_recipients")
		e := f.entry(f.ct, gongzhi.ActivityGroup, 2, f.zs, 0)
		f.must(a.RecordEntry(ctx, prov, e))
		if _, err := a.DrawSurvey(ctx, prov, f.ct.ID, 1000, 7, ""); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("provider draws: %v", err)
		}
		s1, err := a.DrawSurvey(ctx, f.hub, f.ct.ID, 1000, 7, "")
		f.must(err)
		s2, err := a.DrawSurvey(ctx, f.purchaser, f.ct.ID, 1000, 7, "")
		f.must(err)
		// N=6, e=10%: n0 = 96.04, n = 96.04/(1+95.04/6) = 5.70 → 6
		if s1.Population != 6 || s1.Size != 6 || s1.Seed != 7 || len(s1.Samples) != 6 {
			t.Fatalf("survey %+v", s1)
		}
		s3, err := a.DrawSurvey(ctx, f.hub, f.ct.ID, 2000, 7, "")
		f.must(err)
		s4, err := a.DrawSurvey(ctx, f.hub, f.ct.ID, 2000, 8, "")
		f.must(err)
		ids := func(s *gongzhi.Survey) []int64 {
			var out []int64
			for _, x := range s.Samples {
				out = append(out, x.PersonID)
			}
			return out
		}
		if !slices.Equal(ids(s1), ids(s2)) || s3.Size != 5 {
			t.Fatalf("samples %v %v %v %v", ids(s1), ids(s2), ids(s3), ids(s4))
		}
		// answers: 4 satisfied (one by score 5), 1 unsatisfied (score 2), 1 unreachable
		for i, x := range s1.Samples {
			ans := &gongzhi.SurveySample{SurveyID: s1.ID, PersonID: x.PersonID, Answer: gongzhi.AnswerSatisfied}
			switch i {
			case 0:
				ans.Answer, ans.Score = "", 5
			case 1:
				ans.Answer, ans.Score = "", 2
			case 2:
				ans.Answer = gongzhi.AnswerUnreachable
			}
			f.must(a.AnswerSample(ctx, f.hub, ans))
		}
		purIs(t, a.AnswerSample(ctx, f.hub, &gongzhi.SurveySample{SurveyID: s1.ID, PersonID: f.cc[0], Answer: "satisfied"}), gongzhi.ENOTFOUND, "", "")
		purIs(t, a.AnswerSample(ctx, f.hub, &gongzhi.SurveySample{SurveyID: s1.ID, PersonID: f.zs[0], Answer: "maybe"}), gongzhi.EINVALID, "answer", "choice")
		s1, err = a.Survey(ctx, f.auditor, s1.ID)
		f.must(err)
		if s1.Overall.Responses != 5 || s1.Overall.Satisfied != 4 || s1.Overall.RateBP != 8000 || len(s1.ByCommunity) != 1 {
			t.Fatalf("results %+v %+v", s1.Overall, s1.ByCommunity)
		}
		lo, hi := gongzhi.Wilson(4, 5)
		if s1.Overall.LowBP != int(lo*10000+0.5) || s1.Overall.HighBP != int(hi*10000+0.5) {
			t.Fatalf("interval %+v", s1.Overall)
		}
		if _, err := a.Survey(ctx, f.other, s1.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("other street reads a survey: %v", err)
		}

		// 下评上: a resident linked to their person rates a service once
		if _, err := a.MyServices(ctx, f.resident); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("unlinked resident: %v", err)
		}
		purIs(t, a.LinkResidentAccount(ctx, f.community, f.hub.User.ID, f.zs[0]), gongzhi.ENOTFOUND, "", "")
		purIs(t, a.LinkResidentAccount(ctx, f.community, f.resident.User.ID, f.experts[0]), gongzhi.ENOTFOUND, "", "")
		if err := a.LinkResidentAccount(ctx, f.providers[0], f.resident.User.ID, f.zs[0]); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("provider links: %v", err)
		}
		f.must(a.LinkResidentAccount(ctx, f.community, f.resident.User.ID, f.zs[0]))
		mine, err := a.MyServices(ctx, f.resident)
		f.must(err)
		if len(mine) != 1 || mine[0].EntryID != e.ID || mine[0].Rating != nil {
			t.Fatalf("my services %+v", mine)
		}
		purIs(t, a.RateService(ctx, f.resident, &gongzhi.ServiceRating{EntryID: e.ID, Score: 6}), gongzhi.EINVALID, "score", "range:1-5")
		f.must(a.RateService(ctx, f.resident, &gongzhi.ServiceRating{EntryID: e.ID, Score: 3, Comment: "还可以"}))
		purIs(t, a.RateService(ctx, f.resident, &gongzhi.ServiceRating{EntryID: e.ID, Score: 5}), gongzhi.ECONFLICT, "entry_id", "rating.already_rated")
		other := f.entry(f.ct, gongzhi.ActivityGroup, 3, f.zs[1:2], 0)
		f.must(a.RecordEntry(ctx, prov, other))
		purIs(t, a.RateService(ctx, f.resident, &gongzhi.ServiceRating{EntryID: other.ID, Score: 5}), gongzhi.ENOTFOUND, "", "")
		mine, err = a.MyServices(ctx, f.resident)
		f.must(err)
		if mine[0].Rating == nil || mine[0].Rating.Score != 3 {
			t.Fatalf("rating not shown %+v", mine)
		}

		// the trend: 4 of 5 answers and 0 of 1 rating satisfied, all this month
		month := gongzhi.DateOf(f.clock())[:7]
		tr, err := a.SatisfactionTrend(ctx, f.hub, month, month)
		f.must(err)
		if len(tr) != 1 || tr[0].Responses != 6 || tr[0].Satisfied != 4 || tr[0].RateBP != 6667 {
			t.Fatalf("trend %+v", tr)
		}
		// the same over three months: the answers fall in the middle one only
		around := func(n int) string {
			return gongzhi.DateOf(f.clock().In(gongzhi.ChinaTime).AddDate(0, n, 1-f.clock().In(gongzhi.ChinaTime).Day()))[:7]
		}
		tr3, err := a.SatisfactionTrend(ctx, f.hub, around(-1), around(1))
		f.must(err)
		if len(tr3) != 3 || tr3[1] != tr[0] || tr3[0].Responses != 0 || tr3[2].Responses != 0 || tr3[1].Month != month {
			t.Fatalf("trend over three months %+v", tr3)
		}
		_, ps, err := a.ContractProgress(ctx, f.hub, f.ct.ID)
		f.must(err)
		for _, p := range ps {
			if p.Name == "服务对象满意度" && p.Done != 67 {
				t.Fatalf("satisfaction indicator %+v", p)
			}
		}
		todos, _, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !slices.ContainsFunc(todos, func(x kernel.Todo) bool { return x.Key == "todo.surveys_open" && x.Count == 3 }) {
			t.Fatalf("hub to-dos %+v", todos)
		}
	})
}

// todoKeyCount returns the count of the one item with the key, -1 if there is none and -2 if
// the key appears more than once.
func todoKeyCount(items []kernel.Todo, key string) int {
	n, found := -1, 0
	for _, it := range items {
		if it.Key == key {
			n, found = it.Count, found+1
		}
	}
	if found > 1 {
		return -2
	}
	return n
}

// TestLedgerLeavesPublicVersion: the application names the ledger's audit entities to the
// kernel (PublicSkips), so a recorded entry leaves the cached public pages' version as it was,
// while another audited write moves it.
func TestLedgerLeavesPublicVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a := f.ctx, f.a
		if !slices.Equal(a.PublicSkips, store.PublicHeadSkips) {
			t.Fatalf("the public pages skip %q, their head's index %q (migration 0042): the head would be read backwards through the log, not from the index", a.PublicSkips, store.PublicHeadSkips)
		}
		before, err := a.PublicVersion(ctx)
		f.must(err)
		f.must(a.RecordEntry(ctx, f.providers[0], f.entry(f.ct, gongzhi.ActivityGroup, 3, f.zs[:3], 5)))
		if after, err := a.PublicVersion(ctx); err != nil || after != before {
			t.Fatalf("public version %+v after a ledger entry, want %+v still (%v)", after, before, err)
		}
		f.must(db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			return a.WriteAudit(ctx, q, f.purchaser, "update", "calls", "1", nil, nil, "")
		}))
		if after, err := a.PublicVersion(ctx); err != nil || after == before {
			t.Fatalf("public version %+v after a call's write, want a new one (%v)", after, err)
		}
	})
}

// The months without entries follow the period of the version in force: an amendment that
// moves the service to next month clears the month's to-do, and moving it back brings it back
// (the periods kept by contract and version, store.periodMemo, never answer for another version).
func TestLedgerMissingFollowsTheVersionInForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a, prov := f.ctx, f.a, f.providers[0]
		missing := func(want, wantHub int) {
			t.Helper()
			todos, _, err := a.DeliveryItems(ctx, prov)
			f.must(err)
			_, attention, err := a.DeliveryItems(ctx, f.hub)
			f.must(err)
			if n, h := todoKeyCount(todos, "todo.ledger_missing"), todoKeyCount(attention, "attention.ledger_missing"); n != want || h != wantHub {
				t.Fatalf("contracts without entries this month: the provider's %d, the hub's %d; want %d and %d", n, h, want, wantHub)
			}
		}
		amend := func(start, end string) {
			t.Helper()
			terms := f.ct.Current.Terms
			terms.StartOn, terms.EndOn = start, end
			_, err := a.AmendContract(ctx, f.purchaser, f.ct.ID, terms, "服务期调整")
			f.must(err)
			f.must(a.ConfirmContract(ctx, f.purchaser, f.ct.ID))
			f.must(a.ConfirmContract(ctx, prov, f.ct.ID))
		}
		missing(1, 2)
		now := f.clock().In(gongzhi.ChinaTime)
		next := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, gongzhi.ChinaTime)
		amend(gongzhi.DateOf(next), gongzhi.DateOf(next.AddDate(0, 6, -1)))
		missing(-1, 1)
		amend(f.start, f.end)
		missing(1, 2)
	})
}
