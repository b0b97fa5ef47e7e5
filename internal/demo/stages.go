// The demo street's calls at every stage a visitor may want to try, besides the call open for
// applications (purchase.go) and the call whose projects are in service (delivered.go): a call
// closed and waiting for its preliminary review, a call in expert review whose panel includes
// the demo expert (some scores in, the demo expert's still to give), and a call whose results
// are in public notice with an objection to answer. Each is run as the office would have run it,
// on a clock moved back and put forward step by step, so that every role's next step works in a
// fresh demo (docs/domain.md §3.3–3.7).

package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// Titles of the demo's calls by stage.
const (
	PrelimCallTitle = "葛塘街道社区协商议事能力建设项目（演示，已截止待初审）"
	ReviewCallTitle = "葛塘街道为老助餐服务提升项目（演示，专家评审中）"
	NoticeCallTitle = "葛塘街道青少年成长支持项目（演示，结果公示中）"
)

type stageProject struct {
	org, title, category string
	groups, communities  []string
	yuan                 int64
}

var (
	prelimProjects = []stageProject{
		{"tongxin", "“议事厅”居民协商骨干培育", "community_social_work", []string{"elderly", "migrants"}, []string{ZhongshanCode}, 48_000},
		{"mulin", "楼道自治“微议事”试点", "community_social_work", []string{"migrants"}, []string{"320116004008"}, 36_000},
		{"qiming", "“小小议事员”儿童参与社区议事", "community_social_work", []string{"children"}, []string{"320116004009"}, 30_000},
		{"yixin", "无障碍改造居民协商", "community_social_work", []string{"disabled"}, []string{"320116004007"}, 42_000},
	}
	reviewProjects = []stageProject{
		{"tongxin", "“银龄食堂”助餐点扩面", "elderly_home_care", []string{"elderly_alone", "elderly"}, []string{ZhongshanCode, "320116004005"}, 78_000},
		{"xiyanghong", "夕阳红送餐上门志愿队", "elderly_home_care", []string{"elderly_alone"}, []string{ZhongshanCode}, 28_000},
		{"yixin", "失能老人助餐与康复探访", "elderly_home_care", []string{"disabled", "elderly"}, []string{"320116004007"}, 56_000},
		{"mulin", "农村互助睦邻食堂", "elderly_home_care", []string{"elderly"}, []string{"320116004200"}, 45_000},
	}
	// applications already in for the open call (purchase.go); the demo provider's own is still to write
	openProjects = []stageProject{
		{"xiyanghong", "“守望相助”独居老人结对探访", "elderly_home_care", []string{"elderly_alone"}, []string{ZhongshanCode}, 30_000},
		{"mulin", "“邻里一家亲”新市民融入节", "community_social_work", []string{"migrants"}, []string{"320116004008"}, 40_000},
	}
	noticeProjects = []stageProject{
		{"qiming", "“成长伙伴”青少年课后成长小组", "community_social_work", []string{"youth", "children"}, []string{"320116004008"}, 52_000},
		{"tongxin", "青少年心理健康进社区", "community_social_work", []string{"youth"}, []string{ZhongshanCode}, 46_000},
		{"mulin", "新市民子女暑期融入营", "community_social_work", []string{"children", "migrants"}, []string{"320116004201"}, 38_000},
	}
)

// stageRun drives the demo's calls: the driver, and the demo's organizations whose accounts
// it finds or makes.
type stageRun struct {
	*Driver
	orgIDs map[string]int64
	budget int64
}

func (s *stageRun) actor(username string) (*gongzhi.Actor, error) {
	u, _, err := s.A.DB.Q().UserByUsername(s.Ctx, username)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", username, err)
	}
	ac := &gongzhi.Actor{User: u, Via: "demo"}
	return ac, s.A.ScopeFor(s.Ctx, ac)
}

// account returns the account of an organization or an expert, making a hidden one (random
// password, not listed) where the demo has none.
func (s *stageRun) account(username, role, display string, org, person int64) (*gongzhi.Actor, error) {
	if ac, err := s.actor(username); err == nil {
		return ac, nil
	}
	// a person has one account: an expert already linked (gt-expert) acts with theirs
	if holder, name, err := s.A.DB.Q().PersonHolder(s.Ctx, person); err != nil {
		return nil, err
	} else if person != 0 && holder != 0 {
		return s.actor(name)
	}
	sys := gongzhi.SystemActor("demo")
	u := &gongzhi.User{Username: username, Role: role, DisplayName: display, OrgID: org}
	if role == gongzhi.RoleExpert {
		u.PlaceCode = DistrictCode
	}
	if _, err := s.A.CreateUser(s.Ctx, sys, u, "Demo-"+rand.Text()); err != nil {
		return nil, fmt.Errorf("account %s: %w", username, err)
	}
	if person != 0 {
		if err := s.A.LinkExpertAccount(s.Ctx, sys, u.ID, person); err != nil {
			return nil, err
		}
	}
	return s.actor(username)
}

// provider is the account of the demo organization with key: the demo's provider accounts for
// its two own organizations, a hidden one for the others.
func (s *stageRun) provider(org string) (*gongzhi.Actor, error) {
	switch org {
	case "tongxin":
		return s.actor("gt-provider")
	case "xiyanghong":
		return s.actor("gt-provider2")
	}
	return s.account("gt-org-"+org, gongzhi.RoleProvider, orgSpecName(org), s.orgIDs[org], 0)
}

// expert is the account of a drawn panel member, a hidden one linked to its record.
func (s *stageRun) expert(m gongzhi.PanelMember) (*gongzhi.Actor, error) {
	return s.account(fmt.Sprintf("gt-expert-%d", m.PersonID), gongzhi.RoleExpert, m.Name, 0, m.PersonID)
}

// open writes and opens a call at the clock, taking applications for days.
func (s *stageRun) open(title, kind, text string, categories []string, amount int64, days int) (*gongzhi.Call, error) {
	c := &gongzhi.Call{PlaceCode: StreetCode, Kind: kind, Title: title, Description: text, Categories: categories,
		BudgetID: s.budget, Amount: gongzhi.Yuan(amount),
		Bands:   []gongzhi.FundingBand{{Name: "服务项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: s.Clock, ClosesAt: s.Clock.Add(time.Duration(days) * 24 * time.Hour), ReviewBy: s.Clock.Add(time.Duration(days+20) * 24 * time.Hour),
		Eligibility: []string{"在民政部门登记或备案的社会组织"}}
	return c, s.Open(c)
}

// apply submits the projects' applications to a call, an hour apart.
func (s *stageRun) apply(c *gongzhi.Call, ps []stageProject) ([]int64, error) {
	var bids []Bid
	for _, p := range ps {
		pr, err := s.provider(p.org)
		if err != nil {
			return nil, err
		}
		amount := gongzhi.Yuan(p.yuan)
		staff := amount * 6 / 10
		bids = append(bids, Bid{pr, &gongzhi.Application{Title: p.title, CategoryCode: p.category, TargetGroups: p.groups,
			Communities: p.communities, Beneficiaries: 60,
			ActivityPlan: "按月开展服务，建立服务对象档案，每月提交服务台账，接受街道社服中心月度督导。",
			Requested:    amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: amount - staff}},
			Team:     []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: "社会工作师"}},
			Outputs:  []gongzhi.Indicator{{Name: "服务活动", Target: 24, Unit: "场"}},
			Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}})
	}
	return s.Apply(c, bids)
}

// panel does the preliminary review (all eligible) as the hub, draws the panel with seed,
// makes each active member declare no conflict (with the given actor for the demo expert's
// record) and starts the review a day later. It returns the members' actors in draw order.
func (s *stageRun) panel(c *gongzhi.Call, apps []int64, seed int64, demoExpert *gongzhi.Actor, demoPerson int64) ([]*gongzhi.Actor, error) {
	hub, err := s.actor("gt-hub")
	if err != nil {
		return nil, err
	}
	experts, err := s.Panel(c, apps, hub, seed, func(m gongzhi.PanelMember) (*gongzhi.Actor, error) {
		if m.PersonID == demoPerson && demoExpert != nil {
			return demoExpert, nil
		}
		return s.expert(m)
	})
	s.Step(24 * time.Hour)
	return experts, err
}

// score gives an expert's scores for at most n of the applications they see (n < 0: all).
func (s *stageRun) score(c *gongzhi.Call, ex *gongzhi.Actor, i, n int) error {
	return s.Score(c, ex, i, n, func(i, j int) gongzhi.Points {
		return gongzhi.Points(7600 + 350*((i+j)%4) + 150*(j%3))
	}, "方案与社区需求对应，预算基本合理。")
}

// demoExpertSeed returns the first seed from base whose draw order over the pool puts the demo
// expert's record first, so that the demo expert sits on the panel whatever the applicants.
func demoExpertSeed(pool []int64, person int64, base int64) int64 {
	for s := base; s < base+10_000; s++ {
		if o := gongzhi.DrawOrder(pool, s); len(o) > 0 && o[0] == person {
			return s
		}
	}
	return base
}

// seedStages runs the three calls on a clock moved back from now. pool is every expert of the
// demo; expertPerson the demo expert account's record in it.
func seedStages(ctx context.Context, a *app.App, purchaser *gongzhi.Actor, orgIDs map[string]int64, pool []int64, expertPerson int64, now time.Time) error {
	d, restore := NewDriver(ctx, a, purchaser, now.Add(-45*24*time.Hour))
	defer restore()
	s := &stageRun{Driver: d, orgIDs: orgIDs}

	year := s.Clock.In(gongzhi.ChinaTime).Year()
	b := &gongzhi.Budget{PlaceCode: StreetCode, FiscalYear: year, Level: "street", Fund: "fiscal",
		Name: fmt.Sprintf("葛塘街道%d年度社区服务专项资金", year), Amount: gongzhi.Yuan(1_000_000)}
	if err := s.Budget(b); err != nil {
		return err
	}
	s.budget = b.ID

	// in public notice: opened 45 days ago, reviewed in full, published yesterday, one objection
	c, err := s.open(NoticeCallTitle, "venture_philanthropy", "面向本街道社会组织，征集青少年课后成长、心理健康和新市民子女融入服务。",
		[]string{"community_social_work"}, 150_000, 14)
	if err != nil {
		return err
	}
	s.Step(24 * time.Hour)
	apps, err := s.apply(c, noticeProjects)
	if err != nil {
		return err
	}
	if err := s.Close(c); err != nil {
		return err
	}
	experts, err := s.panel(c, apps, 20261102, nil, 0)
	if err != nil {
		return err
	}
	for i, ex := range experts {
		if err := s.score(c, ex, i, -1); err != nil {
			return err
		}
	}
	s.Clock = now.Add(-26 * time.Hour)
	if err := s.Propose(c, gongzhi.Points(6000)); err != nil {
		return err
	}
	s.Clock = now.Add(-25 * time.Hour)
	if err := s.Publish(c); err != nil {
		return err
	}
	s.Clock = now.Add(-3 * time.Hour)
	obj := &gongzhi.Objection{CallID: c.ID, Name: "刘先生（居民）", Contact: "13951700000",
		Body: "公示的项目中有的服务点离我们小区较远，请说明服务点是如何确定的，是否会在本社区设点。"}
	if err := a.FileObjection(ctx, &gongzhi.Actor{Via: "demo"}, obj); err != nil {
		return fmt.Errorf("objection: %w", err)
	}

	// in expert review: the demo expert on the panel with one score given, the others part-way
	s.Clock = now.Add(-30 * 24 * time.Hour)
	if c, err = s.open(ReviewCallTitle, "competitive_negotiation", "为高龄、独居和失能老人扩大助餐服务覆盖，试点农村互助食堂。",
		[]string{"elderly_home_care"}, 210_000, 21); err != nil {
		return err
	}
	s.Step(24 * time.Hour)
	if apps, err = s.apply(c, reviewProjects); err != nil {
		return err
	}
	if err := s.Close(c); err != nil {
		return err
	}
	demoExpert, err := s.actor("gt-expert")
	if err != nil {
		return err
	}
	if experts, err = s.panel(c, apps, demoExpertSeed(pool, expertPerson, 20261201), demoExpert, expertPerson); err != nil {
		return err
	}
	for i, ex := range experts {
		n := -1 // the first other member has scored everything, the next one application
		switch {
		case ex == demoExpert:
			n = 1
		case i == len(experts)-1:
			n = 1
		}
		if err := s.score(c, ex, i, n); err != nil {
			return err
		}
		s.Step(5 * time.Hour)
	}

	// closed and waiting for the preliminary review: the deadline passed yesterday
	s.Clock = now.Add(-20 * 24 * time.Hour)
	if c, err = s.open(PrelimCallTitle, "venture_philanthropy", "培育居民协商议事骨干，推动楼道、小区和社区三级议事。",
		[]string{"community_social_work"}, 150_000, 19); err != nil {
		return err
	}
	s.Step(2 * 24 * time.Hour)
	if _, err = s.apply(c, prelimProjects); err != nil {
		return err
	}
	return s.Close(c)
}

// orgSpecName is the name of the demo organization with key: an account made for it is named
// as the organization is (a contract's confirmation shows it).
func orgSpecName(key string) string {
	for _, s := range orgSpecs {
		if s.key == key {
			return s.name
		}
	}
	return key
}
