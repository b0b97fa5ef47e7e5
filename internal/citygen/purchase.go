// Accounts and five years of purchases: one call a year for the city and for each district,
// each run through the purchase services as the office would run it (budget, call,
// applications, preliminary review, a drawn expert panel, scores, awards, notice, contracts
// confirmed by both parties, payments as their portions fall due), with the services' clock set
// to the day of each step by the demo's driver, demo.Driver (docs/domain.md §3).

package citygen

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
)

var districtKeys = map[string]string{"330902": "dh", "330903": "pt", "330921": "ds", "330922": "ss"}

// account creates a listed demo account with the demo password.
func (c *city) account(ctx context.Context, username, role, display, place string, org int64, scope string) error {
	u := &gongzhi.User{Username: username, Role: role, DisplayName: display, PlaceCode: place, OrgID: org, MustChangePassword: true}
	if _, err := c.a.CreateUser(ctx, c.sys, u, demo.Password); err != nil {
		return fmt.Errorf("account %s: %w", username, err)
	}
	c.res.Accounts = append(c.res.Accounts, demo.Account{Username: username, Role: role, Password: demo.Password,
		DisplayName: display, Scope: scope})
	c.res.Counts.Accounts++
	c.prog.add(1)
	return nil
}

// writeAccounts adds accounts for each role at city, district, street and community level.
func (c *city) writeAccounts(ctx context.Context) error {
	city := "浙江省舟山市"
	for _, x := range []struct{ user, role, name string }{
		{"zs-purchaser", gongzhi.RolePurchaser, "舟山市民政局"},
		{"zs-hub", gongzhi.RoleHub, "舟山市社会组织服务中心"},
		{"zs-auditor", gongzhi.RoleAuditor, "舟山市购买服务监督委员会"},
		{"zs-socialworker", gongzhi.RoleSocialWorker, "舟山市社会工作指导中心"},
	} {
		if err := c.account(ctx, x.user, x.role, x.name, CityCode, 0, city+"（"+CityCode+"）"); err != nil {
			return err
		}
	}
	for _, d := range c.districts {
		k := districtKeys[d.spec.area]
		full := city + d.spec.name
		for _, x := range []struct{ user, role, name string }{
			{"zs-" + k + "-purchaser", gongzhi.RolePurchaser, d.spec.name + "民政局"},
			{"zs-" + k + "-hub", gongzhi.RoleHub, d.spec.name + "社会组织服务中心"},
			{"zs-" + k + "-auditor", gongzhi.RoleAuditor, d.spec.name + "购买服务监督委员会"},
		} {
			if err := c.account(ctx, x.user, x.role, x.name, d.spec.code, 0, full+"（"+d.spec.code+"）"); err != nil {
				return err
			}
		}
		for i, st := range d.streets {
			s := fmt.Sprintf("zs-%s-s%02d", k, i+1)
			sfull := full + st.name
			if err := c.account(ctx, s+"-purchaser", gongzhi.RolePurchaser, st.name+"社会事务办", st.code, 0, sfull+"（"+st.code+"）"); err != nil {
				return err
			}
			if err := c.account(ctx, s+"-hub", gongzhi.RoleHub, st.name+"社会组织服务站", st.code, 0, sfull+"（"+st.code+"）"); err != nil {
				return err
			}
			cm := st.communities[0]
			cfull := sfull + cm.short + "（" + cm.code + "）"
			if err := c.account(ctx, s+"-community", gongzhi.RoleCommunity, cm.short, cm.code, 0, cfull); err != nil {
				return err
			}
			if err := c.account(ctx, s+"-grid", gongzhi.RoleGridWorker, cm.short+"第1网格", cm.code, 0, cfull); err != nil {
				return err
			}
		}
	}
	return nil
}

// contractPlan is a signed contract the ledger is written for.
type contractPlan struct {
	id, org     int64
	provider    string
	place       string
	category    string
	title       string
	groups      []string
	communities []*community
	start, end  time.Time
	amount      gongzhi.Money
}

var projectKinds = []struct {
	category, title string
	groups          []string
}{
	{"elderly_home_care", "高龄独居老人助餐与探访", []string{"elderly_alone", "elderly"}},
	{"elderly_home_care", "居家养老上门服务", []string{"elderly"}},
	{"community_social_work", "困境儿童关爱与课后陪伴", []string{"children", "left_behind_children"}},
	{"community_social_work", "残疾人康复与就业支持", []string{"disabled"}},
	{"community_social_work", "困难群众综合帮扶", []string{"hardship"}},
	{"community_social_work", "新市民融入邻里节", []string{"migrants"}},
	{"community_social_work", "海岛社区青少年成长", []string{"youth"}},
}

// writePurchases runs one call a year for the city and for each district.
func (c *city) writePurchases(ctx context.Context) error {
	saved := c.a.Now
	defer func() { c.a.Now = saved }()
	if err := c.addExperts(ctx); err != nil {
		return err
	}
	this := c.now.In(gongzhi.ChinaTime).Year()
	for y := this - c.opts.Scale.Years + 1; y <= this; y++ {
		places := []string{CityCode}
		for _, d := range c.districts {
			places = append(places, d.spec.code)
		}
		for _, pl := range places {
			if err := c.runCall(ctx, pl, y); err != nil {
				return fmt.Errorf("call %s %d: %w", pl, y, err)
			}
			c.prog.add(1)
		}
	}
	return nil
}

// addExperts registers the city's expert pool.
func (c *city) addExperts(ctx context.Context) error {
	fields := [][]string{{"social_work", "evaluation"}, {"elderly", "health"}, {"children", "education"}, {"finance"}, {"law"}, {"management", "community_governance"}}
	affs := []string{"浙江海洋大学 副教授", "舟山市社会工作协会 高级社会工作师", "舟山市某会计师事务所 注册会计师", "舟山市某律师事务所 律师", "舟山市人民医院 主任医师", "舟山广播电视大学 讲师"}
	for i := range 12 {
		male := c.r.IntN(2) == 0
		p := &gongzhi.Person{Kind: "expert", Name: c.names.Name("", 1965+c.r.IntN(20), male), Gender: gender(male), Phone: c.mobile(),
			PlaceCode: CityCode, ExpertFields: fields[i%len(fields)], Affiliation: affs[i%len(affs)]}
		if err := c.a.CreatePerson(ctx, c.sys, p); err != nil {
			return fmt.Errorf("expert: %w", err)
		}
		c.experts = append(c.experts, p.ID)
	}
	return nil
}

// actor returns an account as an actor, creating a hidden one (random password, not listed)
// when it does not exist: providers' and experts' accounts.
func (c *city) actor(ctx context.Context, username, role, display string, org, person int64, place string) (*gongzhi.Actor, error) {
	u, _, err := c.a.DB.Q().UserByUsername(ctx, username)
	if err != nil && person != 0 {
		// a person has one account: the one it is linked to, if any
		var holder int64
		if holder, _, err = c.a.DB.Q().PersonHolder(ctx, person); err != nil {
			return nil, err
		} else if holder != 0 {
			u, err = c.a.DB.Q().GetUser(ctx, holder)
		} else {
			err = gongzhi.NotFound()
		}
	}
	if err != nil {
		u = &gongzhi.User{Username: username, Role: role, DisplayName: display, OrgID: org, PlaceCode: place}
		if _, err := c.a.CreateUser(ctx, c.sys, u, "Zs-"+rand.Text()); err != nil {
			return nil, fmt.Errorf("account %s: %w", username, err)
		}
		if person != 0 {
			if err := c.a.LinkExpertAccount(ctx, c.sys, u.ID, person); err != nil {
				return nil, err
			}
		}
	}
	ac := &gongzhi.Actor{User: u, Via: "citygen"}
	return ac, c.a.ScopeFor(ctx, ac)
}

func (c *city) runCall(ctx context.Context, place string, year int) error {
	now := c.now
	clock := time.Date(year, 3, 1, 9, 0, 0, 0, gongzhi.ChinaTime)
	if clock.After(now.Add(-150 * 24 * time.Hour)) {
		clock = now.Add(-150 * 24 * time.Hour)
	}
	c.a.Now = func() time.Time { return clock }
	purchaserName, purchaser := "", "zs-purchaser"
	var comms []*community
	var orgs []*gongzhi.Organization
	if place == CityCode {
		purchaserName = "舟山市民政局"
		comms, orgs = c.communities, c.orgs
	} else {
		for _, d := range c.districts {
			if d.spec.code == place {
				purchaserName = d.spec.name + "民政局"
				purchaser = "zs-" + districtKeys[d.spec.area] + "-purchaser"
				for _, st := range d.streets {
					comms = append(comms, st.communities...)
				}
			}
		}
		for _, o := range c.orgs {
			if o.PlaceCode[:6] == place[:6] {
				orgs = append(orgs, o)
			}
		}
	}
	pu, err := c.actor(ctx, purchaser, gongzhi.RolePurchaser, purchaserName, 0, 0, place)
	if err != nil {
		return err
	}
	hubName := "zs-hub"
	if place != CityCode {
		hubName = purchaser[:len(purchaser)-len("purchaser")] + "hub"
	}
	hub, err := c.actor(ctx, hubName, gongzhi.RoleHub, "", 0, 0, place)
	if err != nil {
		return err
	}
	n := min(c.opts.Scale.AppsPerCall, len(orgs))
	if n == 0 {
		return nil
	}
	picked := c.r.Perm(len(orgs))[:n]
	type app struct {
		org    *gongzhi.Organization
		kind   int
		amount gongzhi.Money
		comms  []*community
	}
	var apps []*app
	var bids []demo.Bid
	var total gongzhi.Money
	for _, i := range picked {
		o := orgs[i]
		ap := &app{org: o, kind: c.r.IntN(len(projectKinds)), amount: gongzhi.Yuan(int64(50+c.r.IntN(250)) * 1000)}
		for k := 1 + c.r.IntN(3); k > 0; k-- {
			cm := comms[c.r.IntN(len(comms))]
			if !slices.Contains(ap.comms, cm) {
				ap.comms = append(ap.comms, cm)
			}
		}
		provider, err := c.actor(ctx, fmt.Sprintf("zs-org-%d", o.ID), gongzhi.RoleProvider, o.Name, o.ID, 0, "")
		if err != nil {
			return err
		}
		total += ap.amount
		apps = append(apps, ap)
		bids = append(bids, demo.Bid{Provider: provider})
	}
	for i, ap := range apps {
		pk := projectKinds[ap.kind]
		var codes []string
		for _, cm := range ap.comms {
			codes = append(codes, cm.code)
		}
		staff := ap.amount * 6 / 10
		bids[i].Application = &gongzhi.Application{Title: ap.comms[0].short + pk.title, CategoryCode: pk.category, TargetGroups: pk.groups,
			Communities: codes, Beneficiaries: 30 + c.r.IntN(300), ActivityPlan: "按月开展服务，建立服务对象档案，每月提交服务台账。",
			Requested: ap.amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: ap.amount - staff}},
			Team:     []gongzhi.TeamMember{{Name: "项目负责人", Role: "项目负责人", Qualification: "社会工作师"}},
			Outputs:  []gongzhi.Indicator{{Name: "服务人次", Target: 1000, Unit: "人次"}},
			Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
	}
	level := "district"
	if place == CityCode {
		level = "city"
	}
	d := &demo.Driver{Ctx: ctx, A: c.a, Purchaser: pu, Clock: clock}
	c.a.Now = func() time.Time { return d.Clock } // put back by writePurchases
	signed, err := d.Run(&demo.Purchase{
		Budget: &gongzhi.Budget{PlaceCode: place, FiscalYear: year, Level: level, Fund: "lottery",
			Name: fmt.Sprintf("%s%d年度福彩公益金（社区服务项目）", purchaserName, year), Amount: total + gongzhi.Yuan(100_000)},
		Call: &gongzhi.Call{PlaceCode: place, Kind: "competitive_negotiation", Title: fmt.Sprintf("%s%d年度社区服务项目", purchaserName, year),
			Description: "面向社会组织购买为老、为小、助残、困难群众帮扶等社区服务，服务期一年。",
			Categories:  []string{"elderly_home_care", "community_social_work"}, Amount: total,
			Bands:   []gongzhi.FundingBand{{Name: "服务项目", Min: gongzhi.Yuan(20_000), Max: min(gongzhi.Yuan(300_000), total)}},
			OpensAt: clock, ClosesAt: clock.Add(14 * 24 * time.Hour), ReviewBy: clock.Add(24 * 24 * time.Hour),
			Eligibility: []string{"在民政部门登记的社会组织"}},
		ApplyFrom: 2 * 24 * time.Hour,
		Bids:      bids,
		Reviewer:  hub,
		Seed:      int64(year)*1000 + int64(len(place)),
		Expert: func(m gongzhi.PanelMember) (*gongzhi.Actor, error) {
			return c.actor(ctx, fmt.Sprintf("zs-expert-%d", m.PersonID), gongzhi.RoleExpert, m.Name, 0, m.PersonID, CityCode)
		},
		Total:     func(i, j int) gongzhi.Points { return gongzhi.Points(7800 + 300*((i+j)%4) + 150*(j%3)) },
		Comment:   "方案完整，与社区需求对应。",
		Threshold: gongzhi.Points(6000),
		Party:     purchaserName,
		Until:     now,
	})
	if err != nil {
		return err
	}
	c.res.Counts.Calls++
	for _, sg := range signed {
		ct, ap := sg.Contract, apps[sg.Bid]
		c.res.Counts.Contracts++
		t := ct.Current.Terms
		start, _ := gongzhi.ParseDate(t.StartOn)
		end, _ := gongzhi.ParseDate(t.EndOn)
		pk := projectKinds[ap.kind]
		c.contracts = append(c.contracts, &contractPlan{id: ct.ID, org: ap.org.ID, provider: ap.org.Name, place: place,
			category: pk.category, title: ct.Title, groups: pk.groups, communities: ap.comms, start: start, end: end, amount: ct.Amount})
	}
	return nil
}
