// The province's own purchases: 江苏省民政厅, a purchaser scoped to the province above the demo
// street, ran a call of its own earlier in the year and signed contracts for services delivered
// in communities of 葛塘 and 长芦, so that its funding report rolls up several levels — its own
// contracts, and the street's below it through the city and the district (docs/domain.md §2,
// issue 11 item 2).

package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// ProvincePurchaser is the demo's province-level purchaser account (江苏省民政厅).
const ProvincePurchaser = "js-purchaser"

// ProvinceCallTitle is the province's call whose contracts are signed.
const ProvinceCallTitle = "江苏省省级福彩公益金社会服务项目（演示，已签约实施）"

var provinceProjects = []deliveredProject{
	{"xinhang", "青少年社会工作服务督导（六合区试点）", "community_social_work", []string{"left_behind_children", "children"},
		[]string{ZhongshanCode, "320116005001"}, 160, 180_000, []gongzhi.Indicator{
			{Name: "个案督导", Target: 40, Unit: "个"}, {Name: "青少年成长小组", Target: 12, Unit: "节"}}, true},
	{"renai", "社会组织负责人与专职人员能力提升培训", "staff_training", []string{"elderly", "disabled"},
		[]string{"320116004005", "320116005201"}, 120, 120_000, []gongzhi.Indicator{
			{Name: "培训学时", Target: 64, Unit: "学时"}, {Name: "参训人员", Target: 120, Unit: "人"}}, true},
}

// seedProvince runs the province's call as 江苏省民政厅 would: opened about seven months
// before now, reviewed by the purchaser itself (preliminary review) and a drawn panel, final
// after the notice, contracts signed by both sides and every portion due so far paid on time. The clock of a is
// moved along the way and put back afterwards.
func seedProvince(ctx context.Context, a *app.App, orgIDs map[string]int64, now time.Time) (err error) {
	saved := a.Now
	clock := now.Add(-210 * 24 * time.Hour)
	a.Now = func() time.Time { return clock }
	defer func() { a.Now = saved }()
	step := func(d time.Duration) { clock = clock.Add(d) }
	sys := gongzhi.SystemActor("demo")
	// the demo's accounts, and hidden ones (random password, not listed) for organizations and
	// drawn experts the demo gives none (stageRun.account)
	accounts := &stageRun{ctx: ctx, a: a, orgIDs: orgIDs}
	actor, account := accounts.actor, accounts.account
	purchaser, err := actor(ProvincePurchaser)
	if err != nil {
		return err
	}
	providers := map[string]*gongzhi.Actor{}
	for _, p := range provinceProjects {
		if providers[p.org], err = account("gt-org-"+p.org, gongzhi.RoleProvider, p.org, orgIDs[p.org], 0); err != nil {
			return err
		}
	}
	year := clock.In(gongzhi.ChinaTime).Year()
	// the level is left to the place: a province's budget is province money
	b := &gongzhi.Budget{PlaceCode: ProvinceCode, FiscalYear: year, Fund: "lottery",
		Name: fmt.Sprintf("江苏省%d年度省级福彩公益金（社会服务项目）", year), Amount: gongzhi.Yuan(600_000)}
	if err := a.CreateBudget(ctx, purchaser, b); err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	c := &gongzhi.Call{PlaceCode: ProvinceCode, Kind: "public_tender", Title: ProvinceCallTitle,
		Description: "省民政厅使用省级福彩公益金，面向全省社会组织购买青少年社会工作督导、社会组织人才培训等服务，在试点街道社区实施。",
		Categories:  []string{"community_social_work", "staff_training"}, BudgetID: b.ID, Amount: gongzhi.Yuan(500_000),
		Bands:   []gongzhi.FundingBand{{Name: "省级项目", Min: gongzhi.Yuan(50_000), Max: gongzhi.Yuan(200_000)}},
		OpensAt: clock, ClosesAt: clock.Add(20 * 24 * time.Hour), ReviewBy: clock.Add(30 * 24 * time.Hour),
		Eligibility: []string{"在全省各级民政部门登记的社会组织", "近两年评估结果不为不合格"}}
	if err := a.CreateCall(ctx, purchaser, c); err != nil {
		return fmt.Errorf("call: %w", err)
	}
	if err := a.OpenCall(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("open call: %w", err)
	}
	step(3 * 24 * time.Hour)
	apps := map[int64]deliveredProject{}
	for _, p := range provinceProjects {
		amount := gongzhi.Yuan(p.yuan)
		staff := amount * 6 / 10
		ap := &gongzhi.Application{CallID: c.ID, Title: p.title, CategoryCode: p.category, TargetGroups: p.groups,
			Communities: p.communities, Beneficiaries: p.beneficiaries,
			ActivityPlan: "按季度在试点社区开展服务，建立服务档案，每月提交服务台账，接受省民政厅和所在街道督导。",
			Requested:    amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: amount - staff}},
			Team:     []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: "高级社会工作师"}},
			Outputs:  p.outputs,
			Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
		if err := a.CreateApplication(ctx, providers[p.org], ap); err != nil {
			return fmt.Errorf("application %s: %w", p.title, err)
		}
		if err := a.SubmitApplication(ctx, providers[p.org], ap.ID); err != nil {
			return fmt.Errorf("submit %s: %w", p.title, err)
		}
		apps[ap.ID] = p
		step(time.Hour)
	}
	clock = c.ClosesAt.Add(time.Hour)
	if err := a.CloseCall(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	for id := range apps {
		if err := a.PrelimReview(ctx, purchaser, id, true, ""); err != nil {
			return fmt.Errorf("prelim: %w", err)
		}
	}
	step(24 * time.Hour)
	d, err := a.DrawPanel(ctx, purchaser, c.ID, 3, nil, 20260415)
	if err != nil {
		return fmt.Errorf("panel: %w", err)
	}
	var experts []*gongzhi.Actor
	for _, m := range d.Members {
		if !m.Active() {
			continue
		}
		ex, err := account(fmt.Sprintf("gt-expert-%d", m.PersonID), gongzhi.RoleExpert, m.Name, 0, m.PersonID)
		if err != nil {
			return err
		}
		if err := a.DeclareNoConflict(ctx, ex, c.ID); err != nil {
			return fmt.Errorf("declare: %w", err)
		}
		experts = append(experts, ex)
	}
	if err := a.StartReview(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("start review: %w", err)
	}
	step(2 * 24 * time.Hour)
	for i, ex := range experts {
		visible, err := a.ReviewApplications(ctx, ex, c.ID)
		if err != nil {
			return err
		}
		for j, ap := range visible {
			total := gongzhi.Points(8100 + 250*((i+j)%3))
			scores := make([]gongzhi.Points, len(c.Criteria))
			var given gongzhi.Points
			for k, cr := range c.Criteria {
				if k == len(c.Criteria)-1 {
					scores[k] = total - given
					break
				}
				scores[k] = total * gongzhi.Points(cr.Weight) / 100
				given += scores[k]
			}
			if _, err := a.SubmitScores(ctx, ex, ap.ID, scores, "方案规范，覆盖试点社区需求。"); err != nil {
				return fmt.Errorf("scores: %w", err)
			}
		}
	}
	step(24 * time.Hour)
	if _, err := a.RankCall(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("rank: %w", err)
	}
	if _, err := a.ProposeAwards(ctx, purchaser, c.ID, gongzhi.Points(6000)); err != nil {
		return fmt.Errorf("propose: %w", err)
	}
	if err := a.PublishAwards(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if c, err = a.Call(ctx, purchaser, c.ID); err != nil {
		return err
	}
	clock = c.NoticeEndsAt.Add(time.Hour)
	if err := a.FinalizeCall(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	awards, err := a.Awards(ctx, purchaser, c.ID)
	if err != nil {
		return err
	}
	step(24 * time.Hour)
	type payment struct {
		contract int64
		portion  int
		amount   gongzhi.Money
		on       time.Time
	}
	var pays []payment
	for _, w := range awards {
		p, ok := apps[w.ApplicationID]
		if !ok {
			continue
		}
		ct, err := a.GenerateContract(ctx, purchaser, w.ID, "江苏省民政厅")
		if err != nil {
			return fmt.Errorf("contract: %w", err)
		}
		if err := a.ConfirmContract(ctx, purchaser, ct.ID); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		if err := a.ConfirmContract(ctx, providers[p.org], ct.ID); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		if ct, err = a.Contract(ctx, purchaser, ct.ID); err != nil {
			return err
		}
		// every portion due by now, paid on the day it falls due
		for _, po := range ct.Current.Terms.Portions {
			if due, _ := gongzhi.ParseDate(po.DueOn); !due.After(now) {
				pays = append(pays, payment{ct.ID, po.Index, po.Amount, due})
			}
		}
	}
	slices.SortStableFunc(pays, func(x, y payment) int { return x.on.Compare(y.on) })
	for _, py := range pays {
		if py.on.After(clock) {
			clock = py.on
		}
		if _, err := a.RecordPayment(ctx, purchaser, py.contract, py.portion, py.amount, py.on.In(gongzhi.ChinaTime).Format(time.DateOnly), "按合同约定拨付"); err != nil {
			return fmt.Errorf("payment: %w", err)
		}
	}
	// this month's inspections of the province's contracts, as the scheduled job made them at its
	// last run (the street's are made month by month by its hub in seedDelivery)
	clock = now
	if _, err := a.EnsureInspections(ctx, sys, gongzhi.MonthOf(now.In(gongzhi.ChinaTime))); err != nil {
		return fmt.Errorf("inspections: %w", err)
	}
	return nil
}
