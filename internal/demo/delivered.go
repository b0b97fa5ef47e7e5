// The demo street's projects in service: a call run earlier in the year through review, notice
// and contracts, so that delivery — the ledger, supervision, complaints, evaluation — can be
// tried at once on contracts in force today (docs/domain.md §3.3–4.3).

package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// DeliveredCallTitle is the demo's call whose projects are in service.
const DeliveredCallTitle = "葛塘街道社区服务项目（演示，已签约实施）"

type deliveredProject struct {
	org, title, category string
	groups, communities  []string
	beneficiaries        int
	yuan                 int64
	outputs              []gongzhi.Indicator
	paidMid              bool // the mid-term portion was paid (on time)
}

var deliveredProjects = []deliveredProject{
	{"tongxin", "“银龄食堂”高龄独居老人助餐与探访", "elderly_home_care", []string{"elderly_alone", "elderly"},
		[]string{ZhongshanCode, "320116004005"}, 180, 86_000, []gongzhi.Indicator{
			{Name: "助餐服务", Target: 6000, Unit: "人次"}, {Name: "上门探访", Target: 240, Unit: "次", Measure: gongzhi.MeasureTagPrefix + "上门探访"},
			{Name: "志愿服务时长", Target: 800, Unit: "小时"}}, true},
	{"xiyanghong", "夕阳红邻里守望互助", "elderly_home_care", []string{"elderly_alone"},
		[]string{ZhongshanCode}, 60, 32_000, []gongzhi.Indicator{
			{Name: "结对探访独居老人", Target: 60, Unit: "人"}, {Name: "邻里互助活动", Target: 12, Unit: "场", Measure: gongzhi.MeasureEntries}}, true},
	{"qiming", "“四点半课堂”留守儿童课后陪伴", "community_social_work", []string{"left_behind_children", "children"},
		[]string{"320116004008", "320116004009"}, 90, 68_000, []gongzhi.Indicator{
			{Name: "课后托管服务", Target: 2400, Unit: "人次"}, {Name: "亲子小组", Target: 8, Unit: "节"},
			{Name: "个案跟进", Target: 10, Unit: "个"}}, false},
	{"yixin", "残疾人康复与就业支持", "community_social_work", []string{"disabled"},
		[]string{"320116004007", "320116004200"}, 40, 54_000, []gongzhi.Indicator{
			{Name: "个案管理", Target: 15, Unit: "个"}, {Name: "康复训练小组", Target: 10, Unit: "节"}}, true},
	{"mulin", "新市民融入“邻里节”", "community_social_work", []string{"migrants"},
		[]string{"320116004008", "320116004201"}, 300, 45_000, []gongzhi.Indicator{
			{Name: "社区融入活动", Target: 10, Unit: "场", Measure: gongzhi.MeasureEntries + ":" + gongzhi.ActivityCommunity}, {Name: "活动参与", Target: 1500, Unit: "人次"}}, false},
}

// seedDelivered runs the demo's earlier call as the street would have run it: opened about five
// months before now, reviewed by a drawn panel, published, final after the notice, contracts
// signed and the first portion paid, the mid-term portion paid for most projects. The clock of
// a is moved along the way and put back afterwards.
func seedDelivered(ctx context.Context, a *app.App, purchaser *gongzhi.Actor, orgIDs map[string]int64, now time.Time) (err error) {
	saved := a.Now
	clock := now.Add(-150 * 24 * time.Hour)
	a.Now = func() time.Time { return clock }
	defer func() { a.Now = saved }()
	step := func(d time.Duration) { clock = clock.Add(d) }
	// the demo's accounts, and hidden ones (random password, not listed) for organizations and
	// drawn experts the demo gives none (stageRun.account)
	accounts := &stageRun{ctx: ctx, a: a, orgIDs: orgIDs}
	actor, account := accounts.actor, accounts.account
	hub, err := actor("gt-hub")
	if err != nil {
		return err
	}
	providers := map[string]*gongzhi.Actor{}
	for _, p := range deliveredProjects {
		name := "gt-org-" + p.org
		switch p.org {
		case "tongxin":
			name = "gt-provider"
		case "xiyanghong":
			name = "gt-provider2"
		}
		if providers[p.org], err = account(name, gongzhi.RoleProvider, orgSpecName(p.org), orgIDs[p.org], 0); err != nil {
			return err
		}
	}

	year := clock.In(gongzhi.ChinaTime).Year()
	b := &gongzhi.Budget{PlaceCode: StreetCode, FiscalYear: year, Level: "district", Fund: "lottery",
		Name: fmt.Sprintf("六合区%d年度福彩公益金（葛塘街道社区服务项目）", year), Amount: gongzhi.Yuan(400_000)}
	if err := a.CreateBudget(ctx, purchaser, b); err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	c := &gongzhi.Call{PlaceCode: StreetCode, Kind: "competitive_negotiation", Title: DeliveredCallTitle,
		Description: "面向本街道及外来社会组织，购买为老、为小、助残、新市民融入等社区服务，服务期六个月。",
		Categories:  []string{"elderly_home_care", "community_social_work"}, BudgetID: b.ID, Amount: gongzhi.Yuan(350_000),
		Bands:   []gongzhi.FundingBand{{Name: "服务项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: clock, ClosesAt: clock.Add(14 * 24 * time.Hour), ReviewBy: clock.Add(24 * 24 * time.Hour),
		Eligibility: []string{"在民政部门登记或备案的社会组织"}}
	if err := a.CreateCall(ctx, purchaser, c); err != nil {
		return fmt.Errorf("call: %w", err)
	}
	if err := a.OpenCall(ctx, purchaser, c.ID); err != nil {
		return fmt.Errorf("open call: %w", err)
	}
	step(2 * 24 * time.Hour)
	apps := map[int64]deliveredProject{}
	for _, p := range deliveredProjects {
		amount := gongzhi.Yuan(p.yuan)
		staff := amount * 6 / 10
		ap := &gongzhi.Application{CallID: c.ID, Title: p.title, CategoryCode: p.category, TargetGroups: p.groups,
			Communities: p.communities, Beneficiaries: p.beneficiaries,
			ActivityPlan: "按月开展服务，建立服务对象档案，每月提交服务台账，接受街道社服中心月度督导。",
			Requested:    amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: amount - staff}},
			Team:     []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: "社会工作师"}},
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
		if err := a.PrelimReview(ctx, hub, id, true, ""); err != nil {
			return fmt.Errorf("prelim: %w", err)
		}
	}
	step(24 * time.Hour)
	d, err := a.DrawPanel(ctx, purchaser, c.ID, 3, nil, 20260601)
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
			total := gongzhi.Points(7800 + 300*((i+j)%4) + 150*(j%3))
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
			if _, err := a.SubmitScores(ctx, ex, ap.ID, scores, "方案完整，与社区需求对应。"); err != nil {
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
		ct, err := a.GenerateContract(ctx, purchaser, w.ID, "南京市六合区葛塘街道办事处")
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
		for _, po := range ct.Current.Terms.Portions {
			due, _ := gongzhi.ParseDate(po.DueOn)
			if po.Index > 0 && !(po.Index == 1 && p.paidMid) || due.After(now) {
				continue
			}
			paidOn := due // paid on the day it falls due, except one mid-term portion paid late
			if po.Index == 1 && p.org == "yixin" {
				paidOn = due.AddDate(0, 0, 12)
			}
			if paidOn.After(now) {
				paidOn = now
			}
			pays = append(pays, payment{ct.ID, po.Index, po.Amount, paidOn})
		}
	}
	// payments in date order, each recorded on its day
	slices.SortStableFunc(pays, func(x, y payment) int { return x.on.Compare(y.on) })
	for _, py := range pays {
		if py.on.After(clock) {
			clock = py.on
		}
		if _, err := a.RecordPayment(ctx, purchaser, py.contract, py.portion, py.amount, py.on.In(gongzhi.ChinaTime).Format(time.DateOnly), "按合同约定拨付"); err != nil {
			return fmt.Errorf("payment: %w", err)
		}
	}
	return nil
}
