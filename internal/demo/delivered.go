// The demo street's projects in service: a call run earlier in the year through review, notice
// and contracts, so that delivery — the ledger, supervision, complaints, evaluation — can be
// tried at once on contracts in force today (docs/domain.md §3.3–4.3).

package demo

import (
	"context"
	"fmt"
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
func seedDelivered(ctx context.Context, a *app.App, purchaser *gongzhi.Actor, orgIDs map[string]int64, now time.Time) error {
	d, restore := NewDriver(ctx, a, purchaser, now.Add(-150*24*time.Hour))
	defer restore()
	// the demo's accounts, and hidden ones (random password, not listed) for organizations and
	// drawn experts the demo gives none (stageRun.account)
	s := &stageRun{Driver: d, orgIDs: orgIDs}
	hub, err := s.actor("gt-hub")
	if err != nil {
		return err
	}
	var bids []Bid
	for _, p := range deliveredProjects {
		pr, err := s.provider(p.org)
		if err != nil {
			return err
		}
		bids = append(bids, Bid{pr, projectApplication(p, "按月开展服务，建立服务对象档案，每月提交服务台账，接受街道社服中心月度督导。", "社会工作师")})
	}
	year := d.Clock.In(gongzhi.ChinaTime).Year()
	_, err = d.Run(&Purchase{
		Budget: &gongzhi.Budget{PlaceCode: StreetCode, FiscalYear: year, Level: "district", Fund: "lottery",
			Name: fmt.Sprintf("六合区%d年度福彩公益金（葛塘街道社区服务项目）", year), Amount: gongzhi.Yuan(400_000)},
		Call: &gongzhi.Call{PlaceCode: StreetCode, Kind: "competitive_negotiation", Title: DeliveredCallTitle,
			Description: "面向本街道及外来社会组织，购买为老、为小、助残、新市民融入等社区服务，服务期六个月。",
			Categories:  []string{"elderly_home_care", "community_social_work"}, Amount: gongzhi.Yuan(350_000),
			Bands:   []gongzhi.FundingBand{{Name: "服务项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
			OpensAt: d.Clock, ClosesAt: d.Clock.Add(14 * 24 * time.Hour), ReviewBy: d.Clock.Add(24 * 24 * time.Hour),
			Eligibility: []string{"在民政部门登记或备案的社会组织"}},
		ApplyFrom: 2 * 24 * time.Hour,
		Bids:      bids,
		Reviewer:  hub,
		Seed:      20260601,
		Expert:    s.expert,
		Total: func(i, j int) gongzhi.Points {
			return gongzhi.Points(7800 + 300*((i+j)%4) + 150*(j%3))
		},
		Comment:   "方案完整，与社区需求对应。",
		Threshold: gongzhi.Points(6000),
		Party:     "南京市六合区葛塘街道办事处",
		Until:     now,
		// the first portion paid on its day, the mid-term one for most projects, one of them late
		Paid: func(bid int, po gongzhi.Portion, due time.Time) (time.Time, bool) {
			p := deliveredProjects[bid]
			if po.Index > 0 && !(po.Index == 1 && p.paidMid) || due.After(now) {
				return due, false
			}
			if po.Index == 1 && p.org == "yixin" {
				due = due.AddDate(0, 0, 12)
			}
			if due.After(now) {
				due = now
			}
			return due, true
		},
	})
	return err
}

// projectApplication is the application of a project in service, with the activity plan and
// the project lead's qualification its call asks for.
func projectApplication(p deliveredProject, plan, lead string) *gongzhi.Application {
	amount := gongzhi.Yuan(p.yuan)
	staff := amount * 6 / 10
	return &gongzhi.Application{Title: p.title, CategoryCode: p.category, TargetGroups: p.groups,
		Communities: p.communities, Beneficiaries: p.beneficiaries, ActivityPlan: plan,
		Requested: amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: amount - staff}},
		Team:     []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: lead}},
		Outputs:  p.outputs,
		Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
}
