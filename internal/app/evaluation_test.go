// Tests of evaluation at the service level, on both databases: the scheme and its lock, the
// panel's composition and conflicts, score sheets handed in once, the result and its grade, the
// scope of each role, publishing without personal data, and what the grade means for the next
// calls — ineligibility after 不合格, bonus points in the ranking after 优秀.

package app_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// evalSheet spreads a total over the scheme's sub-indicators in proportion to their maximum.
func evalSheet(s *gongzhi.EvalScheme, total gongzhi.Points) []gongzhi.Points {
	flat, _ := s.Flat()
	out := make([]gongzhi.Points, len(flat))
	var given gongzhi.Points
	for i, in := range flat {
		if i == len(flat)-1 {
			out[i] = total - given
			break
		}
		out[i] = total * gongzhi.Points(in.Max) / 100
		given += out[i]
	}
	return out
}

// evalContracts takes a call through review to two signed contracts, of providers 0 and 1.
// Expert 0 works for provider 0.
func evalContracts(t *testing.T, db *store.DB) (*purFix, []*gongzhi.Contract, *gongzhi.Call) {
	f := purSetup(t, db, purOptions{orgs: 4, experts: 8, affiliated: map[int]int{0: 0}})
	c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
	apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(80_000)), f.apply(c, 1, gongzhi.Yuan(80_000))}
	f.closeAndReview(c, 3, 42)
	f.scoreAll(c, apps, func(app, member int) gongzhi.Points { return 8000 })
	f.publish(c, 0)
	f.finalize(c)
	return f, []*gongzhi.Contract{f.sign(apps[0].ID, f.providers[0]), f.sign(apps[1].ID, f.providers[1])}, c
}

// evalPanel is a valid panel: an expert account (expert 1), a named residents' representative
// and the hub's account as the street's official.
func evalPanel(f *purFix) []gongzhi.EvalMember {
	return []gongzhi.EvalMember{
		{Kind: gongzhi.MemberExpert, UserID: f.expertAc[f.experts[1]].User.ID},
		{Kind: gongzhi.MemberResident, Name: "居民代表甲", Affiliation: "中山社区"},
		{Kind: gongzhi.MemberOfficial, UserID: f.hub.User.ID},
	}
}

// evalScoreAll hands in every sheet: accounts themselves, named members through the hub.
func evalScoreAll(f *purFix, e *gongzhi.Evaluation, total func(i int) gongzhi.Points) {
	f.t.Helper()
	e, err := f.a.Evaluation(f.ctx, f.purchaser, e.ID)
	f.must(err)
	for i, m := range e.Members {
		sc := evalSheet(&e.Scheme, total(i))
		if m.UserID == 0 {
			_, err = f.a.SubmitEvalSheet(f.ctx, f.hub, e.ID, m.ID, sc, nil)
		} else {
			ac := f.hub
			if m.Kind == gongzhi.MemberExpert {
				ac = f.expertAc[m.PersonID]
			}
			_, err = f.a.SubmitEvalSheet(f.ctx, ac, e.ID, 0, sc, []string{"台账齐全"})
		}
		f.must(err)
	}
}

func TestEvaluationScheme(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts, c := evalContracts(t, db)
		ctx, a := f.ctx, f.a
		s, err := a.EvalScheme(ctx, f.hub, c.ID)
		f.must(err)
		if len(s.Dimensions) != 8 || s.Locked || s.Excellent != 9000 || s.BarMonths != 24 {
			t.Fatalf("default scheme %+v", s)
		}
		bad := *s
		bad.Dimensions = s.Dimensions[:7]
		purIs(t, a.SaveEvalScheme(ctx, f.purchaser, &bad), gongzhi.EINVALID, "dimensions", "eval.weights_sum:85")
		bad = gongzhi.DefaultEvalScheme()
		bad.CallID = c.ID
		bad.Dimensions[3].Name = "服务开展"
		purIs(t, a.SaveEvalScheme(ctx, f.purchaser, &bad), gongzhi.EINVALID, "dimensions.3.name", "eval.duplicate")
		bad = gongzhi.DefaultEvalScheme()
		bad.CallID, bad.Good = c.ID, 9500
		purIs(t, a.SaveEvalScheme(ctx, f.purchaser, &bad), gongzhi.EINVALID, "excellent", "eval.thresholds_order")
		purIs(t, a.SaveEvalScheme(ctx, f.hub, s), gongzhi.EFORBIDDEN, "", "")
		purIs(t, a.SaveEvalScheme(ctx, f.other, s), gongzhi.ENOTFOUND, "", "")
		// The purchaser renames a sub-indicator, lowers 优秀 to 85 and raises the bonus.
		s.Dimensions[2].Indicators[0].Name = "活动按计划完成率（按月）"
		s.Excellent, s.Bonus = 8500, 500
		f.must(a.SaveEvalScheme(ctx, f.purchaser, s))
		got, err := a.EvalScheme(ctx, f.auditor, c.ID)
		f.must(err)
		if got.Excellent != 8500 || got.Bonus != 500 || got.Dimensions[2].Indicators[0].Name != "活动按计划完成率（按月）" {
			t.Fatalf("saved scheme %+v", got)
		}
		// Once a round starts the scheme is locked, and the round keeps its copy.
		e := &gongzhi.Evaluation{ContractID: cts[0].ID, Round: gongzhi.RoundMid, Members: evalPanel(f)}
		f.must(a.StartEvaluation(ctx, f.hub, e))
		s.Excellent = 9000
		purIs(t, a.SaveEvalScheme(ctx, f.purchaser, s), gongzhi.ECONFLICT, "scheme", "eval.scheme_locked")
		if got, _ := a.EvalScheme(ctx, f.purchaser, c.ID); !got.Locked {
			t.Fatal("scheme not locked")
		}
		e, err = a.Evaluation(ctx, f.purchaser, e.ID)
		f.must(err)
		if e.Scheme.Excellent != 8500 || !e.Scheme.Locked {
			t.Fatalf("round's scheme %+v", e.Scheme)
		}
	})
}

func TestEvaluationPanel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts, c := evalContracts(t, db)
		ctx, a := f.ctx, f.a
		start := func(ac *gongzhi.Actor, ct int64, round string, members []gongzhi.EvalMember) error {
			return a.StartEvaluation(ctx, ac, &gongzhi.Evaluation{ContractID: ct, Round: round, Members: members})
		}
		purIs(t, start(f.providers[0], cts[0].ID, gongzhi.RoundMid, evalPanel(f)), gongzhi.EFORBIDDEN, "", "")
		purIs(t, start(f.auditor, cts[0].ID, gongzhi.RoundMid, evalPanel(f)), gongzhi.EFORBIDDEN, "", "")
		purIs(t, start(f.other, cts[0].ID, gongzhi.RoundMid, evalPanel(f)), gongzhi.ENOTFOUND, "", "")
		purIs(t, start(f.hub, cts[0].ID, "yearly", evalPanel(f)), gongzhi.EINVALID, "round", "choice")
		// Composition: at least three, with an expert and a residents' representative.
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, evalPanel(f)[:2]), gongzhi.EINVALID, "members", "eval.panel_size:3")
		noResident := append(evalPanel(f)[:1:1], evalPanel(f)[2], gongzhi.EvalMember{Kind: gongzhi.MemberEvaluator, Name: "评估师乙"})
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, noResident), gongzhi.EINVALID, "members", "eval.panel_kind.resident:1")
		noExpert := append(evalPanel(f)[1:], gongzhi.EvalMember{Kind: gongzhi.MemberEvaluator, Name: "评估师乙"})
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, noExpert), gongzhi.EINVALID, "members", "eval.panel_kind.expert:1")
		// Members of the provider: expert 0 works for provider 0; provider 0's own account; a
		// named member from provider 0.
		p := evalPanel(f)
		p[0].UserID = f.expertAc[f.experts[0]].User.ID
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.ECONFLICT, "members.0", "eval.member_of_provider")
		p = append(evalPanel(f), gongzhi.EvalMember{Kind: gongzhi.MemberOrgRep, UserID: f.providers[0].User.ID})
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.ECONFLICT, "members.3", "eval.member_of_provider")
		p = append(evalPanel(f), gongzhi.EvalMember{Kind: gongzhi.MemberOrgRep, Name: "王社工", Affiliation: "葛塘第1社会工作服务中心"})
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.ECONFLICT, "members.3", "eval.member_of_provider")
		// A recorded conflict of interest of expert 2 with provider 0 (from a review).
		_, err := db.Q().Exec(ctx, `INSERT INTO review_conflicts (call_id, person_id, org_id, reason, declared_at) VALUES (?, ?, ?, ?, ?)`,
			c.ID, f.experts[2], f.orgs[0], "曾为该机构提供督导", f.clock().UTC())
		f.must(err)
		p = evalPanel(f)
		p[0].UserID = f.expertAc[f.experts[2]].User.ID
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.ECONFLICT, "members.0", "eval.member_conflict")
		// …who may still sit on provider 1's panel.
		f.must(start(f.hub, cts[1].ID, gongzhi.RoundMid, p))
		p = evalPanel(f)
		p[2].UserID = p[0].UserID
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.EINVALID, "members.2", "eval.duplicate")
		p = evalPanel(f)
		p[1].Name = ""
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, p), gongzhi.EINVALID, "members.1.name", "required")
		// Once per contract and round.
		f.must(start(f.purchaser, cts[0].ID, gongzhi.RoundMid, evalPanel(f)))
		purIs(t, start(f.hub, cts[0].ID, gongzhi.RoundMid, evalPanel(f)), gongzhi.ECONFLICT, "round", "eval.round_exists")
		f.must(start(f.hub, cts[0].ID, gongzhi.RoundFinal, evalPanel(f)))
	})
}

func TestEvaluationScoring(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts, _ := evalContracts(t, db)
		ctx, a := f.ctx, f.a
		e := &gongzhi.Evaluation{ContractID: cts[0].ID, Round: gongzhi.RoundMid, Members: evalPanel(f)}
		f.must(a.StartEvaluation(ctx, f.hub, e))
		expert := f.expertAc[f.experts[1]]
		s := &e.Scheme
		// Scope: the provider sees nothing while scoring, another provider and another street
		// never, an expert not on the panel neither, and the public nothing unpublished.
		for _, ac := range []*gongzhi.Actor{f.providers[0], f.providers[1], f.other, f.expertAc[f.experts[3]], f.community} {
			_, err := a.Evaluation(ctx, ac, e.ID)
			purIs(t, err, gongzhi.ENOTFOUND, "", "")
		}
		_, err := a.PublicEvaluation(ctx, e.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		// The expert sees the round it sits on.
		n, err := a.Evaluations(ctx, expert, store.ListOptions{}, func(*gongzhi.Evaluation) error { return nil })
		f.must(err)
		if n != 1 {
			t.Fatalf("expert sees %d rounds", n)
		}
		todos, _, err := a.DeliveryItems(ctx, expert)
		f.must(err)
		if todoKeyCount(todos, "todo.eval.to_score") != 1 {
			t.Fatalf("expert's to-dos %+v", todos)
		}
		// Bad sheets.
		sc := evalSheet(s, 8000)
		sc[0] = 600
		_, err = a.SubmitEvalSheet(ctx, expert, e.ID, 0, sc, nil)
		purIs(t, err, gongzhi.EINVALID, "scores.0", "range:0-5")
		_, err = a.SubmitEvalSheet(ctx, expert, e.ID, 0, sc[:2], nil)
		purIs(t, err, gongzhi.EINVALID, "scores", "eval.scores_count:16")
		// The expert hands in once — four at the same time, one gets through —; twice is refused.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = a.SubmitEvalSheet(ctx, expert, e.ID, 0, evalSheet(s, 8000), []string{"活动记录完整"})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				purIs(t, err, gongzhi.ECONFLICT, "scores", "eval.already_scored")
			}
		}
		if ok != 1 {
			t.Fatalf("%d concurrent sheets accepted", ok)
		}
		_, err = a.SubmitEvalSheet(ctx, expert, e.ID, 0, evalSheet(s, 9000), nil)
		purIs(t, err, gongzhi.ECONFLICT, "scores", "eval.already_scored")
		// The resident has no account: the hub transcribes; not for account members, not by
		// the expert, not twice.
		e, err = a.Evaluation(ctx, f.purchaser, e.ID)
		f.must(err)
		resident, official := e.Members[1], e.Members[2]
		_, err = a.SubmitEvalSheet(ctx, expert, e.ID, resident.ID, evalSheet(s, 7000), nil)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.SubmitEvalSheet(ctx, f.auditor, e.ID, resident.ID, evalSheet(s, 7000), nil)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.SubmitEvalSheet(ctx, f.purchaser, e.ID, official.ID, evalSheet(s, 7000), nil)
		purIs(t, err, gongzhi.ECONFLICT, "member_id", "eval.member_has_account")
		// Not everyone has scored: the purchaser cannot finalize yet, and sees it not on the to-dos.
		_, err = a.FinalizeEvaluation(ctx, f.purchaser, e.ID, gongzhi.Evaluation{})
		purIs(t, err, gongzhi.ECONFLICT, "scores", "eval.incomplete:2")
		m, err := a.SubmitEvalSheet(ctx, f.hub, e.ID, resident.ID, evalSheet(s, 7000), nil)
		f.must(err)
		if m.EnteredBy != f.hub.User.Username || m.Total != 7000 {
			t.Fatalf("transcribed sheet %+v", m)
		}
		_, err = a.SubmitEvalSheet(ctx, f.purchaser, e.ID, resident.ID, evalSheet(s, 7000), nil)
		purIs(t, err, gongzhi.ECONFLICT, "scores", "eval.already_scored")
		// The expert sees its own sheet, not the others'.
		mine, err := a.Evaluation(ctx, expert, e.ID)
		f.must(err)
		if mine.Result != nil || mine.Members[0].Total != 8000 || mine.Members[1].Total != 0 || mine.Members[1].Scores != nil {
			t.Fatalf("expert's view %+v", mine.Members)
		}
		_, err = a.SubmitEvalSheet(ctx, f.hub, e.ID, 0, evalSheet(s, 8999), nil)
		f.must(err)
		todos, _, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if !hasTodo(todos, "todo.eval.to_finalize", 1) {
			t.Fatalf("purchaser's to-dos %+v", todos)
		}
		// Mean of 80, 70 and 89.99 per sub-indicator: about 80 — not 优秀; the purchaser may
		// say otherwise only with a note.
		_, err = a.FinalizeEvaluation(ctx, f.hub, e.ID, gongzhi.Evaluation{})
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.FinalizeEvaluation(ctx, f.purchaser, e.ID, gongzhi.Evaluation{Grade: gongzhi.GradeExcellent})
		purIs(t, err, gongzhi.EINVALID, "grade_note", "required")
		_, err = a.FinalizeEvaluation(ctx, f.purchaser, e.ID, gongzhi.Evaluation{Grade: "superb", GradeNote: "x"})
		purIs(t, err, gongzhi.EINVALID, "grade", "choice")
		// The purchaser has the final say: another grade with a note, which it may change again
		// until publication.
		over, err := a.FinalizeEvaluation(ctx, f.purchaser, e.ID, gongzhi.Evaluation{Grade: gongzhi.GradeExcellent, GradeNote: "社区居民联名肯定，经街道办公会研究上调"})
		f.must(err)
		if over.Grade != gongzhi.GradeExcellent || over.GradeNote == "" || over.Total != over.Result.Total {
			t.Fatalf("overridden grade %+v", over)
		}
		fin, err := a.FinalizeEvaluation(ctx, f.purchaser, e.ID, gongzhi.Evaluation{Strengths: "台账完整，活动按计划开展。", Problems: "满意度抽查样本偏少。"})
		f.must(err)
		e, err = a.Evaluation(ctx, f.purchaser, e.ID)
		f.must(err)
		if fin.Total != e.Result.Total || e.Total != e.Result.Total || e.Grade != e.Scheme.Grade(e.Total) || e.GradeNote != "" || e.State != gongzhi.EvalFinalized {
			t.Fatalf("finalized %s %s, result %s", e.Total, e.Grade, e.Result.Total)
		}
		if e.Total < 7950 || e.Total > 8050 {
			t.Fatalf("total %s", e.Total)
		}
		// Finalized: scoring is over; the provider sees the result without the members.
		_, err = a.SubmitEvalSheet(ctx, expert, e.ID, 0, evalSheet(s, 9000), nil)
		purIs(t, err, gongzhi.ECONFLICT, "state", "state.illegal:finalized")
		pv, err := a.Evaluation(ctx, f.providers[0], e.ID)
		f.must(err)
		if pv.Members != nil || pv.Result == nil || pv.Total != e.Total {
			t.Fatalf("provider's view %+v", pv)
		}
		_, err = a.Evaluation(ctx, f.providers[1], e.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
	})
}

func TestEvaluationGradeFeedsNextCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts, _ := evalContracts(t, db)
		ctx, a := f.ctx, f.a
		// Provider 0's final round: 59.99 — 不合格. Provider 1's: 90.00 — 优秀.
		fail := &gongzhi.Evaluation{ContractID: cts[0].ID, Round: gongzhi.RoundFinal, Members: evalPanel(f)}
		f.must(a.StartEvaluation(ctx, f.purchaser, fail))
		evalScoreAll(f, fail, func(int) gongzhi.Points { return 5999 })
		good := &gongzhi.Evaluation{ContractID: cts[1].ID, Round: gongzhi.RoundFinal, Members: evalPanel(f)}
		f.must(a.StartEvaluation(ctx, f.purchaser, good))
		evalScoreAll(f, good, func(int) gongzhi.Points { return 9000 })

		// Personal data in the text: a phone number, a member's name.
		_, err := a.FinalizeEvaluation(ctx, f.purchaser, fail.ID, gongzhi.Evaluation{Problems: "台账缺失，联系人电话 13912345678。"})
		f.must(err)
		_, err = a.PublishEvaluation(ctx, f.purchaser, fail.ID)
		purIs(t, err, gongzhi.EINVALID, "problems", "personal.phone")
		_, err = a.FinalizeEvaluation(ctx, f.purchaser, fail.ID, gongzhi.Evaluation{Strengths: "居民代表甲认为服务热情。"})
		f.must(err)
		_, err = a.PublishEvaluation(ctx, f.purchaser, fail.ID)
		purIs(t, err, gongzhi.EINVALID, "strengths", "personal.name:居民代表甲")
		fe, err := a.FinalizeEvaluation(ctx, f.purchaser, fail.ID, gongzhi.Evaluation{Problems: "服务台账缺失三个月，财务凭证不全。"})
		f.must(err)
		if fe.Total != 5999 || fe.Grade != gongzhi.GradeFail {
			t.Fatalf("failing round %s %s", fe.Total, fe.Grade)
		}
		_, err = a.PublishEvaluation(ctx, f.hub, fail.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		pub, err := a.PublishEvaluation(ctx, f.purchaser, fail.ID)
		f.must(err)
		want := gongzhi.AddMonths(gongzhi.DateOf(f.clock()), 24)
		if pub.BarredUntil != want || pub.State != gongzhi.EvalPublished {
			t.Fatalf("published %+v, want barred until %s", pub, want)
		}
		_, err = a.PublishEvaluation(ctx, f.purchaser, fail.ID)
		purIs(t, err, gongzhi.ECONFLICT, "state", "state.illegal:published")
		_, err = a.FinalizeEvaluation(ctx, f.purchaser, fail.ID, gongzhi.Evaluation{})
		purIs(t, err, gongzhi.ECONFLICT, "state", "state.illegal:published")
		bars, err := a.Bars(ctx, f.purchaser, f.orgs[0])
		f.must(err)
		if len(bars) != 1 || bars[0].Until != want {
			t.Fatalf("bars %+v", bars)
		}

		_, err = a.FinalizeEvaluation(ctx, f.purchaser, good.ID, gongzhi.Evaluation{Strengths: "服务成效显著，居民满意度高。"})
		f.must(err)
		gp, err := a.PublishEvaluation(ctx, f.purchaser, good.ID)
		f.must(err)
		if gp.Grade != gongzhi.GradeExcellent || gp.Bonus != 300 || gp.BarredUntil != "" {
			t.Fatalf("excellent round %+v", gp)
		}
		// The public sees both, without members.
		pe, err := a.PublicEvaluation(ctx, good.ID)
		f.must(err)
		if pe.Members != nil || pe.Result == nil || len(pe.Result.Dimensions) != 8 || pe.OrgName == "" || pe.CreatedBy != "" {
			t.Fatalf("public view %+v", pe)
		}
		n, err := a.PublicEvaluations(ctx, store.ListOptions{}, func(*gongzhi.Evaluation) error { return nil })
		f.must(err)
		if n != 2 {
			t.Fatalf("public list %d", n)
		}

		// A month later a new call: provider 0 is refused, provider 1 gets 3 points.
		f.advance(30 * 24 * time.Hour)
		c2 := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		ap := purApplication(c2, "项目：再申报", gongzhi.Yuan(50_000))
		f.must(a.CreateApplication(ctx, f.providers[0], ap))
		purIs(t, a.SubmitApplication(ctx, f.providers[0], ap.ID), gongzhi.ECONFLICT, "org_id", "eligibility.barred:"+want)
		apps := []*gongzhi.Application{f.apply(c2, 1, gongzhi.Yuan(50_000)), f.apply(c2, 2, gongzhi.Yuan(50_000))}
		f.closeAndReview(c2, 3, 7)
		f.scoreAll(c2, apps, func(app, member int) gongzhi.Points { return 8000 })
		rs, err := a.RankCall(ctx, f.purchaser, c2.ID)
		f.must(err)
		scores := map[int64]gongzhi.Points{}
		for _, r := range rs {
			scores[r.OrgID] = r.Score
		}
		if scores[f.orgs[1]] != 8300 || scores[f.orgs[2]] != 8000 || rs[0].OrgID != f.orgs[1] {
			t.Fatalf("ranking with bonus %+v", rs)
		}
		hist, err := a.CallHistory(ctx, f.purchaser, c2.ID)
		f.must(err)
		noted := false
		for _, h := range hist {
			if h.Entity == "ranking" && h.Note.Code == "eval_bonus" && len(h.Note.Args) == 3 && h.Note.Args[0] == "葛塘第2社会工作服务中心" &&
				h.Note.Args[1] == "300" && h.Note.Args[2] == strconv.FormatInt(good.ID, 10) {
				noted = true
			}
		}
		if !noted {
			t.Fatalf("no bonus note in %+v", hist)
		}
		// A year and more after publication, the bonus is gone.
		f.advance(400 * 24 * time.Hour)
		b, _, err := db.Q().EvalBonus(ctx, f.orgs[1], f.clock())
		f.must(err)
		if b != 0 {
			t.Fatalf("bonus after a year %s", b)
		}
	})
}

func TestEvaluationMidTermDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts, _ := evalContracts(t, db)
		ctx, a := f.ctx, f.a
		due, err := a.MidTermDue(ctx, f.hub)
		f.must(err)
		if len(due) != 0 {
			t.Fatalf("due at once: %d", len(due))
		}
		mid, _ := gongzhi.ParseDate(evaluation.MidTermDate(cts[0]))
		f.at(mid.Add(24 * time.Hour))
		todos, _, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.eval.mid_due", 2) {
			t.Fatalf("hub's to-dos %+v", todos)
		}
		f.must(a.StartEvaluation(ctx, f.hub, &gongzhi.Evaluation{ContractID: cts[0].ID, Round: gongzhi.RoundMid, Members: evalPanel(f)}))
		todos, att, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.eval.mid_due", 1) || !hasTodo(att, "attention.eval.scoring", 1) {
			t.Fatalf("hub's to-dos %+v attention %+v", todos, att)
		}
	})
}
