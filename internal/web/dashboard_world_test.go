package web_test

// A call taken from opening to signed contracts in one go, for the dashboard tests and the
// dashboard benchmark: the applications given, all passed, a panel of five drawn and every
// member scoring, the awards proposed, published and made final, each contract generated and
// confirmed by both sides. It works on any testing.TB so that the benchmark can use it.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/store"
)

type dashWorld struct {
	tb       testing.TB
	ctx      context.Context
	a        *app.App
	at       func(time.Time)
	sys      *gongzhi.Actor
	pur, hub *gongzhi.Actor
	expert   func(person int64) *gongzhi.Actor
	provider func(org int64) *gongzhi.Actor
}

func (w *dashWorld) must(err error) {
	w.tb.Helper()
	if err != nil {
		w.tb.Fatal(err)
	}
}

// dashApp is one application of a call: who applies, for what, where and for whom.
type dashApp struct {
	org      int64
	title    string
	category string
	groups   []string
	comms    []string
	yuan     int64
}

// fund opens a call on budget for the applications, takes it through review and notice and
// signs every contract; the clock ends just after the signatures.
func (w *dashWorld) fund(budget *gongzhi.Budget, title string, apps []dashApp) []*gongzhi.Contract {
	w.tb.Helper()
	a, ctx := w.a, w.ctx
	now := a.Now()
	var total int64
	for _, ap := range apps {
		total += ap.yuan
	}
	c := &gongzhi.Call{PlaceCode: budget.PlaceCode, Kind: "venture_philanthropy", Title: title, Categories: []string{"elderly_home_care", "community_social_work"},
		BudgetID: budget.ID, Amount: gongzhi.Yuan(total), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(100_000)}},
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(72 * time.Hour), Eligibility: []string{"在民政部门登记的社会组织"}}
	w.must(a.CreateCall(ctx, w.pur, c))
	w.must(a.OpenCall(ctx, w.pur, c.ID))
	for _, ap := range apps {
		staff := gongzhi.Yuan(ap.yuan * 6 / 10)
		x := &gongzhi.Application{CallID: c.ID, Title: ap.title, CategoryCode: ap.category, TargetGroups: ap.groups, Communities: ap.comms,
			Beneficiaries: 100, Summary: "社区服务项目", ActivityPlan: "每周开展活动，每月入户探访。", Requested: gongzhi.Yuan(ap.yuan),
			BudgetLines: []gongzhi.BudgetLine{{Item: "人员经费", Amount: staff}, {Item: "活动经费", Amount: gongzhi.Yuan(ap.yuan) - staff}},
			Team:        []gongzhi.TeamMember{{Name: "项目负责人甲", Role: "项目负责人", Qualification: "社会工作师"}},
			Outputs:     []gongzhi.Indicator{{Name: "服务人次", Target: 1200, Unit: "人次"}, {Name: "小组活动", Target: 24, Unit: "次"}},
			Outcomes:    []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
		prov := w.provider(ap.org)
		w.must(a.CreateApplication(ctx, prov, x))
		w.must(a.SubmitApplication(ctx, prov, x.ID))
	}
	w.at(c.ClosesAt.Add(time.Hour))
	w.must(a.CloseCall(ctx, w.pur, c.ID))
	var ids []int64
	_, err := a.Applications(ctx, w.hub, store.ListOptions{Filters: map[string]string{"call": fmtID(c.ID), "state": gongzhi.AppSubmitted}},
		func(ap *gongzhi.Application) error { ids = append(ids, ap.ID); return nil })
	w.must(err)
	for _, id := range ids {
		w.must(a.PrelimReview(ctx, w.hub, id, true, ""))
	}
	d, err := a.DrawPanel(ctx, w.pur, c.ID, 5, nil, 7)
	w.must(err)
	for _, m := range d.Members {
		if m.Active() {
			w.must(a.DeclareNoConflict(ctx, w.expert(m.PersonID), c.ID))
		}
	}
	w.must(a.StartReview(ctx, w.pur, c.ID))
	c, err = a.Call(ctx, w.pur, c.ID)
	w.must(err)
	for _, m := range d.Members {
		if !m.Active() {
			continue
		}
		ex := w.expert(m.PersonID)
		visible, err := a.ReviewApplications(ctx, ex, c.ID)
		w.must(err)
		for i, ap := range visible {
			total := gongzhi.Points(8000 - 10*(i%20))
			var pts []gongzhi.Points
			var given gongzhi.Points
			for j, cr := range c.Criteria {
				p := total * gongzhi.Points(cr.Weight) / 100
				if j == len(c.Criteria)-1 {
					p = total - given
				}
				pts = append(pts, p)
				given += p
			}
			if _, err := a.SubmitScores(ctx, ex, ap.ID, pts, "方案可行"); err != nil && gongzhi.AsError(err).Fields["application_id"] != "review.already_scored" {
				w.tb.Fatal(err)
			}
		}
	}
	_, err = a.RankCall(ctx, w.pur, c.ID)
	w.must(err)
	_, err = a.ProposeAwards(ctx, w.pur, c.ID, 0)
	w.must(err)
	w.must(a.PublishAwards(ctx, w.pur, c.ID))
	c, err = a.Call(ctx, w.pur, c.ID)
	w.must(err)
	w.at(c.NoticeEndsAt.Add(time.Minute))
	w.must(a.FinalizeCall(ctx, w.pur, c.ID))
	awards, err := a.Awards(ctx, w.pur, c.ID)
	w.must(err)
	if len(awards) != len(apps) {
		w.tb.Fatalf("%d awards for %d applications", len(awards), len(apps))
	}
	var out []*gongzhi.Contract
	for _, aw := range awards {
		ct, err := a.GenerateContract(ctx, w.pur, aw.ID, "葛塘街道办事处")
		w.must(err)
		w.must(a.ConfirmContract(ctx, w.pur, ct.ID))
		w.must(a.ConfirmContract(ctx, w.provider(aw.OrgID), ct.ID))
		ct, err = a.Contract(ctx, w.pur, ct.ID)
		w.must(err)
		out = append(out, ct)
	}
	return out
}

// pay records a payment of a contract's portion in full on the day the clock shows.
func (w *dashWorld) pay(ct *gongzhi.Contract, portion int) gongzhi.Money {
	w.tb.Helper()
	amount := ct.Current.Terms.Portions[portion].Amount
	_, err := w.a.RecordPayment(w.ctx, w.pur, ct.ID, portion, amount, gongzhi.DateOf(w.a.Now()), fmt.Sprintf("第%d笔拨付", portion+1))
	w.must(err)
	return amount
}
