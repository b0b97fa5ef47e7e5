// The province's own purchases: 江苏省民政厅, a purchaser scoped to the province above the demo
// street, ran a call of its own earlier in the year and signed contracts for services delivered
// in communities of 葛塘 and 长芦, so that its funding report rolls up several levels — its own
// contracts, and the street's below it through the city and the district (docs/domain.md §2,
// issue 11 item 2).

package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
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
			{Name: "培训课程", Target: 16, Unit: "期"}, {Name: "参训人次", Target: 480, Unit: "人次"}}, true},
}

// seedProvince runs the province's call as 江苏省民政厅 would: opened about seven months
// before now, reviewed by the purchaser itself (preliminary review) and a drawn panel, final
// after the notice, contracts signed by both sides and every portion due so far paid on time;
// then the providers record the months of service since in their ledgers, so that the
// province's contracts show their progress. The clock of a is moved along the way and put back
// afterwards.
func seedProvince(ctx context.Context, a *app.App, p *plan, orgIDs map[string]int64, now time.Time, seed int64) error {
	d, restore := NewDriver(ctx, a, nil, now.Add(-210*24*time.Hour))
	defer restore()
	// the demo's accounts, and hidden ones (random password, not listed) for organizations and
	// drawn experts the demo gives none (stageRun.account)
	s := &stageRun{Driver: d, orgIDs: orgIDs}
	purchaser, err := s.actor(ProvincePurchaser)
	if err != nil {
		return err
	}
	d.Purchaser = purchaser
	var bids []Bid
	for _, p := range provinceProjects {
		pr, err := s.provider(p.org)
		if err != nil {
			return err
		}
		bids = append(bids, Bid{pr, projectApplication(p, "按季度在试点社区开展服务，建立服务档案，每月提交服务台账，接受省民政厅和所在街道督导。", "高级社会工作师")})
	}
	year := d.Clock.In(gongzhi.ChinaTime).Year()
	signed, err := d.Run(&Purchase{
		// the level is left to the place: a province's budget is province money
		Budget: &gongzhi.Budget{PlaceCode: ProvinceCode, FiscalYear: year, Fund: "lottery",
			Name: fmt.Sprintf("江苏省%d年度省级福彩公益金（社会服务项目）", year), Amount: gongzhi.Yuan(600_000)},
		Call: &gongzhi.Call{PlaceCode: ProvinceCode, Kind: "public_tender", Title: ProvinceCallTitle,
			Description: "省民政厅使用省级福彩公益金，面向全省社会组织购买青少年社会工作督导、社会组织人才培训等服务，在试点街道社区实施。",
			Categories:  []string{"community_social_work", "staff_training"}, Amount: gongzhi.Yuan(500_000),
			Bands:   []gongzhi.FundingBand{{Name: "省级项目", Min: gongzhi.Yuan(50_000), Max: gongzhi.Yuan(200_000)}},
			OpensAt: d.Clock, ClosesAt: d.Clock.Add(20 * 24 * time.Hour), ReviewBy: d.Clock.Add(30 * 24 * time.Hour),
			Eligibility: []string{"在全省各级民政部门登记的社会组织", "近两年评估结果不为不合格"}},
		ApplyFrom: 3 * 24 * time.Hour,
		Bids:      bids,
		Reviewer:  purchaser, // the province does its preliminary review itself
		Seed:      20260415,
		Expert:    s.expert,
		Total:     func(i, j int) gongzhi.Points { return gongzhi.Points(8100 + 250*((i+j)%3)) },
		Comment:   "方案规范，覆盖试点社区需求。",
		Threshold: gongzhi.Points(6000),
		Party:     "江苏省民政厅",
		Until:     now,
	})
	if err != nil {
		return err
	}
	// the months of service since, each entry recorded by its provider on the day
	dl, err := newDelivery(ctx, a, p, orgIDs, now, rand.New(rand.NewPCG(uint64(seed), 20260415)))
	if err != nil {
		return err
	}
	dl.hub = purchaser // the province runs its own satisfaction survey
	for _, sg := range signed {
		dl.providers[sg.Contract.OrgID] = bids[sg.Bid].Provider
		dl.ledger(sg.Contract)
		// the youth project's participants are residents, sampled by telephone; the training's
		// are the organizations' staff, whom no resident sample reaches
		if provinceProjects[sg.Bid].org == "xinhang" {
			dl.survey(sg.Contract, 1500, 20261015, 2*time.Hour)
		}
	}
	if err := dl.run(func(t time.Time) { d.Clock = t }); err != nil {
		return err
	}
	// this month's inspections of the province's contracts, as the scheduled job made them at its
	// last run (the street's are made month by month by its hub in seedDelivery)
	d.Clock = now
	if _, err := a.EnsureInspections(ctx, gongzhi.SystemActor("demo"), gongzhi.MonthOf(now.In(gongzhi.ChinaTime))); err != nil {
		return fmt.Errorf("inspections: %w", err)
	}
	return nil
}
